"""A live session in the browser: a trainer and three participants in separate browsers go
through two questions; axe-core on the projection, participant and trainer views; the
participant's page on a 320 px phone."""
import pytest

from elearning.live.models import LiveSession, Vote
from tests.browser.conftest import assert_accessible
from tests.conftest import PASSWORD, build_course, build_scenario_quiz, make_cohort, make_org, make_trainer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(page, email):
    page.goto("/comptes/connexion/")
    page.fill("#id_username", email)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("button[type=submit]")


def _press(page, label):
    with page.expect_navigation():
        page.get_by_role("button", name=label).click()


def test_a_trainer_runs_two_questions_with_three_phones(browser, live_server):
    _, modules, _ = build_course(n_modules=1, lessons_per_module=1)
    quiz = build_scenario_quiz(modules[0])
    org = make_org()
    cohort = make_cohort(org)
    trainer = make_trainer(org)

    def context(width=1280, height=900):
        ctx = browser.new_context(base_url=live_server.url, locale="fr-FR", bypass_csp=True,
                                  viewport={"width": width, "height": height})
        ctx.set_default_timeout(15_000)
        return ctx

    trainer_ctx = context()
    desk = trainer_ctx.new_page()
    _login(desk, trainer.email)
    desk.goto(f"/formation/groupes/{cohort.pk}/")
    with desk.expect_navigation():
        desk.get_by_role("link", name="Animer une session en direct").click()
    assert_accessible(desk)
    desk.select_option("#id_quiz", str(quiz.pk))
    _press(desk, "Lancer la session")
    session = LiveSession.objects.get()
    assert_accessible(desk)

    projector = trainer_ctx.new_page()
    projector.goto(f"/formation/groupes/{cohort.pk}/direct/{session.pk}/projection/")
    assert session.code in projector.content()
    assert_accessible(projector)

    phones = []
    for i, name in enumerate(["Camille", "", "Sacha"]):
        ctx = context(320, 640)
        phone = ctx.new_page()
        phone.goto("/direct/")
        phone.fill("#id_code", session.code.lower())
        if name:
            phone.fill("#id_pseudonym", name)
        _press(phone, "Rejoindre")
        assert f"/direct/{session.code}/" in phone.url
        if i == 0:
            assert_accessible(phone)
        phones.append((ctx, phone))

    for question_number, picks in [(1, [0, 0, 2]), (2, [1, 1, 1])]:
        _press(desk, "Afficher la première question" if question_number == 1 else "Question suivante")
        _press(desk, "Ouvrir le vote")
        for (_ctx, phone), pick in zip(phones, picks, strict=True):
            # The participant's page follows the trainer without a reload (live.js polls the state).
            phone.get_by_role("button", name="Envoyer ma réponse").wait_for(timeout=10_000)
            phone.locator("input[name=choix]").nth(pick).check()
            _press(phone, "Envoyer ma réponse")
            assert "Votre réponse est enregistrée" in phone.content()
            assert phone.evaluate("document.documentElement.scrollWidth") <= 320
        assert Vote.objects.filter(question_id=session.question_ids[question_number - 1]).count() == 3
        _press(desk, "Clore le vote")
        assert_accessible(desk)
        _press(desk, "Révéler les réponses")
        projector.reload()
        text = projector.content()
        assert "Camille" not in text and "Sacha" not in text
        assert "Bonne réponse" in text
        assert_accessible(projector)
        phones[0][1].get_by_role("heading", name="Pourquoi").wait_for(timeout=10_000)
        assert_accessible(phones[0][1])

    _press(desk, "Terminer la session")
    session.refresh_from_db()
    assert session.ended_at is not None
    for ctx, _ in phones:
        ctx.close()
    trainer_ctx.close()
