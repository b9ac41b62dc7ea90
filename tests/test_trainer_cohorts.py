"""« Mes groupes » : a trainer creates a cohort, shares its code and link, closes or renews
the code, takes a learner out; and the pages show the group's results."""
import re

import pytest
from django.test import Client

from elearning.models import Cohort, Enrolment, Membership
from quizzes.models import Attempt, QuizResult
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


@pytest.fixture
def org():
    return make_org()


@pytest.fixture
def trainer(org):
    return make_trainer(org)


@pytest.fixture
def trainer_client(trainer):
    client = Client()
    client.force_login(trainer)
    return client


@pytest.fixture
def cohort(org):
    return make_cohort(org, "CPE du 93")


def signup(code, email="nadia@example.test"):
    from tests.conftest import PASSWORD

    return Client().post("/comptes/inscription/", {
        "join_code": code, "first_name": "Nadia", "last_name": "Benali", "email": email,
        "profession": "cpe", "departement": "93", "password1": PASSWORD, "password2": PASSWORD,
    })


def test_my_groups_lists_cohorts_with_code_link_and_count(trainer_client, cohort):
    """The trainer sees each group with its code, its full join link and how many joined."""
    enrol(make_user(), cohort)
    html = trainer_client.get("/formation/groupes/").content.decode()
    assert "CPE du 93" in html and cohort.join_code in html
    assert f"http://testserver/rejoindre/{cohort.join_code}/" in html
    assert "1 apprenant·e" in html and "Organisation A" in html
    assert 'aria-current="page"' in html and ">Mes groupes<" in html


def test_create_cohort_then_a_learner_joins_with_its_code(trainer_client, trainer, org):
    """A new group gets a working code at once."""
    response = trainer_client.post("/formation/groupes/", {"organisation": org.pk, "name": "  Éducateurs   MECS "})
    cohort = Cohort.objects.get(organisation=org)
    assert response.status_code == 302 and response["Location"] == f"/formation/groupes/{cohort.pk}/"
    assert cohort.name == "Éducateurs MECS" and cohort.join_open and cohort.created_by == trainer
    assert signup(cohort.join_code).status_code == 302
    assert Enrolment.objects.filter(cohort=cohort, user__email="nadia@example.test").exists()


def test_create_cohort_refuses_a_duplicate_name_or_another_organisation(trainer_client, org, cohort):
    """The form explains what is wrong and nothing is created."""
    response = trainer_client.post("/formation/groupes/", {"organisation": org.pk, "name": "cpe du 93"})
    assert response.status_code == 200 and "porte déjà ce nom" in response.content.decode()
    elsewhere = make_org("org-b", "Organisation B")
    response = trainer_client.post("/formation/groupes/", {"organisation": elsewhere.pk, "name": "Intrus"})
    assert response.status_code == 200 and "Choisissez une de vos organisations" in response.content.decode()
    response = trainer_client.post("/formation/groupes/", {"organisation": org.pk, "name": ""})
    assert "Donnez un nom au groupe" in response.content.decode()
    assert Cohort.objects.count() == 1


def test_trainer_of_two_organisations_chooses_where_to_create(trainer_client, trainer):
    second = make_org("org-b", "Organisation B")
    Membership.objects.create(user=trainer, organisation=second, role=Membership.Role.TRAINER)
    html = trainer_client.get("/formation/groupes/").content.decode()
    assert '<select name="organisation"' in html and "Organisation B" in html
    trainer_client.post("/formation/groupes/", {"organisation": second.pk, "name": "Nouveau"})
    assert Cohort.objects.get(name="Nouveau").organisation == second


def test_close_then_reopen_the_code(trainer_client, cohort):
    """Closed: the code and the link are refused; reopened: they work again."""
    response = trainer_client.post(f"/formation/groupes/{cohort.pk}/code/", {"action": "fermer"})
    assert response.status_code == 302
    cohort.refresh_from_db()
    assert not cohort.join_open
    assert "aucun groupe ouvert" in signup(cohort.join_code).content.decode()
    trainer_client.post(f"/formation/groupes/{cohort.pk}/code/", {"action": "ouvrir", "retour": "liste"})
    cohort.refresh_from_db()
    assert cohort.join_open
    assert signup(cohort.join_code).status_code == 302


def test_regenerate_code_kills_the_old_one(trainer_client, cohort):
    """A leaked code is replaced: the old one is refused, the new one works."""
    old = cohort.join_code
    response = trainer_client.post(f"/formation/groupes/{cohort.pk}/code/", {"action": "renouveler"}, follow=True)
    cohort.refresh_from_db()
    assert cohort.join_code != old and re.fullmatch(r"[A-Z2-9]{8}", cohort.join_code)
    assert f"Nouveau code pour « CPE du 93 » : {cohort.join_code}" in response.content.decode()
    assert "aucun groupe ouvert" in signup(old).content.decode()
    assert signup(cohort.join_code).status_code == 302


def test_code_actions_need_post_and_a_known_action(trainer_client, cohort):
    assert trainer_client.get(f"/formation/groupes/{cohort.pk}/code/").status_code == 405
    trainer_client.post(f"/formation/groupes/{cohort.pk}/code/", {"action": "supprimer"})
    cohort.refresh_from_db()
    assert cohort.join_open


def test_code_actions_require_the_csrf_token(trainer, cohort):
    client = Client(enforce_csrf_checks=True)
    client.force_login(trainer)
    assert client.post(f"/formation/groupes/{cohort.pk}/code/", {"action": "fermer"}).status_code == 403
    cohort.refresh_from_db()
    assert cohort.join_open


