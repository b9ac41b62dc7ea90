"""What a full walk-through as a learner found wrong, now right: what is unpublished cannot
be reached, the before/after tests are taken once at the right time, result pages offer the
real next step first and one way to retry, the dashboard states the rule and the same time
estimate as the home page, and the certificate carries the completion date."""
import datetime

import pytest
from django.utils import timezone

from elearning.models import Certificate, LessonCompletion, Module, Status
from elearning.progress.completion import course_progress, mark_lesson_done
from quizzes.models import Attempt, Quiz
from tests.conftest import answer_quiz, enrol, make_cohort, make_org
from tests.test_progress import build_self_tests, complete_everything

pytestmark = pytest.mark.django_db


def test_a_quiz_of_a_draft_lesson_or_module_is_unreachable(course, learner, learner_client):
    """With its lesson, or its module, in draft, a lesson's quiz answers 404 and stores no
    attempt; « terminer » on a lesson of a draft module records nothing."""
    _, modules, lessons = course
    quiz = Quiz.objects.get(lesson=lessons[0])
    lessons[0].status = Status.DRAFT
    lessons[0].save()
    assert learner_client.get(quiz.get_absolute_url()).status_code == 404
    assert learner_client.post(f"/quiz/{quiz.slug}/envoyer/", {"token": "x"}).status_code == 404
    lessons[0].status = Status.PUBLISHED
    lessons[0].save()
    Module.objects.filter(pk=modules[0].pk).update(status=Status.DRAFT)
    assert learner_client.get(quiz.get_absolute_url()).status_code == 404
    response = learner_client.post(f"{lessons[0].get_absolute_url()}terminer/")
    assert response.status_code == 404
    assert not Attempt.objects.exists() and not LessonCompletion.objects.exists()
    assert quiz.pk not in {s.quiz.pk for m in course_progress(learner).modules for s in m.quizzes}


def test_the_before_test_is_a_baseline_taken_once(course, learner, learner_client):
    """The « avant » test: no « Refaire » on its result, the next step is the first lesson,
    a second visit shows the first result, a second sending records nothing; no « Réussi »."""
    _, _, lessons = course
    tests = build_self_tests(lessons[0])
    first = answer_quiz(learner, tests["avant"], wrong=True)
    page = learner_client.get(first.get_absolute_url()).content.decode()
    assert "Refaire" not in page and "Recommencer" not in page and "Quiz réussi" not in page
    assert f"Lire la leçon « {lessons[0].title} »" in page
    assert page.index(lessons[0].get_absolute_url()) < page.index("Voir mon bilan")

    response = learner_client.get("/auto-evaluation/avant/")
    assert response.status_code == 302 and response["Location"] == first.get_absolute_url()
    learner_client.post("/auto-evaluation/avant/envoyer/", {"token": "nouveau"})
    assert Attempt.objects.filter(quiz=tests["avant"]).count() == 1
    dashboard = learner_client.get("/mon-parcours/").content.decode()
    assert "Auto-évaluation (sans seuil)" in dashboard and "Réussi" not in dashboard


def test_the_before_test_is_not_offered_once_the_course_has_started(course, learner, learner_client):
    """After the first lesson the pre-test would not measure a starting point any more."""
    _, _, lessons = course
    build_self_tests(lessons[0])
    mark_lesson_done(user=learner, lesson=lessons[0])
    response = learner_client.get("/auto-evaluation/avant/", follow=True)
    assert "avant la première leçon" in response.content.decode()
    assert "/auto-evaluation/avant/" not in learner_client.get("/mon-parcours/").content.decode()


def test_the_after_test_opens_when_the_course_is_complete(course, learner, learner_client):
    """« Après » is refused before completion, then taken once."""
    _, _, lessons = course
    tests = build_self_tests(lessons[0])
    response = learner_client.get("/auto-evaluation/apres/", follow=True)
    assert "s'ouvre quand le parcours est terminé" in response.content.decode().replace("&#x27;", "'")
    complete_everything(learner)
    assert learner_client.get("/auto-evaluation/apres/").status_code == 200
    answer_quiz(learner, tests["apres"])
    assert learner_client.get("/auto-evaluation/apres/").status_code == 302


