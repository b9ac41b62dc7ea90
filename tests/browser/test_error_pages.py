"""The pages a person meets when something goes wrong are as accessible as the others."""
import pytest
from django.template import loader

from tests.browser.conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_not_found_page_is_accessible(page):
    """A mistyped address gives a French page, with a way back, and no WCAG A/AA violation."""
    response = page.goto("/cette-page-n-existe-pas/")
    assert response.status == 404
    assert "Page introuvable" in page.inner_text("h1")
    assert_accessible(page)


@pytest.mark.parametrize("template, status, heading", [
    ("503.html", 503, "Service momentanément occupé"),
    ("500.html", 500, "Une erreur est survenue"),
])
def test_busy_and_error_pages_are_accessible(page, template, status, heading, live_server):
    """The « réessayez dans un instant » page (database busy) and the error page, as the server
    sends them (tests/test_faults.py triggers the real 503), have no WCAG A/AA violation."""
    html = loader.get_template(template).render()
    page.route("**/page-d-erreur/", lambda route: route.fulfill(status=status, body=html,
                                                                  content_type="text/html; charset=utf-8"))
    response = page.goto("/page-d-erreur/")
    assert response.status == status
    assert page.inner_text("h1") == heading
    assert page.locator("link[rel=stylesheet]").evaluate("l => l.sheet !== null && l.sheet.cssRules.length > 0")
    assert_accessible(page)


@pytest.mark.parametrize("url, status, heading", [
    ("/attestation/ab%00cd/", 400, "Demande incorrecte"),
    ("/comptes/activer/lien-abime/", 400, "Ce lien n'est plus valable"),
])
def test_bad_request_and_method_pages_are_accessible(page, url, status, heading):
    """A control character in the address, a broken activation link: French pages in the
    layout, with no WCAG A/AA violation. (A form address opened directly goes back to its
    page: tests/test_session_expiry.py; the 405 page is checked in tests/test_error_pages.py.)"""
    response = page.goto(url)
    assert response.status == status
    assert page.inner_text("h1") == heading
    assert_accessible(page)
