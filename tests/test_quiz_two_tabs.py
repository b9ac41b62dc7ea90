"""Two tabs, one quiz: simultaneous submissions by one learner are all stored, or recognised
as one replay — never a 500, never an attempt lost. Threads with their own database
connections reproduce the interleaving (on SQLite and, in CI's second run, PostgreSQL)."""
import threading
import time
import uuid

import pytest
from django.db import OperationalError, connection, connections

from quizzes import attempts
from quizzes.attempts import load_quiz, submit
from quizzes.models import Attempt, QuizResult
from tests.conftest import build_course, make_user

pytestmark = pytest.mark.django_db(transaction=True)


def right_answers(content):
    return {q.id: {next(o.id for o in content.options[q.id] if o.is_correct)} for q in content.questions}


def run_together(monkeypatch, keys, user, content):
    """Each key is sent from its own thread; every thread that gets as far as writing the
    learner's summary row waits there for the others (at most 2 s), so without a lock taken
    earlier all of them look for the summary row before any creates it — the race."""
    meeting = threading.Barrier(len(keys))
    original = attempts._update_result

    def update_result_when_all_are_here(**kwargs):
        try:
            meeting.wait(timeout=2)
        except threading.BrokenBarrierError:
            pass  # the others are waiting on a lock: that is the fix working
        return original(**kwargs)

    monkeypatch.setattr(attempts, "_update_result", update_result_when_all_are_here)
    start = threading.Barrier(len(keys))
    outcomes, errors = [], []

    def tab(key):
        try:
            start.wait(timeout=10)
            outcomes.append(send_waiting_for_sqlite(user, content, key).pk)
        except Exception as error:  # noqa: BLE001 — the test reports any failure
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=tab, args=(key,)) for key in keys]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes, errors


def send_waiting_for_sqlite(user, content, key):
    """On PostgreSQL, a plain submit. SQLite's test database lives in memory in shared-cache
    mode, where a lock held by another connection fails at once instead of waiting like the
    deployed file database does (its busy timeout): the wait is done here instead."""
    deadline = time.monotonic() + 30
    while True:
        try:
            return submit(user=user, content=content, chosen=right_answers(content), submission_key=key)
        except OperationalError as error:
            if connection.vendor != "sqlite" or "locked" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(0.01)


@pytest.fixture
def quiz_and_learner():
    build_course(n_modules=1, lessons_per_module=1)
    from quizzes.models import Quiz

    quiz = Quiz.objects.get()
    return load_quiz(quiz), make_user()


def test_two_tabs_sending_a_first_attempt_at_once_both_store_it(monkeypatch, quiz_and_learner):
    """A learner who sends the same never-answered quiz from two tabs at the same instant
    finds both attempts in their history, and the summary counts two."""
    content, learner = quiz_and_learner
    outcomes, errors = run_together(monkeypatch, [uuid.uuid4(), uuid.uuid4()], learner, content)
    assert errors == []
    assert len(set(outcomes)) == 2
    assert Attempt.objects.filter(user=learner).count() == 2
    result = QuizResult.objects.get(user=learner, quiz=content.quiz)
    assert result.attempts_count == 2 and result.passed


def test_the_same_submission_sent_twice_at_once_is_stored_once(monkeypatch, quiz_and_learner):
    """A double click (the same form, the same key) gives one attempt, shown to both."""
    content, learner = quiz_and_learner
    key = uuid.uuid4()
    outcomes, errors = run_together(monkeypatch, [key, key], learner, content)
    assert errors == []
    assert len(outcomes) == 2 and len(set(outcomes)) == 1
    assert Attempt.objects.filter(user=learner).count() == 1
    assert QuizResult.objects.get(user=learner, quiz=content.quiz).attempts_count == 1
