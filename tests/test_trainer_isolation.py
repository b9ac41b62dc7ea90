"""Strict isolation: a trainer sees only the groups they train (a manager: every group of
their organisation). Every trainer URL, swept with another organisation's cohort, learner,
trainer, invitation and organisation ids, answers 404; a trainer outside a group, or who is
not a manager, gets 404 on its pages or the team pages; learners never reach a trainer page."""
import re

import pytest
from django.test import Client
from django.urls import URLPattern

from elearning.models import Cohort, Enrolment, Invitation, Membership
from elearning.training import urls as urls_trainer
from tests.conftest import (
    answer_quiz,
    build_case,
    build_course,
    build_scenario_quiz,
    enrol,
    make_cohort,
    make_org,
    make_trainer,
    make_user,
)
from tests.writing_builders import answer_writing, build_writing_quiz

# URLs that only act on POST: with the right ids, a GET goes back to their page.
POST_ONLY = {"trainer_cohort_archive", "trainer_cotrainer_add", "trainer_cotrainer_remove",
             "trainer_invitation_cancel"}

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
    case = build_case(scenario)  # a case that unfolds: its path report is swept too (issue 18)
    org_a, org_b = make_org("org-a", "Organisation A"), make_org("org-b", "Organisation B")
    cohort_a, cohort_b = make_cohort(org_a, "Groupe A"), make_cohort(org_b, "Groupe B secret")
    trainer_a = make_trainer(org_a, "formatrice-a@example.test")
    Membership.objects.create(user=trainer_a, organisation=org_a, role=Membership.Role.MANAGER)
    cotrainer_a = make_trainer(org_a, "cotrainer-a@example.test")
    # A trainer of organisation A who does not train group A, and manages nothing.
    colleague_a = make_trainer(org_a, "collegue-a@example.test", cohorts=[])
    trainer_b = make_trainer(org_b, "formateur-b@example.test")
    invitation_a = Invitation.objects.create(organisation=org_a, email="invitee-a@example.test")
    invitation_b = Invitation.objects.create(organisation=org_b, email="invitee-b@example.test")
    learner_a = make_user("a@example.test", first_name="Alice", last_name="Alpha")
    learner_b = make_user("b@example.test", first_name="Bérénice", last_name="Bêta")
    enrol(learner_a, cohort_a)
    enrol(learner_b, cohort_b)
    # Trainer A is also a *learner* in organisation B: that must open nothing there.
    enrol(trainer_a, cohort_b)
    answer_quiz(learner_b, scenario)
    writing = build_writing_quiz(modules[-1])
    written_a = answer_writing(learner_a, writing).answers.get().written
    written_b = answer_writing(learner_b, writing).answers.get().written
    return {
        "written_a": written_a, "written_b": written_b,
        "trainer_a": trainer_a, "learner_a": learner_a, "learner_b": learner_b,
        "org_a": org_a, "org_b": org_b, "cohort_a": cohort_a, "cohort_b": cohort_b,
        "cotrainer_a": cotrainer_a, "colleague_a": colleague_a, "trainer_b": trainer_b,
        "invitation_a": invitation_a, "invitation_b": invitation_b, "case": case,
    }


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def own_ids(world):
    return {"cohort_id": world["cohort_a"].pk, "user_id": world["learner_a"].pk, "organisation_id": world["org_a"].pk,
            "trainer_id": world["cotrainer_a"].pk, "invitation_id": world["invitation_a"].pk,
            "question_id": world["case"].pk, "written_id": world["written_a"].pk}


def other_ids(world):
    return {"cohort_id": world["cohort_b"].pk, "user_id": world["learner_b"].pk, "organisation_id": world["org_b"].pk,
            "trainer_id": world["trainer_b"].pk, "invitation_id": world["invitation_b"].pk,
            "question_id": world["case"].pk, "written_id": world["written_b"].pk}


def organisation_b_is_untouched(world):
    cohort_b = Cohort.objects.get(pk=world["cohort_b"].pk)
    assert cohort_b.name == "Groupe B secret" and cohort_b.archived_at is None
    assert Membership.objects.filter(user=world["trainer_b"], organisation=world["org_b"],
                                     role=Membership.Role.TRAINER).exists()
    assert list(cohort_b.trainers.all()) == [world["trainer_b"]]
    assert Invitation.objects.filter(pk=world["invitation_b"].pk).exists()


def with_ids(pattern):
    return "<int:" in str(pattern.pattern)


