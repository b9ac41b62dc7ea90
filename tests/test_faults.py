"""Faults as users would meet them: a server process dying mid-submission, a double submit,
a database that stays locked. Each test runs gunicorn with the production settings on
127.0.0.1 (tests/load/harness.py), on SQLite — or, in the PostgreSQL run of CI, on a fresh
database of that server."""
import http.cookiejar
import os
import random
import signal
import sqlite3
import threading
import time

import pytest
import requests

from tests.load import harness

ON_POSTGRES = bool(os.environ.get("DATABASE_URL"))


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    return tmp_path_factory.mktemp("faults")


@pytest.fixture(scope="module")
def db_env(workdir):
    if ON_POSTGRES:
        with harness.postgres_database(os.environ["DATABASE_URL"]) as env:
            yield env
    else:
        with harness.sqlite_database(workdir) as env:
            yield env


@pytest.fixture(scope="module")
def env(db_env, workdir):
    env = harness.base_env(REPERES_STATIC_ROOT=workdir / "static", **db_env)
    harness.collectstatic(env)
    return env


@pytest.fixture(scope="module")
def plan(env, workdir):
    return harness.prepare(env, course="small", learners=30, out=workdir / "plan.json")


@pytest.fixture(scope="module")
def server(env, plan, workdir):
    with harness.Gunicorn(env, workers=2, log=workdir / "gunicorn.log") as server:
        yield server


class Rows:
    """Plain SQL on the run's database, from the test process."""

    def __init__(self, db_env):
        self.db_env = db_env

    def __call__(self, sql, params=()):
        if ON_POSTGRES:
            import psycopg

            with psycopg.connect(self.db_env["DATABASE_URL"]) as conn:
                return conn.execute(sql.replace("?", "%s"), params).fetchall()
        conn = sqlite3.connect(self.db_env["SQLITE_PATH"], timeout=30)
        try:
            return conn.execute(sql, params).fetchall()
        finally:
            conn.close()


@pytest.fixture(scope="module")
def rows(db_env):
    return Rows(db_env)


def learner_session(learner) -> requests.Session:
    """A signed-in learner: the session and CSRF cookies made by prepare.py, sent as a header.
    The jar keeps nothing the server sets (its policy accepts no domain)."""
    session = requests.Session()
    session.cookies.set_policy(http.cookiejar.DefaultCookiePolicy(allowed_domains=[]))
    session.headers["Cookie"] = learner["cookie"]
    return session


def answer_form(learner, html, rng=random) -> dict:
    token, fields = harness.quiz_form(html)
    assert token and fields, "le formulaire du quiz n'a pas été trouvé"
    data = {name: [rng.choice(values)] for name, values in fields.items()}
    return {"csrfmiddlewaretoken": harness.csrf_from_cookie(learner["cookie"]), "token": token, **data}


def user_id(rows, learner) -> int:
    return rows("SELECT id FROM elearning_user WHERE email = ?", (learner["email"],))[0][0]


def assert_every_attempt_whole(rows) -> int:
    """Each stored attempt has one answer per question of its quiz, each answer the options of
    its question, and the learner's summary row counts exactly the stored attempts."""
    broken = rows("""
        SELECT a.id FROM quizzes_attempt a
        WHERE (SELECT COUNT(*) FROM quizzes_answer ans WHERE ans.attempt_id = a.id)
           <> (SELECT COUNT(*) FROM quizzes_question q WHERE q.quiz_id = a.quiz_id AND NOT q.archived)
           OR EXISTS (SELECT 1 FROM quizzes_answer ans WHERE ans.attempt_id = a.id AND
                      (SELECT COUNT(*) FROM quizzes_answeroption ao WHERE ao.answer_id = ans.id)
                      <> (SELECT COUNT(*) FROM quizzes_option o WHERE o.question_id = ans.question_id))
    """)
    assert broken == [], f"tentatives incomplètes : {broken}"
    mismatched = rows("""
        SELECT r.user_id, r.quiz_id FROM quizzes_quizresult r
        WHERE r.attempts_count <> (SELECT COUNT(*) FROM quizzes_attempt a
                                   WHERE a.user_id = r.user_id AND a.quiz_id = r.quiz_id)
    """)
    assert mismatched == [], f"résumés qui ne comptent pas les tentatives enregistrées : {mismatched}"
    orphans = rows("""
        SELECT COUNT(*) FROM quizzes_answer ans
        WHERE NOT EXISTS (SELECT 1 FROM quizzes_attempt a WHERE a.id = ans.attempt_id)
    """)[0][0]
    assert orphans == 0
    return rows("SELECT COUNT(*) FROM quizzes_attempt")[0][0]


