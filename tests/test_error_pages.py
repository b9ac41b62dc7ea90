"""Whatever goes wrong, the person sees a French page in the site's layout (support numbers,
a way back, lang="fr"), never Django's English page or an empty body: 400, 403, 404, 405,
500, 503."""
import importlib

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import SuspiciousOperation
from django.db import OperationalError
from django.test import Client
from django.urls import clear_url_caches

import elearning.urls
from elearning.learn import views
from elearning.middleware import DatabaseBusyMiddleware
from elearning.views_errors import permission_denied, server_error
from tests.conftest import make_cohort, make_org, make_trainer, make_user

pytestmark = pytest.mark.django_db


def assert_french_page(response, status, heading):
    html = response.content.decode()
    assert response.status_code == status, html[:300]
    assert '<html lang="fr">' in html
    assert f"<h1>{heading}" in html
    assert 'href="tel:119"' in html or "<strong>119</strong>" in html  # the layout's support numbers
    assert 'href="/"' in html or "Revenir à l'accueil" in html
    for english in ("Bad Request", "Not Found", "Forbidden", "Method Not Allowed", "Server Error"):
        assert english not in html


def test_oversize_body_gives_the_french_400(settings):
    """A form sent with far too much data (Django's RequestDataTooBig) gets a French page."""
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = Client(raise_request_exception=False).post("/comptes/connexion/", {"username": "x" * 5000})
    assert_french_page(response, 400, "Demande incorrecte")


def test_too_many_fields_gives_the_french_400(settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    data = {f"champ{i}": "x" for i in range(50)}
    response = Client(raise_request_exception=False).post("/comptes/connexion/", data)
    assert_french_page(response, 400, "Demande incorrecte")


def test_unknown_host_gives_the_french_400():
    """A request for another host name (DisallowedHost) is refused in French."""
    response = Client(raise_request_exception=False).get("/", HTTP_HOST="pirate.example")
    assert_french_page(response, 400, "Demande incorrecte")


def test_suspicious_operation_in_a_view_gives_the_french_400(monkeypatch):
    def suspicious(request, template):
        raise SuspiciousOperation("détail technique")

    monkeypatch.setattr(views, "static_page", suspicious)
    importlib.reload(elearning.urls)
    clear_url_caches()
    try:
        response = Client(raise_request_exception=False).get("/accessibilite/")
        assert_french_page(response, 400, "Demande incorrecte")
        assert "détail technique" not in response.content.decode()
    finally:
        monkeypatch.undo()
        importlib.reload(elearning.urls)
        clear_url_caches()


def test_another_organisations_page_gives_the_french_403_or_404(client):
    """A learner opening the trainers' pages is refused in French."""
    client.force_login(make_user())
    response = client.get("/formation/groupes/")
    assert response.status_code in (403, 404)
    assert_french_page(response, response.status_code,
                       "Accès refusé" if response.status_code == 403 else "Page introuvable")


def test_permission_denied_gives_the_french_403(rf):
    request = rf.get("/")
    request.user = AnonymousUser()
    assert_french_page(permission_denied(request), 403, "Accès refusé")


def test_csrf_failure_gives_the_french_403():
    response = Client(enforce_csrf_checks=True).post("/comptes/connexion/", {"username": "a@b.fr"})
    assert_french_page(response, 403, "Le formulaire a expiré")


def test_unknown_address_gives_the_french_404(client):
    assert_french_page(client.get("/cette-page-n-existe-pas/"), 404, "Page introuvable")


@pytest.mark.parametrize("url", ["/comptes/deconnexion/"])
def test_a_method_a_post_only_address_refuses_gives_the_french_405(client, url):
    """A GET on a POST-only address goes back to its page (tests/test_session_expiry.py);
    a method it never accepts gets the French page (Django sends an empty body) and keeps
    the Allow header."""
    client.force_login(make_user())
    response = client.put(url)
    assert_french_page(response, 405, "Action non disponible")
    assert "POST" in response["Allow"]


def test_trainer_code_action_opened_by_get_goes_back_to_the_group():
    """Never a blank 405: the code actions, opened without a form, lead back to the group."""
    trainer = make_trainer(make_org())
    cohort = make_cohort(trainer.memberships.get().organisation)
    client = Client()
    client.force_login(trainer)
    response = client.get(f"/formation/groupes/{cohort.pk}/code/")
    assert response.status_code == 302 and response["Location"] == f"/formation/groupes/{cohort.pk}/"


def test_a_crash_gives_the_french_500():
    response = server_error(None)
    assert response.status_code == 500
    html = response.content.decode()
    assert '<html lang="fr">' in html and "Une erreur est survenue" in html and "119" in html


def test_a_database_that_stays_locked_gives_the_french_503(rf):
    request = rf.get("/")
    request.user = AnonymousUser()
    response = DatabaseBusyMiddleware(lambda r: None).process_exception(request, OperationalError("database is locked"))
    assert_french_page(response, 503, "Service momentanément occupé")
    assert response["Retry-After"] == "5"
