"""`make load`: the same load on SQLite, then on PostgreSQL 15.

For each database: a fresh database, migrate, the real course (load_course), 100 learner
accounts, gunicorn with 2 workers and the production settings on 127.0.0.1, then locust headless
for 60 s with 100 learners doing lesson → quiz → submit, 1 to 3 s of think time between steps
(tests/load/locustfile.py: about 60 requests/s, far more than 100 real readers; `--think 5-15`
for a reading pace), then the
attempts counted in the database. Prints `name: value` lines, prefixed `sqlite_` / `postgres_`:
requests, errors, page_p95_ms (lesson, quiz and result pages), submit_p95_ms, attempts_sent,
attempts_stored; then two figures to read them by: server_cpu_ms_per_request (gunicorn and
PostgreSQL CPU time over requests served) and other_processes_cpu_cores (CPU that other work on
the machine took meanwhile, in cores: on a shared 2-core machine it inflates latencies). Targets: errors 0, page_p95_ms < 300, submit_p95_ms < 500,
attempts_stored = attempts_sent.

Then the spike (a class finishing together): a fresh database with 200 learners signed in,
who open the final assessment while the crowd gathers and all submit it within 10 s
(tests/load/locustfile_spike.py). Prints `<db>_spike_` lines: requests, errors, submit_p95_ms,
attempts_sent, attempts_stored, recount_equal (1 when the progress rows written under that
concurrency equal a full recount, `rebuild_progress --verifier`). Targets: errors 0, every
attempt stored, recount_equal 1.

Options: --only sqlite|postgres, --scenario both|steady|spike, --users 100, --seconds 60,
--spike-users 200. With DATABASE_URL set, the
PostgreSQL run uses a fresh database on that server instead of starting one.
Traffic goes to 127.0.0.1 only.
"""
import argparse
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
from tests.load import harness  # noqa: E402

PAGES = ("lesson", "quiz", "result")
TARGETS = "errors 0, page_p95_ms < 300, submit_p95_ms < 500, attempts_stored = attempts_sent"


def percentile(response_times: dict, fraction: float) -> int:
    """Locust's way: response times are bucketed in ms; the smallest bucket reaching `fraction`."""
    total = sum(response_times.values())
    if not total:
        return 0
    seen = 0
    for ms in sorted(response_times, key=float):
        seen += response_times[ms]
        if seen >= fraction * total:
            return round(float(ms))
    return round(float(max(response_times, key=float)))


def merged(entries: dict, names) -> dict:
    times = {}
    for name in names:
        for ms, n in entries.get(name, {}).get("response_times", {}).items():
            times[ms] = times.get(ms, 0) + n
    return times


def count_attempts(db_env: dict) -> int:
    if "DATABASE_URL" in db_env:
        import psycopg

        with psycopg.connect(db_env["DATABASE_URL"]) as conn:
            return conn.execute("SELECT COUNT(*) FROM quizzes_attempt").fetchone()[0]
    with sqlite3.connect(db_env["SQLITE_PATH"]) as conn:
        return conn.execute("SELECT COUNT(*) FROM quizzes_attempt").fetchone()[0]


def warm_up(server, plan: dict, requests: int = 40) -> None:
    """A few page views before measuring, so that each worker has compiled its templates and
    opened its database connection (GETs only: no attempt is created)."""
    import urllib.request

    learner = plan["learners"][0]
    urls = [url for step in plan["steps"] for url in (step["lesson"], step["quiz"])]
    for url in (urls * 2)[:requests]:
        request = urllib.request.Request(server.url + url, headers={"Cookie": learner["cookie"]})
        with urllib.request.urlopen(request, timeout=30) as response:
            response.read()


class CpuMeter:
    """CPU seconds spent during the run: by gunicorn, by the database server (PostgreSQL), by
    locust, and by the rest of the machine — other work on a shared machine skews latencies."""

    def __init__(self, server: "harness.Gunicorn"):
        import psutil

        self.psutil = psutil
        self.server = server

    def _busy(self, processes) -> float:
        total = 0.0
        for process in processes:
            try:
                times = process.cpu_times()
                total += times.user + times.system
            except self.psutil.Error:
                pass
        return total

    def snapshot(self) -> dict:
        import resource

        psutil = self.psutil
        machine = psutil.cpu_times()
        server = psutil.Process(self.server.process.pid)
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        return {
            "machine": machine.user + machine.nice + machine.system + machine.irq + machine.softirq
                       + getattr(machine, "steal", 0.0),
            "gunicorn": self._busy([server, *server.children()]),
            "database": self._busy(p for p in psutil.process_iter(["name"]) if p.info["name"] == "postgres"),
            "locust": children.ru_utime + children.ru_stime,
            "wall": time.monotonic(),
        }


