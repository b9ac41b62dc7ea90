from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ElearningConfig(AppConfig):
    name = "elearning"
    verbose_name = "Parcours et comptes"

    def ready(self):
        # Inside ready(), the Django way: `editors` imports the models, which cannot load
        # before the app registry is ready. (The course-structure cache connects its own
        # receivers in elearning/progress/completion.py.)
        from elearning.editors import sync_editors_group

        post_migrate.connect(sync_editors_group, dispatch_uid="elearning.sync_editors_group")
