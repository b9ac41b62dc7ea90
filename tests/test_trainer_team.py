"""Making someone a trainer: a manager appoints and removes trainers from the site (by
e-mail: added at once with an account, otherwise invited by a signed, expiring link);
`add_member` appoints the first one; a group can have co-trainers."""
import datetime
import re

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import Client

from elearning import memberships
from elearning.models import Cohort, Invitation, Membership, User
from tests.conftest import PASSWORD, client_for, make_cohort, make_manager, make_org, make_trainer, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def org():
    return make_org("asso-93", "Association 93")


@pytest.fixture
def manager(org):
    return make_manager(org)


def team_url(org):
    return f"/formation/organisation/{org.pk}/equipe/"


def appoint_from_site(manager, org, email, capture):
    with capture(execute=True):
        return client_for(manager).post(team_url(org), {"email": email}, follow=True)


def link_in(message) -> str:
    return re.search(r"http://testserver(/comptes/invitation/[^/\s]+/)", message.body).group(1)


def test_a_manager_makes_someone_with_an_account_a_trainer_at_once(org, manager, django_capture_on_commit_callbacks):
    """The person is a trainer right away; no e-mail is needed."""
    person = make_user("karim@example.test", first_name="Karim")
    response = appoint_from_site(manager, org, " Karim@Example.test ", django_capture_on_commit_callbacks)
    assert "Karim Martin est maintenant formateur·rice de Association 93." in response.content.decode()
    assert Membership.objects.filter(user=person, organisation=org, role=Membership.Role.TRAINER).exists()
    assert mail.outbox == []
    # The new trainer reaches « Mes groupes » and can create a group there.
    assert client_for(person).get("/formation/groupes/").status_code == 200


def test_someone_without_an_account_gets_a_french_invitation_after_commit(org, manager,
                                                                          django_capture_on_commit_callbacks):
    """One e-mail, plain text and HTML, in French, with the link and the support numbers."""
    response = appoint_from_site(manager, org, "nouvelle@example.test", django_capture_on_commit_callbacks)
    assert "Invitation envoyée à nouvelle@example.test" in response.content.decode()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["nouvelle@example.test"]
    assert "Association 93" in message.subject
    html = message.alternatives[0][0]
    for text in (message.body, html):
        assert "formateur·rice" in text and "14 jours" in text
        for number in ("119", "3919", "3018", "17"):
            assert number in text
    assert link_in(message) in html
    assert Invitation.objects.filter(email="nouvelle@example.test").count() == 1
    assert "nouvelle@example.test" in client_for(manager).get(team_url(org)).content.decode()


def test_no_email_leaves_when_the_appointment_is_rolled_back(org, manager, django_capture_on_commit_callbacks):
    """The e-mail is sent after the commit: nothing is sent when the transaction fails."""
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            memberships.appoint(organisation=org, email="x@example.test", role=Membership.Role.TRAINER,
                                invited_by=manager, site_url="http://testserver")
            raise RuntimeError
    assert callbacks == [] and mail.outbox == [] and not Invitation.objects.exists()


def test_inviting_twice_keeps_one_invitation_and_sends_a_new_link(org, manager, django_capture_on_commit_callbacks):
    appoint_from_site(manager, org, "nouvelle@example.test", django_capture_on_commit_callbacks)
    response = appoint_from_site(manager, org, "nouvelle@example.test", django_capture_on_commit_callbacks)
    assert "Invitation envoyée à nouveau" in response.content.decode()
    assert Invitation.objects.count() == 1 and len(mail.outbox) == 2