def test_remove_learner_confirms_then_removes_but_keeps_the_account(trainer_client, cohort):
    """The learner leaves the table; their account and results stay; group stats keep the answers."""
    course, modules, _ = build_course()
    scenario = build_scenario_quiz(modules[-1])
    learner = make_user(first_name="Inès", last_name="Morel")
    enrol(learner, cohort)
    answer_quiz(learner, scenario)
    url = f"/formation/groupes/{cohort.pk}/apprenants/{learner.pk}/retirer/"
    page = trainer_client.get(url)
    assert page.status_code == 200 and "Retirer Inès Morel du groupe" in page.content.decode()
    assert Enrolment.objects.filter(cohort=cohort, user=learner).exists()
    response = trainer_client.post(url, follow=True)
    assert "Inès Morel ne fait plus partie du groupe" in response.content.decode()
    assert not Enrolment.objects.filter(cohort=cohort, user=learner).exists()
    assert not Membership.objects.filter(user=learner, organisation=cohort.organisation, role="learner").exists()
    learner.refresh_from_db()
    assert QuizResult.objects.filter(user=learner).exists() and Attempt.objects.filter(user=learner).exists()
    assert trainer_client.post(url).status_code == 404


def test_removed_learner_keeps_membership_while_in_another_group_of_the_organisation(trainer_client, org, cohort):
    learner = make_user()
    enrol(learner, cohort)
    enrol(learner, make_cohort(org, "Autre groupe"))
    trainer_client.post(f"/formation/groupes/{cohort.pk}/apprenants/{learner.pk}/retirer/")
    assert Membership.objects.filter(user=learner, organisation=org, role="learner").exists()


def test_dashboard_shows_each_part_with_charts_and_tables(trainer_client, cohort):
    """Funnel, quizzes, before/after and learner table, each chart an accessible SVG with a table."""
    course, modules, _ = build_course()
    scenario = build_scenario_quiz(modules[-1])
    learner = make_user(first_name="Inès", last_name="Morel", profession="cpe", departement="93")
    enrol(learner, cohort)
    answer_quiz(learner, scenario)
    response = trainer_client.get(f"/formation/groupes/{cohort.pk}/")
    html = response.content.decode()
    assert response.status_code == 200
    for text in ["Progression du groupe", "Résultats par quiz", "Avant / après le parcours", "Apprenant·es",
                 "Inès Morel", "Scénarios", cohort.join_code, "Attestation obtenue"]:
        assert text in html, text
    assert html.count('<svg xmlns="http://www.w3.org/2000/svg" role="img"') == 4
    assert html.count("<table") >= 4 and "<desc id=" in html
    assert "<script" not in html and "style=" not in html


def test_learner_table_filters_sort_and_pages(trainer_client, cohort, monkeypatch):
    from elearning.training import reports

    monkeypatch.setattr(reports, "PAGE_SIZE", 2)
    for first, last, profession in [("Anne", "Arnaud", "cpe"), ("Bilal", "Bernard", "enseignant"),
                                    ("Chloé", "Caron", "cpe")]:
        enrol(make_user(f"{first.lower()}@example.test", first_name=first, last_name=last,
                        profession=profession, departement="93"), cohort)
    url = f"/formation/groupes/{cohort.pk}/"
    html = trainer_client.get(url, {"profession": "cpe"}).content.decode()
    assert "Anne Arnaud" in html and "Chloé Caron" in html and "Bilal Bernard" not in html
    assert "2 apprenant·es correspondant aux filtres" in html
    html = trainer_client.get(url, {"tri": "-nom"}).content.decode()
    assert html.index("Chloé Caron") < html.index("Bilal Bernard") and "Anne Arnaud" not in html
    assert 'aria-sort="descending"' in html and "Page 1 sur 2" in html
    assert "?tri=-nom&amp;page=2" in html
    html = trainer_client.get(url, {"tri": "-nom", "page": "2"}).content.decode()
    assert "Anne Arnaud" in html and "Chloé Caron" not in html
    assert "export.csv?tri=-nom" in html


def test_item_analysis_page_shows_questions_families_and_decisions(trainer_client, cohort):
    course, modules, _ = build_course()
    scenario = build_scenario_quiz(modules[-1])
    for n, picks in enumerate([{"scenario-dec": ["a"], "scenario-sig": ["a"]}, {}]):
        learner = make_user(f"l{n}@example.test")
        enrol(learner, cohort)
        answer_quiz(learner, scenario, picks)
    html = trainer_client.get(f"/formation/groupes/{cohort.pk}/questions/").content.decode()
    for text in ["Les questions les plus ratées", "Facteurs de vulnérabilité", "décisions confondues",
                 "La réponse « Information préoccupante à la CRIP » a été donnée au lieu de « Signalement au procureur",
                 "Yanis", "questions.csv"]:
        assert text in html, text
    assert "<script" not in html and "style=" not in html


def test_organisation_overview_lists_every_cohort(trainer_client, org, cohort):
    make_cohort(org, "Groupe vide")
    enrol(make_user(), cohort)
    html = trainer_client.get(f"/formation/organisation/{org.pk}/").content.decode()
    assert "CPE du 93" in html and "Groupe vide" in html and "Total" in html
    assert f"/formation/groupes/{cohort.pk}/" in html
