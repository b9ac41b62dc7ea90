"""Scenario quizzes: grading per type, the submit path, bad input, snapshots, query counts."""
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from quizzes.attempts import load_quiz, submit
from quizzes.models import (
    Answer,
    Attempt,
    DecisionQuestion,
    MultipleChoiceQuestion,
    Option,
    Question,
    QuizResult,
    SignalQuestion,
    SingleChoiceQuestion,
    WordingQuestion,
)
from tests.conftest import add_options, build_course, build_scenario_quiz, make_user

pytestmark = pytest.mark.django_db


def options_of(question):
    return list(Option.objects.filter(question=question).order_by("order"))


def ids(options, *indexes):
    return {options[i].id for i in indexes}


@pytest.fixture
def scenario(course):
    _, modules, _ = course
    return build_scenario_quiz(modules[-1])


# --- grading: one row per type, full / partial / zero / tampered -------------------------
# Signals: options = [signal, signal, distractor, signal]; rule hits / signals − false alarms /
# distractors, floored at 0 (quizzes.models.partial_credit).
# Decision: [ip, signalement*, urgence, aucune]. Wording: [right*, wrong, wrong].
# Multiple: [right, right, wrong].
GRADING = [
    (SignalQuestion, "signals", (0, 1, 3), 1.0),
    (SignalQuestion, "signals", (0, 1), 2 / 3),
    (SignalQuestion, "signals", (0, 2), 0.0),          # one hit of three, the only distractor ticked
    (SignalQuestion, "signals", (0, 1, 2, 3), 0.0),    # ticking everything earns nothing
    (SignalQuestion, "signals", (), 0.0),              # nor does ticking nothing
    (SignalQuestion, "signals", (2,), 0.0),
    (DecisionQuestion, "decision", (1,), 1.0),
    (DecisionQuestion, "decision", (0,), 0.0),
    (DecisionQuestion, "decision", (0, 1), 0.0),       # two decisions ticked: not an answer
    (WordingQuestion, "wording", (0,), 1.0),
    (WordingQuestion, "wording", (2,), 0.0),
    (MultipleChoiceQuestion, "multiple", (0, 1), 1.0),
    (MultipleChoiceQuestion, "multiple", (0,), 0.5),
    (MultipleChoiceQuestion, "multiple", (0, 2), 0.0),
    (MultipleChoiceQuestion, "multiple", (0, 1, 2), 0.0),  # every box: nothing
    (SingleChoiceQuestion, "single", (0,), 1.0),
    (SingleChoiceQuestion, "single", (1,), 0.0),
]


@pytest.mark.parametrize("model, kind, chosen, expected", GRADING)
def test_each_type_grades_itself(scenario, course, model, kind, chosen, expected):
    """Every question type gives full, partial and zero credit by its stated rule."""
    if model is SingleChoiceQuestion:
        question = SingleChoiceQuestion.objects.first()
    else:
        question = model.objects.get(quiz=scenario)
    options = options_of(question)
    grade = question.grade(ids(options, *chosen), options)
    assert grade.score == pytest.approx(expected)
    assert len(grade.options) == len(options)


def test_signal_feedback_names_missed_signals(scenario):
    question = SignalQuestion.objects.get(quiz=scenario)
    options = options_of(question)
    grade = question.grade(ids(options, 0), options)
    assert grade.missed == ["Fugues", "Nouveau téléphone"]


@pytest.mark.parametrize("model", [SignalQuestion, DecisionQuestion, WordingQuestion, MultipleChoiceQuestion])
def test_tampered_ids_earn_nothing(scenario, model):
    """Option ids from another question are ignored, never graded."""
    question = model.objects.get(quiz=scenario)
    foreign = Option.objects.exclude(question=question).filter(is_correct=True).values_list("id", flat=True)
    content = load_quiz(scenario)
    from django.http import QueryDict

    data = QueryDict(mutable=True)
    data.setlist(f"q{question.id}", [str(i) for i in foreign] + ["abc", "-1"])
    from quizzes.attempts import parse_choices

    assert parse_choices(content, data)[question.id] == set()


# --- the quiz page and the submit path ----------------------------------------------------


def answer_all(content, right=True):
    """POST data answering every question, rightly or wrongly."""
    data = {}
    for question in content.questions:
        opts = content.options[question.id]
        pick = [o for o in opts if o.is_correct == right] or opts[:1]
        if question.input_type == "radio":
            pick = pick[:1]
        data[f"q{question.id}"] = [str(o.id) for o in pick]
    return data


def token_from(html):
    return re.search(r'name="token" value="([^"]+)"', html).group(1)


def test_quiz_page_never_shows_correct_answers(scenario, learner_client):
    """Nothing in the page tells which option is right before submitting."""
    html = learner_client.get(f"/quiz/{scenario.slug}/").content.decode()
    for word in ("is_correct", "Explication pour", "Bonne réponse", "Signal manqué", "data-correct"):
        assert word not in html
    assert "Question 1 sur 4" in html


