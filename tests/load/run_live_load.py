"""`make load` (live part): a live session on SQLite, then on PostgreSQL 15.

For each database: a fresh database, migrate, the real course, a cohort, a trainer and 60
phones already joined (tests/load/prepare.py --live 60), gunicorn with 2 workers and the
production settings on 127.0.0.1, then locust headless for 60 s: the trainer drives the
questions, the phones poll the state every 2 s and vote once per open question
(tests/load/locustfile_live.py). Prints `name: value` lines prefixed `sqlite_live_` /
`postgres_live_`: requests, errors, state_p95_ms, vote_p95_ms, votes_confirmed, votes_stored,
not_modified_share (polls answered 304). Targets: errors 0, state_p95_ms < 100,
vote_p95_ms < 200, votes_stored = votes_confirmed. Traffic goes to 127.0.0.1 only.
"""
import argparse
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
from tests.load import harness  # noqa: E402
from tests.load.run_load import merged, percentile  # noqa: E402

TARGETS = "errors 0, state_p95_ms < 100, vote_p95_ms < 200, votes_stored = votes_confirmed"


def count_votes(db_env: dict) -> int:
    sql = "SELECT COUNT(*) FROM live_vote"
    if "DATABASE_URL" in db_env:
        import psycopg

        with psycopg.connect(db_env["DATABASE_URL"]) as conn:
            return conn.execute(sql).fetchone()[0]
    with sqlite3.connect(db_env["SQLITE_PATH"]) as conn:
        return conn.execute(sql).fetchone()[0]


def run_one(kind: str, db_env: dict, work: Path, *, phones: int, seconds: int) -> dict:
    env = harness.base_env(REPERES_STATIC_ROOT=work / "static", **db_env)
    print(f"[{kind}] préparation : migrate, load_course, session en direct, {phones} téléphones…",
          file=sys.stderr, flush=True)
    harness.collectstatic(env)
    harness.prepare(env, course="real", learners=1, out=work / "plan.json", live=phones)
    stats_file = work / "stats.json"
    with harness.Gunicorn(env, workers=2, log=work / "gunicorn.log") as server:
        print(f"[{kind}] locust : 1 formatrice, {phones} téléphones, {seconds} s, sur {server.url}",
              file=sys.stderr, flush=True)
        subprocess.run(
            [harness.PYTHON, "-m", "locust", "-f", str(ROOT / "tests" / "load" / "locustfile_live.py"),
             "--headless", "--users", str(phones + 1), "--spawn-rate", str(phones + 1), "--run-time", f"{seconds}s",
             "--host", server.url, "--stop-timeout", "30", "--only-summary", "--loglevel", "WARNING"],
            env={**env, "REPERES_LOAD_PLAN": str(work / "plan.json"), "REPERES_LOAD_STATS": str(stats_file)},
            cwd=ROOT, stdout=open(work / "locust.log", "wb"), stderr=subprocess.STDOUT,
        )
    stats = json.loads(stats_file.read_text(encoding="utf-8"))
    entries, counts = stats["entries"], stats["counts"]
    polls = entries.get("state", {}).get("requests", 0)
    figures = {
        "requests": sum(e["requests"] for e in entries.values()),
        "errors": sum(e["failures"] for e in entries.values()),
        "state_p95_ms": percentile(merged(entries, ["state"]), 0.95),
        "vote_p95_ms": percentile(merged(entries, ["vote"]), 0.95),
        "votes_sent": counts.get("votes_sent", 0),
        "votes_confirmed": counts.get("votes_confirmed", 0),
        "votes_refused": counts.get("votes_refused", 0),
        "votes_stored": count_votes(db_env),
        "not_modified_share": round(counts.get("not_modified", 0) / polls, 2) if polls else 0,
    }
    for reason, n in sorted(stats["failures"].items()):
        print(f"[{kind}] erreur : {reason} × {n}", file=sys.stderr)
    return figures


def met(f: dict) -> bool:
    return (f["errors"] == 0 and f["state_p95_ms"] < 100 and f["vote_p95_ms"] < 200
            and f["votes_stored"] == f["votes_confirmed"] and f["votes_confirmed"] > 0)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=["sqlite", "postgres"])
    parser.add_argument("--phones", type=int, default=60)
    parser.add_argument("--seconds", type=int, default=60)
    args = parser.parse_args()
    results = {}
    for kind in [args.only] if args.only else ["sqlite", "postgres"]:
        with tempfile.TemporaryDirectory(prefix=f"reperes-live-{kind}.") as tmp:
            work = Path(tmp)
            if kind == "sqlite":
                with harness.sqlite_database(work) as db_env:
                    results[kind] = run_one(kind, db_env, work, phones=args.phones, seconds=args.seconds)
            elif os.environ.get("DATABASE_URL"):
                with harness.postgres_database(os.environ["DATABASE_URL"]) as db_env:
                    results[kind] = run_one(kind, db_env, work, phones=args.phones, seconds=args.seconds)
            else:
                with harness.postgres_server() as server_url, harness.postgres_database(server_url) as db_env:
                    results[kind] = run_one(kind, db_env, work, phones=args.phones, seconds=args.seconds)
    print(f"# session en direct : 1 formatrice, {args.phones} téléphones, {args.seconds} s, "
          f"gunicorn 2 workers ; cibles : {TARGETS}")
    for kind, figures in results.items():
        for name, value in figures.items():
            print(f"{kind}_live_{name}: {value}")
        print(f"{kind}_live_targets_met: {'oui' if met(figures) else 'non'}")
    return 0 if all(met(f) for f in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
