from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "elearning.training"
    label = "training"
    verbose_name = "Espace formateur·rice"
