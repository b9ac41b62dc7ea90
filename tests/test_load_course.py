"""`load_course` never loses an editor's work: it creates what is missing, updates only what
nobody changed since it was loaded, reports (and leaves alone) what an editor changed, and
records every change it makes in the history as « chargé depuis les fixtures »."""
import json
import shutil
import uuid
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from elearning.models import Contact, Lesson, LoadedFingerprint
from quizzes.attempts import load_quiz, submit
from quizzes.content_io import FIXTURES_DIR, content_fixture_paths, export_content
from quizzes.content_load import LOADED_REASON, load_content
from quizzes.models import Answer, Option, Question, Quiz
from tests.conftest import admin_form_data, client_for, make_editor, make_user

pytestmark = pytest.mark.django_db

# A small, self-contained part of the real course: the course, its first module (one
# lesson), that lesson's quiz, and the directory.
PART = ["course/00-course.json", "course/01-introduction.json",
        "quizzes/verif-preambule-et-chiffres-cles.json", "directory.json"]
LESSON = "preambule-et-chiffres-cles"
QUESTION = "verif-preambule-et-chiffres-cles-1"


@pytest.fixture
def fixtures_copy(tmp_path) -> Path:
    for name in PART:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(FIXTURES_DIR / name, tmp_path / name)
    return tmp_path


def load(base: Path, *, force=False):
    return load_content(paths=content_fixture_paths(base), force=force)


def edit_fixture(base: Path, name: str, match: dict, **fields):
    path = base / name
    rows = json.loads(path.read_text(encoding="utf-8"))
    row = next(r for r in rows if all(r["fields"].get(k) == v for k, v in match.items()))
    row["fields"].update(fields)
    path.write_text(json.dumps(rows, ensure_ascii=False, indent=2), encoding="utf-8")


def publish_in_admin(client, url, **changes):
    data = admin_form_data(client.get(url))
    data.update(changes, _publish="Publier")
    assert client.post(url, data).status_code == 302


def test_first_load_creates_everything_and_records_it_in_the_history(fixtures_copy):
    """A fresh database gets the whole content, each lesson, question, option and contact
    with a first version « chargé depuis les fixtures »; a second run changes nothing."""
    report = load(fixtures_copy)
    assert report.conflicts == [] and report.updated == []
    lesson = Lesson.objects.get(slug=LESSON)
    assert [v.history_change_reason for v in lesson.history.all()] == [LOADED_REASON]
    question = Question.objects.get(slug=QUESTION)
    assert [v.history_change_reason for v in type(question).history.filter(id=question.pk)] == [LOADED_REASON]
    assert Option.history.filter(question_id=question.pk).count() == question.options.count() == 4
    assert Contact.history.count() == Contact.objects.count() > 0

    again = load(fixtures_copy)
    assert (again.created, again.updated, again.conflicts) == ([], [], [])
    assert again.unchanged == len(report.created)
    assert lesson.history.count() == 1


def test_an_admin_edit_survives_load_course_and_is_reported(fixtures_copy):
    """An editor's published change to a lesson is kept when the fixtures change that lesson
    too: reported as a conflict, the rest still updated; --force overwrites it, in the history."""
    load(fixtures_copy)
    lesson = Lesson.objects.get(slug=LESSON)
    editor = client_for(make_editor())
    publish_in_admin(editor, f"/admin/elearning/lesson/{lesson.pk}/change/", title="Titre revu par l'éditrice")
    edit_fixture(fixtures_copy, "course/01-introduction.json", {"slug": LESSON}, title="Titre livré")
    edit_fixture(fixtures_copy, "directory.json", {"slug": "3919"}, hours="Tous les jours, 24 h/24")

    report = load(fixtures_copy)
    lesson.refresh_from_db()
    assert lesson.title == "Titre revu par l'éditrice"
    assert report.conflicts == [f"elearning.lesson « {LESSON} »"]
    assert Contact.objects.get(slug="3919").hours == "Tous les jours, 24 h/24"  # unedited: updated
    assert Contact.objects.get(slug="3919").history.first().history_change_reason == LOADED_REASON

    forced = load(fixtures_copy, force=True)
    lesson.refresh_from_db()
    assert lesson.title == "Titre livré" and forced.forced == [f"elearning.lesson « {LESSON} »"]
    latest = lesson.history.first()
    assert (latest.title, latest.history_change_reason, latest.history_user) == ("Titre livré", LOADED_REASON, None)
    assert load(fixtures_copy).conflicts == []  # what --force loaded is the new reference