def test_sweep_covers_every_trainer_url():
    """A new trainer URL joins the sweep automatically; this guards that it carries ids we know."""
    names = {p.name for p in PATTERNS}
    assert {"trainer_cohort", "trainer_items", "trainer_export_learners", "trainer_export_items",
            "trainer_cohort_code", "trainer_remove_learner", "trainer_organisation", "trainer_team",
            "trainer_team_remove", "trainer_invitation_cancel", "trainer_learner", "trainer_cohort_settings",
            "trainer_cohort_archive", "trainer_cotrainer_add", "trainer_cotrainer_remove", "trainer_archived",
            "trainer_case_paths", "trainer_writing", "trainer_writing_review"} <= names


@pytest.mark.parametrize("pattern", [p for p in PATTERNS if with_ids(p)], ids=lambda p: p.name)
@pytest.mark.parametrize("method", ["get", "post"])
def test_another_organisations_ids_answer_404(world, pattern, method):
    """Trainer A tries organisation B's cohort, learner and organisation: 404, nothing changes."""
    client = client_for(world["trainer_a"])
    code = world["cohort_b"].join_code
    data = {"action": "renouveler", "name": "Renommé", "email": "pirate@example.test", "user": world["trainer_a"].pk}
    response = getattr(client, method)(url_for(pattern, other_ids(world)), data)
    assert response.status_code == 404
    organisation_b_is_untouched(world)
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
    ids = {"cohort_id": 99999, "user_id": 99999, "organisation_id": 99999, "trainer_id": 99999, "invitation_id": 99999,
           "question_id": 99999, "written_id": 99999}
    assert client.get(url_for(pattern, ids)).status_code == 404


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
    elif pattern.name in POST_ONLY:
        assert client.get(url_for(pattern, own_ids(world))).status_code == 302
    else:
        assert client.get(url_for(pattern, own_ids(world))).status_code == 200


def test_exports_hold_only_the_cohorts_learners(world):
    client = client_for(world["trainer_a"])
    text = b"".join(client.get(f"/formation/groupes/{world['cohort_a'].pk}/export.csv").streaming_content).decode()
    assert "Alice" in text and "Bérénice" not in text and "formatrice-a" not in text


COHORT_PATTERNS = [p for p in PATTERNS if "<int:cohort_id>" in str(p.pattern)]
TEAM_PATTERNS = [p for p in PATTERNS if "/equipe/" in str(p.pattern)]


@pytest.mark.parametrize("pattern", COHORT_PATTERNS, ids=lambda p: p.name)
@pytest.mark.parametrize("method", ["get", "post"])
def test_a_trainer_outside_the_group_gets_404(world, pattern, method):
    """A trainer of the same organisation who does not train group A (and manages nothing)
    cannot open any of its pages, nor change it."""
    client = client_for(world["colleague_a"])
    data = {"action": "archiver", "name": "Renommé", "user": world["colleague_a"].pk}
    assert getattr(client, method)(url_for(pattern, own_ids(world)), data).status_code == 404
    cohort_a = Cohort.objects.get(pk=world["cohort_a"].pk)
    assert cohort_a.name == "Groupe A" and cohort_a.archived_at is None
    assert not cohort_a.trainers.filter(pk=world["colleague_a"].pk).exists()


@pytest.mark.parametrize("pattern", TEAM_PATTERNS, ids=lambda p: p.name)
@pytest.mark.parametrize("method", ["get", "post"])
def test_team_pages_are_for_managers_only(world, pattern, method):
    """A trainer who is not a manager of organisation A gets 404 on its team pages; nobody
    is appointed, removed or uninvited."""
    client = client_for(world["cotrainer_a"])
    response = getattr(client, method)(url_for(pattern, own_ids(world)), {"email": "pirate@example.test"})
    assert response.status_code == 404
    assert not Invitation.objects.filter(email="pirate@example.test").exists()
    assert Invitation.objects.filter(pk=world["invitation_a"].pk).exists()
    assert Membership.objects.filter(user=world["cotrainer_a"], role=Membership.Role.TRAINER).exists()


def test_a_manager_sees_every_group_of_the_organisation(world):
    """The manager opens a group they do not train; the group is listed in « Mes groupes »."""
    hidden = Cohort.objects.create(organisation=world["org_a"], name="Groupe de la collègue")
    hidden.trainers.add(world["colleague_a"])
    client = client_for(world["trainer_a"])
    assert client.get(f"/formation/groupes/{hidden.pk}/").status_code == 200
    assert "Groupe de la collègue" in client.get("/formation/groupes/").content.decode()
    assert "Groupe de la collègue" not in client_for(world["cotrainer_a"]).get("/formation/groupes/").content.decode()