def test_submit_records_attempt_with_snapshot_and_result(scenario, learner, learner_client):
    content = load_quiz(scenario)
    page = learner_client.get(f"/quiz/{scenario.slug}/").content.decode()
    data = answer_all(content) | {"token": token_from(page)}
    response = learner_client.post(f"/quiz/{scenario.slug}/envoyer/", data)
    attempt = Attempt.objects.get(user=learner)
    assert response.status_code == 302 and response["Location"] == f"/quiz/{scenario.slug}/resultat/{attempt.pk}/"
    assert attempt.score == 1.0 and attempt.passed and attempt.pass_mark == 0.7
    assert attempt.answers.count() == 4
    result = learner_client.get(response["Location"]).content.decode()
    assert "100" in result and "Explication pour Cadeaux" in result and "Fondement juridique" in result
    assert QuizResult.objects.get(user=learner, quiz=scenario).passed


def test_wrong_answer_then_retry_best_attempt_counts(scenario, learner, learner_client):
    """Retries are allowed and the best attempt counts for progress."""
    content = load_quiz(scenario)
    for right in (False, True, False):
        page = learner_client.get(f"/quiz/{scenario.slug}/").content.decode()
        learner_client.post(f"/quiz/{scenario.slug}/envoyer/", answer_all(content, right) | {"token": token_from(page)})
    result = QuizResult.objects.get(user=learner, quiz=scenario)
    assert result.attempts_count == 3 and result.passed and result.best_score == 1.0
    assert Attempt.objects.filter(user=learner).count() == 3


def test_missing_answers_named_and_kept(scenario, learner_client):
    """A missing answer: a message naming it; the answers given stay ticked; nothing recorded."""
    content = load_quiz(scenario)
    page = learner_client.get(f"/quiz/{scenario.slug}/").content.decode()
    data = answer_all(content)
    missing_q = content.questions[1]
    kept_q = content.questions[0]
    del data[f"q{missing_q.id}"]
    response = learner_client.post(f"/quiz/{scenario.slug}/envoyer/", data | {"token": token_from(page)})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Il manque 1 réponse" in html and missing_q.title in html
    for option_id in data[f"q{kept_q.id}"]:
        assert re.search(rf'value="{option_id}" checked', html)
    assert not Attempt.objects.exists()


def test_double_submit_records_once(scenario, learner, learner_client):
    """Double click, back button or replay of one form: one attempt, and the learner sees it."""
    content = load_quiz(scenario)
    page = learner_client.get(f"/quiz/{scenario.slug}/").content.decode()
    data = answer_all(content) | {"token": token_from(page)}
    first = learner_client.post(f"/quiz/{scenario.slug}/envoyer/", data)
    second = learner_client.post(f"/quiz/{scenario.slug}/envoyer/", data)
    assert Attempt.objects.count() == 1
    assert first["Location"] == second["Location"]
    assert QuizResult.objects.get(user=learner).attempts_count == 1


def test_forged_token_is_refused_with_answers_kept(scenario, learner_client):
    content = load_quiz(scenario)
    data = answer_all(content) | {"token": "forged"}
    response = learner_client.post(f"/quiz/{scenario.slug}/envoyer/", data)
    assert response.status_code == 400 and "a expiré" in response.content.decode()
    assert not Attempt.objects.exists()


def test_another_users_attempt_is_404(scenario, learner):
    content = load_quiz(scenario)
    import uuid

    attempt = submit(user=learner, content=content, chosen={q.id: {content.options[q.id][0].id} for q in content.questions},
                     submission_key=uuid.uuid4())
    other = Client()
    other.force_login(make_user("autre@example.test"))
    assert other.get(f"/quiz/{scenario.slug}/resultat/{attempt.pk}/").status_code == 404
    assert other.get(f"/quiz/verif-1-1/resultat/{attempt.pk}/").status_code == 404


def test_post_without_csrf_is_403(scenario, learner):
    client = Client(enforce_csrf_checks=True)
    client.force_login(learner)
    assert client.post(f"/quiz/{scenario.slug}/envoyer/", {}).status_code == 403


def test_get_on_submit_goes_to_the_quiz(scenario, learner_client):
    """A reloaded « envoyer » address shows the quiz, never a blank 405 page."""
    response = learner_client.get(f"/quiz/{scenario.slug}/envoyer/")
    assert response.status_code == 302 and response["Location"] == f"/quiz/{scenario.slug}/"


def test_unknown_or_draft_quiz_is_404(scenario, learner_client):
    assert learner_client.get("/quiz/nexiste-pas/").status_code == 404
    scenario.status = "draft"
    scenario.save()
    assert learner_client.get(f"/quiz/{scenario.slug}/").status_code == 404


