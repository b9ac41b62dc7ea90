"""Learners, each already signed in (tests/load/prepare.py), doing lesson → quiz → submit →
result, with a think time between steps drawn between REPERES_LOAD_THINK seconds ("1-3" by
default: a person reads a lesson and answers a quiz far more slowly; see run_load.py).

Reads the plan from REPERES_LOAD_PLAN; writes the figures to REPERES_LOAD_STATS when it stops:
response times per request name, failures, and how many submissions were sent (a submission
counts as sent once its request went out and came back, answered or failed).
"""
import json
import os
import random
import sys
from collections import Counter
from pathlib import Path

from locust import FastHttpUser, between, events, task

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from tests.load.harness import csrf_from_cookie, quiz_form  # noqa: E402

PLAN = json.loads(Path(os.environ["REPERES_LOAD_PLAN"]).read_text(encoding="utf-8"))
THINK = tuple(float(x) for x in os.environ.get("REPERES_LOAD_THINK", "1-3").split("-"))
_free_learners = list(PLAN["learners"])
SENT = Counter()
FAILURES = Counter()


class Learner(FastHttpUser):
    wait_time = between(*THINK)

    def on_start(self):
        self.learner = _free_learners.pop()  # one account per simulated learner
        self.headers = {"Cookie": self.learner["cookie"]}
        self.csrf = csrf_from_cookie(self.learner["cookie"])

    def _get(self, url, name, expect):
        with self.client.get(url, name=name, headers=self.headers, catch_response=True,
                             allow_redirects=False) as response:
            if response.status_code != 200 or expect not in (response.text or ""):
                response.failure(f"{name}: HTTP {response.status_code}")
                return None
            return response.text

    @task
    def lesson_quiz_submit(self):
        step = random.choice(PLAN["steps"])
        if self._get(step["lesson"], "lesson", "<h1>") is None:
            return
        self.wait()
        html = self._get(step["quiz"], "quiz", "Valider mes réponses")
        if html is None:
            return
        token, fields = quiz_form(html)
        data = {"csrfmiddlewaretoken": self.csrf, "token": token}
        data.update({name: random.choice(values) for name, values in fields.items()})
        self.wait()
        with self.client.post(step["quiz"] + "envoyer/", name="submit", data=data, headers=self.headers,
                              catch_response=True, allow_redirects=False) as response:
            SENT["attempts"] += 1
            location = response.headers.get("Location", "") if response.headers else ""
            if response.status_code != 302 or "/resultat/" not in location:
                response.failure(f"submit: HTTP {response.status_code}")
                return
        self._get(location, "result", "Votre score")


@events.request.add_listener
def _count_failures(name, exception, response, **kwargs):
    if exception is not None:
        code = getattr(response, "status_code", None)
        FAILURES[f"{name}: HTTP {code}" if code else f"{name}: {type(exception).__name__}"] += 1


@events.quitting.add_listener
def _write_stats(environment, **kwargs):
    entries = {
        name: {"requests": entry.num_requests, "failures": entry.num_failures,
               "response_times": {str(ms): n for ms, n in entry.response_times.items()}}
        for (name, _method), entry in environment.stats.entries.items()
    }
    Path(os.environ["REPERES_LOAD_STATS"]).write_text(json.dumps({
        "entries": entries, "attempts_sent": SENT["attempts"], "failures": dict(FAILURES),
    }), encoding="utf-8")
