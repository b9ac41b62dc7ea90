"""Sign-up with a cohort code, login by e-mail, lockout, roles."""
import pytest
from django.test import Client

from elearning.models import Cohort, Enrolment, Membership, User
from tests.conftest import PASSWORD, activation_link, enrol, make_cohort, make_org, make_user

pytestmark = pytest.mark.django_db


def signup_data(code, **overrides):
    data = {
        "join_code": code, "first_name": "Nadia", "last_name": "Benali", "email": "nadia@example.test",
        "profession": "cpe", "departement": "93", "password1": PASSWORD, "password2": PASSWORD,
    }
    data.update(overrides)
    return data


@pytest.fixture
def cohort():
    return make_cohort(make_org())


def test_signup_with_good_code_creates_learner_in_cohort(client, cohort, mailoutbox):
    """A learner with the trainer's code gets an activation e-mail; once they open the link and
    confirm, they land in the right group, signed in."""
    response = client.post("/comptes/inscription/", signup_data(cohort.join_code.lower()))
    assert response.status_code == 302 and response["Location"] == "/comptes/inscription/envoyee/"
    user = User.objects.get(email="nadia@example.test")
    assert not user.is_active and not Enrolment.objects.exists()
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["nadia@example.test"]
    link = activation_link()
    assert client.get(link).status_code == 200  # a mail scanner opening the link activates nothing
    user.refresh_from_db()
    assert not user.is_active
    response = client.post(link)
    assert response.status_code == 302 and response["Location"] == "/mon-parcours/"
    user.refresh_from_db()
    assert user.is_active and user.profession == "cpe" and user.departement == "93"
    assert Enrolment.objects.filter(user=user, cohort=cohort).exists()
    assert Membership.objects.filter(user=user, organisation=cohort.organisation, role="learner").exists()
    assert client.get("/mon-parcours/").status_code == 200
    client.post("/comptes/deconnexion/")
    assert "n'est plus valable" in client.post(link).content.decode()  # one use only


def test_activation_link_tampered_or_for_another_account_is_refused(client, cohort):
    response = client.get("/comptes/activer/pas-un-jeton/")
    assert response.status_code == 400 and "n'est plus valable" in response.content.decode()


def test_join_link_prefills_the_code(client, cohort):
    response = client.get(f"/rejoindre/{cohort.join_code}/", follow=True)
    assert cohort.join_code in response.content.decode()


@pytest.mark.parametrize("case", ["wrong", "closed", "regenerated"])
def test_bad_code_is_refused_and_form_kept(client, cohort, case):
    """A wrong, closed or regenerated code: a clear message, what was typed kept, nothing created."""
    code = cohort.join_code
    if case == "wrong":
        code = "ZZZZZZZZ"
    elif case == "closed":
        Cohort.objects.filter(pk=cohort.pk).update(join_open=False)
    else:
        Cohort.objects.filter(pk=cohort.pk).update(join_code="NEWCODE9")
    response = client.post("/comptes/inscription/", signup_data(code))
    html = response.content.decode()
    assert response.status_code == 200
    assert "aucun groupe ouvert" in html
    assert 'value="Nadia"' in html and 'value="nadia@example.test"' in html
    assert PASSWORD not in html
    assert not User.objects.exists()


def test_signup_answers_the_same_for_a_known_address(cohort, mailoutbox):
    """Posting an address that already has an account (with a good or a bad code) reveals
    nothing: the same page as for a new address; its owner gets an e-mail instead."""
    make_user("nadia@example.test")
    new = Client().post("/comptes/inscription/", signup_data(cohort.join_code, email="inconnue@example.test"))
    known = Client().post("/comptes/inscription/", signup_data(cohort.join_code, email="Nadia@Example.test"))
    assert (known.status_code, known["Location"]) == (new.status_code, new["Location"])
    assert Client().get(known["Location"]).content == Client().get(new["Location"]).content
    assert User.objects.filter(email="nadia@example.test").count() == 1
    assert not User.objects.get(email="nadia@example.test").enrolments.exists()
    owner_mail = mailoutbox[-1]
    assert owner_mail.to == ["nadia@example.test"] and "déjà un compte" in owner_mail.body
    assert f"/rejoindre/{cohort.join_code}/" in owner_mail.body and "/comptes/activer/" not in owner_mail.body
    bad_code_known = Client().post("/comptes/inscription/", signup_data("ZZZZZZZZ", email="nadia@example.test"))
    bad_code_new = Client().post("/comptes/inscription/", signup_data("ZZZZZZZZ", email="autre@example.test"))
    for response in (bad_code_known, bad_code_new):
        html = response.content.decode()
        assert "aucun groupe ouvert" in html and "existe déjà" not in html
    assert len(mailoutbox) == 2


