"""Learner progress, self-assessment, certificate, personal data."""
import json
import shutil
import subprocess
import uuid

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from elearning.models import Certificate, ConfidenceRating, Lesson, LessonCompletion, Module
from elearning.progress.certificates import CourseNotComplete, issue_certificate
from elearning.progress.completion import course_progress, mark_lesson_done
from elearning.progress.selfassessment import comparison, record_confidence
from quizzes.attempts import load_quiz, submit
from quizzes.models import Attempt, Quiz, QuizResult, SingleChoiceQuestion, WordingQuestion
from tests.conftest import (
    add_options,
    build_course,
    build_scenario_quiz,
    enrol,
    make_cohort,
    make_org,
    make_user,
)

pytestmark = pytest.mark.django_db


def take(user, quiz, right=True):
    content = load_quiz(quiz)
    chosen = {}
    for q in content.questions:
        opts = content.options[q.id]
        pick = [o.id for o in opts if o.is_correct == right] or [opts[0].id]
        chosen[q.id] = set(pick[:1]) if q.input_type == "radio" else set(pick)
    return submit(user=user, content=content, chosen=chosen, submission_key=uuid.uuid4())


def complete_everything(user):
    for lesson in Lesson.objects.all():
        mark_lesson_done(user=user, lesson=lesson)
    for quiz in Quiz.objects.filter(module__isnull=False):
        take(user, quiz)


def test_module_complete_needs_lessons_and_passed_quizzes(course, learner):
    """Failed then passed: the module completes only once the quiz is passed."""
    _, modules, lessons = course
    for lesson in modules[0].lessons.all():
        mark_lesson_done(user=learner, lesson=lesson)
    progress = course_progress(learner)
    assert not progress.modules[0].complete
    for quiz in modules[0].quizzes.all():
        take(learner, quiz, right=False)
    assert not course_progress(learner).modules[0].complete
    for quiz in modules[0].quizzes.all():
        take(learner, quiz, right=True)
        take(learner, quiz, right=False)  # a worse retry does not undo a pass
    progress = course_progress(learner)
    assert progress.modules[0].complete and not progress.complete
    assert progress.modules[0].percent == 100


def test_pass_mark_copied_onto_attempt_rules_progress(course, learner):
    """Raising a quiz's pass mark later does not un-pass a learner."""
    _, modules, _ = course
    quiz = modules[0].quizzes.first()
    take(learner, quiz)
    Quiz.objects.filter(pk=quiz.pk).update(pass_mark=1.0)
    assert any(q.passed for q in course_progress(learner).modules[0].quizzes if q.quiz.pk == quiz.pk)


def test_course_complete_then_content_added(course, learner):
    """Content added after completion makes the course incomplete again; the certificate stays."""
    complete_everything(learner)
    assert course_progress(learner).complete
    cert = issue_certificate(user=learner)
    module = Module.objects.first()
    Lesson.objects.create(module=module, slug="nouvelle", title="Nouvelle leçon", order=99, body="Texte")
    progress = course_progress(learner)
    assert not progress.complete
    assert progress.next_step().url == "/cours/module-1/nouvelle/"
    assert Certificate.objects.filter(pk=cert.pk).exists()
    assert issue_certificate(user=learner).pk == cert.pk


def test_draft_content_does_not_count(course, learner):
    complete_everything(learner)
    Lesson.objects.create(module=Module.objects.first(), slug="brouillon", title="B", body="x", status="draft")
    assert course_progress(learner).complete


def test_next_step_walks_the_course(course, learner):
    progress = course_progress(learner)
    assert progress.next_step().url == "/auto-evaluation/avant/"
    mark_lesson_done(user=learner, lesson=Lesson.objects.get(slug="lecon-1-1"))
    assert course_progress(learner).next_step().url == "/quiz/verif-1-1/"
    take(learner, Quiz.objects.get(slug="verif-1-1"))
    assert course_progress(learner).next_step().url == "/cours/module-1/lecon-1-2/"


def test_time_left_shrinks(course, learner):
    before = course_progress(learner).minutes_left
    mark_lesson_done(user=learner, lesson=Lesson.objects.first())
    assert course_progress(learner).minutes_left < before


def _dashboard_queries(client):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/mon-parcours/")
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_dashboard_query_count_is_constant(db):
    """"Mon parcours" costs the same whatever the course size and the learner's history."""
    build_course(n_modules=2, lessons_per_module=1)
    user = make_user()
    enrol(user, make_cohort(make_org()))
    client = Client()
    client.force_login(user)
    small = _dashboard_queries(client)
    course = Module.objects.first().course
    for m in range(3, 8):
        module = Module.objects.create(course=course, slug=f"m{m}", title="M", order=m)
        for n in range(3):
            lesson = Lesson.objects.create(module=module, slug=f"l{m}{n}", title="L", order=n, body="x")
            quiz = Quiz.objects.create(slug=f"q{m}{n}", title="Q", kind="lesson", module=module, lesson=lesson)
            q = SingleChoiceQuestion.objects.create(quiz=quiz, slug=f"qq{m}{n}", title="t", prompt="p")
            add_options(q, [("a", True, {}), ("b", False, {})])
    complete_everything(user)
    large = _dashboard_queries(client)
    assert small == large
    # 14, plus the trainers' reviews of the learner's written texts (one query).
    assert large <= 15


