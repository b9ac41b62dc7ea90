"""Where the time of the load run's requests goes: cProfile over the same steps (lesson, quiz,
submit, result) with Django's test client, on a database prepared as `make load` prepares it.

    python tests/load/profile_pages.py [--rounds 20] [--top 25]

On SQLite (a temporary file), or with DATABASE_URL set on a fresh database of that server.

Prints the mean time per step and the functions with the largest cumulative time.
"""
import argparse
import cProfile
import io
import json
import os
import pstats
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
from tests.load import harness  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="reperes-profile."))
    if os.environ.get("DATABASE_URL"):
        with harness.postgres_database(os.environ["DATABASE_URL"]) as db_env:
            profile(args, work, db_env)
    else:
        profile(args, work, {"SQLITE_PATH": work / "db.sqlite3"})


def profile(args, work: Path, db_env: dict) -> None:
    env = harness.base_env(REPERES_STATIC_ROOT=work / "static", **db_env)
    harness.collectstatic(env)
    plan = harness.prepare(env, course="real", learners=1, out=work / "plan.json")
    os.environ.update(env)

    import django

    django.setup()
    from django.db import connection
    from django.test import Client

    learner = plan["learners"][0]
    client = Client(HTTP_COOKIE=learner["cookie"], HTTP_HOST=harness.HOST)
    csrf = harness.csrf_from_cookie(learner["cookie"])
    timings = {"lesson": [], "quiz": [], "submit": [], "result": []}
    rng = random.Random(1)

    def timed(name, call):
        started = time.perf_counter()
        response = call()
        timings[name].append(time.perf_counter() - started)
        return response

    def one_round():
        step = rng.choice(plan["steps"])
        assert timed("lesson", lambda: client.get(step["lesson"])).status_code == 200
        page = timed("quiz", lambda: client.get(step["quiz"]))
        token, fields = harness.quiz_form(page.content.decode())
        data = {"csrfmiddlewaretoken": csrf, "token": token, **{k: rng.choice(v) for k, v in fields.items()}}
        sent = timed("submit", lambda: client.post(step["quiz"] + "envoyer/", data))
        assert sent.status_code == 302, sent.status_code
        assert timed("result", lambda: client.get(sent["Location"])).status_code == 200

    one_round()  # warm-up
    for values in timings.values():
        values.clear()
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(args.rounds):
        one_round()
    profiler.disable()
    print(json.dumps({name: f"{1000 * sum(v) / len(v):.1f} ms" for name, v in timings.items()}))
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(args.top)
    print(out.getvalue())
    connection.close()


if __name__ == "__main__":
    main()
