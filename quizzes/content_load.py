"""`load_course`: bring the fixtures into the database without ever losing an editor's work.

For each content row of the fixtures (course, modules, lessons, quizzes, questions,
options, contacts):
- missing in the database → created;
- unchanged since it was last loaded (its current values hash to the fingerprint kept in
  `LoadedFingerprint`) → updated from the fixture;
- edited since (in the admin) → a conflict: reported and left alone, unless `force`.
Every change is recorded in the history like an edit, with the reason
"chargé depuis les fixtures".

First run on a database loaded before fingerprints existed: a row equal to its fixture is
clean; a row that differs and has no history was never edited in the admin (every admin
save writes a version), so it is clean too; one that differs and has history is a conflict.

Rows are saved raw, as `loaddata` does (nothing computed in `save()`), and the history
versions are written explicitly afterwards, once per logical object (a question's base and
type rows are one version of the question).
"""
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.db import transaction
from django.utils import timezone

from elearning.history import has_history, keep_initial_version, record_version
from elearning.models import LoadedFingerprint
from quizzes.models import Question
from quizzes.revisions import answered_versions, archive_answered_version, changed_right_answers

LOADED_REASON = "chargé depuis les fixtures"
# Written by the database on every save, not content: never part of a fingerprint.
VOLATILE_FIELDS = {"updated_at"}


@dataclass
class LoadReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    conflicts: list[str] = field(default_factory=list)
    forced: list[str] = field(default_factory=list)
    archived: list[str] = field(default_factory=list)


def fingerprint(fields: dict) -> str:
    kept = {name: value for name, value in fields.items() if name not in VOLATILE_FIELDS}
    return hashlib.sha256(json.dumps(kept, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def current_fields(obj, names) -> dict:
    """The row's values as the fixtures write them (the export's own serialisation), limited
    to the fields the fixture holds (the directory leaves out who confirmed an entry)."""
    rows = type(obj)._base_manager.all()
    if hasattr(rows, "non_polymorphic"):  # a question's base row, not its type's
        rows = rows.non_polymorphic()
    fresh = rows.get(pk=obj.pk)
    dumped = serializers.serialize("json", [fresh], use_natural_foreign_keys=True, use_natural_primary_keys=True)
    return {name: value for name, value in json.loads(dumped)[0]["fields"].items() if name in names}


def _natural_key(row: dict, obj) -> str:
    parent_link = next((f for f in obj._meta.local_fields if f.one_to_one and f.remote_field.parent_link), None)
    if parent_link is not None:
        return json.dumps(row["fields"][parent_link.name], ensure_ascii=False)
    return json.dumps(list(obj.natural_key()), ensure_ascii=False)


def _label(row: dict, key: str) -> str:
    parts = json.loads(key)
    return f"{row['model']} « {' / '.join(map(str, parts))} »"


def _history_owner(obj):
    """The object whose history records a change to this row (a question's type row and
    base row are one question), or None for content without history."""
    if isinstance(obj, Question):
        return ("question", obj.pk)
    return (obj._meta.label_lower, obj.pk) if has_history(type(obj)) else None


def load_content(*, paths: list[str], force: bool = False) -> LoadReport:
    """Load the fixture files, in order, in one transaction."""
    report = LoadReport()
    versions: dict[tuple, bool] = {}  # history owner -> created
    with transaction.atomic():
        # Read before anything is written: a fixture that changes the right answer of a
        # question learners answered archives the version they answered, as an admin edit does.
        answered = answered_versions()
        stored = {
            (fp.content_type_id, fp.natural_key): fp
            for fp in LoadedFingerprint.objects.all()
        }
        for path in paths:
            text = Path(path).read_text(encoding="utf-8")
            rows = json.loads(text)
            for row, loaded in zip(rows, serializers.deserialize("json", text), strict=True):
                _load_row(row, loaded, stored=stored, force=force, report=report, versions=versions)
        _write_versions(versions)
        for before in changed_right_answers(answered):
            copy = archive_answered_version(before=before, user=None)
            report.archived.append(f"question « {before.question.slug} » (version répondue archivée : « {copy.slug} »)")
    return report


def _load_row(row, loaded, *, stored, force, report, versions) -> None:
    obj = loaded.object
    content_type = ContentType.objects.get_for_model(type(obj), for_concrete_model=False)
    key = _natural_key(row, obj)
    new = fingerprint(row["fields"])
    label = _label(row, key)
    known = stored.get((content_type.pk, key))
    created = obj.pk is None or not type(obj)._base_manager.filter(pk=obj.pk).exists()
    if created:
        loaded.save()
        report.created.append(label)
    else:
        now = fingerprint(current_fields(obj, row["fields"]))
        if now == new:
            report.unchanged += 1
            _remember(known, content_type, key, new, stored)
            return
        has_history = _history_owner(obj) is not None
        if known is not None:
            edited = known.fingerprint != now
        else:  # loaded before fingerprints existed: only an admin save writes history
            edited = has_history and _has_versions(obj)
        if edited and not force:
            report.conflicts.append(label)
            return
        if has_history:
            _keep_first_version(obj)
        loaded.save()
        (report.forced if edited else report.updated).append(label)
    owner = _history_owner(loaded.object)
    if owner is not None:
        versions.setdefault(owner, created)
    _remember(known, content_type, key, new, stored)


def _has_versions(obj) -> bool:
    real = Question.objects.get(pk=obj.pk) if isinstance(obj, Question) else obj
    return type(real).history.filter(id=obj.pk).exists()


def _keep_first_version(obj) -> None:
    real = Question.objects.get(pk=obj.pk) if isinstance(obj, Question) else obj
    keep_initial_version(real)


def _remember(known, content_type, key, value, stored) -> None:
    if known is None:
        stored[(content_type.pk, key)] = LoadedFingerprint.objects.create(
            content_type=content_type, natural_key=key, fingerprint=value)
    elif known.fingerprint != value:
        known.fingerprint, known.loaded_at = value, timezone.now()
        known.save(update_fields=["fingerprint", "loaded_at"])


def _write_versions(versions: dict[tuple, bool]) -> None:
    question_ids = [pk for (kind, pk) in versions if kind == "question"]
    questions = {q.pk: q for q in Question.objects.filter(pk__in=question_ids)}  # each as its own type
    for (kind, pk), created in versions.items():
        if kind == "question":
            obj = questions[pk]
        else:
            obj = apps.get_model(kind)._base_manager.get(pk=pk)
        record_version(obj, reason=LOADED_REASON, created=created)

