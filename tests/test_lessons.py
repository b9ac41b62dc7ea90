"""Lesson pages: navigation, completion, 404s, constant query count."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from elearning.models import Lesson, LessonCompletion
from elearning.progress.completion import mark_lesson_done
from tests.conftest import build_course, make_user

pytestmark = pytest.mark.django_db


def test_unknown_lesson_is_404(course, learner_client):
    assert learner_client.get("/cours/module-1/nexiste-pas/").status_code == 404
    assert learner_client.get("/cours/module-2/lecon-1-1/").status_code == 404  # wrong module


def test_draft_lesson_is_404(course, learner_client):
    Lesson.objects.filter(slug="lecon-1-1").update(status="draft")
    assert learner_client.get("/cours/module-1/lecon-1-1/").status_code == 404


def test_lesson_page_shows_toc_reading_time_and_navigation(course, learner_client):
    html = learner_client.get("/cours/module-1/lecon-1-2/").content.decode()
    assert "Temps de lecture estimé" in html
    assert 'aria-current="page"' in html
    assert 'rel="prev" href="/cours/module-1/lecon-1-1/"' in html
    assert 'rel="next" href="/cours/module-2/lecon-2-1/"' in html
    assert "J&#x27;ai terminé cette leçon" in html or "J'ai terminé cette leçon" in html
    assert 'class="callout callout-chiffre"' in html


def test_mark_lesson_done_is_idempotent(course, learner, learner_client):
    """Clicking "J'ai terminé" twice records one completion."""
    url = "/cours/module-1/lecon-1-1/terminer/"
    first = learner_client.post(url)
    learner_client.post(url)
    assert first.status_code == 302 and first["Location"] == "/quiz/verif-1-1/"
    assert LessonCompletion.objects.filter(user=learner).count() == 1
    assert learner_client.get(url).status_code == 405


def test_mark_lesson_done_direct_call_twice(course, learner):
    lesson = Lesson.objects.first()
    a = mark_lesson_done(user=learner, lesson=lesson)
    b = mark_lesson_done(user=learner, lesson=lesson)
    assert a.pk == b.pk


def _lesson_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_lesson_page_query_count_is_constant(db, client):
    """A lesson page costs the same number of queries in a 4-lesson and a 40-lesson course."""
    build_course(n_modules=2, lessons_per_module=2)
    user = make_user()
    client.force_login(user)
    small = _lesson_queries(client, "/cours/module-1/lecon-1-1/")
    from elearning.models import Course

    course = Course.objects.get()
    from elearning.models import Module

    for m in range(3, 11):
        module = Module.objects.create(course=course, slug=f"module-{m}", title=f"Module {m}", order=m)
        for n in range(1, 5):
            Lesson.objects.create(module=module, slug=f"lecon-{m}-{n}", title="L", order=n, body="texte")
    for lesson in Lesson.objects.all()[:10]:
        mark_lesson_done(user=user, lesson=lesson)
    large = _lesson_queries(client, "/cours/module-1/lecon-1-1/")
    assert small == large
    assert large <= 12
