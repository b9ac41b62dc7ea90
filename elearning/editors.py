"""The content editors' group: it may change the course, the quizzes and the directory,
never learner data.

Its permissions are code, not data: `sync_editors_group` runs after every `migrate`
(post_migrate, after Django has created the permissions), so production gets the group
without the demo data, and a new question type is included as soon as it is migrated.
"""
from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.db import DEFAULT_DB_ALIAS

from elearning.models import EDITORS_GROUP

CONTENT_MODELS = {
    "elearning": ["course", "module", "lesson", "contact"],
    # A case's scenes, endings and choices are edited with the case (issue 18).
    "quizzes": ["quiz", "question", "option", "casescene", "caseending", "casechoice"],
    "decision": ["outcome", "step", "choice"],
}


def content_model_names() -> dict[str, list[str]]:
    """The content models, every question type included."""
    # Looked up by app label, as Django's permissions are: the core data sits below `quizzes`
    # and does not import it.
    Question = apps.get_model("quizzes", "Question")
    question_types = [model._meta.model_name for model in Question.__subclasses__()]
    return {**CONTENT_MODELS, "quizzes": CONTENT_MODELS["quizzes"] + question_types}


def ensure_editors_group(using: str = DEFAULT_DB_ALIAS) -> Group:
    """Create the group if needed and give it exactly the content permissions."""
    group, _ = Group.objects.using(using).get_or_create(name=EDITORS_GROUP)
    names = content_model_names()
    perms = Permission.objects.using(using).filter(
        content_type__app_label__in=names,
        content_type__model__in=[model for models in names.values() for model in models],
    )
    group.permissions.set(perms)
    return group


def sync_editors_group(sender, using=DEFAULT_DB_ALIAS, **kwargs):
    """post_migrate receiver. Django sends the signal once per app; the content apps'
    permissions exist once their own signal has been handled, so wait for them."""
    if sender.label not in CONTENT_MODELS:
        return
    ensure_editors_group(using=using)
