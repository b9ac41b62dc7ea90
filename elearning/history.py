"""Content history shared by the admin, the drafts and `load_course`: every change to a
lesson, question, option or contact becomes a version with who made it and why."""
from datetime import timedelta

from django.utils import timezone

INITIAL_VERSION_REASON = "Version d'origine (avant la première modification dans l'administration)"


def has_history(model) -> bool:
    return hasattr(model, "history")


def keep_initial_version(obj, *, date=None) -> bool:
    """Record the current database state of `obj` as its first version if it has none
    (content loaded before history was written has none). Returns True when one was written."""
    model = type(obj)
    if model.history.filter(id=obj.pk).exists():
        return False
    current = model._default_manager.get(pk=obj.pk)
    current._history_user = None  # nobody changed it in the admin: it came from the fixtures
    model.history.bulk_history_create(
        [current],
        default_change_reason=INITIAL_VERSION_REASON,
        default_date=date or timezone.now() - timedelta(seconds=1),
    )
    return True


def record_version(obj, *, reason: str, created: bool, user=None) -> None:
    """Write the current database state of `obj` as a new version, as an admin save would
    (used where rows are written without the ORM's signals, e.g. raw fixture saves)."""
    model = type(obj)
    current = model._default_manager.get(pk=obj.pk)
    model.history.bulk_history_create(
        [current], update=not created, default_user=user, default_change_reason=reason,
    )
