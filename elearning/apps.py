from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ElearningConfig(AppConfig):
    name = "elearning"
    verbose_name = "Parcours et comptes"

    def ready(self):
        from elearning import checks  # noqa: F401  (registers the deploy checks)
        from elearning.editors import sync_editors_group

        post_migrate.connect(sync_editors_group, dispatch_uid="elearning.sync_editors_group")

        # Any change to course content drops this process's copy of the course structure.
        from django.db.models.signals import post_delete, post_save

        from elearning.progress import content_changed

        post_save.connect(content_changed, dispatch_uid="structure-save")
        post_delete.connect(content_changed, dispatch_uid="structure-delete")
