from django.apps import AppConfig


class LiveConfig(AppConfig):
    """Live sessions: a trainer runs a quiz with the group in the room, phones vote."""

    name = "elearning.live"
    label = "live"
    verbose_name = "Sessions en direct"
