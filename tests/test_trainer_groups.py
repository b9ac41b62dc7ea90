"""A trainer renames and archives a group: archived groups leave the active list, are
reachable in « Groupes archivés », keep their data; CSV files carry the group's name and
the date."""
import pytest
from django.utils import timezone

from elearning.models import Cohort, Enrolment
from tests.conftest import (
    answer_quiz,
    build_course,
    build_scenario_quiz,
    client_for,
    enrol,
    make_cohort,
    make_org,
    make_trainer,
    make_user,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup():
    _, modules, _ = build_course()
    scenario = build_scenario_quiz(modules[-1])
    org = make_org()
    trainer = make_trainer(org)
    cohort = make_cohort(org, "CPE Saint-Denis — été")
    make_cohort(org, "Infirmières 93")
    learner = make_user("alice@example.test", first_name="Alice")
    enrol(learner, cohort)
    answer_quiz(learner, scenario)
    return client_for(trainer), cohort, learner, scenario


def test_a_trainer_renames_a_group(setup):
    client, cohort, _, _ = setup
    response = client.post(f"/formation/groupes/{cohort.pk}/reglages/", {"name": "  CPE   Saint-Denis 2026 "},
                           follow=True)
    assert "maintenant « CPE Saint-Denis 2026 »" in response.content.decode()
    assert Cohort.objects.get(pk=cohort.pk).name == "CPE Saint-Denis 2026"


def test_a_name_already_taken_is_refused_and_kept_in_the_form(setup):
    client, cohort, _, _ = setup
    response = client.post(f"/formation/groupes/{cohort.pk}/reglages/", {"name": "infirmières 93"})
    html = response.content.decode()
    assert response.status_code == 200 and "Un groupe porte déjà ce nom" in html and 'value="infirmières 93"' in html
    assert Cohort.objects.get(pk=cohort.pk).name == "CPE Saint-Denis — été"
    empty = client.post(f"/formation/groupes/{cohort.pk}/reglages/", {"name": "  "})
    assert "Donnez un nom au groupe." in empty.content.decode()


def test_an_archived_group_leaves_the_list_keeps_its_data_and_comes_back(setup):
    client, cohort, learner, _ = setup
    response = client.post(f"/formation/groupes/{cohort.pk}/archiver/", {"action": "archiver"}, follow=True)
    assert response.redirect_chain[-1][0] == "/formation/groupes/archives/"
    cohort.refresh_from_db()
    assert cohort.archived_at is not None and not cohort.join_open
    assert "CPE Saint-Denis — été" not in client.get("/formation/groupes/").content.decode()
    archived = client.get("/formation/groupes/archives/").content.decode()
    assert "CPE Saint-Denis — été" in archived
    dashboard = client.get(f"/formation/groupes/{cohort.pk}/").content.decode()
    assert "archivé" in dashboard and "Alice" in dashboard
    assert Enrolment.objects.filter(cohort=cohort, user=learner).exists()
    # Nobody joins an archived group with its old code.
    assert client_for(make_user("new@example.test")).post(f"/rejoindre/{cohort.join_code}/").status_code == 404
    assert not Enrolment.objects.filter(cohort=cohort, user__email="new@example.test").exists()
    client.post(f"/formation/groupes/{cohort.pk}/archiver/", {"action": "restaurer"}, follow=True)
    assert Cohort.objects.get(pk=cohort.pk).archived_at is None
    assert "CPE Saint-Denis — été" in client.get("/formation/groupes/").content.decode()


def test_csv_files_are_named_after_the_group_and_the_date(setup):
    """ASCII `filename` for every browser, UTF-8 `filename*` (RFC 5987) with the accents."""
    client, cohort, _, _ = setup
    today = timezone.localdate().isoformat()
    for path, what in (("export.csv", "apprenants"), ("questions.csv", "questions")):
        response = client.get(f"/formation/groupes/{cohort.pk}/{path}")
        assert response["Content-Disposition"] == (
            f'attachment; filename="cpe-saint-denis-ete-{what}-{today}.csv"; '
            f"filename*=UTF-8''cpe-saint-denis-%C3%A9t%C3%A9-{what}-{today}.csv"
        )
