"""What the load run (run_load.py) and the fault tests (tests/test_faults.py) share: a
database (a SQLite file, or a PostgreSQL database), a prepared course and cohort, and gunicorn
serving the production settings on 127.0.0.1 — never another address."""
import contextlib
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
HOST = "127.0.0.1"
PGBIN = Path("/usr/lib/postgresql/15/bin")


def base_env(**extra) -> dict:
    """Production settings (DEBUG off), plain HTTP on the loopback: no SSL redirect."""
    env = {k: v for k, v in os.environ.items()
           if k not in {"DATABASE_URL", "SQLITE_PATH", "DEBUG", "TESTING", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    env.update({
        "DJANGO_SETTINGS_MODULE": "tests.load.server_settings",
        "PYTHONPATH": str(ROOT),
        "DEBUG": "0",
        "SECRET_KEY": "load-and-faults-" + secrets.token_hex(16),
        "ALLOWED_HOSTS": HOST,
        "SECURE_SSL_REDIRECT": "0",
        "LOG_LEVEL": "ERROR",
    })
    env.update({k: str(v) for k, v in extra.items()})
    return env


# --- Databases -------------------------------------------------------------------------------


@contextlib.contextmanager
def sqlite_database(folder: Path):
    yield {"SQLITE_PATH": str(folder / "db.sqlite3")}


def _pg_admin(url: str):
    import psycopg

    return psycopg.connect(re.sub(r"/[^/]*$", "/postgres", url), autocommit=True)


@contextlib.contextmanager
def postgres_database(server_url: str):
    """A fresh database on the server of `server_url`, dropped afterwards."""
    name = "reperes_run_" + secrets.token_hex(4)
    with _pg_admin(server_url) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield {"DATABASE_URL": re.sub(r"/[^/]*$", f"/{name}", server_url)}
    finally:
        with _pg_admin(server_url) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextlib.contextmanager
def postgres_server():
    """A PostgreSQL 15 server under /tmp, started as .ci/run starts it; yields its URL."""
    if not (PGBIN / "initdb").exists():
        subprocess.run(["apt-get", "update", "-qq"], check=True)
        subprocess.run(["apt-get", "-o", "DPkg::Lock::Timeout=600", "install", "-y", "--no-upgrade", "postgresql-15"],
                       check=True, stdout=subprocess.DEVNULL)
    data = Path(tempfile.mkdtemp(prefix="reperes-load-pg.", dir="/tmp"))
    port = free_port()
    shutil.chown(data, "postgres")
    as_pg = ["runuser", "-u", "postgres", "--"]
    subprocess.run([*as_pg, str(PGBIN / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres", "-E", "UTF8",
                    "--locale=C.UTF-8"], check=True, stdout=subprocess.DEVNULL)
    subprocess.run([*as_pg, str(PGBIN / "pg_ctl"), "-D", str(data), "-l", str(data / "server.log"), "-o",
                    f"-p {port} -k /tmp -c listen_addresses={HOST} -c max_connections=200", "-w", "start"],
                   check=True, stdout=subprocess.DEVNULL)
    try:
        yield f"postgres://postgres@{HOST}:{port}/postgres"
    finally:
        subprocess.run([*as_pg, str(PGBIN / "pg_ctl"), "-D", str(data), "-m", "fast", "stop"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        shutil.rmtree(data, ignore_errors=True)


# --- Preparing and serving -------------------------------------------------------------------


def prepare(env: dict, *, course: str, learners: int, out: Path, live: int = 0) -> dict:
    """Migrate, load the course, create the cohort (and a live session with `live` phones);
    returns the plan (see prepare.py)."""
    subprocess.run([PYTHON, str(ROOT / "tests" / "load" / "prepare.py"), "--course", course,
                    "--learners", str(learners), "--out", str(out), "--live", str(live)],
                   env=env, cwd=ROOT, check=True)
    return json.loads(out.read_text(encoding="utf-8"))


def collectstatic(env: dict) -> None:
    subprocess.run([PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"], env=env, cwd=ROOT, check=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


class Gunicorn:
    """gunicorn (sync workers) serving elearning.wsgi on 127.0.0.1:<free port>."""

    def __init__(self, env: dict, *, workers: int = 2, log: Path | None = None):
        self.env = env
        self.workers = workers
        self.port = free_port()
        self.url = f"http://{HOST}:{self.port}"
        self.log = log
        self.process = None
        self.out = None

    def __enter__(self):
        self.out = open(self.log, "ab") if self.log else None
        out = self.out or subprocess.DEVNULL
        self.process = subprocess.Popen(
            [PYTHON, "-m", "gunicorn", "elearning.wsgi:application", "--bind", f"{HOST}:{self.port}",
             "--workers", str(self.workers), "--timeout", "60", "--graceful-timeout", "5"],
            env=self.env, cwd=ROOT, stdout=out, stderr=out,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn s'est arrêté (code {self.process.returncode})")
            try:
                with urllib.request.urlopen(self.url + "/", timeout=5) as response:
                    if response.status == 200 and len(self.worker_pids()) == self.workers:
                        return self
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.2)
        self.__exit__(None, None, None)
        raise RuntimeError("gunicorn ne répond pas")

    def worker_pids(self) -> list[int]:
        import psutil

        return [child.pid for child in psutil.Process(self.process.pid).children()]

    def __exit__(self, *exc):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.out:
            self.out.close()


# --- Reading forms the way a browser would -----------------------------------------------------

_INPUT = re.compile(r"<input\b[^>]*>")
_ATTR = re.compile(r'(\w[\w-]*)="([^"]*)"')


def form_inputs(html: str) -> list[dict]:
    return [dict(_ATTR.findall(tag)) for tag in _INPUT.findall(html)]


def quiz_form(html: str) -> tuple[str, dict[str, list[str]]]:
    """The submission token and, for each question field `q<id>`, its option values."""
    token, fields = "", {}
    for attrs in form_inputs(html):
        if attrs.get("name") == "token":
            token = attrs.get("value", "")
        elif re.fullmatch(r"q\d+", attrs.get("name", "")):
            fields.setdefault(attrs["name"], []).append(attrs["value"])
    return token, fields


def csrf_from_cookie(cookie: str) -> str:
    return re.search(r"csrftoken=(\w+)", cookie).group(1)
