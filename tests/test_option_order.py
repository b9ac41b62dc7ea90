"""Options are shown in an order shuffled per attempt: the same attempt always sees the same
order (reloads included), pinned options keep their place, and the snapshot, the result
page and the editors' preview list the options in the order they were shown. The order's
seed travels in the signed form token, apart from the random submission key."""
import re
import uuid

import pytest
from django.core import signing

from quizzes.attempts import load_quiz, shown_order
from quizzes.models import AnswerOption, Attempt, Option, SignalQuestion
from tests.conftest import (
    add_options,
    admin_form_data,
    build_scenario_quiz,
    client_for,
    enrol,
    make_cohort,
    make_org,
    make_trainer,
)
from tests.test_quizzes import answer_all, token_from

pytestmark = pytest.mark.django_db


@pytest.fixture
def scenario(course):
    _, modules, _ = course
    return build_scenario_quiz(modules[-1])


@pytest.fixture
def six_options(scenario):
    question = SignalQuestion.objects.create(quiz=scenario, slug="six", title="Six", prompt="p", order=9)
    return add_options(question, [(f"Élément {i}", i % 2 == 0, {"family": "physique"} if i % 2 == 0 else {})
                                  for i in range(6)])


def token_of(html):
    return signing.loads(token_from(html), salt="quizzes.submission")


def key_of(html):
    return token_of(html)["k"]


def seed_of(html):
    return token_of(html)["s"]


def shown_ids(html, question_id):
    """Option ids of one question, in the order the page lists them."""
    return [int(v) for v in re.findall(rf'name="q{question_id}" value="(\d+)"', html)]


def test_same_seed_gives_the_same_order(six_options):
    """Shuffling is derived from the attempt's seed: computing it again gives the same order."""
    seed = uuid.uuid4().hex
    first = shown_order(six_options, seed=f"{seed}:1")
    assert [o.pk for o in shown_order(six_options, seed=f"{seed}:1")] == [o.pk for o in first]
    assert sorted(o.pk for o in first) == sorted(o.pk for o in six_options)


def test_different_seeds_give_different_orders(six_options):
    """Over many attempts the orders differ and every option comes first sometimes."""
    orders = [tuple(o.pk for o in shown_order(six_options, seed=f"{uuid.uuid4()}:1")) for _ in range(200)]
    assert len(set(orders)) > 100
    assert {order[0] for order in orders} == {o.pk for o in six_options}


def test_pinned_option_keeps_its_place(six_options):
    """A pinned option (« aucune de ces réponses ») stays where the editor put it."""
    last = six_options[-1]
    Option.objects.filter(pk=last.pk).update(pinned=True)
    last.pinned = True
    orders = [shown_order(six_options, seed=f"{uuid.uuid4()}:1") for _ in range(100)]
    assert all(order[-1].pk == last.pk for order in orders)
    assert len({tuple(o.pk for o in order) for order in orders}) > 20


def test_load_quiz_with_a_seed_shuffles_every_question(scenario, six_options):
    """The attempt's seed decides each question's order; without one, the editors' order."""
    seed = uuid.uuid4().hex
    canonical = load_quiz(scenario)
    shown = load_quiz(scenario, seed=seed)
    question = six_options[0].question_id
    assert [o.pk for o in canonical.options[question]] == [o.pk for o in six_options]
    assert [o.pk for o in shown.options[question]] == [o.pk for o in shown_order(six_options, seed=f"{seed}:{question}")]


def test_reloading_the_quiz_page_keeps_the_order_until_it_is_submitted(scenario, six_options, learner_client):
    """A reload shows the same order (same seed) with a fresh submission key, so two tabs are
    two attempts; after submitting, the next attempt gets another seed and other orders."""
    url = f"/quiz/{scenario.slug}/"
    first, again = learner_client.get(url).content.decode(), learner_client.get(url).content.decode()
    content = load_quiz(scenario)
    assert all(shown_ids(first, q.id) == shown_ids(again, q.id) for q in content.questions)
    assert seed_of(again) == seed_of(first) and key_of(again) != key_of(first)
    learner_client.post(f"{url}envoyer/", answer_all(content) | {"token": token_from(first)})
    assert Attempt.objects.count() == 1
    after = learner_client.get(url).content.decode()
    assert seed_of(after) != seed_of(first)
    assert any(shown_ids(after, q.id) != shown_ids(first, q.id) for q in content.questions)


def test_a_tampered_seed_is_refused_and_nothing_is_recorded(scenario, six_options, learner_client):
    """The order's seed is signed with the key: a token re-signed by someone else is refused
    (French message, answers kept), never graded."""
    url = f"/quiz/{scenario.slug}/"
    html = learner_client.get(url).content.decode()
    forged = signing.dumps(token_of(html) | {"s": "choisi"}, salt="quizzes.submission", key="pas-la-bonne-cle")
    response = learner_client.post(f"{url}envoyer/", answer_all(load_quiz(scenario)) | {"token": forged})
    assert response.status_code == 400 and "Le formulaire a expiré ou a été modifié" in response.content.decode()
    assert not Attempt.objects.exists()