def test_two_concurrent_submits_of_one_attempt_record_it_once(server, plan, rows):
    """A learner who double-clicks « Valider » (or whose browser resends) gets one attempt
    in their history and in their group's results, not two."""
    learner = plan["learners"][0]
    session = learner_session(learner)
    quiz_url = plan["scenarios"][0]
    form = answer_form(learner, session.get(server.url + quiz_url, timeout=30).text)
    barrier = threading.Barrier(6)
    outcomes = []

    def send():
        own = learner_session(learner)
        barrier.wait()
        response = own.post(server.url + quiz_url + "envoyer/", data=form, allow_redirects=False, timeout=60)
        outcomes.append((response.status_code, response.headers.get("Location")))

    threads = [threading.Thread(target=send) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert [status for status, _ in outcomes] == [302] * 6
    assert len({location for _, location in outcomes}) == 1, outcomes
    uid = user_id(rows, learner)
    assert rows("SELECT COUNT(*) FROM quizzes_attempt WHERE user_id = ?", (uid,)) == [(1,)]
    assert rows("SELECT attempts_count FROM quizzes_quizresult WHERE user_id = ?", (uid,)) == [(1,)]
    result = session.get(server.url + outcomes[0][1], timeout=30)
    assert result.status_code == 200 and "1 tentative" in result.text


def test_a_worker_killed_mid_submission_leaves_each_attempt_whole_or_absent(server, plan, rows):
    """When a server process dies while learners submit quizzes, no learner finds a half-saved
    attempt (a score without its answers) and every « enregistré » they were shown is kept."""
    learners = plan["learners"][1:13]
    quiz_urls = [plan["scenarios"][0], *(step["quiz"] for step in plan["steps"])]
    stop = threading.Event()
    confirmed, interrupted = [], []

    def submitter(learner, seed):
        rng = random.Random(seed)
        session = learner_session(learner)
        for _ in range(400):  # bounded: stops with the test, or after 400 submissions
            if stop.is_set():
                return
            url = rng.choice(quiz_urls)
            try:
                page = session.get(server.url + url, timeout=30)
            except requests.ConnectionError:
                session = learner_session(learner)
                continue
            if page.status_code != 200:
                continue
            try:
                response = session.post(server.url + url + "envoyer/", data=answer_form(learner, page.text, rng),
                                        allow_redirects=False, timeout=30)
            except requests.ConnectionError:  # the worker died with the submission in hand
                interrupted.append(url)
                session = learner_session(learner)
                continue
            if response.status_code == 302:
                confirmed.append(int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1]))

    threads = [threading.Thread(target=submitter, args=(learner, i)) for i, learner in enumerate(learners)]
    for thread in threads:
        thread.start()
    kills = 0
    try:
        time.sleep(1.0)
        deadline = time.monotonic() + 40
        while (kills < 3 or len(interrupted) < 2) and kills < 15 and time.monotonic() < deadline:
            workers = server.worker_pids()
            if workers:
                os.kill(random.choice(workers), signal.SIGKILL)
                kills += 1
            time.sleep(random.uniform(0.8, 1.5))
        time.sleep(1.0)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=90)

    assert kills >= 3
    assert interrupted, "aucun envoi n'a été coupé par un arrêt brutal : le test n'a rien éprouvé"
    assert confirmed, "aucune tentative n'a abouti"
    stored = assert_every_attempt_whole(rows)
    print(f"SIGKILL : {kills} workers tués, {len(interrupted)} envois coupés, "
          f"{len(set(confirmed))} tentatives confirmées, {stored} enregistrées, toutes entières")
    assert stored >= len(set(confirmed))
    placeholders = ",".join("?" * len(set(confirmed)))
    found = rows(f"SELECT COUNT(*) FROM quizzes_attempt WHERE id IN ({placeholders})", tuple(set(confirmed)))[0][0]
    assert found == len(set(confirmed)), "une tentative confirmée à l'apprenant·e a disparu"


