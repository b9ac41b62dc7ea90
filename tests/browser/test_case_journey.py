"""A case that unfolds (« situation évolutive »), played by keyboard from the quiz to its
result, then read by the trainer; axe-core on every page."""
import re

import pytest

from quizzes.models import AnswerStep, Attempt, Quiz
from tests.browser.conftest import activate, assert_accessible, choose_radio, type_into
from tests.conftest import (
    PASSWORD,
    build_case,
    build_course,
    enrol,
    make_cohort,
    make_org,
    make_trainer,
    make_user,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, email):
    page.goto("/comptes/connexion/")
    page.keyboard.type(email)  # the e-mail field has the focus on arrival
    type_into(page, page.get_by_label(re.compile("^Mot de passe")), PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def play(page, index: int) -> None:
    """Choose the `index`-th answer of the scene by keyboard and send it."""
    choose_radio(page, page.locator("input[name=choice]"), index)
    activate(page, page.get_by_role("button", name="Valider ce choix"))
    assert_accessible(page)


def test_a_learner_plays_a_case_sends_the_quiz_and_the_trainer_reads_the_paths(page):
    """Scene by scene with feedback, a wrong turn recovered, the ending's debrief, the quiz sent,
    the path in the result; then the trainer's table and chart — keyboard only, no WCAG A/AA
    violation."""
    _, modules, _ = build_course(n_modules=1, lessons_per_module=1)
    quiz = Quiz.objects.create(slug="cas", title="Des situations qui évoluent", kind=Quiz.Kind.SCENARIO,
                               module=modules[0], pass_mark=0.5, order=5)
    build_case(quiz)
    org = make_org()
    cohort = make_cohort(org)
    trainer = make_trainer(org, cohorts=[cohort])
    learner = make_user("samia@example.test")
    enrol(learner, cohort)

    sign_in(page, learner.email)
    page.goto(quiz.get_absolute_url())
    assert_accessible(page)
    activate(page, page.get_by_role("link", name="Jouer le cas"))
    assert "Septembre — au collège" in page.inner_text("main")
    assert_accessible(page)
    play(page, 2)  # s1 c: 0 point
    main = page.inner_text("main")
    assert "À éviter" in main and "Retour s1c" in main and "Décembre — une confidence" in main
    play(page, 2)  # s2 c: the best choice, the path goes on
    play(page, 0)  # s3 a: the best choice, a protective ending
    main = page.inner_text("main")
    assert "Fin : Fin fin-protegee" in main and "4 points sur 6" in main
    activate(page, page.get_by_role("link", name="Revenir au quiz pour l'envoyer"))
    assert "Cas terminé" in page.inner_text("main")
    assert_accessible(page)
    activate(page, page.get_by_role("button", name="Valider mes réponses"))
    assert re.search(r"/quiz/cas/resultat/\d+/$", page.url)
    main = page.inner_text("main")
    assert "Quiz réussi." in main and "Débriefing fin-protegee." in main and "0 point sur 2" in main
    assert_accessible(page)
    assert Attempt.objects.get().score == pytest.approx(4 / 6)
    assert AnswerStep.objects.count() == 4

    page.context.clear_cookies()
    sign_in(page, trainer.email)
    page.goto(f"/formation/groupes/{cohort.pk}/questions/")
    activate(page, page.get_by_role("link", name="Parcours du groupe dans ce cas"))
    main = page.inner_text("main")
    assert "Où la plupart ont pris un mauvais tournant" in main and "Septembre — au collège" in main
    assert page.locator("figure.chart svg[role=img]").count() == 1
    assert_accessible(page)
