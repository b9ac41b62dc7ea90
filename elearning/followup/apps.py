from django.apps import AppConfig


class FollowupConfig(AppConfig):
    """After the course and around it: invitations, group deadlines, reminders by e-mail."""

    name = "elearning.followup"
    label = "followup"
    verbose_name = "Invitations, échéances et rappels"