def test_a_result_page_offers_the_next_step_first_and_one_way_to_retry(course, learner, learner_client):
    """When retrying is the next step, one « Refaire ce quiz » button; otherwise the real
    next step comes first, then « Refaire ce quiz », once."""
    _, _, lessons = course
    mark_lesson_done(user=learner, lesson=lessons[0])
    first_check = Quiz.objects.get(lesson=lessons[0])
    attempt = answer_quiz(learner, first_check, wrong=True)
    page = learner_client.get(attempt.get_absolute_url()).content.decode()
    assert page.count("Refaire ce quiz") == 1 and "Faire le quiz" not in page and "Recommencer" not in page

    mark_lesson_done(user=learner, lesson=lessons[1])
    second_check = Quiz.objects.get(lesson=lessons[1])
    attempt = answer_quiz(learner, second_check, wrong=True)
    page = learner_client.get(attempt.get_absolute_url()).content.decode()
    assert f"Faire le quiz « {first_check.title} »" in page
    assert page.index(f"Faire le quiz « {first_check.title} »") < page.index("Refaire ce quiz")
    assert page.count("Refaire ce quiz") == 1


def test_the_dashboard_states_the_rule_and_the_same_time_estimate_as_the_home_page(course, learner, learner_client):
    """The rule of the certificate, the final self-assessment optional, hours and minutes
    matching the home page, and no « 0/0 leçons » for a module of quizzes only."""
    _, modules, lessons = course
    practice = Module.objects.create(course=modules[0].course, slug="entrainement", title="S'entraîner", order=9)
    Quiz.objects.filter(slug="verif-2-2").update(module=practice, lesson=None)
    mark_lesson_done(user=learner, lesson=lessons[0])
    dashboard = learner_client.get("/mon-parcours/").content.decode()
    home = learner_client.get("/").content.decode()
    estimate = course_progress(learner).minutes_total
    hours, minutes = divmod(estimate, 60)
    shown = f"{hours}\u00a0h\u00a0{minutes:02d}\u00a0min" if hours else f"{minutes}\u00a0min"
    assert f"environ {shown}" in dashboard and f"environ {shown}" in home
    assert "toutes les leçons sont lues" in dashboard and "facultative" in dashboard
    assert "0/0" not in dashboard and "1 leçon lue sur 2" in dashboard
    assert "0 quiz réussi sur 1" in dashboard and "1 étape sur" in dashboard


def test_the_certificate_is_dated_the_day_the_course_was_completed(course, learner, learner_client):
    """Completed ten days ago, opened today: the certificate says ten days ago, with the
    course's duration and the learner's organisation."""
    cohort = make_cohort(make_org(name="Association Horizon"))
    enrol(learner, cohort)
    complete_everything(learner)
    then = timezone.now() - datetime.timedelta(days=10)
    LessonCompletion.objects.filter(user=learner).update(completed_at=then)
    Attempt.objects.filter(user=learner).update(submitted_at=then)
    page = learner_client.get("/mon-attestation/").content.decode()
    certificate = Certificate.objects.get(user=learner)
    assert certificate.completed_on == timezone.localdate(then)
    assert certificate.organisation_name == "Association Horizon"
    assert certificate.course_minutes == course_progress(learner).minutes_total
    assert "Association Horizon" in page and "durée estimée" in page
    dashboard = learner_client.get("/mon-parcours/").content.decode()
    assert f"Parcours terminé le {certificate.completed_on.day}" in dashboard


def test_each_lesson_has_a_print_button(course, learner_client):
    """« Imprimer / PDF » on the lesson, wired by an external script (no inline script)."""
    _, _, lessons = course
    page = learner_client.get(lessons[0].get_absolute_url()).content.decode()
    assert "Imprimer / PDF" in page and "data-print" in page and "/static/js/print.js" in page
    assert "onclick" not in page
