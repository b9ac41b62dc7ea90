"""Writing an IP (« rédaction »), by keyboard, with axe-core on every page: the learner saves a
draft, comes back, sends, reads the check and the model answer; the trainer reviews it; the
learner reads the review on the dashboard."""
import re

import pytest

from quizzes.models import WritingQuestion, WrittenAnswer
from tests.browser.conftest import activate, assert_accessible, choose_radio, tab_to, type_into
from tests.conftest import PASSWORD, build_course, enrol, make_cohort, make_org, make_trainer, make_user
from tests.writing_builders import MODEL_IP, build_writing_quiz

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, email):
    page.goto("/comptes/connexion/")
    page.keyboard.type(email)
    type_into(page, page.get_by_label(re.compile("^Mot de passe")), PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_learner_drafts_sends_and_reads_the_review_of_an_ip(page, browser, live_server):
    """Draft kept, text sent, every check item explained, the trainer's comment read back."""
    _, modules, _ = build_course(n_modules=1, lessons_per_module=1)
    quiz = build_writing_quiz(modules[0])
    question = WritingQuestion.objects.get(quiz=quiz)
    org = make_org()
    cohort = make_cohort(org)
    trainer = make_trainer(org, cohorts=[cohort])
    learner = make_user("samia@example.test", first_name="Samia", last_name="Benali")
    enrol(learner, cohort)

    sign_in(page, learner.email)
    page.goto(quiz.get_absolute_url())
    assert "aucune donnée réelle" in page.inner_text("main")
    assert_accessible(page)
    box = page.get_by_label("Votre information préoccupante")
    tab_to(page, box)
    page.keyboard.insert_text(MODEL_IP[:200])
    activate(page, page.get_by_role("button", name="Enregistrer le brouillon"))
    assert "Brouillon enregistré" in page.inner_text("main")
    assert page.get_by_label("Votre information préoccupante").input_value() == MODEL_IP[:200]
    assert_accessible(page)

    tab_to(page, box)
    page.keyboard.press("Control+End")
    page.keyboard.insert_text(MODEL_IP[200:])
    activate(page, page.get_by_role("button", name="Valider mes réponses"))
    assert "/resultat/" in page.url
    main = page.inner_text("main")
    assert "Qui écrit : nom, fonction, structure" in main and "Un écrit modèle" in main
    assert "Votre auto-vérification" in main
    assert_accessible(page)

    trainer_context = browser.new_context(base_url=live_server.url, locale="fr-FR", bypass_csp=True)
    trainer_page = trainer_context.new_page()
    sign_in(trainer_page, trainer.email)
    trainer_page.goto(f"/formation/groupes/{cohort.pk}/")
    activate(trainer_page, trainer_page.get_by_role("link", name=re.compile("^Écrits des apprenant")))
    assert "Les éléments les plus souvent oubliés" in trainer_page.inner_text("main")
    assert_accessible(trainer_page)
    activate(trainer_page, trainer_page.get_by_role("link", name="Samia Benali"))
    assert_accessible(trainer_page)
    type_into(trainer_page, trainer_page.get_by_label("Votre commentaire sur ce point (facultatif)").nth(1),
              "Indiquez aussi votre téléphone professionnel fictif.")
    choose_radio(trainer_page, trainer_page.get_by_role("radio"), 1)
    activate(trainer_page, trainer_page.get_by_role("button", name="Enregistrer la relecture"))
    assert "Relecture enregistrée" in trainer_page.inner_text("main")
    assert_accessible(trainer_page)
    trainer_context.close()
    assert WrittenAnswer.objects.get(answer__question=question).review_status == "a-reprendre"

    page.goto("/mon-parcours/")
    assert "Retours sur vos écrits" in page.inner_text("main")
    assert_accessible(page)
    activate(page, page.get_by_role("link", name=question.title))
    assert "Indiquez aussi votre téléphone professionnel fictif." in page.inner_text("main")
    assert_accessible(page)
