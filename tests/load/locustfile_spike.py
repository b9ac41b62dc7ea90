"""A class finishing together: every simulated learner (already signed in) opens the same quiz
while the crowd gathers, then all submit within a window of REPERES_SPIKE_WINDOW seconds (10
by default), each once, at a random moment of it. Run by tests/load/run_load.py (`make load`).

Reads the plan from REPERES_LOAD_PLAN and the common start time from REPERES_SPIKE_AT (a
Unix time); writes the figures to REPERES_LOAD_STATS when it stops.
"""
import json
import os
import random
import sys
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlencode

import gevent
from locust import FastHttpUser, constant, events, task
from locust.exception import StopUser

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from tests.load.harness import csrf_from_cookie, quiz_form  # noqa: E402

PLAN = json.loads(Path(os.environ["REPERES_LOAD_PLAN"]).read_text(encoding="utf-8"))
SPIKE_AT = float(os.environ["REPERES_SPIKE_AT"])
WINDOW = float(os.environ.get("REPERES_SPIKE_WINDOW", "10"))
_free_learners = list(PLAN["learners"])
SENT = Counter()
FAILURES = Counter()


class ClassMember(FastHttpUser):
    wait_time = constant(0)

    def on_start(self):
        self.learner = _free_learners.pop()
        self.headers = {"Cookie": self.learner["cookie"]}
        self.csrf = csrf_from_cookie(self.learner["cookie"])
        self.quiz = PLAN["spike_quiz"]

    @task
    def submit_with_the_class(self):
        with self.client.get(self.quiz, name="quiz", headers=self.headers, catch_response=True) as response:
            if response.status_code != 200 or "Valider mes réponses" not in (response.text or ""):
                response.failure(f"quiz: HTTP {response.status_code}")
                raise StopUser()
            token, fields = quiz_form(response.text)
        gevent.sleep(max(0.0, SPIKE_AT + random.uniform(0, WINDOW) - time.time()))
        data = {"csrfmiddlewaretoken": self.csrf, "token": token}
        # One option per question; a case's path (played beforehand, prepare.play_cases) comes
        # as hidden « scene:choice » fields, all of which are sent.
        data.update({name: values if all(":" in v for v in values) else random.choice(values)
                     for name, values in fields.items()})
        # Encoded here: FastHttpUser's client would send a list as its repr, not as repeated fields.
        body = urlencode(data, doseq=True)
        headers = {**self.headers, "Content-Type": "application/x-www-form-urlencoded"}
        with self.client.post(self.quiz + "envoyer/", name="submit", data=body, headers=headers,
                              catch_response=True, allow_redirects=False) as response:
            SENT["attempts"] += 1
            location = response.headers.get("Location", "") if response.headers else ""
            if response.status_code != 302 or "/resultat/" not in location:
                response.failure(f"submit: HTTP {response.status_code}")
        raise StopUser()


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
