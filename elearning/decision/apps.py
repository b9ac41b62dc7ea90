from django.apps import AppConfig


class DecisionConfig(AppConfig):
    """« Que faire ? » — the public decision aid for a professional who is worried."""

    name = "elearning.decision"
    label = "decision"
    verbose_name = "Aide à la décision « Que faire ? »"