@pytest.fixture
def impatient_server(env, plan, workdir):
    """The same site with a 1-second wait for a locked database (production: 20 s)."""
    impatient = dict(env, REPERES_SQLITE_TIMEOUT_S="1", REPERES_PG_LOCK_TIMEOUT_MS="1000")
    with harness.Gunicorn(impatient, workers=1, log=workdir / "gunicorn-impatient.log") as server:
        yield server


class DatabaseLock:
    """Another connection holding the write lock (SQLite) or the tables' locks (PostgreSQL)."""

    TABLES = ["elearning_lessoncompletion", "quizzes_attempt", "django_session"]

    def __init__(self, db_env):
        self.db_env = db_env
        self.conn = None

    def __enter__(self):
        if ON_POSTGRES:
            import psycopg

            self.conn = psycopg.connect(self.db_env["DATABASE_URL"])
            for table in self.TABLES:
                self.conn.execute(f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE")
        else:
            self.conn = sqlite3.connect(self.db_env["SQLITE_PATH"], isolation_level=None, check_same_thread=False)
            self.conn.execute("BEGIN EXCLUSIVE")
        return self

    def release(self):
        if self.conn is not None:
            self.conn.rollback() if ON_POSTGRES else self.conn.execute("ROLLBACK")
            self.conn.close()
            self.conn = None

    def __exit__(self, *exc):
        self.release()


def complete_lesson(session, server, learner, step):
    return session.post(server.url + step["lesson"] + "terminer/", allow_redirects=False, timeout=60,
                        data={"csrfmiddlewaretoken": harness.csrf_from_cookie(learner["cookie"])})


def test_a_database_locked_beyond_the_timeout_gives_a_french_retry_page(impatient_server, plan, db_env, rows):
    """When the database stays busy, a learner sees « réessayez dans un instant » (503), never
    an error page; a lock that lifts within the timeout is simply waited for."""
    server = impatient_server
    learner = plan["learners"][20]
    session = learner_session(learner)
    first, second = plan["steps"][0], plan["steps"][1]
    quiz_page = session.get(server.url + plan["scenarios"][0], timeout=30)
    assert quiz_page.status_code == 200

    with DatabaseLock(db_env):
        started = time.monotonic()
        response = complete_lesson(session, server, learner, first)
        waited = time.monotonic() - started
        submitted = session.post(server.url + plan["scenarios"][0] + "envoyer/", allow_redirects=False,
                                 timeout=60, data=answer_form(learner, quiz_page.text))
    for busy in (response, submitted):
        assert busy.status_code == 503, busy.status_code
        assert "réessayez dans un instant" in busy.text
        assert busy.headers.get("Retry-After") == "5"
    assert 0.9 < waited < 10, f"le délai d'attente configuré (1 s) n'est pas appliqué : {waited:.1f} s"
    uid = user_id(rows, learner)
    assert rows("SELECT COUNT(*) FROM quizzes_attempt WHERE user_id = ?", (uid,)) == [(0,)]
    assert rows("SELECT COUNT(*) FROM elearning_lessoncompletion WHERE user_id = ?", (uid,)) == [(0,)]

    # A lock released within the timeout: the request waits, then succeeds.
    lock = DatabaseLock(db_env).__enter__()
    threading.Timer(0.3, lock.release).start()
    done = complete_lesson(session, server, learner, second)
    assert done.status_code == 302, done.status_code
    assert rows("SELECT COUNT(*) FROM elearning_lessoncompletion WHERE user_id = ?", (uid,)) == [(1,)]


def test_signing_in_while_the_database_is_locked_gives_the_retry_page(impatient_server, plan, db_env):
    """Signing in writes the session: a locked database there too gives the French 503 page."""
    server = impatient_server
    session = learner_session({"cookie": ""})
    login = session.get(server.url + "/comptes/connexion/", timeout=30)
    token = next(a["value"] for a in harness.form_inputs(login.text) if a.get("name") == "csrfmiddlewaretoken")
    session.headers["Cookie"] = f"csrftoken={login.cookies['csrftoken']}"
    with DatabaseLock(db_env):
        response = session.post(server.url + "/comptes/connexion/", allow_redirects=False, timeout=60, data={
            "csrfmiddlewaretoken": token, "username": plan["learners"][21]["email"],
            "password": "Charge-Reperes-2026!",
        })
    assert response.status_code == 503, response.status_code
    assert "réessayez dans un instant" in response.text

