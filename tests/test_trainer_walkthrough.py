"""What a trainer's walk-through found missing: landing on « Mes groupes », a confirmation
before renewing the join code, a search by name or e-mail, and enrolling a list of learners
from a CSV file with a line-by-line report."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from elearning import roster
from elearning.models import Enrolment, User
from tests.conftest import PASSWORD, client_for, enrol, make_cohort, make_org, make_trainer, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting():
    org = make_org()
    cohort = make_cohort(org)
    trainer = make_trainer(org)
    return org, cohort, trainer


def test_a_trainer_lands_on_my_groups_after_login(setting):
    """Logging in without a « next » page: trainers see « Mes groupes », learners their course."""
    _, cohort, trainer = setting
    learner = make_user("apprenante.login@example.test")
    enrol(learner, cohort)
    for user, landing in ((trainer, "/formation/groupes/"), (learner, "/mon-parcours/")):
        response = Client().post("/comptes/connexion/", {"username": user.email, "password": PASSWORD})
        assert response.status_code == 302 and response["Location"] == landing


def test_renewing_the_code_asks_first_and_says_the_old_link_stops(setting):
    """The first click shows a confirmation saying the old code and link stop working; only
    the confirmation renews the code."""
    _, cohort, trainer = setting
    client = client_for(trainer)
    old = cohort.join_code
    page = client.post(f"/formation/groupes/{cohort.pk}/code/", {"action": "renouveler"})
    assert page.status_code == 200
    assert "cesseront de fonctionner immédiatement" in page.content.decode() and old in page.content.decode()
    cohort.refresh_from_db()
    assert cohort.join_code == old
    client.post(f"/formation/groupes/{cohort.pk}/code/", {"action": "renouveler", "confirme": "1"})
    cohort.refresh_from_db()
    assert cohort.join_code != old


def test_a_trainer_finds_a_learner_by_name_or_email(setting):
    """« Nom ou e-mail » narrows the table; the filter stays in the form."""
    _, cohort, trainer = setting
    for first, last in (("Alice", "Martin"), ("Bruno", "Petit"), ("Chloé", "Martinez")):
        enrol(make_user(f"{first.lower()}@example.test", first_name=first, last_name=last), cohort)
    client = client_for(trainer)
    page = client.get(f"/formation/groupes/{cohort.pk}/", {"recherche": "martin"}).content.decode()
    assert "Alice" in page and "Chloé" in page and "Bruno" not in page
    assert 'value="martin"' in page
    page = client.get(f"/formation/groupes/{cohort.pk}/", {"recherche": "bruno@"}).content.decode()
    assert "Bruno" in page and "Alice" not in page


def upload(client, cohort, text, name="liste.csv", encoding="utf-8"):
    return client.post(f"/formation/groupes/{cohort.pk}/importer/",
                       {"fichier": SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")})


def test_enrol_a_list_from_csv_with_a_line_by_line_report(setting):
    """A French Excel file (« ; », accents in Windows-1252): every line enrolled, an existing
    account reused (never a duplicate), one already in the group said so."""
    _, cohort, trainer = setting
    existing = make_user("deja@example.test", first_name="Déjà", last_name="Là")
    present = make_user("present@example.test", first_name="Pré", last_name="Sent")
    enrol(present, cohort)
    text = ("Nom;Prénom;E-mail;Profession;Département\n"
            "Durand;Élise;Elise.Durand@example.test;Enseignant·e;93\n"
            "Là;Déjà;deja@example.test;CPE;75\n"
            "Sent;Pré;present@example.test;;\n")
    response = upload(client_for(trainer), cohort, text, encoding="cp1252")
    page = response.content.decode()
    assert response.status_code == 200
    assert "3 lignes traitées" in page and "Déjà dans le groupe" in page
    elise = User.objects.get(email="elise.durand@example.test")
    assert (elise.first_name, elise.last_name, elise.profession, elise.departement) == ("Élise", "Durand", "enseignant", "93")
    assert not elise.has_usable_password()
    assert User.objects.filter(email__iexact="deja@example.test").count() == 1
    assert set(Enrolment.objects.filter(cohort=cohort).values_list("user__email", flat=True)) == {
        "elise.durand@example.test", existing.email, present.email}


def test_a_wrong_line_imports_nothing_and_says_why(setting):
    """Errors are given per line, in French; nothing is written until the file is right."""
    _, cohort, trainer = setting
    text = ("nom,e-mail,profession,département\n"
            "Alice Martin,alice@example.test,cpe,93\n"
            "Bruno,pas-une-adresse,plombier,99\n"
            "Chloé Petit,alice@example.test,,\n")
    response = upload(client_for(trainer), cohort, text)
    page = response.content.decode().replace("&#x27;", "'")
    assert response.status_code == 400
    assert "Adresse e-mail invalide « pas-une-adresse »" in page
    assert "Profession inconnue « plombier »" in page and "Département inconnu « 99 »" in page
    assert "Même adresse e-mail qu'à la ligne 2" in page
    assert "rien n'a été inscrit" in page
    assert not User.objects.filter(email="alice@example.test").exists()


def test_files_too_big_or_without_header_are_refused(setting):
    """Limits on size and lines, and a header naming the columns."""
    _, cohort, trainer = setting
    client = client_for(trainer)
    page = upload(client, cohort, "alice@example.test;Alice\n").content.decode()
    assert "La première ligne doit nommer les colonnes" in page
    lines = "".join(f"P{i},p{i}@example.test\n" for i in range(roster.MAX_ROWS + 1))
    page = upload(client, cohort, "nom,e-mail\n" + lines).content.decode()
    assert "Plus de 500 lignes" in page
    assert not User.objects.filter(email="p0@example.test").exists()


def test_another_organisations_cohort_cannot_be_imported_into(setting):
    """A trainer of another organisation gets a 404 and enrols nobody."""
    _, cohort, _ = setting
    outsider = make_trainer(make_org("org-b", "Autre"), email="autre.formatrice@example.test")
    response = upload(client_for(outsider), cohort, "nom,e-mail\nIntrus,intrus@example.test\n")
    assert response.status_code == 404 and not User.objects.filter(email="intrus@example.test").exists()
