"""django-simple-history, in French: the versions kept for lessons, contacts, questions and
options carry French names wherever the admin (or an error message) shows them. Without it
the admin says « historical leçon », « history user », « Created »."""
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

FIELD_LABELS = {
    "history_id": "n° de version",
    "history_date": "date de la version",
    "history_change_reason": "motif",
    "history_type": "type de changement",
    "history_user": "modifié par",
}
CHANGE_TYPES = [("+", "Création"), ("~", "Modification"), ("-", "Suppression")]


def _version_str(record) -> str:
    return f"{record.history_object} (version du {timezone.localtime(record.history_date):%d/%m/%Y %H:%M})"


class VersionHistory(HistoricalRecords):
    """`HistoricalRecords` whose version model and fields are named in French."""

    def get_extra_fields(self, model, fields):
        extra = super().get_extra_fields(model, fields)
        for name, label in FIELD_LABELS.items():
            field = extra.get(name)
            if isinstance(field, models.Field):
                field.verbose_name = label
        extra["history_type"].choices = CHANGE_TYPES
        extra["__str__"] = _version_str
        return extra

    def get_meta_options(self, model):
        meta = super().get_meta_options(model)
        if not self.user_set_verbose_name:
            meta["verbose_name"] = f"version ({model._meta.verbose_name})"
        if not self.user_set_verbose_name_plural:
            meta["verbose_name_plural"] = f"versions ({model._meta.verbose_name_plural})"
        return meta
