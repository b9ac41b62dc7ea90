"""The learner's journey, by keyboard, with axe-core on every page it shows."""
import re
import uuid

import pytest
from django.conf import settings
from django.test import Client

from elearning.models import Certificate
from elearning.progress.completion import mark_lesson_done
from quizzes.attempts import load_quiz, submit
from quizzes.models import Attempt, Option, Quiz
from tests.browser.conftest import activate, assert_accessible, choose_radio, tab_to, tick, type_into
from tests.conftest import (
    PASSWORD,
    activation_link,
    build_course,
    build_scenario_quiz,
    make_cohort,
    make_org,
    make_user,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def course_percent(page) -> int:
    return int(page.locator('progress[aria-label="Progression du parcours"]').get_attribute("value"))


def options_of(page, question):
    return page.locator(f"#question-{question.id} input")


def pick(page, question, index: int) -> None:
    """Tick or choose the option at `index` in the editors' order, wherever this attempt's
    shuffle put it on the page."""
    option = list(Option.objects.filter(question=question).order_by("order", "id"))[index]
    group = options_of(page, question)
    position = group.evaluate_all("inputs => inputs.map(input => input.value)").index(str(option.id))
    if question.input_type == "radio":
        choose_radio(page, group, position)
    else:
        tick(page, group.nth(position))


def test_learner_joins_learns_fails_retries_and_gets_the_certificate(page):
    """A learner joins with the group code, reads the first lesson, passes its check, gets a
    scenario wrong, reads the feedback, retries and passes, sees the progress bar move and
    receives the certificate — all without a mouse, on pages with no WCAG A/AA violation."""
    course, modules, lessons = build_course(n_modules=2, lessons_per_module=1)
    scenario = build_scenario_quiz(modules[0])
    cohort = make_cohort(make_org())

    # Join with the code, from the home page.
    page.goto("/")
    assert_accessible(page)
    activate(page, page.get_by_role("link", name="Rejoindre mon groupe avec un code"))
    assert_accessible(page)
    type_into(page, page.get_by_label("Code du groupe"), cohort.join_code)
    type_into(page, page.get_by_label("Prénom"), "Samia")
    type_into(page, page.get_by_label(re.compile("^Nom")), "Benali")
    type_into(page, page.get_by_label("Adresse e-mail professionnelle"), "samia.benali@example.test")
    type_into(page, page.get_by_label(re.compile("^Profession")), "CPE")
    type_into(page, page.get_by_label("Département où vous exercez"), "93")
    type_into(page, page.get_by_label(re.compile("^Mot de passe")), PASSWORD)
    type_into(page, page.get_by_label("Confirmer le mot de passe"), PASSWORD)
    activate(page, page.get_by_role("button", name="Créer mon compte"))
    assert page.url.endswith("/comptes/inscription/envoyee/")
    assert_accessible(page)
    # The link from the activation e-mail, then the button that activates.
    page.goto(activation_link())
    assert_accessible(page)
    activate(page, page.get_by_role("button", name="Activer mon compte"))
    assert page.url.endswith("/mon-parcours/")
    assert f"Vous avez rejoint le groupe « {cohort.name} »" in page.inner_text("main")
    assert course_percent(page) == 0
    assert_accessible(page)

    # The first lesson, after the content notice.
    activate(page, page.get_by_role("link", name="Le parcours"))
    assert_accessible(page)
    activate(page, page.get_by_role("link", name=lessons[0].title))
    assert "/avertissement/" in page.url
    assert_accessible(page)
    activate(page, page.get_by_role("button", name="J'ai compris, commencer"))
    assert page.url.endswith(lessons[0].get_absolute_url())
    assert_accessible(page)
    activate(page, page.get_by_role("button", name="J'ai terminé cette leçon"))

    # The lesson's check: one question, answered right.
    check = Quiz.objects.get(lesson=lessons[0])
    assert page.url.endswith(check.get_absolute_url())
    assert_accessible(page)
    pick(page, load_quiz(check).questions[0], 0)
    activate(page, page.get_by_role("button", name="Valider mes réponses"))
    assert re.search(r"/quiz/[^/]+/resultat/\d+/$", page.url)
    assert "Quiz réussi." in page.inner_text("main")
    assert_accessible(page)

    # The scenario quiz, answered wrong: signals, decision, wording, articles.
    activate(page, page.get_by_role("link", name=f"Faire le quiz « {scenario.title} »"))
    assert page.url.endswith(scenario.get_absolute_url())
    assert_accessible(page)
    signals, decision, wording, articles = load_quiz(scenario).questions
    pick(page, signals, 2)    # "Aime le foot": not a signal
    pick(page, decision, 0)   # an IP, where a signalement is due
    pick(page, wording, 1)    # « Pourquoi tu n'as rien dit ? »
    pick(page, articles, 2)   # 338: not the right article
    activate(page, page.get_by_role("button", name="Valider mes réponses"))
    main = page.inner_text("main")
    assert "Pas encore le seuil" in main
    assert "Signal manqué." in main
    assert "à revoir" in main
    assert "art. L226-3 CASF" in main  # the legal basis is explained with the decision
    assert_accessible(page)

    # Retry, right this time.
    activate(page, page.get_by_role("link", name="Refaire ce quiz"))
    assert page.url.endswith(scenario.get_absolute_url())
    for index in (0, 1, 3):
        pick(page, signals, index)
    pick(page, decision, 1)
    pick(page, wording, 0)
    pick(page, articles, 0)
    pick(page, articles, 1)
    activate(page, page.get_by_role("button", name="Valider mes réponses"))
    assert "Quiz réussi." in page.inner_text("main")
    assert "2 tentatives" in page.inner_text("main")
    assert_accessible(page)
    learner_attempts = Attempt.objects.filter(user__email="samia.benali@example.test")
    assert learner_attempts.count() == 3
    assert set(learner_attempts.values_list("cohort_id", flat=True)) == {cohort.id}

    # The progress bar moved: 3 of 5 steps (lesson 1, its check, the scenarios).
    activate(page, page.get_by_role("navigation", name="Fil d'Ariane").get_by_role("link", name="Mon parcours"))
    assert course_percent(page) == 60
    assert_accessible(page)

    # The rest of the course, through the domain functions, then the certificate.
    learner = learner_attempts.first().user
    mark_lesson_done(user=learner, lesson=lessons[1])
    last_check = load_quiz(Quiz.objects.get(lesson=lessons[1]))
    right = {q.id: {o.id for o in last_check.options[q.id] if o.is_correct} for q in last_check.questions}
    submit(user=learner, content=last_check, chosen=right, submission_key=uuid.uuid4())
    page.reload()
    assert course_percent(page) == 100
    page.goto("/mon-attestation/")
    assert "Repères atteste que Samia Benali (Organisation A) a suivi le parcours" in " ".join(page.inner_text("main").split())
    assert Certificate.objects.filter(user=learner).count() == 1
    assert_accessible(page)
    tab_to(page, page.get_by_role("link", name="Télécharger l'attestation (PDF)"))


def test_accessibility_statement_follows_the_rgaa_form(page):
    """Anyone can read, from any page's footer, the accessibility statement in the RGAA form:
    conformity status, what was tested and how, how to report a problem, and recourse."""
    page.goto("/qui-contacter/")
    activate(page, page.get_by_role("link", name=re.compile("^Accessibilité")))
    assert page.url.endswith("/accessibilite/")
    headings = page.locator("main h2").all_inner_texts()
    for expected in ("État de conformité", "Résultats des tests", "Contenus non accessibles",
                     "Établissement de cette déclaration", "Retour d'information et contact", "Voies de recours"):
        assert expected in headings
    assert "axe-core" in page.inner_text("main")
    assert_accessible(page)


def test_pages_reflow_on_a_narrow_screen(page, live_server):
    """Read on a phone or at 400 % zoom (320 CSS pixels wide, WCAG 1.4.10), the learner's
    pages never need sideways scrolling."""
    _, modules, lessons = build_course(n_modules=1, lessons_per_module=1)
    scenario = build_scenario_quiz(modules[0])
    learner = make_user()
    client = Client()
    client.force_login(learner)
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                               "url": live_server.url}])
    page.set_viewport_size({"width": 320, "height": 640})
    content = load_quiz(scenario)
    attempt = submit(user=learner, content=content, submission_key=uuid.uuid4(),
                     chosen={q.id: {content.options[q.id][0].id} for q in content.questions})
    for url in ("/", "/mon-parcours/", "/parcours/", lessons[0].get_absolute_url(), scenario.get_absolute_url(),
                attempt.get_absolute_url(), "/qui-contacter/"):
        page.goto(url)
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{url} : {overflow} px de défilement horizontal à 320 px de large"
