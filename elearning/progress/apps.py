from django.apps import AppConfig


class ProgressConfig(AppConfig):
    name = "elearning.progress"
    label = "progress"
    verbose_name = "Progression"

    def ready(self):
        # The receivers that keep the progress rows in step with the events that the lower
        # layers write (an attempt, an enrolment, a deleted account): connected at start-up,
        # so no process can record an event without its row.
        from elearning.progress import rows  # noqa: F401