def test_an_attempt_sent_after_another_tab_keeps_the_order_it_showed(scenario, six_options, learner_client):
    """Two tabs show the same order; the second one sent (after the first was recorded) still
    stores the order it showed, read from its own token, not the next attempt's."""
    url = f"/quiz/{scenario.slug}/"
    one, two = learner_client.get(url).content.decode(), learner_client.get(url).content.decode()
    content = load_quiz(scenario)
    learner_client.post(f"{url}envoyer/", answer_all(content) | {"token": token_from(one)})
    learner_client.post(f"{url}envoyer/", answer_all(content, right=False) | {"token": token_from(two)})
    first, second = Attempt.objects.order_by("pk")
    question = six_options[0].question_id
    for attempt in (first, second):
        rows = AnswerOption.objects.filter(answer__attempt=attempt, answer__question_id=question).order_by("order")
        assert [row.option_id for row in rows] == shown_ids(two, question)
    assert (first.score, second.score) == (1.0, 0.0)


def test_snapshot_and_review_keep_the_order_shown(scenario, six_options, learner_client):
    """What is stored and what the result page lists is the order the learner saw."""
    url = f"/quiz/{scenario.slug}/"
    html = learner_client.get(url).content.decode()
    content = load_quiz(scenario)
    shown = {q.id: shown_ids(html, q.id) for q in content.questions}
    assert any(shown[q.id] != [o.id for o in content.options[q.id]] for q in content.questions)
    response = learner_client.post(f"{url}envoyer/", answer_all(content) | {"token": token_from(html)})
    attempt = Attempt.objects.get()
    for question_id, ids in shown.items():
        rows = AnswerOption.objects.filter(answer__attempt=attempt, answer__question_id=question_id).order_by("order")
        assert [row.option_id for row in rows] == ids
        assert [row.order for row in rows] == list(range(1, len(ids) + 1))
    review = learner_client.get(response["Location"]).content.decode()
    texts = {o.id: o.text for o in Option.objects.all()}
    question = six_options[0].question_id
    positions = [review.index(texts[option_id]) for option_id in shown[question]]
    assert positions == sorted(positions)


def test_the_trainer_sees_the_options_in_the_order_the_learner_saw(scenario, six_options, learner, learner_client):
    """The learner's page in the trainer's reports lists each answer's options as they were
    shown on that attempt, not in the editors' order."""
    org = make_org()
    cohort = make_cohort(org)
    enrol(learner, cohort)
    trainer = make_trainer(org, cohorts=[cohort])
    url = f"/quiz/{scenario.slug}/"
    html = learner_client.get(url).content.decode()
    question = six_options[0].question_id
    shown = shown_ids(html, question)
    learner_client.post(f"{url}envoyer/", answer_all(load_quiz(scenario)) | {"token": token_from(html)})
    page = client_for(trainer).get(f"/formation/groupes/{cohort.pk}/apprenants/{learner.pk}/").content.decode()
    texts = {o.id: o.text for o in six_options}
    positions = [page.index(texts[option_id]) for option_id in shown]
    assert positions == sorted(positions)


def test_incomplete_submission_shows_the_same_order(scenario, six_options, learner_client):
    """Sent with a question unanswered, the page comes back in the same order."""
    url = f"/quiz/{scenario.slug}/"
    html = learner_client.get(url).content.decode()
    response = learner_client.post(f"{url}envoyer/", {"token": token_from(html)})
    assert response.status_code == 400
    question = six_options[0].question_id
    assert shown_ids(response.content.decode(), question) == shown_ids(html, question)


def test_preview_shuffles_and_its_result_keeps_the_order_shown(editor_client, scenario, six_options):
    """The editors' preview shows a shuffled order, and its result page lists that order."""
    question = six_options[0].question
    url = f"/apercu/question/{question.pk}/"
    orders = set()
    for _ in range(5):
        html = editor_client.get(url).content.decode()
        orders.add(tuple(shown_ids(html, question.pk)))
    assert len(orders) > 1
    shown = shown_ids(html, question.pk)
    chosen = [str(o.pk) for o in six_options if o.is_correct]
    review = editor_client.post(url, {f"q{question.pk}": chosen, "token": token_from(html)}).content.decode()
    positions = [review.index(Option.objects.get(pk=pk).feedback) for pk in shown]
    assert positions == sorted(positions)


def test_editors_pin_an_option_in_the_admin(editor_client, scenario):
    """« Position fixe » is an option field in each question type's admin."""
    question = SignalQuestion.objects.get(quiz=scenario)
    url = f"/admin/quizzes/signalquestion/{question.pk}/change/"
    data = admin_form_data(editor_client.get(url))
    last = int(data["options-INITIAL_FORMS"]) - 1
    data[f"options-{last}-pinned"] = "on"
    data["_publish"] = "Publier"
    assert "position fixe" in editor_client.get(url).content.decode()
    assert editor_client.post(url, data).status_code == 302
    assert list(question.options.order_by("order").values_list("pinned", flat=True)) == [False, False, False, True]