def test_dashboard_shows_progress_and_attempts(course, learner, learner_client):
    mark_lesson_done(user=learner, lesson=Lesson.objects.first())
    take(learner, Quiz.objects.get(slug="verif-1-1"), right=False)
    html = learner_client.get("/mon-parcours/").content.decode()
    assert "<progress" in html and "Vérifier 1.1" in html and "À retenter" in html
    assert "il vous reste environ" in html


# --- self-assessment -----------------------------------------------------------------------


def build_self_tests(lesson):
    quizzes = {}
    for phase in ("avant", "apres"):
        quiz = Quiz.objects.create(slug=f"auto-{phase}", title=f"Auto {phase}", kind=phase, pass_mark=0)
        for skill, n in (("reperer", 1), ("decider", 2), ("dire", 1)):
            for i in range(n):
                q = WordingQuestion.objects.create(quiz=quiz, slug=f"{phase}-{skill}-{i}", title="t", prompt="p",
                                                   skill=skill, lesson=lesson)
                add_options(q, [("« bon »", True, {}), ("« mauvais »", False, {})])
        quizzes[phase] = quiz
    return quizzes


def answer_skills(user, quiz, right_skills):
    content = load_quiz(quiz)
    chosen = {}
    for q in content.questions:
        opts = content.options[q.id]
        chosen[q.id] = {next(o.id for o in opts if o.is_correct == (q.skill in right_skills))}
    return submit(user=user, content=content, chosen=chosen, submission_key=uuid.uuid4())


def test_before_after_comparison_per_skill(course, learner):
    """Score and confidence per skill, before and after, from the first attempt of each test."""
    tests = build_self_tests(Lesson.objects.first())
    record_confidence(user=learner, phase="avant", ratings={"reperer": 1, "decider": 2, "dire": 2})
    answer_skills(learner, tests["avant"], {"reperer"})
    record_confidence(user=learner, phase="apres", ratings={"reperer": 3, "decider": 4, "dire": 2})
    answer_skills(learner, tests["apres"], {"reperer", "decider"})
    answer_skills(learner, tests["apres"], set())  # a worse retry does not count
    rows = {r.skill: r for r in comparison(learner)}
    assert rows["reperer"].score_before == 1.0 and rows["reperer"].score_after == 1.0
    assert rows["decider"].score_before == 0.0 and rows["decider"].score_after == 1.0
    assert rows["decider"].score_gain == 1.0 and rows["decider"].confidence_gain == 2
    assert rows["dire"].confidence_gain == 0 and rows["dire"].score_after == 0.0


def test_self_assessment_flow_confidence_then_test(course, learner, learner_client):
    build_self_tests(Lesson.objects.first())
    page = learner_client.get("/auto-evaluation/avant/").content.decode()
    assert "confiance_reperer" in page
    bad = learner_client.post("/auto-evaluation/avant/", {"confidence": "1", "confiance_reperer": "2"})
    assert bad.status_code == 400 and "Choisissez un niveau" in bad.content.decode()
    assert 'value="2" checked' in bad.content.decode()
    ok = learner_client.post("/auto-evaluation/avant/", {"confidence": "1", "confiance_reperer": "2",
                                                         "confiance_decider": "3", "confiance_dire": "1"})
    assert ok.status_code == 302
    assert ConfidenceRating.objects.filter(user=learner, phase="avant").count() == 3
    test_page = learner_client.get("/auto-evaluation/avant/").content.decode()
    assert "/auto-evaluation/avant/envoyer/" in test_page
    report = learner_client.get("/auto-evaluation/bilan/").content.decode()
    assert "<svg" in report and "<table>" in report and "Repérer" in report


def test_unknown_self_assessment_phase_is_404(learner_client):
    assert learner_client.get("/auto-evaluation/pendant/").status_code == 404


# --- certificate ---------------------------------------------------------------------------


def test_certificate_refused_when_incomplete(course, learner, learner_client):
    with pytest.raises(CourseNotComplete):
        issue_certificate(user=learner)
    response = learner_client.get("/mon-attestation/")
    assert response.status_code == 403 and "pas encore disponible" in response.content.decode()
    assert not Certificate.objects.exists()


