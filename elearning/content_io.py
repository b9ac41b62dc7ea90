"""Course content <-> fixtures: one stable layout, natural keys, never learner data.

Layout under fixtures/:
  course/00-course.json              the course
  course/NN-<module>.json            one module and its lessons
  quizzes/<quiz>.json                one quiz, its questions (parent + child rows), options
  directory.json                     the referral directory
"""
from pathlib import Path

from django.conf import settings
from django.core import serializers

from elearning.models import Contact, Course, Lesson, Module

FIXTURES_DIR = Path(settings.BASE_DIR) / "fixtures"


def _dump(objects) -> str:
    return (
        serializers.serialize(
            "json",
            objects,
            indent=2,
            use_natural_foreign_keys=True,
            use_natural_primary_keys=True,
        )
        + "\n"
    )


def _write(path: Path, objects) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(_dump(objects), encoding="utf-8")
    return path


def question_rows(question):
    """A polymorphic question is stored as its base row plus its subclass row."""
    from quizzes.models import Question

    base = Question.objects.non_polymorphic().get(pk=question.pk)
    rows = [base]
    if type(question) is not Question:
        rows.append(question)
    return rows


def export_content(target: Path = FIXTURES_DIR) -> list[Path]:
    """Write every piece of course content to `target`, in a stable order."""
    from quizzes.models import Option, Quiz

    written = []
    for old in list((target / "course").glob("*.json")) + list((target / "quizzes").glob("*.json")):
        old.unlink()
    written.append(_write(target / "course" / "00-course.json", Course.objects.order_by("slug")))
    for module in Module.objects.order_by("order", "slug"):
        lessons = list(Lesson.objects.filter(module=module).order_by("order", "slug"))
        written.append(_write(target / "course" / f"{module.order:02d}-{module.slug}.json", [module, *lessons]))
    for quiz in Quiz.objects.order_by("slug"):
        rows = [quiz]
        for question in quiz.questions.order_by("order", "slug"):
            rows.extend(question_rows(question))
            rows.extend(Option.objects.filter(question=question).order_by("order", "key"))
        written.append(_write(target / "quizzes" / f"{quiz.slug}.json", rows))
    written.append(_write(target / "directory.json", Contact.objects.order_by("departement", "order", "slug")))
    return written


def content_fixture_paths(base: Path = FIXTURES_DIR) -> list[str]:
    """Fixture files in load order (course first: quizzes refer to lessons)."""
    paths = sorted((base / "course").glob("*.json")) + sorted((base / "quizzes").glob("*.json"))
    if (base / "directory.json").exists():
        paths.append(base / "directory.json")
    return [str(p) for p in paths]
