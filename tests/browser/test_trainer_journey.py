"""The trainer's journey, by keyboard, with axe-core on every page it shows."""
import re
import uuid
from pathlib import Path

import pytest
from django.utils import timezone

from elearning.models import Cohort, Membership
from quizzes.attempts import load_quiz, submit
from tests.browser.conftest import activate, assert_accessible, tab_to, type_into
from tests.conftest import (
    PASSWORD,
    build_course,
    build_scenario_quiz,
    enrol,
    make_cohort,
    make_org,
    make_user,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def a_group_that_answered():
    """An organisation with a trainer and a cohort of three learners who took the scenarios:
    everybody finds the decision right, nobody ticks « Nouveau téléphone »."""
    _, modules, _ = build_course(n_modules=1, lessons_per_module=1)
    content = load_quiz(build_scenario_quiz(modules[0]))
    org = make_org()
    trainer = make_user("formatrice@example.test", first_name="Claire", last_name="Nordin")
    Membership.objects.create(user=trainer, organisation=org, role=Membership.Role.TRAINER)
    cohort = make_cohort(org, name="CPE du bassin — mars")
    signals, decision, wording, articles = content.questions
    for n, name in enumerate(["Bernard", "Diallo", "Moreau"], start=1):
        learner = make_user(f"apprenant{n}@example.test", first_name="Alex", last_name=name)
        enrol(learner, cohort)
        chosen = {
            signals.id: {o.id for o in content.options[signals.id][:2]},
            decision.id: {content.options[decision.id][1].id},
            wording.id: {content.options[wording.id][n % 2].id},
            articles.id: {content.options[articles.id][0].id},
        }
        submit(user=learner, content=content, chosen=chosen, submission_key=uuid.uuid4())
    return trainer, cohort


def sign_in(page, email):
    page.goto("/comptes/connexion/")
    assert_accessible(page)
    # The e-mail field has the focus on arrival (autofocus): type straight away.
    page.keyboard.type(email)
    type_into(page, page.get_by_label(re.compile("^Mot de passe")), PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_trainer_creates_a_group_reads_results_and_item_analysis_and_exports(page):
    """A trainer signs in, creates a group and gets its code, then opens a group's results,
    sees which question the group gets wrong, and downloads the learner table as CSV — by
    keyboard, on pages with no WCAG A/AA violation."""
    trainer, cohort = a_group_that_answered()
    sign_in(page, trainer.email)

    activate(page, page.get_by_role("navigation", name="Navigation principale").get_by_role("link", name="Mes groupes"))
    assert page.url.endswith("/formation/groupes/")
    assert_accessible(page)

    # Create a group.
    type_into(page, page.get_by_label(re.compile("^Nom du groupe")), "Infirmières scolaires — avril")
    activate(page, page.get_by_role("button", name="Créer le groupe"))
    created = Cohort.objects.get(name="Infirmières scolaires — avril")
    assert created.organisation_id == cohort.organisation_id and created.created_by == trainer
    assert page.url.endswith(f"/formation/groupes/{created.pk}/")
    assert "Groupe « Infirmières scolaires — avril » créé" in page.inner_text("main")
    assert created.join_code in page.inner_text("main")
    assert_accessible(page)

    # The results of the group that answered.
    activate(page, page.get_by_role("navigation", name="Navigation principale").get_by_role("link", name="Mes groupes"))
    activate(page, page.get_by_role("link", name=cohort.name))
    assert page.url.endswith(f"/formation/groupes/{cohort.pk}/")
    main = page.inner_text("main")
    for name in ("Bernard", "Diallo", "Moreau"):
        assert name in main
    assert "Scénarios" in main
    assert_accessible(page)

    # The item analysis: the question the group gets wrong is there, answers stay anonymous.
    activate(page, page.get_by_role("link", name="Analyse des réponses, question par question"))
    assert page.url.endswith(f"/formation/groupes/{cohort.pk}/questions/")
    main = page.inner_text("main")
    assert "Les questions les plus ratées" in main
    assert "Inès" in main  # the signals question, where « Nouveau téléphone » was missed by all
    assert "Bernard" not in main
    assert_accessible(page)

    # Back to the results, then the CSV export of the learner table.
    page.go_back()
    link = page.get_by_role("link", name="Télécharger le tableau des apprenant·es (CSV)")
    tab_to(page, link)
    with page.expect_download() as download_info:
        page.keyboard.press("Enter")
    download = download_info.value
    assert download.suggested_filename == f"cpe-du-bassin-mars-apprenants-{timezone.localdate().isoformat()}.csv"
    text = Path(download.path()).read_text(encoding="utf-8-sig")
    lines = text.strip().splitlines()
    assert lines[0].startswith("Nom") and "Progression (%)" in lines[0]
    assert len(lines) == 1 + 3
    assert {"apprenant1@example.test", "apprenant2@example.test", "apprenant3@example.test"} <= set(
        re.findall(r"apprenant\d@example\.test", text))