def test_certificate_pdf_and_public_check(course, learner, learner_client):
    """A complete course gives a PDF with name and code; the public page shows only name, course, date."""
    complete_everything(learner)
    page = learner_client.get("/mon-attestation/")
    assert page.status_code == 200
    cert = Certificate.objects.get(user=learner)
    assert len(cert.code) >= 20
    response = learner_client.get("/mon-attestation/pdf/")
    pdf = response.content
    assert response["Content-Type"] == "application/pdf" and pdf.startswith(b"%PDF-")
    assert shutil.which("pdftotext"), "poppler-utils is installed by `make test` (sysdeps)"
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    assert "Camille Martin" in text and cert.code in text.replace("\n", "")
    public = Client().get(f"/attestation/{cert.code}/").content.decode()
    assert "Camille Martin" in public and "Cours de test" in public
    assert learner.email not in public and "score" not in public.lower()


@pytest.mark.parametrize("code", ["inconnu", "A" * 22, "<script>"])
def test_unknown_certificate_code_is_404(client, code):
    response = client.get(f"/attestation/{code}/")
    assert response.status_code == 404 and "Attestation introuvable" in response.content.decode()


# --- personal data -------------------------------------------------------------------------


def test_export_holds_every_row_of_that_learner_and_nothing_else(course, learner, learner_client):
    other = make_user("autre@example.test", first_name="Zoé")
    cohort = make_cohort(make_org())
    enrol(learner, cohort)
    for user in (learner, other):
        mark_lesson_done(user=user, lesson=Lesson.objects.first())
        take(user, Quiz.objects.get(slug="verif-1-1"))
    record_confidence(user=learner, phase="avant", ratings={"reperer": 2})
    response = learner_client.get("/mon-compte/donnees.json")
    data = json.loads(response.content)
    assert data["profil"]["email"] == learner.email
    assert len(data["lecons_terminees"]) == LessonCompletion.objects.filter(user=learner).count() == 1
    assert len(data["tentatives"]) == Attempt.objects.filter(user=learner).count() == 1
    assert len(data["auto_positionnement"]) == 1 and len(data["groupes"]) == 1
    assert "autre@example.test" not in response.content.decode() and "Zoé" not in response.content.decode()


def test_account_deletion_anonymises_attempts(course, learner, learner_client):
    """Deleting an account removes the person; the group's statistics stay right."""
    cohort = make_cohort(make_org())
    enrol(learner, cohort)
    complete_everything(learner)
    issue_certificate(user=learner)
    n_attempts = Attempt.objects.filter(cohort=cohort).count()
    wrong = learner_client.post("/mon-compte/supprimer/", {"password": "faux"})
    assert wrong.status_code == 200 and "Mot de passe incorrect" in wrong.content.decode()
    response = learner_client.post("/mon-compte/supprimer/", {"password": "Un-mot-de-passe-solide-42"})
    assert response.status_code == 302
    from elearning.models import User

    assert not User.objects.filter(email="apprenante@example.test").exists()
    assert Attempt.objects.filter(cohort=cohort).count() == n_attempts
    assert Attempt.objects.filter(cohort=cohort, user__isnull=True).count() == n_attempts
    assert QuizResult.objects.filter(user__isnull=True).exists()
    assert not Certificate.objects.exists()
    assert learner_client.get("/mon-parcours/").status_code == 302


def test_scenario_quiz_counts_in_its_module(course, learner):
    _, modules, _ = course
    quiz = build_scenario_quiz(modules[-1])
    for lesson in Lesson.objects.all():
        mark_lesson_done(user=learner, lesson=lesson)
    for q in Quiz.objects.filter(kind="lesson"):
        take(learner, q)
    assert not course_progress(learner).complete
    take(learner, quiz)
    assert course_progress(learner).complete


def test_course_structure_cache_is_dropped_when_content_changes(course, learner, settings,
                                                                 django_capture_on_commit_callbacks):
    """With the per-process cache on, an editor's change shows in that process as soon as it
    is committed — not before, when a copy rebuilt from the old rows would be kept as fresh."""
    from elearning.progress import completion as progress

    settings.COURSE_STRUCTURE_CACHE_SECONDS = 60
    progress._structure_cache.clear()
    first = course_progress(learner)
    with CaptureQueriesContext(connection) as ctx:
        course_progress(learner)
    assert len(ctx.captured_queries) == 2  # only the learner's own rows
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        Lesson.objects.create(module=Module.objects.first(), slug="ajout", title="Ajout", order=9, body="x")
        # Not committed yet: the copy is kept (it is dropped by the commit, below).
        assert len(course_progress(learner).modules[0].lessons) == len(first.modules[0].lessons)
    assert len(callbacks) == 1
    assert len(course_progress(learner).modules[0].lessons) == len(first.modules[0].lessons) + 1
    question = SingleChoiceQuestion.objects.first()
    question.archived = True
    with django_capture_on_commit_callbacks(execute=True):
        question.save()
    quiz_state = next(q for m in course_progress(learner).modules for q in m.quizzes if q.quiz.pk == question.quiz_id)
    assert quiz_state.minutes == 0
    progress._structure_cache.clear()
