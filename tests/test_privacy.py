"""Personal data kept only as long as needed and never leaked: the login lockout keeps only
what locking needs and forgets it with the account, signed-in pages are never cached, the
data export is complete, and no log line carries an e-mail address or a secret link."""
import json
import logging
import re

import pytest
from axes.models import AccessAttempt, AccessLog
from django.core import mail
from django.test import Client

from elearning.models import Membership, RateLimit
from elearning.redaction import RedactPersonalData, redact
from tests.conftest import PASSWORD, enrol, make_cohort, make_org, make_trainer, make_user

pytestmark = pytest.mark.django_db


def log_in(client, email, password):
    return client.post("/comptes/connexion/", {"username": email, "password": password})


def test_login_keeps_no_access_log_and_failures_go_with_the_account():
    """A successful login leaves no row (e-mail, IP, browser) behind; failed ones, kept for the
    lockout only, are deleted with the account, as are the rate-limit counts."""
    user = make_user("camille@example.test")
    client = Client()
    assert log_in(client, "camille@example.test", "mauvais-mot-de-passe").status_code == 200
    assert AccessAttempt.objects.filter(username="camille@example.test").count() == 1
    assert log_in(client, "camille@example.test", PASSWORD).status_code == 302
    assert not AccessLog.objects.exists()
    log_in(Client(), "camille@example.test", "encore-faux")
    Client().post("/comptes/mot-de-passe-oublie/", {"email": "camille@example.test"})
    assert AccessAttempt.objects.exists() and RateLimit.objects.exists()
    response = client.post("/mon-compte/supprimer/", {"password": PASSWORD})
    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(username__iexact=user.email).exists()
    assert not RateLimit.objects.filter(scope="password_reset").exclude(key__in=ip_keys()).exists()


def ip_keys():
    from elearning.throttle import LIMITS, fingerprint

    return [fingerprint(limit.scope, "ip", "127.0.0.1") for limit in LIMITS]


def test_privacy_page_lists_the_login_records():
    html = Client().get("/confidentialite/").content.decode()
    assert "tentatives de connexion" in html and "15 minutes" in html
    assert "connexions réussies" in html


def test_data_export_lists_memberships_last_login_and_recent_failures():
    """A trainer's export shows their organisations and roles, when they last logged in, and
    the failed logins still kept for the lockout."""
    org = make_org()
    trainer = make_trainer(org)
    enrol(trainer, make_cohort(org))
    client = Client()
    log_in(client, trainer.email, "faux-mot-de-passe")
    log_in(client, trainer.email, PASSWORD)
    AccessAttempt.objects.create(username=trainer.email, ip_address="127.0.0.1", user_agent="Navigateur",
                                 http_accept="*/*", path_info="/comptes/connexion/", failures_since_start=1,
                                 get_data="", post_data="")
    data = json.loads(client.get("/mon-compte/donnees.json").content)
    roles = {(m["organisation"], m["role"]) for m in data["appartenances"]}
    assert roles == {("Organisation A", "Formateur·rice"), ("Organisation A", "Apprenant·e")}
    assert Membership.objects.filter(user=trainer).count() == 2
    trainer.refresh_from_db()
    assert data["profil"]["derniere_connexion"] == trainer.last_login.isoformat()
    assert data["connexions_echouees_recentes"][0]["navigateur"] == "Navigateur"


@pytest.mark.parametrize("url", ["/mon-parcours/", "/mon-compte/", "/mon-compte/donnees.json", "/parcours/",
                                 "/qui-contacter/", "/"])
def test_signed_in_pages_are_never_stored_by_a_cache(learner_client, url):
    response = learner_client.get(url)
    assert response.status_code == 200
    directives = {d.strip() for d in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= directives


def test_public_pages_seen_signed_out_stay_cacheable_by_default(client):
    assert "no-store" not in client.get("/qui-contacter/").get("Cache-Control", "")


def formatted_through_the_site_handler(records) -> str:
    """Each record as the configured log handler (settings.LOGGING) would print it."""
    handler = next(h for h in logging.getLogger().handlers if any(isinstance(f, RedactPersonalData) for f in h.filters))
    return "\n".join(handler.format(r) for r in records if handler.filter(r))


def test_no_log_line_carries_an_email_address_or_a_token(caplog, settings):
    """Sign-up, activation, reset, failed logins, a 404 on a reset link and a crash whose
    message holds an address: what reaches the log shows neither the address nor the token."""
    settings.DEBUG = False
    caplog.set_level(logging.DEBUG)
    cohort = make_cohort(make_org())
    make_user("deja@example.test")
    client = Client(raise_request_exception=False)
    for email in ("nouvelle@example.test", "deja@example.test"):
        client.post("/comptes/inscription/", {
            "join_code": cohort.join_code, "first_name": "Nadia", "last_name": "Benali", "email": email,
            "profession": "cpe", "departement": "93", "password1": PASSWORD, "password2": PASSWORD})
    client.post("/comptes/mot-de-passe-oublie/", {"email": "deja@example.test"})
    reset_link = re.search(r"/comptes/reinitialiser/\S+/", mail.outbox[-1].body).group(0)
    for _ in range(6):
        log_in(Client(), "deja@example.test", "faux")
    client.get(reset_link + "inexistant/")
    client.post(reset_link, {})
    logging.getLogger("django.request").error("Échec pour deja@example.test sur %s", reset_link)
    secrets = ["nouvelle@example.test", "deja@example.test", reset_link.split("/")[-2], cohort.join_code]
    assert caplog.records, "rien n'a été journalisé : le test ne prouverait rien"
    printed = formatted_through_the_site_handler(caplog.records)
    for secret in secrets:
        assert secret not in printed
    assert "[masqué]" in printed


def test_redaction_masks_addresses_links_and_codes():
    line = redact("Not Found: /comptes/reinitialiser/MQ/abc-123/ DETAIL: Key (email)=(a.b+c@ex-ample.fr) "
                  "/rejoindre/ABCD2345/ /attestation/Zx_9/")
    assert "a.b+c@ex-ample.fr" not in line and "abc-123" not in line and "ABCD2345" not in line and "Zx_9" not in line
    assert redact("/comptes/reinitialiser/termine/") == "/comptes/reinitialiser/termine/"
