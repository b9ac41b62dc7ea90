from django.apps import AppConfig


class FollowupConfig(AppConfig):
    """After the course and around it: invitations, group deadlines, reminders by e-mail."""

    name = "elearning.followup"
    label = "followup"
    verbose_name = "Invitations, échéances et rappels"
    # The day the course is first complete (the +30 / +90 day checks count from it) is recorded
    # by the progress rows' write path (elearning/progress/rows.py).
