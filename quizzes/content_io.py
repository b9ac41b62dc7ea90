"""Course content <-> fixtures: one stable layout, natural keys, never learner data.

Layout under fixtures/:
  course/00-course.json              the course
  course/NN-<module>.json            one module and its lessons
  quizzes/<quiz>.json                one quiz, its questions (parent + child rows), options
  directory.json                     the referral directory
  decision/aid.json                  the decision aid "Que faire ?" (outcomes, steps, choices)
"""
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core import serializers

from elearning.models import Contact, Course, Lesson, Module
from quizzes.models import Option, Question, Quiz

FIXTURES_DIR = Path(settings.BASE_DIR) / "fixtures"


def _lf(obj):
    """Text fields with LF line endings: the fixtures never hold CRLF, even from rows saved
    before the admin normalised them."""
    for field in obj._meta.concrete_fields:
        value = getattr(obj, field.attname)
        if isinstance(value, str) and "\r" in value:
            setattr(obj, field.attname, value.replace("\r\n", "\n").replace("\r", "\n"))
    return obj


def _dump(objects, fields=None) -> str:
    return (
        serializers.serialize(
            "json",
            (_lf(obj) for obj in objects),
            indent=2,
            use_natural_foreign_keys=True,
            use_natural_primary_keys=True,
            fields=fields,
        )
        + "\n"
    )


def _write(path: Path, objects, fields=None) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(_dump(objects, fields), encoding="utf-8")
    return path


# The directory without the editor who confirmed an entry: fixtures carry content, never
# people (the date stays; who confirmed it stays in the site's history).
DIRECTORY_FIELDS = [f.name for f in Contact._meta.concrete_fields if f.name not in {"id", "confirmed_by"}]


def _quiz_rows() -> dict[int, list]:
    """Each quiz's questions (base row, then subclass row) and options, in file order.

    A fixed number of queries whatever the size of the course: base rows in one query,
    subclass rows in one query per type, options in one; the related rows that natural
    keys read (quiz, lesson, content type, question) come with them."""

    # A question not yet published stays out: the fixtures hold what learners may see.
    bases = list(
        Question.objects.non_polymorphic()
        .filter(status="published")
        .select_related("quiz", "lesson", "polymorphic_ctype")
        .order_by("quiz_id", "order", "slug")
    )
    children = {}
    for model in {base.polymorphic_ctype.model_class() for base in bases} - {Question}:
        children.update({child.pk: child for child in model.objects.non_polymorphic()})
    options: dict[int, list] = {}
    for option in Option.objects.select_related("question").order_by("order", "key"):
        options.setdefault(option.question_id, []).append(option)
    rows: dict[int, list] = {}
    for base in bases:
        quiz_rows = rows.setdefault(base.quiz_id, [])
        quiz_rows.append(base)
        if base.pk in children:
            quiz_rows.append(children[base.pk])
        quiz_rows.extend(options.get(base.pk, []))
    return rows


def export_content(target: Path = FIXTURES_DIR) -> list[Path]:
    """Write every piece of course content to `target`, in a stable order."""

    written = []
    for old in list((target / "course").glob("*.json")) + list((target / "quizzes").glob("*.json")):
        old.unlink()
    written.append(_write(target / "course" / "00-course.json", Course.objects.order_by("slug")))
    lessons: dict[int, list] = {}
    for lesson in Lesson.objects.select_related("module").order_by("order", "slug"):
        lessons.setdefault(lesson.module_id, []).append(lesson)
    for module in Module.objects.select_related("course").order_by("order", "slug"):
        written.append(_write(
            target / "course" / f"{module.order:02d}-{module.slug}.json", [module, *lessons.get(module.pk, [])]
        ))
    quiz_rows = _quiz_rows()
    for quiz in Quiz.objects.select_related("module", "lesson").order_by("slug"):
        written.append(_write(target / "quizzes" / f"{quiz.slug}.json", [quiz, *quiz_rows.get(quiz.pk, [])]))
    written.append(_write(target / "directory.json", Contact.objects.order_by("departement", "order", "slug"),
                          DIRECTORY_FIELDS))
    written.append(_write(target / "decision" / "aid.json", _decision_rows()))
    return written


def _decision_rows() -> list:
    """The decision aid's tree: outcomes, steps, then choices (they point at both).

    Looked up through the app registry: the aid is a page room above this layer, and its
    tree is content like the lessons."""
    outcome, step, choice = (apps.get_model("decision", name) for name in ("Outcome", "Step", "Choice"))
    return [
        *outcome.objects.order_by("order", "slug"),
        *step.objects.order_by("order", "slug"),
        *choice.objects.select_related("step", "next_step", "outcome").order_by("step__order", "step__slug", "order", "value"),
    ]


def content_fixture_paths(base: Path = FIXTURES_DIR) -> list[str]:
    """Fixture files in load order (course first: quizzes refer to lessons)."""
    paths = sorted((base / "course").glob("*.json")) + sorted((base / "quizzes").glob("*.json"))
    if (base / "directory.json").exists():
        paths.append(base / "directory.json")
    paths += sorted((base / "decision").glob("*.json"))
    return [str(p) for p in paths]