def run_one(kind: str, db_env: dict, work: Path, *, users: int, seconds: int, think: str) -> dict:
    env = harness.base_env(REPERES_STATIC_ROOT=work / "static", **db_env)
    print(f"[{kind}] préparation : migrate, load_course, {users} comptes…", file=sys.stderr, flush=True)
    harness.collectstatic(env)
    plan = harness.prepare(env, course="real", learners=users, out=work / "plan.json")
    stats_file = work / "stats.json"
    with harness.Gunicorn(env, workers=2, log=work / "gunicorn.log") as server:
        warm_up(server, plan)
        print(f"[{kind}] locust : {users} apprenant·es, {seconds} s, sur {server.url}", file=sys.stderr, flush=True)
        meter = CpuMeter(server)
        before = meter.snapshot()
        subprocess.run(
            [harness.PYTHON, "-m", "locust", "-f", str(ROOT / "tests" / "load" / "locustfile.py"), "--headless",
             "--users", str(users), "--spawn-rate", str(max(1, users // 10)), "--run-time", f"{seconds}s",
             "--host", server.url, "--stop-timeout", "60", "--only-summary", "--loglevel", "WARNING"],
            env={**env, "REPERES_LOAD_PLAN": str(work / "plan.json"), "REPERES_LOAD_STATS": str(stats_file),
                 "REPERES_LOAD_THINK": think},
            cwd=ROOT, stdout=open(work / "locust.log", "wb"), stderr=subprocess.STDOUT,
        )
        after = meter.snapshot()
    cpu = {key: after[key] - before[key] for key in before}
    stats = json.loads(stats_file.read_text(encoding="utf-8"))
    entries = stats["entries"]
    figures = {
        "requests": sum(e["requests"] for e in entries.values()),
        "errors": sum(e["failures"] for e in entries.values()),
        "page_p95_ms": percentile(merged(entries, PAGES), 0.95),
        "submit_p95_ms": percentile(merged(entries, ["submit"]), 0.95),
        "attempts_sent": stats["attempts_sent"],
        "attempts_stored": count_attempts(db_env),
    }
    ours = cpu["gunicorn"] + cpu["database"] + cpu["locust"]
    figures["server_cpu_ms_per_request"] = round(1000 * (cpu["gunicorn"] + cpu["database"]) / max(1, figures["requests"]), 1)
    figures["other_processes_cpu_cores"] = round(max(0.0, cpu["machine"] - ours) / cpu["wall"], 2)
    print(f"[{kind}] CPU pendant la charge ({cpu['wall']:.0f} s) : gunicorn {cpu['gunicorn']:.0f} s, "
          f"PostgreSQL {cpu['database']:.0f} s, locust {cpu['locust']:.0f} s, "
          f"reste de la machine {max(0.0, cpu['machine'] - ours):.0f} s", file=sys.stderr)
    for reason, n in sorted(stats["failures"].items()):
        print(f"[{kind}] erreur : {reason} × {n}", file=sys.stderr)
    for name in (*PAGES, "submit"):
        times = merged(entries, [name])
        print(f"[{kind}] {name} : {sum(times.values())} requêtes, p50 {percentile(times, 0.5)} ms, "
              f"p95 {percentile(times, 0.95)} ms, p99 {percentile(times, 0.99)} ms", file=sys.stderr)
    return figures


def run_spike(kind: str, db_env: dict, work: Path, *, users: int, window: int = 10) -> dict:
    env = harness.base_env(REPERES_STATIC_ROOT=work / "static", **db_env)
    print(f"[{kind}] pic : migrate, load_course, {users} comptes…", file=sys.stderr, flush=True)
    harness.collectstatic(env)
    plan = harness.prepare(env, course="real", learners=users, out=work / "plan.json")
    stats_file = work / "spike.json"
    with harness.Gunicorn(env, workers=2, log=work / "gunicorn-spike.log") as server:
        warm_up(server, plan)
        # The crowd gathers (each opens the quiz) before the window opens.
        spike_at = time.time() + 15
        print(f"[{kind}] pic : {users} apprenant·es envoient le même quiz en {window} s", file=sys.stderr, flush=True)
        subprocess.run(
            [harness.PYTHON, "-m", "locust", "-f", str(ROOT / "tests" / "load" / "locustfile_spike.py"), "--headless",
             "--users", str(users), "--spawn-rate", str(users), "--run-time", f"{15 + window + 30}s",
             "--host", server.url, "--stop-timeout", "60", "--only-summary", "--loglevel", "WARNING"],
            env={**env, "REPERES_LOAD_PLAN": str(work / "plan.json"), "REPERES_LOAD_STATS": str(stats_file),
                 "REPERES_SPIKE_AT": str(spike_at), "REPERES_SPIKE_WINDOW": str(window)},
            cwd=ROOT, stdout=open(work / "locust-spike.log", "wb"), stderr=subprocess.STDOUT,
        )
    stats = json.loads(stats_file.read_text(encoding="utf-8"))
    entries = stats["entries"]
    verify = subprocess.run([harness.PYTHON, str(ROOT / "manage.py"), "rebuild_progress", "--verifier"], env=env,
                            cwd=ROOT, capture_output=True, text=True)
    if verify.returncode:
        print(f"[{kind}] pic : {verify.stdout[-2000:]}{verify.stderr[-2000:]}", file=sys.stderr)
    for reason, n in sorted(stats["failures"].items()):
        print(f"[{kind}] pic, erreur : {reason} × {n}", file=sys.stderr)
    submits = merged(entries, ["submit"])
    print(f"[{kind}] pic, submit : {sum(submits.values())} requêtes, p50 {percentile(submits, 0.5)} ms, "
          f"p95 {percentile(submits, 0.95)} ms, max {percentile(submits, 1.0)} ms", file=sys.stderr)
    return {
        "requests": sum(e["requests"] for e in entries.values()),
        "errors": sum(e["failures"] for e in entries.values()),
        "submit_p95_ms": percentile(submits, 0.95),
        "attempts_sent": stats["attempts_sent"],
        "attempts_stored": count_attempts(db_env),
        "recount_equal": int(verify.returncode == 0),
    }


def spike_met(f: dict) -> bool:
    return (f["errors"] == 0 and f["attempts_stored"] == f["attempts_sent"] == f["expected"]
            and f["recount_equal"] == 1)


def met(f: dict) -> bool:
    return (f["errors"] == 0 and f["page_p95_ms"] < 300 and f["submit_p95_ms"] < 500
            and f["attempts_stored"] == f["attempts_sent"])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=["sqlite", "postgres"])
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--think", default="1-3", help="secondes entre deux étapes, min-max (défaut 1-3)")
    parser.add_argument("--scenario", choices=["both", "steady", "spike"], default="both")
    parser.add_argument("--spike-users", type=int, default=200)
    args = parser.parse_args()
    results, spikes = {}, {}
    kinds = [args.only] if args.only else ["sqlite", "postgres"]

    def run_all(kind, db_factory):
        if args.scenario in ("both", "steady"):
            with tempfile.TemporaryDirectory(prefix=f"reperes-load-{kind}.") as tmp, db_factory(Path(tmp)) as db_env:
                results[kind] = run_one(kind, db_env, Path(tmp), users=args.users, seconds=args.seconds,
                                        think=args.think)
        if args.scenario in ("both", "spike"):
            with tempfile.TemporaryDirectory(prefix=f"reperes-spike-{kind}.") as tmp, db_factory(Path(tmp)) as db_env:
                spikes[kind] = run_spike(kind, db_env, Path(tmp), users=args.spike_users)
                spikes[kind]["expected"] = args.spike_users

    for kind in kinds:
        if kind == "sqlite":
            run_all(kind, harness.sqlite_database)
        elif os.environ.get("DATABASE_URL"):
            run_all(kind, lambda _work: harness.postgres_database(os.environ["DATABASE_URL"]))
        else:
            with harness.postgres_server() as server_url:
                run_all(kind, lambda _work, url=server_url: harness.postgres_database(url))
    if results:
        print(f"# {args.users} apprenant·es, {args.seconds} s, {args.think} s entre deux étapes, gunicorn 2 workers ; "
              f"cibles : {TARGETS}")
    for kind, figures in results.items():
        for name, value in figures.items():
            print(f"{kind}_{name}: {value}")
        print(f"{kind}_targets_met: {'oui' if met(figures) else 'non'}")
    if spikes:
        print(f"# pic : {args.spike_users} apprenant·es envoient le même quiz en 10 s, gunicorn 2 workers ; "
              f"cibles : errors 0, attempts_stored = attempts_sent = {args.spike_users}, recount_equal 1")
    for kind, figures in spikes.items():
        for name, value in figures.items():
            if name != "expected":
                print(f"{kind}_spike_{name}: {value}")
        print(f"{kind}_spike_targets_met: {'oui' if spike_met(figures) else 'non'}")
    return 0 if all(met(f) for f in results.values()) and all(spike_met(f) for f in spikes.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
