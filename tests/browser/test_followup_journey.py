"""Invitations to follow-up, in the browser: a trainer invites by e-mail, the learner joins
from the e-mail's link, completes the course, and the +30 day check appears when the clock
moves. axe-core on the new pages."""
import datetime
import re

import pytest
from django.core import mail as outbox
from django.utils import timezone

from elearning.models import CourseCompletion, User
from quizzes.models import Quiz, SingleChoiceQuestion
from tests.browser.conftest import assert_accessible
from tests.conftest import (
    PASSWORD,
    add_options,
    answer_quiz,
    build_course,
    make_cohort,
    make_org,
    make_trainer,
)
from tests.test_progress import complete_everything

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _press(page, name):
    with page.expect_navigation():
        page.get_by_role("button", name=name).click()


def test_invite_join_complete_and_the_check_opens_30_days_later(browser, live_server):
    build_course(n_modules=1, lessons_per_module=1)
    check = Quiz.objects.create(slug="suivi-30-jours", title="Vérification de suivi à 30 jours", kind="suivi-30")
    question = SingleChoiceQuestion.objects.create(quiz=check, slug="s30-x", title="Cas", prompt="Situation fictive",
                                                   skill="decider")
    add_options(question, [("Signalement", True, {}), ("Rien", False, {})])
    org = make_org()
    cohort = make_cohort(org, name="CPE — promotion d'avril")
    trainer = make_trainer(org)

    def context():
        ctx = browser.new_context(base_url=live_server.url, locale="fr-FR", bypass_csp=True)
        ctx.set_default_timeout(15_000)
        return ctx

    desk = context().new_page()
    desk.goto("/comptes/connexion/")
    desk.fill("#id_username", trainer.email)
    desk.fill("#id_password", PASSWORD)
    _press(desk, "Se connecter")
    desk.goto(f"/formation/groupes/{cohort.pk}/invitations/")
    assert_accessible(desk)
    desk.fill("#id_emails", "nadia.invitee@example.test\npas-une-adresse")
    _press(desk, "Envoyer les invitations")
    assert "adresse e-mail invalide" in desk.content()
    assert_accessible(desk)
    desk.goto(f"/formation/groupes/{cohort.pk}/echeance/")
    assert_accessible(desk)

    invitation = next(m for m in outbox.outbox if m.to == ["nadia.invitee@example.test"])
    link = re.search(r"https?://\S+/rejoindre/\S+/", invitation.body).group(0)
    phone = context().new_page()
    phone.goto(link)
    if "/comptes/inscription/" not in phone.url:
        phone.goto(link.replace("/rejoindre/", "/comptes/inscription/"))
    phone.fill("#id_first_name", "Nadia")
    phone.fill("#id_last_name", "Invitée")
    phone.fill("#id_email", "nadia.invitee@example.test")
    phone.select_option("#id_profession", index=1)
    phone.select_option("#id_departement", index=1)
    phone.fill("#id_password1", PASSWORD)
    phone.fill("#id_password2", PASSWORD)
    with phone.expect_navigation():
        phone.locator("form button[type=submit]").last.click()
    # The account opens with the link of the activation e-mail (issue 11).
    activation = next(m for m in reversed(outbox.outbox) if m.to == ["nadia.invitee@example.test"])
    phone.goto(re.search(r"https?://\S+/comptes/activer/\S+/", activation.body).group(0))
    _press(phone, "Activer mon compte")
    desk.goto(f"/formation/groupes/{cohort.pk}/invitations/")
    assert "<td>oui</td>" in desk.content()  # invited, then joined

    # Complete the course: the lesson, and its quiz.
    learner = User.objects.get(email="nadia.invitee@example.test")
    complete_everything(learner)
    assert CourseCompletion.objects.filter(user=learner).exists()
    phone.goto("/mon-parcours/")
    assert "s'ouvrira le" in phone.content().replace("&#x27;", "'")

    # The clock moves 31 days on: the check is open on the dashboard.
    CourseCompletion.objects.filter(user=learner).update(completed_at=timezone.now() - datetime.timedelta(days=31))
    phone.goto("/mon-parcours/")
    assert_accessible(phone)
    with phone.expect_navigation():
        phone.get_by_role("link", name=re.compile("ouverte, la faire maintenant")).click()
    assert "/quiz/suivi-30-jours/" in phone.url
    answer_quiz(learner, check)
    phone.goto("/mon-parcours/suivi/")
    assert_accessible(phone)
    assert "+30 jours" in phone.content()
