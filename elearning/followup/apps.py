from django.apps import AppConfig


class FollowupConfig(AppConfig):
    """After the course and around it: invitations, group deadlines, reminders by e-mail."""

    name = "elearning.followup"
    label = "followup"
    verbose_name = "Invitations, échéances et rappels"

    def ready(self):
        # The day the course is first complete starts the +30 / +90 day follow-up checks:
        # recorded in the transaction of the lesson or the quiz result that completes it.
        from django.db.models.signals import post_save

        from elearning.models import LessonCompletion
        from elearning.progress.followup import record_completion
        from quizzes.models import QuizResult

        def completed(sender, instance, **kwargs):
            # Only what can complete the course: a lesson done, or a passed quiz of a module.
            if instance.user_id and (sender is LessonCompletion or (instance.passed and instance.quiz.module_id)):
                record_completion(instance.user)

        post_save.connect(completed, sender=LessonCompletion, dispatch_uid="followup-lesson", weak=False)
        post_save.connect(completed, sender=QuizResult, dispatch_uid="followup-result", weak=False)