def test_edit_after_answers_leaves_old_result_unchanged(scenario, learner, learner_client):
    """Editing, re-keying or archiving a question later never changes a past result."""
    content = load_quiz(scenario)
    page = learner_client.get(f"/quiz/{scenario.slug}/").content.decode()
    response = learner_client.post(f"/quiz/{scenario.slug}/envoyer/", answer_all(content) | {"token": token_from(page)})
    before = learner_client.get(response["Location"]).content.decode()
    attempt = Attempt.objects.get()
    question = WordingQuestion.objects.get(quiz=scenario)
    question.prompt = "Énoncé réécrit"
    question.save()
    Option.objects.filter(question=question).update(is_correct=False, text="Texte changé")
    scenario.pass_mark = 1.0
    scenario.save()
    SignalQuestion.objects.filter(quiz=scenario).update(archived=True)
    attempt.refresh_from_db()
    assert attempt.score == 1.0 and attempt.passed and attempt.pass_mark == 0.7
    after = learner_client.get(response["Location"]).content.decode()
    strip_csrf = lambda html: re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)  # noqa: E731
    assert strip_csrf(after) == strip_csrf(before)
    assert "Texte changé" not in after


def test_archived_question_no_longer_shown(scenario, learner_client):
    SignalQuestion.objects.filter(quiz=scenario).update(archived=True)
    html = learner_client.get(f"/quiz/{scenario.slug}/").content.decode()
    assert "Question 1 sur 3" in html and "Inès" not in html


def test_question_with_attempts_cannot_be_deleted(scenario, learner):
    from django.db.models import ProtectedError

    content = load_quiz(scenario)
    import uuid

    submit(user=learner, content=content, chosen={q.id: {content.options[q.id][0].id} for q in content.questions},
           submission_key=uuid.uuid4())
    with pytest.raises(ProtectedError):
        Question.objects.get(slug=f"{scenario.slug}-sig").delete()


def test_submit_is_all_or_nothing(scenario, learner, monkeypatch):
    """A failure in the middle of recording leaves no half attempt."""
    import uuid

    from quizzes import attempts

    content = load_quiz(scenario)
    chosen = {q.id: {content.options[q.id][0].id} for q in content.questions}

    def broken(**kwargs):
        raise RuntimeError("panne")

    monkeypatch.setattr(attempts, "_update_result", broken)
    with pytest.raises(RuntimeError):
        submit(user=learner, content=content, chosen=chosen, submission_key=uuid.uuid4())
    assert not Attempt.objects.exists() and not Answer.objects.exists()


def _add_questions(quiz, lesson, n):
    for i in range(n):
        for model, spec in (
            (SignalQuestion, [("s", True, {"family": "physique"}), ("d", False, {})]),
            (DecisionQuestion, [("ip", True, {"decision": "ip"}), ("x", False, {"decision": "aucune"})]),
            (WordingQuestion, [("« a »", True, {}), ("« b »", False, {})]),
        ):
            q = model.objects.create(quiz=quiz, slug=f"extra-{model.__name__}-{i}", title="t", prompt="p", lesson=lesson,
                                     order=100 + i)
            add_options(q, spec)


def _count(fn):
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


def test_quiz_page_and_submit_queries_do_not_grow_with_questions(db, learner_client, learner):
    """No per-question polymorphic query: 4 questions or 34 cost the same."""
    _, modules, lessons = build_course()
    small = build_scenario_quiz(modules[-1], slug="petit")
    large = build_scenario_quiz(modules[-1], slug="grand")
    _add_questions(large, lessons[0], 10)
    counts = {}
    for quiz in (small, large):
        content = load_quiz(quiz)
        page = {}
        counts[(quiz.slug, "page")] = _count(
            lambda q=quiz, p=page: p.setdefault("html", learner_client.get(f"/quiz/{q.slug}/").content.decode()))
        data = answer_all(content) | {"token": token_from(page["html"])}
        counts[(quiz.slug, "submit")] = _count(lambda q=quiz, d=data: learner_client.post(f"/quiz/{q.slug}/envoyer/", d))
    assert counts[("petit", "page")] == counts[("grand", "page")]
    assert counts[("petit", "submit")] == counts[("grand", "submit")]
    # 12: one of them counts the learner's attempts so far, the seed of this attempt's option
    # order (elearning/learn/quiz.py); shuffling itself costs none.
    assert counts[("grand", "page")] == 12
    # 28: one learner's submissions take turns on a lock on their user row, and a replay is
    # looked for under it (quizzes/attempts.py, two tabs on PostgreSQL). The option order is
    # read back from the signed form token: no query. 36: the learner's progress rows are
    # recomputed in the attempt's transaction (elearning/progress/rows.py: a savepoint, the
    # lock again, six reads of their own rows, two of their stored rows, the write; the course
    # structure is read once more because the suite turns its cache off), which also records
    # the follow-up start date (no separate check any more).
    assert counts[("grand", "submit")] == 36
