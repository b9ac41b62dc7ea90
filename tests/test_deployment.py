"""`make run` serves the site as it is deployed (gunicorn with gunicorn.conf.py, DEBUG off,
WhiteNoise, a secret key generated once into var/), and production settings refuse what
would leak: no start without SECRET_KEY, HTTPS-only settings on one switch, e-mails never
printed to the server's logs."""
import os
import runpy
import stat
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from elearning.settings import local_secret_key
from tests.load import harness

ROOT = Path(__file__).resolve().parent.parent


def settings_env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items()
           if k not in {"TESTING", "LOCAL_RUN", "HTTPS_ONLY", "EMAIL_HOST", "SECRET_KEY", "DEBUG"}}
    env.update({"DATABASE_URL": "", "DJANGO_SETTINGS_MODULE": "elearning.settings", **extra})
    return env


def read_settings(*names, **env) -> list[str]:
    code = "import django; django.setup(); from django.conf import settings; " + "; ".join(
        f"print(repr(getattr(settings, {name!r}, None)))" for name in names)
    out = subprocess.run([sys.executable, "-c", code], env=settings_env(**env), cwd=ROOT,
                         capture_output=True, text=True, check=True)
    return out.stdout.split("\n")[:len(names)]


def test_local_secret_key_is_generated_once_and_private(tmp_path):
    path = tmp_path / "var" / "secret_key"
    first = local_secret_key(path)
    assert len(first) >= 50 and local_secret_key(path) == first
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_local_run_uses_the_key_in_var_which_git_ignores():
    key = read_settings("SECRET_KEY", DEBUG="0", LOCAL_RUN="1")[0]
    assert key.strip("'") == (ROOT / "var" / "secret_key").read_text().strip()
    assert subprocess.run(["git", "check-ignore", "-q", "var/secret_key"], cwd=ROOT).returncode == 0


def test_production_still_refuses_to_start_without_a_secret_key():
    env = settings_env(DEBUG="0", SECRET_KEY="")
    out = subprocess.run([sys.executable, "manage.py", "check"], env=env, cwd=ROOT, capture_output=True, text=True)
    assert out.returncode != 0 and "SECRET_KEY est obligatoire" in out.stderr


def test_https_only_settings_follow_one_switch():
    names = ("SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SECURE_HSTS_SECONDS",
             "SECURE_PROXY_SSL_HEADER")
    on = read_settings(*names, DEBUG="0", SECRET_KEY="k" * 50, HTTPS_ONLY="1")
    default = read_settings(*names, DEBUG="0", SECRET_KEY="k" * 50)
    off = read_settings(*names, DEBUG="0", SECRET_KEY="k" * 50, HTTPS_ONLY="0")
    assert on == default
    assert on[:3] == ["True"] * 3 and int(on[3]) >= 31536000 and "HTTP_X_FORWARDED_PROTO" in on[4]
    assert off[:3] == ["False"] * 3 and off[3] in ("0", "None") and off[4] == "None"


def check_deploy(**env) -> str:
    out = subprocess.run([sys.executable, "manage.py", "check", "--deploy"],
                         env=settings_env(DEBUG="0", SECRET_KEY="s" * 60, ALLOWED_HOSTS="example.org",
                                          HTTPS_ONLY="1", **env),
                         cwd=ROOT, capture_output=True, text=True)
    return out.stdout + out.stderr


def test_check_deploy_refuses_an_email_backend_that_prints_or_drops_mail():
    """Reset links printed to gunicorn's output were readable by anyone with the logs."""
    assert "elearning.E001" in check_deploy()  # no EMAIL_HOST
    assert "elearning.E001" in check_deploy(LOCAL_RUN="1")  # the local run's console backend
    assert "elearning.E001" not in check_deploy(EMAIL_HOST="smtp.example.org")


def test_production_without_smtp_prints_no_email(capfd):
    """Deployed without EMAIL_HOST, a reset e-mail is dropped with a warning naming no one."""
    code = ("import django; django.setup(); from django.core.mail import send_mail; "
            "send_mail('Sujet', 'https://exemple.org/comptes/reinitialiser/MQ/jeton/', None, ['a@example.test'])")
    out = subprocess.run([sys.executable, "-c", code], env=settings_env(DEBUG="0", SECRET_KEY="s" * 60),
                         cwd=ROOT, capture_output=True, text=True, check=True)
    printed = out.stdout + out.stderr
    assert "a@example.test" not in printed and "jeton" not in printed
    assert "EMAIL_HOST" in printed


def test_gunicorn_conf_sets_workers_and_timeouts(monkeypatch):
    monkeypatch.setenv("PORT", "8123")
    conf = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert conf["bind"] == "127.0.0.1:8123"
    assert 2 <= conf["workers"] <= 8 and conf["timeout"] == 30 and conf["graceful_timeout"] > 0
    assert conf["accesslog"] is None  # request paths hold reset links and join codes
    assert conf["wsgi_app"] == "elearning.wsgi:application"


def test_make_run_serves_a_wrong_address_with_the_french_404(tmp_path):
    """What `make run` starts (gunicorn -c gunicorn.conf.py, DEBUG off, LOCAL_RUN, plain HTTP
    on 127.0.0.1) answers a mistyped address with the French page, never Django's technical
    page listing the URL patterns; `make dev` keeps the development server."""
    makefile = (ROOT / "Makefile").read_text()
    run = makefile.split("\nrun:")[1].split("\n\n")[0]
    assert "gunicorn -c gunicorn.conf.py" in run and "seed_demo --force" in run and "collectstatic" in run
    assert "DEBUG=0 LOCAL_RUN=1 HTTPS_ONLY=0" in makefile
    assert "runserver" in makefile.split("\ndev:")[1].split("\n\n")[0]
    env = {k: v for k, v in os.environ.items() if k not in {"TESTING", "SECRET_KEY", "DATABASE_URL", "EMAIL_HOST"}}
    port = harness.free_port()
    env.update({"DEBUG": "0", "LOCAL_RUN": "1", "HTTPS_ONLY": "0", "ALLOWED_HOSTS": "127.0.0.1,localhost",
                "PORT": str(port), "GUNICORN_WORKERS": "1", "SQLITE_PATH": str(tmp_path / "db.sqlite3"),
                "DJANGO_SETTINGS_MODULE": "tests.load.server_settings", "REPERES_STATIC_ROOT": str(tmp_path / "static"),
                "PYTHONPATH": str(ROOT)})
    harness.collectstatic(env)
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py"], env=env, cwd=ROOT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/cette-page-n-existe-pas/", timeout=30)
            except urllib.error.HTTPError as error:
                status, html = error.code, error.read().decode()
                break
            except (urllib.error.URLError, ConnectionError, TimeoutError):  # still booting
                assert time.monotonic() < deadline, "gunicorn ne répond pas"
                time.sleep(0.3)
        assert status == 404
        assert "<h1>Page introuvable</h1>" in html and '<html lang="fr">' in html
        assert "URLconf" not in html and "DEBUG = True" not in html
        css = urllib.request.urlopen(f"http://127.0.0.1:{port}/static/css/site.css", timeout=30)
        assert css.status == 200  # WhiteNoise
    finally:
        server.terminate()
        server.wait(timeout=20)
