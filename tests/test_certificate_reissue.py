"""A certificate follows its holder: a corrected name reissues it under the same code, an
administrator can correct it, and a deleted account leaves nothing on the check page."""
import pytest
from django.test import Client

from elearning.models import Certificate
from elearning.progress.certificates import issue_certificate
from tests.conftest import PASSWORD, admin_form_data, client_for, make_user
from tests.test_progress import complete_everything

pytestmark = pytest.mark.django_db


def profile(**changes):
    data = {"first_name": "Camille", "last_name": "Martin", "profession": "", "departement": ""}
    data.update(changes)
    return data


def test_a_corrected_name_reissues_the_certificate_under_the_same_code(course, learner, learner_client):
    """The learner fixes a typo in their name: the certificate page, the PDF's text and the
    public check show the new name, with the same code and the date of reissue."""
    complete_everything(learner)
    cert = issue_certificate(user=learner)
    assert cert.reissued_at is None

    response = learner_client.post("/mon-compte/", profile(last_name="Martin-Diallo"), follow=True)
    assert "Votre attestation a été réémise à ce nom, avec le même code de vérification." in response.content.decode()
    cert.refresh_from_db()
    assert cert.learner_name == "Camille Martin-Diallo" and cert.reissued_at is not None
    assert Certificate.objects.count() == 1
    public = Client().get(f"/attestation/{cert.code}/").content.decode()
    assert "Camille Martin-Diallo" in public and "Réémise le" in public and "Camille Martin<" not in public
    assert "Camille Martin-Diallo" in learner_client.get("/mon-attestation/").content.decode()

    # Saving the profile again without a name change does not reissue it again.
    first_reissue = cert.reissued_at
    response = learner_client.post("/mon-compte/", profile(last_name="Martin-Diallo", departement="93"), follow=True)
    assert "réémise" not in response.content.decode()
    cert.refresh_from_db()
    assert cert.reissued_at == first_reissue


def test_a_profile_change_without_a_certificate_issues_none(course, learner, learner_client):
    """A learner without a certificate changes their name: no certificate appears."""
    learner_client.post("/mon-compte/", profile(first_name="Camila"))
    assert not Certificate.objects.exists()


def test_an_administrator_corrects_a_certificate_in_the_admin(course, learner):
    """A superuser corrects the name on a certificate: same code, reissue date recorded; an
    editor cannot even see certificates; nobody can add one by hand."""
    complete_everything(learner)
    cert = issue_certificate(user=learner)
    admin = client_for(make_user("admin@example.test", is_staff=True, is_superuser=True))
    url = f"/admin/elearning/certificate/{cert.pk}/change/"
    page = admin.get(url)
    assert page.status_code == 200 and "Texte de l&#x27;attestation" in page.content.decode()
    data = admin_form_data(page)
    data["learner_name"] = "Camille Martín"
    assert admin.post(url, data).status_code == 302
    cert.refresh_from_db()
    assert cert.learner_name == "Camille Martín" and cert.reissued_at is not None
    assert admin.get("/admin/elearning/certificate/add/").status_code == 403

    editor = client_for(make_user("editrice@example.test", is_staff=True))
    assert editor.get(url).status_code in (302, 403)


def test_after_account_deletion_the_check_page_shows_nothing_of_the_holder(course, learner, learner_client):
    """Once the account is deleted, the certificate's check page answers as for a code that
    never existed: no name, no course, no sign that it existed — as the privacy page says."""
    complete_everything(learner)
    cert = issue_certificate(user=learner)
    learner_client.post("/mon-compte/supprimer/", {"password": PASSWORD})
    response = Client().get(f"/attestation/{cert.code}/")
    never = Client().get("/attestation/CODEQUINAJAMAISEXISTE/")
    assert response.status_code == never.status_code == 404
    assert response.content == never.content
    assert "Camille" not in response.content.decode()
    privacy = Client().get("/confidentialite/").content.decode()
    assert "Si vous supprimez votre compte, votre attestation est effacée avec lui" in privacy
    assert "Attestation introuvable" in privacy
