"""Sign-up and password reset are rate-limited like the login, per address and per IP, with
the counts in the database so that every app server shares them."""
import pytest
from django.test import Client

from elearning import throttle
from elearning.models import RateLimit
from tests.conftest import PASSWORD, make_cohort, make_org, make_user

pytestmark = pytest.mark.django_db


def test_fifty_reset_requests_for_one_address_send_a_bounded_number_of_emails(mailoutbox):
    """A script asking 50 times for one address's reset link sends 3 e-mails, not 50; the
    page answers in French, status 429, with nothing revealed about the account."""
    make_user("camille@example.test")
    statuses = [Client().post("/comptes/mot-de-passe-oublie/", {"email": "camille@example.test"}).status_code
                for _ in range(50)]
    assert len(mailoutbox) == throttle.PASSWORD_RESET.per_address == 3
    assert statuses[:3] == [302] * 3 and set(statuses[3:]) == {429}
    html = Client().post("/comptes/mot-de-passe-oublie/", {"email": "camille@example.test"}).content.decode()
    assert "Trop de demandes" in html and 'value="camille@example.test"' in html


def test_reset_requests_for_many_addresses_from_one_ip_are_bounded(mailoutbox):
    for n in range(40):
        make_user(f"personne{n}@example.test")
    for n in range(40):
        Client().post("/comptes/mot-de-passe-oublie/", {"email": f"personne{n}@example.test"})
    assert len(mailoutbox) == throttle.PASSWORD_RESET.per_ip


def test_unknown_addresses_count_the_same_as_known_ones(mailoutbox):
    """The limit answers the same for an address with or without an account."""
    make_user("connue@example.test")
    known = [Client().post("/comptes/mot-de-passe-oublie/", {"email": "connue@example.test"}).status_code
             for _ in range(5)]
    unknown = [Client().post("/comptes/mot-de-passe-oublie/", {"email": "inconnue@example.test"}).status_code
               for _ in range(5)]
    assert known == unknown


def test_sign_up_is_rate_limited_per_address(mailoutbox):
    cohort = make_cohort(make_org())
    data = {"join_code": cohort.join_code, "first_name": "Nadia", "last_name": "Benali",
            "email": "nadia@example.test", "profession": "cpe", "departement": "93",
            "password1": PASSWORD, "password2": PASSWORD}
    statuses = [Client().post("/comptes/inscription/", data).status_code for _ in range(20)]
    assert statuses.count(302) == throttle.SIGNUP.per_address and len(mailoutbox) == throttle.SIGNUP.per_address
    refused = Client().post("/comptes/inscription/", data)
    assert refused.status_code == 429 and "Trop de demandes" in refused.content.decode()
    assert 'value="Nadia"' in refused.content.decode() and PASSWORD not in refused.content.decode()


def test_counts_live_in_the_database_without_the_address_in_clear():
    """Another app server sees the same count (it is a row), and the row holds a keyed hash."""
    for _ in range(3):
        Client().post("/comptes/mot-de-passe-oublie/", {"email": "camille@example.test"})
    rows = list(RateLimit.objects.filter(scope="password_reset"))
    assert sorted(r.count for r in rows) == [3, 3]  # one row for the address, one for the IP
    assert all("camille" not in r.key and "127.0.0.1" not in r.key for r in rows)


def test_a_new_window_starts_afresh(monkeypatch):
    class Request:
        META = {"REMOTE_ADDR": "192.0.2.1"}

    allowed = [throttle.allow(limit=throttle.PASSWORD_RESET, request=Request(), email="a@example.test") for _ in range(4)]
    assert allowed == [True, True, True, False]
    RateLimit.objects.update(window_start=RateLimit.objects.first().window_start - throttle.PASSWORD_RESET.window)
    assert throttle.allow(limit=throttle.PASSWORD_RESET, request=Request(), email="a@example.test")
