from django.apps import AppConfig


class LtiConfig(AppConfig):
    """Repères as an LTI 1.3 tool (Moodle / M@gistère, Open edX), on top of django-lti."""

    name = "elearning.lti"
    label = "lti"
    verbose_name = "Intégration LTI (Moodle, M@gistère, Open edX)"

    def ready(self):
        # A quiz attempt or a completed course queues a grade for the platform, in the
        # attempt's own transaction (see elearning.lti.grades).
        from django.db.models.signals import post_save

        from elearning.lti.grades import queue_course_grade, queue_grade_for_attempt
        from elearning.models import LessonCompletion
        from quizzes.models import Attempt

        post_save.connect(queue_grade_for_attempt, sender=Attempt, dispatch_uid="lti-queue-grade")
        post_save.connect(queue_course_grade, sender=LessonCompletion, dispatch_uid="lti-queue-course-grade")
