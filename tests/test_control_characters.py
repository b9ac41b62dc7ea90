"""NUL and other control characters in an address never reach a query: every URL pattern of
the site, admin included, answers them with the French 400 page, never a 500 (PostgreSQL
refuses NUL in text with a DataError; SQLite quietly found nothing)."""
import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from elearning.models import User
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

CONTROLS = ["%00", "%01", "%0A", "%1F", "%7F"]
_CONVERTER = re.compile(r"<(?:\w+:)?\w+>")
_GROUP = re.compile(r"\(\?P<\w+>[^)]*\)")


def routes(patterns=None, prefix=""):
    """Every route of the site as a template with {} where a parameter goes."""
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        raw = str(entry.pattern)
        if raw.startswith("^"):
            raw = _GROUP.sub("{}", raw).lstrip("^").rstrip("$").replace("\\", "")
        else:
            raw = _CONVERTER.sub("{}", raw)
        if isinstance(entry, URLResolver):
            yield from routes(entry.url_patterns, prefix + raw)
        elif isinstance(entry, URLPattern):
            yield "/" + prefix + raw


ROUTES = sorted(set(routes()))


def swept_urls(route: str, controls: list[str]) -> list[str]:
    urls = []
    if "{}" in route:
        for control in controls:
            urls += [route.replace("{}", f"ab{control}cd"), route.replace("{}", control)]
    plain = route.replace("{}", "abc")
    urls += [plain + f"?departement={controls[0]}&type=crip", plain + f"?a{controls[-1]}b=1"]
    return urls


def test_the_sweep_covers_the_site():
    """The sweep walks the resolver, so a new page is swept without editing this test."""
    assert len(ROUTES) > 60
    assert "/attestation/{}/" in ROUTES and "/rejoindre/{}/" in ROUTES and "/comptes/reinitialiser/{}/{}/" in ROUTES


def test_control_characters_in_any_parameter_or_query_give_400():
    """Every route, with each control character in each parameter and in the query string,
    signed out and signed in as a superuser, by GET and by POST: the French 400 page."""
    admin = Client()
    admin.force_login(User.objects.create_superuser(email="admin@example.test", password=PASSWORD))
    failures = []
    for route in ROUTES:
        for client, controls in ((Client(), CONTROLS), (admin, ["%00", "%1F"])):
            for url in swept_urls(route, controls):
                for method in (client.get, client.post):
                    response = method(url)
                    if response.status_code != 400 or b"Demande incorrecte" not in response.content:
                        failures.append((method.__name__, url, response.status_code))
    assert failures == []


@pytest.mark.parametrize("url", ["/attestation/%00/", "/attestation/ab%00cd/", "/rejoindre/%00ABC/",
                                 "/comptes/inscription/%00/", "/qui-contacter/?departement=9%003",
                                 "/cours/%00/lecon/", "/quiz/%00/"])
def test_the_addresses_found_by_the_sweep_answer_400(client, url):
    """The addresses that gave a 500 on PostgreSQL."""
    response = client.get(url)
    assert response.status_code == 400
    assert "Demande incorrecte" in response.content.decode()


def test_ordinary_addresses_still_work(client):
    assert client.get("/qui-contacter/?departement=93").status_code == 200
    assert client.get("/attestation/inconnu/").status_code == 404