def test_a_fixture_change_updates_an_unedited_question_and_its_history(fixtures_copy):
    """A question nobody touched follows the fixtures, as a new version of the question."""
    load(fixtures_copy)
    edit_fixture(fixtures_copy, "quizzes/verif-preambule-et-chiffres-cles.json", {"slug": QUESTION},
                 title="Intitulé mis à jour")
    report = load(fixtures_copy)
    question = Question.objects.get(slug=QUESTION)
    assert question.title == "Intitulé mis à jour"
    assert report.updated == [f"quizzes.question « {QUESTION} »"]
    versions = list(type(question).history.filter(id=question.pk).order_by("history_date"))
    assert [(v.history_type, v.title) for v in versions][-1] == ("~", "Intitulé mis à jour")


def test_first_run_on_a_database_loaded_before_fingerprints(fixtures_copy):
    """On a deployment loaded by the old `loaddata`: rows equal to the fixtures are clean, a
    row that differs without any admin history follows the fixtures, a row edited in the
    admin (it has history) is a conflict."""
    call_command("loaddata", *content_fixture_paths(fixtures_copy), verbosity=0)
    lesson = Lesson.objects.get(slug=LESSON)
    publish_in_admin(client_for(make_editor()), f"/admin/elearning/lesson/{lesson.pk}/change/", title="Édité")
    Contact.objects.filter(slug="3919").update(hours="ancien horaire")  # no history: never edited in the admin
    edit_fixture(fixtures_copy, "course/01-introduction.json", {"slug": LESSON}, title="Livré")
    assert not LoadedFingerprint.objects.exists()

    report = load(fixtures_copy)
    assert report.conflicts == [f"elearning.lesson « {LESSON} »"]
    assert Lesson.objects.get(slug=LESSON).title == "Édité"
    assert Contact.objects.get(slug="3919").hours != "ancien horaire"
    assert report.created == [] and len(report.updated) == 1


def test_the_command_reports_conflicts_in_french(fixtures_copy):
    """The command says what it left alone and how to keep or overwrite it."""
    load(fixtures_copy)
    lesson = Lesson.objects.get(slug=LESSON)
    publish_in_admin(client_for(make_editor()), f"/admin/elearning/lesson/{lesson.pk}/change/", title="Édité")
    edit_fixture(fixtures_copy, "course/01-introduction.json", {"slug": LESSON}, title="Livré")
    out, err = StringIO(), StringIO()
    call_command("load_course", "--source", str(fixtures_copy), stdout=out, stderr=err)
    assert "1 conflit(s)" in out.getvalue()
    assert f"conflit : elearning.lesson « {LESSON} » a été modifié dans l'administration" in err.getvalue()
    assert "--force" in err.getvalue()


def test_load_then_export_gives_back_the_fixtures_byte_for_byte(tmp_path):
    """`load_course` then `export_course` rewrites exactly the shipped files."""
    call_command("load_course", verbosity=0)
    export_content(tmp_path)
    for path in sorted(FIXTURES_DIR.rglob("*.json")):
        assert (tmp_path / path.relative_to(FIXTURES_DIR)).read_bytes() == path.read_bytes(), path


def test_a_fixture_that_changes_an_answered_right_answer_archives_the_version_answered(fixtures_copy):
    """Shipping a new answer key for a question learners answered (the fixtures move the right
    option) archives the version they answered with their answers, as an admin edit does:
    their scores stay, the live question takes the new key and starts without answers."""
    load(fixtures_copy)
    question = Question.objects.get(slug=QUESTION)
    content = load_quiz(question.quiz)
    chosen = {q.id: {next(o.id for o in content.options[q.id] if o.is_correct)} if q.input_type == "radio"
              else {o.id for o in content.options[q.id] if o.is_correct} for q in content.questions}
    attempt = submit(user=make_user(), content=content, chosen=chosen, submission_key=uuid.uuid4())
    name = "quizzes/verif-preambule-et-chiffres-cles.json"
    edit_fixture(fixtures_copy, name, {"question": [QUESTION], "key": "b"}, is_correct=False)
    edit_fixture(fixtures_copy, name, {"question": [QUESTION], "key": "c"}, is_correct=True)

    report = load(fixtures_copy)
    assert len(report.archived) == 1 and QUESTION in report.archived[0]
    archived = Question.objects.get(archived=True)
    assert archived.slug.startswith(QUESTION) and archived.options.get(is_correct=True).key == "b"
    assert Answer.objects.get(attempt=attempt, title=question.title).question_id == archived.pk
    assert not Answer.objects.filter(question=question).exists()
    assert question.options.get(is_correct=True).key == "c"
    attempt.refresh_from_db()
    assert attempt.score == 1.0 and attempt.passed
    assert archived.pk not in {q.pk for q in load_quiz(Quiz.objects.get(pk=question.quiz_id)).questions}
    assert load(fixtures_copy).archived == []  # nothing more to archive on the next run