def test_signing_up_again_before_activating_resends_the_link(client, cohort, mailoutbox):
    client.post("/comptes/inscription/", signup_data(cohort.join_code))
    client.post("/comptes/inscription/", signup_data(cohort.join_code))
    assert len(mailoutbox) == 2 and all("/comptes/activer/" in m.body for m in mailoutbox)
    assert User.objects.count() == 1
    assert client.post(activation_link()).status_code == 302


def test_weak_password_refused(client, cohort):
    response = client.post("/comptes/inscription/", signup_data(cohort.join_code, password1="12345678", password2="12345678"))
    html = response.content.decode()
    assert response.status_code == 200 and not User.objects.exists()
    assert "trop court" in html or "courant" in html or "chiffres" in html


def test_missing_fields_named_in_french(client, cohort):
    response = client.post("/comptes/inscription/", {"join_code": cohort.join_code, "first_name": "Nadia"})
    html = response.content.decode()
    assert "Saisissez votre adresse e-mail." in html and "Choisissez votre profession." in html
    assert 'value="Nadia"' in html
    assert not User.objects.exists()


def test_login_by_email_and_logout(client):
    make_user("camille@example.test")
    response = client.post("/comptes/connexion/", {"username": "Camille@example.test", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/mon-parcours/").status_code == 200
    client.post("/comptes/deconnexion/")
    assert client.get("/mon-parcours/").status_code == 302


def test_wrong_password_message(client):
    make_user("camille@example.test")
    response = client.post("/comptes/connexion/", {"username": "camille@example.test", "password": "faux"})
    assert "Adresse e-mail ou mot de passe incorrect" in response.content.decode()


def test_lockout_is_per_username_and_ip_not_ip_alone(settings):
    """One person's typos lock that account from that address, not the whole class behind one NAT."""
    make_user("typo@example.test")
    make_user("voisine@example.test")
    client = Client(REMOTE_ADDR="10.1.2.3")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/comptes/connexion/", {"username": "typo@example.test", "password": "faux"})
    locked = client.post("/comptes/connexion/", {"username": "typo@example.test", "password": PASSWORD})
    assert locked.status_code == 429
    assert "Connexion bloquée" in locked.content.decode()
    other = Client(REMOTE_ADDR="10.1.2.3")
    ok = other.post("/comptes/connexion/", {"username": "voisine@example.test", "password": PASSWORD})
    assert ok.status_code == 302
    elsewhere = Client(REMOTE_ADDR="10.9.9.9")
    assert elsewhere.post("/comptes/connexion/", {"username": "typo@example.test", "password": PASSWORD}).status_code == 302


def test_password_reset_sends_french_email(client, mailoutbox):
    make_user("camille@example.test")
    response = client.post("/comptes/mot-de-passe-oublie/", {"email": "camille@example.test"})
    assert response.status_code == 302
    assert len(mailoutbox) == 1 and "mot de passe" in mailoutbox[0].body


def test_password_change(client):
    user = make_user("camille@example.test")
    client.force_login(user)
    new = "Nouveau-mot-de-passe-77"
    response = client.post("/comptes/mot-de-passe/", {"old_password": PASSWORD, "new_password1": new, "new_password2": new})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(new)


def test_learner_never_reaches_trainer_pages_nor_admin(client, cohort):
    learner = make_user("l@example.test")
    enrol(learner, cohort)
    client.force_login(learner)
    assert client.get("/formation/groupes/").status_code == 404
    assert client.get("/admin/").status_code == 302


def test_trainer_reaches_trainer_pages_not_admin(client, cohort):
    trainer = make_user("t@example.test")
    enrol(trainer, cohort, role=Membership.Role.TRAINER)
    client.force_login(trainer)
    assert client.get("/formation/groupes/").status_code == 200
    assert client.get("/admin/").status_code == 302


def test_anonymous_redirected_to_login_for_lessons(client):
    response = client.get("/mon-parcours/")
    assert response.status_code == 302 and response["Location"].startswith("/comptes/connexion/")