def test_a_bad_email_gives_a_french_message_and_keeps_what_was_typed(org, manager):
    response = client_for(manager).post(team_url(org), {"email": "pas-une-adresse"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Saisissez une adresse e-mail valide" in html and 'value="pas-une-adresse"' in html
    assert not Invitation.objects.exists()


def test_the_invited_person_creates_their_account_and_is_a_trainer(org, manager, django_capture_on_commit_callbacks):
    """Follow the link, fill the form: logged in, trainer of the organisation, link used up."""
    appoint_from_site(manager, org, "nouvelle@example.test", django_capture_on_commit_callbacks)
    link = link_in(mail.outbox[0])
    client = Client()
    page = client.get(link)
    assert page.status_code == 200 and "nouvelle@example.test" in page.content.decode()
    response = client.post(link, {"first_name": "Inès", "last_name": "Moreau", "password1": PASSWORD,
                                  "password2": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == "/formation/groupes/"
    user = User.objects.get(email="nouvelle@example.test")
    assert Membership.objects.filter(user=user, organisation=org, role=Membership.Role.TRAINER).exists()
    assert not Invitation.objects.exists()  # used up: the address is not kept
    # Used once: the link opens nothing any more, even for a second submit.
    again = Client().post(link, {"first_name": "X", "last_name": "Y", "password1": PASSWORD, "password2": PASSWORD})
    assert again.status_code == 404 and "plus valable" in again.content.decode()
    assert User.objects.filter(email="nouvelle@example.test").count() == 1


def test_a_form_error_keeps_the_names_typed(org, manager, django_capture_on_commit_callbacks):
    appoint_from_site(manager, org, "nouvelle@example.test", django_capture_on_commit_callbacks)
    response = Client().post(link_in(mail.outbox[0]), {"first_name": "Inès", "last_name": "Moreau",
                                                       "password1": PASSWORD, "password2": "autre"})
    html = response.content.decode()
    assert "ne sont pas identiques" in html and 'value="Inès"' in html
    assert not User.objects.filter(email="nouvelle@example.test").exists()


def test_expired_forged_and_withdrawn_links_open_nothing(org, manager, monkeypatch, django_capture_on_commit_callbacks):
    appoint_from_site(manager, org, "nouvelle@example.test", django_capture_on_commit_callbacks)
    link = link_in(mail.outbox[0])
    assert Client().get(link[:-3] + "xx/").status_code == 404
    monkeypatch.setattr(memberships, "INVITATION_MAX_AGE", datetime.timedelta(seconds=-1))
    assert Client().get(link).status_code == 404
    monkeypatch.undo()
    assert Client().get(link).status_code == 200
    invitation = Invitation.objects.get()
    # The manager sees when a link has expired.
    Invitation.objects.filter(pk=invitation.pk).update(sent_at=invitation.sent_at - datetime.timedelta(days=15))
    assert "lien expiré" in client_for(manager).get(team_url(org)).content.decode()
    client_for(manager).post(f"/formation/organisation/{org.pk}/equipe/invitations/{invitation.pk}/retirer/")
    assert not Invitation.objects.exists()
    assert Client().get(link).status_code == 404


def test_an_account_created_meanwhile_logs_in_then_accepts(org, manager, django_capture_on_commit_callbacks):
    """Someone who signed up with a group code after the invitation logs in and confirms;
    another account cannot use the link."""
    appoint_from_site(manager, org, "nouvelle@example.test", django_capture_on_commit_callbacks)
    link = link_in(mail.outbox[0])
    person = make_user("nouvelle@example.test")
    assert "Se connecter" in Client().get(link).content.decode()
    assert client_for(make_user("autre@example.test")).post(link).status_code == 403
    assert not Membership.objects.filter(user=person, role=Membership.Role.TRAINER).exists()
    client = client_for(person)
    assert client.get(link).status_code == 200
    assert client.post(link).status_code == 302
    assert Membership.objects.filter(user=person, organisation=org, role=Membership.Role.TRAINER).exists()


def test_appointing_someone_who_has_an_account_now_uses_up_their_invitation(org, manager,
                                                                          django_capture_on_commit_callbacks):
    appoint_from_site(manager, org, "nouvelle@example.test", django_capture_on_commit_callbacks)
    person = make_user("nouvelle@example.test")
    appoint_from_site(manager, org, "nouvelle@example.test", django_capture_on_commit_callbacks)
    assert Membership.objects.filter(user=person, organisation=org, role=Membership.Role.TRAINER).exists()
    assert not Invitation.objects.exists() and len(mail.outbox) == 1


def test_a_manager_removes_a_trainer_who_keeps_their_account(org, manager):
    """The role and the group assignments go; the account and the groups' data stay."""
    trainer = make_trainer(org, "karim@example.test")
    cohort = make_cohort(org, "Groupe 1")
    assert cohort.trainers.filter(pk=trainer.pk).exists()
    url = f"/formation/organisation/{org.pk}/equipe/{trainer.pk}/retirer/"
    assert "Retirer le rôle" in client_for(manager).get(url).content.decode()
    client_for(manager).post(url)
    assert not Membership.objects.filter(user=trainer, role=Membership.Role.TRAINER).exists()
    assert not cohort.trainers.exists() and User.objects.filter(pk=trainer.pk).exists()
    assert client_for(trainer).get(f"/formation/groupes/{cohort.pk}/").status_code == 404


def test_add_member_appoints_the_first_manager(org):
    """From the server: an existing account becomes manager at once, and reaches the team page."""
    person = make_user("direction@example.test")
    call_command("add_member", organisation="asso-93", email="Direction@example.test", role="manager")
    assert Membership.objects.filter(user=person, organisation=org, role=Membership.Role.MANAGER).exists()
    assert client_for(person).get(team_url(org)).status_code == 200


def test_add_member_invites_someone_without_an_account(org, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("add_member", organisation="asso-93", email="direction@example.test", role="manager",
                     site="https://reperes.example.org")
    assert Invitation.objects.get().role == Membership.Role.MANAGER
    assert "https://reperes.example.org/comptes/invitation/" in mail.outbox[0].body


@pytest.mark.parametrize(("options", "message"), [
    ({"organisation": "inconnue", "email": "a@example.test", "role": "trainer"}, "Aucune organisation"),
    ({"organisation": "asso-93", "email": "pas-une-adresse", "role": "trainer"}, "pas une adresse e-mail valide"),
    ({"organisation": "asso-93", "email": "a@example.test", "role": "trainer", "site": ""}, "adresse du site"),
])
def test_add_member_refuses_in_french(org, options, message):
    with pytest.raises(CommandError, match=message):
        call_command("add_member", **options)
    assert not Invitation.objects.exists() and not Membership.objects.exists()


# --- Co-trainers -------------------------------------------------------------------------------


def test_a_trainer_adds_a_colleague_to_the_group(org):
    """The colleague (a trainer of the same organisation) then opens the group."""
    trainer = make_trainer(org, "fatou@example.test")
    cohort = make_cohort(org, "Groupe 1")
    colleague = make_trainer(org, "karim@example.test", cohorts=[])
    assert client_for(colleague).get(f"/formation/groupes/{cohort.pk}/").status_code == 404
    settings_page = client_for(trainer).get(f"/formation/groupes/{cohort.pk}/reglages/").content.decode()
    assert "karim@example.test" in settings_page
    client_for(trainer).post(f"/formation/groupes/{cohort.pk}/formateurs/", {"user": colleague.pk})
    assert set(cohort.trainers.all()) == {trainer, colleague}
    assert client_for(colleague).get(f"/formation/groupes/{cohort.pk}/").status_code == 200


def test_only_trainers_of_the_organisation_can_be_added(org):
    trainer = make_trainer(org, "fatou@example.test")
    cohort = make_cohort(org, "Groupe 1")
    learner = make_user("apprenant@example.test")
    outsider = make_trainer(make_org("org-b", "Organisation B"), "b@example.test")
    for person in (learner, outsider):
        response = client_for(trainer).post(f"/formation/groupes/{cohort.pk}/formateurs/", {"user": person.pk},
                                            follow=True)
        assert "Choisissez une formatrice ou un formateur de la liste." in response.content.decode()
    assert list(cohort.trainers.all()) == [trainer]
    with pytest.raises(memberships.MembershipError):
        memberships.add_cotrainer(cohort=cohort, user=learner)


def test_the_last_trainer_of_a_group_stays(org):
    trainer = make_trainer(org, "fatou@example.test")
    colleague = make_trainer(org, "karim@example.test")
    cohort = make_cohort(org, "Groupe 1")
    client_for(trainer).post(f"/formation/groupes/{cohort.pk}/formateurs/{colleague.pk}/retirer/")
    assert list(cohort.trainers.all()) == [trainer]
    response = client_for(trainer).post(f"/formation/groupes/{cohort.pk}/formateurs/{trainer.pk}/retirer/",
                                        follow=True)
    assert "au moins un·e formateur·rice" in response.content.decode()
    assert list(cohort.trainers.all()) == [trainer]


def test_creating_a_group_makes_its_creator_its_trainer(org):
    trainer = make_trainer(org, "fatou@example.test")
    client_for(trainer).post("/formation/groupes/", {"organisation": org.pk, "name": "Nouveau groupe"})
    assert list(Cohort.objects.get(name="Nouveau groupe").trainers.all()) == [trainer]


# --- The superuser's admin ----------------------------------------------------------------------


def test_the_admin_shows_memberships_on_people_and_organisations(org, manager):
    admin_user = make_user("admin@example.test", is_staff=True, is_superuser=True)
    client = client_for(admin_user)
    user_page = client.get(f"/admin/elearning/user/{manager.pk}/change/").content.decode()
    assert "Rôles dans les organisations" in user_page and "Responsable de l&#x27;équipe de formation" in user_page
    org_page = client.get(f"/admin/elearning/organisation/{org.pk}/change/").content.decode()
    assert "Membres (apprenant·es, formateur·rices, responsables)" in org_page and "Nadia Benali" in org_page
