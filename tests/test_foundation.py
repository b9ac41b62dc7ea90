"""The site's frame: settings, error pages, security headers, support numbers everywhere."""
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client, override_settings

ROOT = Path(__file__).resolve().parent.parent


def test_language_and_time_zone():
    assert settings.LANGUAGE_CODE == "fr-fr"
    assert settings.TIME_ZONE == "Europe/Paris"


@pytest.mark.django_db
def test_sqlite_runs_with_wal_and_immediate_transactions():
    """Concurrent learners do not hit "database is locked" on the embedded database."""
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL run")
    assert settings.DATABASES["default"]["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        mode = cursor.fetchone()[0]
    # In-memory test databases report "memory"; file databases must be in WAL.
    assert mode in {"wal", "memory"}


def test_sqlite_file_database_uses_wal(tmp_path):
    """A real SQLite file opened by the app switches to WAL."""
    env = {**os.environ, "DEBUG": "1", "SQLITE_PATH": str(tmp_path / "db.sqlite3"), "DATABASE_URL": ""}
    code = (
        "import django; django.setup(); from django.db import connection;"
        "c = connection.cursor(); c.execute('PRAGMA journal_mode'); print(c.fetchone()[0])"
    )
    out = subprocess.run([sys.executable, "-c", code], env={**env, "DJANGO_SETTINGS_MODULE": "elearning.settings"},
                         cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "wal"


def test_check_deploy_prints_no_warning():
    """The production settings pass Django's deployment checklist."""
    env = {**os.environ, "DEBUG": "0", "SECRET_KEY": "x" * 20 + "-production-secret-key-0123456789-abcdefghij",
           "ALLOWED_HOSTS": "example.org", "DATABASE_URL": "", "HTTPS_ONLY": "1", "EMAIL_HOST": "smtp.example.org",
           "DJANGO_SETTINGS_MODULE": "elearning.settings"}
    env.pop("TESTING", None)
    env.pop("LOCAL_RUN", None)
    out = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                         env=env, cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "WARNING" not in out.stderr and "W0" not in out.stderr


def test_secret_key_required_without_debug():
    env = {**os.environ, "DEBUG": "0", "SECRET_KEY": "", "DATABASE_URL": "", "DJANGO_SETTINGS_MODULE": "elearning.settings"}
    env.pop("TESTING", None)
    out = subprocess.run([sys.executable, "manage.py", "check"], env=env, cwd=ROOT, capture_output=True, text=True)
    assert out.returncode != 0
    assert "SECRET_KEY est obligatoire" in out.stderr


@pytest.mark.django_db
def test_unknown_url_gives_french_404_in_layout(client):
    response = client.get("/cette-page-n-existe-pas/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page introuvable" in html and "119" in html and 'lang="fr"' in html


@pytest.mark.django_db
def test_server_error_gives_french_500_without_trace():
    from elearning import views_errors

    response = views_errors.server_error(None)
    html = response.content.decode()
    assert response.status_code == 500
    assert "Une erreur est survenue" in html and "Traceback" not in html


@pytest.mark.django_db
def test_500_page_served_when_a_view_crashes(monkeypatch):
    """A crash shows the French page, never a trace."""
    from elearning.learn import views

    def boom(request):
        raise RuntimeError("secret detail")

    monkeypatch.setattr(views, "home", boom)
    from django.urls import clear_url_caches

    clear_url_caches()
    import importlib

    import elearning.urls

    importlib.reload(elearning.urls)
    try:
        client = Client(raise_request_exception=False)
        response = client.get("/")
        assert response.status_code == 500
        assert "Une erreur est survenue" in response.content.decode()
        assert "secret detail" not in response.content.decode()
    finally:
        monkeypatch.undo()
        importlib.reload(elearning.urls)
        clear_url_caches()


@pytest.mark.django_db
def test_csrf_failure_gives_french_403():
    client = Client(enforce_csrf_checks=True)
    response = client.post("/comptes/connexion/", {"username": "a@b.fr", "password": "x"})
    assert response.status_code == 403
    assert "Le formulaire a expiré" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/", "/parcours/", "/qui-contacter/", "/comptes/connexion/", "/comptes/inscription/",
                                 "/accessibilite/", "/confidentialite/", "/mentions-legales/", "/prendre-soin-de-soi/"])
def test_public_pages_show_support_numbers_and_csp(client, url):
    """Support numbers are one glance away on every page; no inline script is allowed."""
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    for number in ("119", "3919", "3018", "17"):
        assert f'href="tel:{number}"' in html
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "<script>" not in html
    assert 'href="#contenu"' in html and 'id="contenu"' in html


def test_locked_database_gives_french_503(rf):
    """A database locked beyond the timeout: a French "réessayez" page, never a 500."""
    from django.db import OperationalError

    from elearning.middleware import DatabaseBusyMiddleware

    middleware = DatabaseBusyMiddleware(lambda r: None)
    response = middleware.process_exception(rf.get("/"), OperationalError("database is locked"))
    assert response.status_code == 503
    assert "réessayez dans un instant" in response.content.decode()
    assert middleware.process_exception(rf.get("/"), OperationalError("no such table")) is None


@pytest.mark.django_db
def test_demo_seed_is_idempotent_and_refused_without_debug(settings):
    from django.core.management import CommandError, call_command

    from elearning.models import Cohort, User

    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("seed_demo")
    call_command("seed_demo", force=True, stdout=open(os.devnull, "w"))
    counts = (User.objects.count(), Cohort.objects.count())
    call_command("seed_demo", force=True, stdout=open(os.devnull, "w"))
    assert (User.objects.count(), Cohort.objects.count()) == counts == (28, 2)
    client = Client()
    for email in ["admin@demo.test", "editrice@demo.test", "formatrice.nord@demo.test", "formateur.sud@demo.test",
                  "apprenant1.nord@demo.test", "apprenant12.sud@demo.test"]:
        response = client.post("/comptes/connexion/", {"username": email, "password": "Demo-Reperes-2026!"})
        assert response.status_code == 302, email
        client.post("/comptes/deconnexion/")


@override_settings(DEBUG=False)
def test_no_personal_data_in_logging_config():
    assert settings.AXES_ENABLE_ACCESS_FAILURE_LOG is False


@pytest.mark.django_db
def test_lock_outside_the_view_still_gives_503(monkeypatch):
    """A lock that times out while saving the session after the view: 503, not 500."""
    from django.contrib.sessions.middleware import SessionMiddleware
    from django.db import OperationalError

    def locked(self, request, response):
        raise OperationalError("database is locked")

    monkeypatch.setattr(SessionMiddleware, "process_response", locked)
    response = Client(raise_request_exception=False).get("/")
    assert response.status_code == 503
    assert "réessayez dans un instant" in response.content.decode()
    assert response["Retry-After"] == "5"


def test_postgres_gets_a_lock_timeout():
    env = {**os.environ, "DATABASE_URL": "postgres://u@127.0.0.1:1/x", "DB_LOCK_TIMEOUT_SECONDS": "3", "DEBUG": "1"}
    code = "import django; django.setup(); from django.conf import settings; print(settings.DATABASES['default']['OPTIONS'])"
    out = subprocess.run([sys.executable, "-c", code], env={**env, "DJANGO_SETTINGS_MODULE": "elearning.settings"},
                         cwd=ROOT, capture_output=True, text=True, check=True)
    assert "lock_timeout=3000" in out.stdout
