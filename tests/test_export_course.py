"""`export_course` writes the content back to fixtures/ so an edit made in the admin can be
committed: the shipped files come back byte for byte, loading the export gives back the
same content, and no learner data ever leaves."""
import json
from pathlib import Path

import pytest
from django.core.management import call_command

from elearning.models import Contact, Course, Lesson, Module
from quizzes.content_io import FIXTURES_DIR, content_fixture_paths, export_content
from quizzes.models import Option, Question, Quiz
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

CONTENT_MODELS = {
    "elearning.course", "elearning.module", "elearning.lesson", "elearning.contact", "quizzes.quiz",
    "quizzes.question", "quizzes.signalquestion", "quizzes.decisionquestion", "quizzes.wordingquestion",
    "quizzes.singlechoicequestion", "quizzes.multiplechoicequestion", "quizzes.writingquestion", "quizzes.option",
    "quizzes.casequestion", "quizzes.casescene", "quizzes.caseending", "quizzes.casechoice",
    "decision.outcome", "decision.step", "decision.choice",
}


def files_under(base: Path) -> dict[str, bytes]:
    return {str(path.relative_to(base)): path.read_bytes() for path in sorted(base.rglob("*.json"))}


def load(base: Path):
    call_command("loaddata", *content_fixture_paths(base), verbosity=0)


def wipe_content():
    Option.objects.all().delete()
    Question.objects.non_polymorphic().all().delete()
    Quiz.objects.all().delete()
    Lesson.objects.all().delete()
    Module.objects.all().delete()
    Course.objects.all().delete()
    Contact.objects.all().delete()


def test_export_gives_back_the_shipped_fixtures_byte_for_byte(tmp_path):
    """Loading fixtures/ then exporting rewrites exactly the same files: a commit after an
    admin edit shows only that edit."""
    load(FIXTURES_DIR)
    export_content(tmp_path)
    shipped, exported = files_under(FIXTURES_DIR), files_under(tmp_path)
    assert sorted(exported) == sorted(shipped)
    different = [name for name in shipped if exported[name] != shipped[name]]
    assert different == []


def test_loading_the_export_gives_back_the_same_content(tmp_path):
    """The export loaded into an empty database exports identically again, row counts equal."""
    load(FIXTURES_DIR)
    counts = [model.objects.count() for model in (Course, Module, Lesson, Contact, Quiz, Question, Option)]
    first, second = tmp_path / "first", tmp_path / "second"
    export_content(first)
    wipe_content()
    assert Lesson.objects.count() == Question.objects.count() == 0
    load(first)
    assert [model.objects.count() for model in (Course, Module, Lesson, Contact, Quiz, Question, Option)] == counts
    export_content(second)
    assert files_under(second) == files_under(first)


def test_an_admin_edit_shows_up_in_the_export_and_nothing_else(tmp_path):
    """Changing one lesson changes one file of the export, in place."""
    load(FIXTURES_DIR)
    lesson = Lesson.objects.order_by("module__order", "order").first()
    lesson.title = lesson.title + " (revu)"
    lesson.save()
    export_content(tmp_path)
    shipped, exported = files_under(FIXTURES_DIR), files_under(tmp_path)
    changed = [name for name in shipped if exported[name] != shipped[name]]
    assert changed == [f"course/{lesson.module.order:02d}-{lesson.module.slug}.json"]
    rows = json.loads(exported[changed[0]])
    assert any(row["fields"].get("title") == lesson.title for row in rows)


def test_export_never_contains_learner_data(tmp_path):
    """Accounts, attempts, answers and progress never reach the fixtures."""
    import uuid

    from quizzes.attempts import load_quiz, submit

    load(FIXTURES_DIR)
    learner = make_user("apprenante.export@example.test", first_name="Zoé", last_name="Témoin")
    quiz = Quiz.objects.filter(questions__isnull=False).distinct().order_by("slug").first()
    content = load_quiz(quiz)
    submit(user=learner, content=content, submission_key=uuid.uuid4(),
           chosen={q.id: {content.options[q.id][0].id} for q in content.questions})
    export_content(tmp_path)
    models = set()
    for name, data in files_under(tmp_path).items():
        text = data.decode("utf-8")
        assert "apprenante.export@example.test" not in text and "Témoin" not in text, name
        models |= {row["model"] for row in json.loads(text)}
        assert '"pk"' not in text, name  # natural keys only
    assert models <= CONTENT_MODELS


def test_export_course_command_writes_to_the_target(tmp_path):
    """The command takes a target folder and lists what it wrote."""
    from io import StringIO

    load(FIXTURES_DIR)
    out = StringIO()
    call_command("export_course", "--target", str(tmp_path), stdout=out)
    assert (tmp_path / "directory.json").exists() and "écrit :" in out.getvalue()


def test_export_reads_the_database_in_a_fixed_number_of_queries(tmp_path, django_assert_num_queries):
    """Exporting does not slow down as the course grows: one query per kind of row (and
    per question type), never one per lesson, question or option."""
    load(FIXTURES_DIR)
    # course, modules, lessons, quizzes, question base rows, options, contacts, one per question
    # type, a case's scenes, endings and choices (one each)
    with django_assert_num_queries(8 + 6 + 3 + 3):
        export_content(tmp_path)
