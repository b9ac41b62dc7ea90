"""A session that expires while a learner answers loses nothing, and no address shows a blank
405 page."""
import re
import time
from unittest import mock
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core import signing
from django.test import Client

from elearning.models import ConfidenceRating, Skill
from elearning.resume import MAX_AGE_SECONDS, PARAM
from quizzes.attempts import load_quiz
from quizzes.models import Attempt, Quiz
from tests.conftest import PASSWORD, build_scenario_quiz, make_cohort, make_org, make_trainer

pytestmark = pytest.mark.django_db


@pytest.fixture
def scenario(course):
    _, modules, _ = course
    return build_scenario_quiz(modules[-1])


def quiz_token(client, quiz):
    page = client.get(quiz.get_absolute_url()).content.decode()
    return re.search(r'name="token" value="([^"]+)"', page).group(1)


def sign_in_and_follow(client, login_url, email):
    """The login page, then where it leads (the `next` it was given)."""
    next_url = parse_qs(urlsplit(login_url).query)["next"][0]
    response = client.post(login_url, {"username": email, "password": PASSWORD, "next": next_url})
    assert response.status_code == 302 and response["Location"] == next_url
    return client.get(next_url)


def all_answers(content):
    return {f"q{q.id}": [str(o.id) for o in content.options[q.id] if o.is_correct][:1 if q.input_type == "radio" else None]
            for q in content.questions}


def test_quiz_sent_after_the_session_expired_comes_back_with_the_answers(scenario, learner, learner_client):
    """The learner answers, the session expires, they send: after signing in they are back on
    the quiz with every choice still ticked, sending it records one attempt, and sending the
    same form twice still records one."""
    content = load_quiz(scenario)
    first = learner_client.get(scenario.get_absolute_url()).content.decode()
    token = re.search(r'name="token" value="([^"]+)"', first).group(1)
    learner_client.logout()  # the session expired while the learner was answering
    answers = all_answers(content)

    response = learner_client.post(f"/quiz/{scenario.slug}/envoyer/", {"token": token, **answers})
    assert response.status_code == 302 and response["Location"].startswith("/comptes/connexion/?next=")
    page = sign_in_and_follow(learner_client, response["Location"], learner.email)

    html = page.content.decode()
    assert page.status_code == 200 and page.request["PATH_INFO"] == f"/quiz/{scenario.slug}/"
    assert "Votre session avait expiré : vos réponses ont été gardées" in html
    for values in answers.values():
        for option_id in values:
            assert re.search(rf'value="{option_id}" checked', html), option_id
    assert f'name="token" value="{token}"' in html  # the same submission key
    # …and the options where the learner saw them (the order's seed travels in the token).
    assert re.findall(r'name="q\d+" value="(\d+)"', html) == re.findall(r'name="q\d+" value="(\d+)"', first)
    assert Attempt.objects.filter(user=learner).count() == 0

    for _ in range(2):
        sent = learner_client.post(f"/quiz/{scenario.slug}/envoyer/", {"token": token, **answers})
        assert sent.status_code == 302 and "/resultat/" in sent["Location"]
    attempt = Attempt.objects.get(user=learner)
    assert attempt.score == 1


def test_kept_answers_cannot_be_forged_reused_elsewhere_or_kept_forever(scenario, learner_client):
    """A tampered value, one made for another page or one older than two hours fills nothing."""
    content = load_quiz(scenario)
    answers = all_answers(content)
    anonymous = Client()
    location = anonymous.post(f"/quiz/{scenario.slug}/envoyer/", answers)["Location"]
    kept = parse_qs(urlsplit(parse_qs(urlsplit(location).query)["next"][0]).query)[PARAM][0]

    tampered = kept[:-3] + ("AAA" if not kept.endswith("AAA") else "BBB")
    forged = signing.dumps({"path": f"/quiz/{scenario.slug}/", "post": answers}, salt="autre")
    other_page = signing.dumps({"path": "/quiz/autre/", "post": answers}, salt="elearning.resume")
    for value in (tampered, forged, other_page):
        html = learner_client.get(f"/quiz/{scenario.slug}/", {PARAM: value}).content.decode()
        assert " checked" not in html and "session avait expiré" not in html

    assert " checked" in learner_client.get(f"/quiz/{scenario.slug}/", {PARAM: kept}).content.decode()
    later = time.time() + MAX_AGE_SECONDS + 1
    with mock.patch("django.core.signing.time.time", return_value=later):
        assert " checked" not in learner_client.get(f"/quiz/{scenario.slug}/", {PARAM: kept}).content.decode()


def test_confidence_ratings_sent_after_the_session_expired_are_kept(learner, learner_client, course):
    """The « avant » self-assessment: the levels chosen before the session expired are ticked
    again after signing in."""
    Quiz.objects.create(slug="avant", title="Avant", kind=Quiz.Kind.SELF_BEFORE, pass_mark=0)
    learner_client.logout()
    levels = {f"confiance_{skill}": str(1 + n % 4) for n, skill in enumerate(Skill.values)}
    response = learner_client.post("/auto-evaluation/avant/", {"confidence": "1", **levels})
    page = sign_in_and_follow(learner_client, response["Location"], learner.email)
    html = page.content.decode()
    for field, value in levels.items():
        assert re.search(rf'name="{field}" value="{value}" checked', html), field
    assert not ConfidenceRating.objects.filter(user=learner).exists()


@pytest.mark.parametrize("who", ["learner", "trainer"])
def test_post_only_addresses_answer_a_get_with_their_page(who, scenario, learner, learner_client):
    """Each address that only takes a form (finish a lesson, send a quiz or a self-assessment,
    change a join code, sign out) leads to its page on a GET, never to a blank 405 page."""
    cohort = make_cohort(make_org())
    if who == "trainer":
        client = Client()
        client.force_login(make_trainer(cohort.organisation))
        pages = {f"/formation/groupes/{cohort.pk}/code/": f"/formation/groupes/{cohort.pk}/"}
    else:
        client = learner_client
        pages = {
            "/cours/module-1/lecon-1-1/terminer/": "/cours/module-1/lecon-1-1/",
            f"/quiz/{scenario.slug}/envoyer/": f"/quiz/{scenario.slug}/",
            "/auto-evaluation/avant/envoyer/": "/auto-evaluation/avant/",
            "/auto-evaluation/apres/envoyer/": "/auto-evaluation/apres/",
        }
    pages["/comptes/deconnexion/"] = "/"
    for address, page in pages.items():
        response = client.get(address)
        assert response.status_code == 302 and response["Location"] == page, address
    # Signed out, the same addresses lead to the login page (then, signed in, as above).
    anonymous = Client()
    for address in pages:
        if address != "/comptes/deconnexion/":
            assert anonymous.get(address)["Location"].startswith("/comptes/connexion/?next=/"), address
