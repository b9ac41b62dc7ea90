"""« Que faire ? » in the browser, by keyboard only: one path per outcome, axe-core on every
step and outcome page, and the « fiche réflexe » PDF."""
import pytest
from django.core.management import call_command

from tests.browser.conftest import activate, assert_accessible, choose_radio, tab_to

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Each path: the index of the answer chosen at each step, and the outcome it reaches.
PATHS = [
    ([0], "danger-immediat"),                          # danger: oui
    ([1, 0, 0, 1, 0, 5, 0], "signalement"),            # faits confiés, Éducation nationale, 93, en ligne
    ([1, 0, 1, 0, 1, 0, 1], "information-preoccupante"),  # signaux, mesure en cours, santé, 75
    ([1, 1, 3, 2, 5, 8, 2], "conseil"),                # doute, hors Île-de-France
    ([1, 2, 3, 2, 1], "jeune-majeur"),                  # 18-21 ans, association, 78
]


@pytest.fixture
def aid(db):
    call_command("loaddata", "fixtures/directory.json", "fixtures/decision/aid.json", verbosity=0)


@pytest.mark.parametrize("choices, outcome", PATHS, ids=[p[1] for p in PATHS])
def test_a_professional_walks_the_aid_to_each_outcome(page, aid, choices, outcome):
    """From the header link to the outcome, with the keyboard: arrows in each radio group,
    Enter on « Continuer »; every page passes axe-core; the outcome page is marked with its
    outcome and offers the PDF."""
    page.goto("/")
    activate(page, page.get_by_role("link", name="Que faire ?", exact=True))
    for index in choices:
        assert_accessible(page)
        choose_radio(page, page.locator("input[type=radio]"), index)
        with page.expect_navigation():
            page.keyboard.press("Enter")  # Enter in a radio group submits its form
    assert page.locator(f"main[data-outcome='{outcome}']").count() == 1
    assert_accessible(page)
    pdf = page.get_by_role("link", name="Fiche réflexe")
    tab_to(page, pdf)
    response = page.request.get(pdf.get_attribute("href"))
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.body()[:5] == b"%PDF-"


def test_the_back_button_returns_to_the_previous_question(page, aid):
    """State lives in the address: the browser's back button shows the previous question."""
    page.goto("/que-faire/")
    choose_radio(page, page.locator("input[type=radio]"), 1)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "danger=non" in page.url
    page.go_back()
    assert page.get_by_role("heading", level=1).inner_text().startswith("La ou le jeune est-il en danger")


def test_the_aid_reflows_at_320_pixels(browser, live_server, aid):
    """On a small phone, no page of the aid scrolls sideways."""
    context = browser.new_context(base_url=live_server.url, viewport={"width": 320, "height": 640})
    page = context.new_page()
    for url in ["/que-faire/", "/que-faire/?danger=non&age=mineur",
                "/que-faire/?danger=non&age=mineur&faits=faits&mesure=oui&cadre=sante&dep=93&enligne=oui",
                "/que-faire/issue/danger-immediat/"]:
        page.goto(url)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 320, (url, width)
    context.close()
