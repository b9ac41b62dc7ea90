"""Drafts of published content: an edit to a published lesson, quiz or question is kept in a
`ContentDraft` row; learners read the published row until an editor publishes the draft.

One write path each: `save_draft` (keep the pending values), `publish` (write them to the
published row, recorded in the history as « Publié », and drop the draft). Reading a draft
(`with_draft`) only changes an object in memory, for the admin form and the preview."""
from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from elearning.models import ContentDraft, Status

PUBLISHED_REASON = "Publié"
# Never part of a draft: the key, and what the database writes itself.
SKIPPED = {"id", "updated_at", "polymorphic_ctype"}


def draftable_fields(obj):
    return [
        field for field in obj._meta.concrete_fields
        if not field.primary_key and field.name not in SKIPPED and not field.auto_created
    ]


def is_live(obj) -> bool:
    """Learners may read this row as it stands in the database."""
    return bool(obj.pk) and getattr(obj, "_published_status", obj.status) == Status.PUBLISHED


def draft_for(obj) -> ContentDraft | None:
    content_type = ContentType.objects.get_for_model(obj, for_concrete_model=False)
    return ContentDraft.objects.filter(content_type=content_type, object_id=obj.pk).first()


def with_draft(obj, draft: ContentDraft | None = None):
    """`obj` with its pending values applied, in memory only; `obj._draft` is the draft."""
    obj._published_status = obj.status
    draft = draft if draft is not None else draft_for(obj)
    obj._draft = draft
    if draft is None:
        return obj
    for field in draftable_fields(obj):
        if field.attname in draft.data:
            setattr(obj, field.attname, field.to_python(draft.data[field.attname]))
    return obj


def save_draft(*, obj, user, extra: dict | None = None) -> ContentDraft:
    """Keep `obj`'s in-memory values as its draft (replacing any earlier one)."""
    data = {field.attname: field.value_from_object(obj) for field in draftable_fields(obj)}
    data.update(extra or {})
    content_type = ContentType.objects.get_for_model(obj, for_concrete_model=False)
    with transaction.atomic():
        draft, _ = ContentDraft.objects.update_or_create(
            content_type=content_type, object_id=obj.pk, defaults={"data": data, "author": user},
        )
    obj._draft = draft
    return draft


def discard(obj) -> None:
    content_type = ContentType.objects.get_for_model(obj, for_concrete_model=False)
    ContentDraft.objects.filter(content_type=content_type, object_id=obj.pk).delete()


def prepare_publication(obj, *, user) -> None:
    """Mark `obj` (holding the values to publish) so that its next save is recorded as a
    publication; a draft-status object becomes published."""
    obj.status = Status.PUBLISHED
    obj._change_reason = PUBLISHED_REASON
    obj._history_user = user
