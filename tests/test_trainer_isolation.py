"""Strict isolation: a trainer sees only the organisations where they train. Every trainer
URL, swept with another organisation's cohort, learner and organisation ids, answers 404;
learners never reach a trainer page."""
import re

import pytest
from django.test import Client
from django.urls import URLPattern

from elearning.models import Cohort, Enrolment
from elearning.training import urls as urls_trainer
from tests.conftest import (
    answer_quiz,
    build_course,
    build_scenario_quiz,
    enrol,
    make_cohort,
    make_org,
    make_trainer,
    make_user,
)

pytestmark = pytest.mark.django_db

PREFIX = "/formation/"
PATTERNS = [p for p in urls_trainer.urlpatterns if isinstance(p, URLPattern)]


def url_for(pattern: URLPattern, ids: dict) -> str:
    """Fill every <int:name> of the pattern with the id given for that name."""
    route = str(pattern.pattern)
    names = re.findall(r"<int:(\w+)>", route)
    missing = set(names) - set(ids)
    assert not missing, f"The isolation sweep does not know how to fill {missing} in {route}"
    return PREFIX + re.sub(r"<int:(\w+)>", lambda m: str(ids[m.group(1)]), route)


@pytest.fixture
def world():
    course, modules, _ = build_course()
    scenario = build_scenario_quiz(modules[-1])
    org_a, org_b = make_org("org-a", "Organisation A"), make_org("org-b", "Organisation B")
    cohort_a, cohort_b = make_cohort(org_a, "Groupe A"), make_cohort(org_b, "Groupe B secret")
    trainer_a = make_trainer(org_a, "formatrice-a@example.test")
    make_trainer(org_b, "formateur-b@example.test")
    learner_a = make_user("a@example.test", first_name="Alice", last_name="Alpha")
    learner_b = make_user("b@example.test", first_name="Bérénice", last_name="Bêta")
    enrol(learner_a, cohort_a)
    enrol(learner_b, cohort_b)
    # Trainer A is also a *learner* in organisation B: that must open nothing there.
    enrol(trainer_a, cohort_b)
    answer_quiz(learner_b, scenario)
    return {
        "trainer_a": trainer_a, "learner_a": learner_a, "learner_b": learner_b,
        "org_a": org_a, "org_b": org_b, "cohort_a": cohort_a, "cohort_b": cohort_b,
    }


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def own_ids(world):
    return {"cohort_id": world["cohort_a"].pk, "user_id": world["learner_a"].pk, "organisation_id": world["org_a"].pk}


def other_ids(world):
    return {"cohort_id": world["cohort_b"].pk, "user_id": world["learner_b"].pk, "organisation_id": world["org_b"].pk}


def with_ids(pattern):
    return "<int:" in str(pattern.pattern)


def test_sweep_covers_every_trainer_url():
    """A new trainer URL joins the sweep automatically; this guards that it carries ids we know."""
    names = {p.name for p in PATTERNS}
    assert {"trainer_cohort", "trainer_items", "trainer_export_learners", "trainer_export_items",
            "trainer_cohort_code", "trainer_remove_learner", "trainer_organisation"} <= names


@pytest.mark.parametrize("pattern", [p for p in PATTERNS if with_ids(p)], ids=lambda p: p.name)
@pytest.mark.parametrize("method", ["get", "post"])
def test_another_organisations_ids_answer_404(world, pattern, method):
    """Trainer A tries organisation B's cohort, learner and organisation: 404, nothing changes."""
    client = client_for(world["trainer_a"])
    code = world["cohort_b"].join_code
    response = getattr(client, method)(url_for(pattern, other_ids(world)), {"action": "renouveler"})
    assert response.status_code == 404
    assert "Groupe B secret" not in response.content.decode() if not response.streaming else True
    cohort_b = Cohort.objects.get(pk=world["cohort_b"].pk)
    assert cohort_b.join_code == code and cohort_b.join_open
    assert Enrolment.objects.filter(cohort=cohort_b, user=world["learner_b"]).exists()


@pytest.mark.parametrize("pattern", [p for p in PATTERNS if "user_id" in str(p.pattern)], ids=lambda p: p.name)
@pytest.mark.parametrize("method", ["get", "post"])
def test_own_cohort_with_a_stranger_learner_answers_404(world, pattern, method):
    """Trainer A's own cohort, but organisation B's learner in the URL: 404, nothing removed."""
    client = client_for(world["trainer_a"])
    ids = {**own_ids(world), "user_id": world["learner_b"].pk}
    assert getattr(client, method)(url_for(pattern, ids)).status_code == 404
    assert Enrolment.objects.filter(user=world["learner_b"]).exists()


@pytest.mark.parametrize("pattern", [p for p in PATTERNS if with_ids(p)], ids=lambda p: p.name)
def test_ids_that_do_not_exist_answer_404_too(world, pattern):
    client = client_for(world["trainer_a"])
    assert client.get(url_for(pattern, {"cohort_id": 99999, "user_id": 99999, "organisation_id": 99999})).status_code == 404


@pytest.mark.parametrize("pattern", PATTERNS, ids=lambda p: p.name)
@pytest.mark.parametrize("method", ["get", "post"])
def test_learners_never_reach_trainer_pages(world, pattern, method):
    """Even with their own cohort's ids, a learner gets a plain 404."""
    client = client_for(world["learner_a"])
    response = getattr(client, method)(url_for(pattern, own_ids(world)), {"name": "Pirate", "organisation": world["org_a"].pk})
    assert response.status_code == 404
    assert not Cohort.objects.filter(name="Pirate").exists()


@pytest.mark.parametrize("pattern", PATTERNS, ids=lambda p: p.name)
def test_visitors_are_sent_to_the_login_page(world, pattern):
    response = Client().get(url_for(pattern, own_ids(world)))
    assert response.status_code == 302 and response["Location"].startswith("/comptes/connexion/")


def test_my_groups_shows_only_my_organisations(world):
    """Organisation B, where trainer A is only a learner, is not listed."""
    html = client_for(world["trainer_a"]).get("/formation/groupes/").content.decode()
    assert "Groupe A" in html
    assert "Groupe B secret" not in html and world["cohort_b"].join_code not in html and "Organisation B" not in html


@pytest.mark.parametrize("pattern", [p for p in PATTERNS if with_ids(p)], ids=lambda p: p.name)
def test_own_ids_work(world, pattern):
    """The sweep is meaningful: the same URLs with the trainer's own ids do answer."""
    client = client_for(world["trainer_a"])
    if pattern.name == "trainer_cohort_code":
        response = client.post(url_for(pattern, own_ids(world)), {"action": "fermer"})
        assert response.status_code == 302
    else:
        assert client.get(url_for(pattern, own_ids(world))).status_code == 200


def test_exports_hold_only_the_cohorts_learners(world):
    client = client_for(world["trainer_a"])
    text = b"".join(client.get(f"/formation/groupes/{world['cohort_a'].pk}/export.csv").streaming_content).decode()
    assert "Alice" in text and "Bérénice" not in text and "formatrice-a" not in text
