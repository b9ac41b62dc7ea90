"""A manager appoints a trainer, then follows a group: by keyboard, axe-core on every page."""
import re

import pytest
from django.core import mail

from elearning.models import Invitation, Membership
from tests.browser.conftest import activate, assert_accessible, type_into
from tests.browser.test_trainer_journey import a_group_that_answered, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_manager_invites_a_trainer_opens_a_learner_and_archives_a_group(page):
    """The team page, the invitation, a learner's page, the group's settings and the
    archived list: reached with the keyboard, no WCAG A/AA violation."""
    trainer, cohort = a_group_that_answered()
    Membership.objects.create(user=trainer, organisation=cohort.organisation, role=Membership.Role.MANAGER)
    sign_in(page, trainer.email)

    activate(page, page.get_by_role("navigation", name="Navigation principale").get_by_role("link", name="Mes groupes"))
    activate(page, page.get_by_role("link", name="Équipe de formation"))
    assert_accessible(page)
    type_into(page, page.get_by_label(re.compile("^Adresse e-mail de la formatrice")), "nouvelle@example.test")
    activate(page, page.get_by_role("button", name="Nommer"))
    assert "Invitation envoyée à nouvelle@example.test" in page.inner_text("main")
    assert Invitation.objects.filter(email="nouvelle@example.test").exists() and len(mail.outbox) == 1
    assert_accessible(page)

    # The invitation page, as the invited person sees it (in a fresh context: signed out).
    link = re.search(r"http://[^\s]+/comptes/invitation/[^/\s]+/", mail.outbox[0].body).group(0)
    other = page.context.browser.new_context(locale="fr-FR", bypass_csp=True)
    invited = other.new_page()
    invited.goto(link)
    assert "Rejoindre l'équipe de formation" in invited.inner_text("main")
    assert_accessible(invited)
    other.close()

    # A learner's page, from the learner table.
    page.goto(f"/formation/groupes/{cohort.pk}/")
    activate(page, page.get_by_role("link", name="Alex Bernard", exact=True))
    assert "Meilleur score" in page.inner_text("main")
    assert_accessible(page)

    # The group's settings, then archive it.
    page.goto(f"/formation/groupes/{cohort.pk}/")
    activate(page, page.get_by_role("link", name=re.compile("^Réglages")))
    assert_accessible(page)
    activate(page, page.get_by_role("button", name="Archiver le groupe"))
    assert page.url.endswith("/formation/groupes/archives/")
    assert cohort.name in page.inner_text("main")
    assert_accessible(page)
