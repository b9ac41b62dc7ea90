from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ElearningConfig(AppConfig):
    name = "elearning"
    verbose_name = "Parcours et comptes"

    def ready(self):
        from elearning.editors import sync_editors_group

        post_migrate.connect(sync_editors_group, dispatch_uid="elearning.sync_editors_group")
