"""A live session under load: one trainer drives a scenario quiz, phones poll the state every
2 s (If-None-Match: an unchanged state is a 304) and vote once per question while it is open.

Reads the plan from REPERES_LOAD_PLAN (prepare.py --live N); writes the figures to
REPERES_LOAD_STATS when it stops: response times per request name, failures, votes confirmed
(the participant's page said "enregistrée"), 304 answers."""
import json
import os
import random
import sys
import time
from collections import Counter
from pathlib import Path

from locust import FastHttpUser, constant, events, task

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from tests.load.harness import csrf_from_cookie  # noqa: E402

PLAN = json.loads(Path(os.environ["REPERES_LOAD_PLAN"]).read_text(encoding="utf-8"))["live"]
_free_phones = list(PLAN["phones"])
COUNTS = Counter()
FAILURES = Counter()
VOTE_OPEN_SECONDS = 12


class Trainer(FastHttpUser):
    """Drives the session: show → open (12 s) → close → reveal → next, then ends it."""

    fixed_count = 1
    wait_time = constant(0)

    def on_start(self):
        self.headers = {"Cookie": PLAN["trainer_cookie"]}
        self.csrf = csrf_from_cookie(PLAN["trainer_cookie"])
        self.first = True

    def _act(self, action):
        with self.client.post(PLAN["control"], name="control", data={"action": action, "csrfmiddlewaretoken": self.csrf},
                              headers=self.headers, catch_response=True, allow_redirects=False) as response:
            if response.status_code != 302:
                response.failure(f"control {action}: HTTP {response.status_code}")

    @task
    def one_question(self):
        self._act("afficher" if self.first else "suivante")
        self.first = False
        time.sleep(2)
        self._act("ouvrir")
        time.sleep(VOTE_OPEN_SECONDS)
        self._act("clore")
        time.sleep(1)
        self._act("reveler")
        time.sleep(3)


class Phone(FastHttpUser):
    """Polls every 2 s; when a question is open and not yet answered, votes after 1-4 s."""

    wait_time = constant(2)

    def on_start(self):
        self.phone = _free_phones.pop()
        self.headers = {"Cookie": self.phone["cookie"]}
        self.csrf = csrf_from_cookie(self.phone["cookie"])
        self.etag = None
        self.voted = set()

    @task
    def poll(self):
        headers = dict(self.headers)
        if self.etag:
            headers["If-None-Match"] = self.etag
        with self.client.get(PLAN["state"], name="state", headers=headers, catch_response=True) as response:
            if response.status_code == 304:
                COUNTS["not_modified"] += 1
                response.success()
                return
            if response.status_code != 200:
                response.failure(f"state: HTTP {response.status_code}")
                return
            self.etag = response.headers.get("ETag")
            state = response.json()
        if state["phase"] != "vote" or not state["position"]:
            return
        question = PLAN["question_ids"][state["position"] - 1]
        if question in self.voted:
            return
        time.sleep(random.uniform(1, 4))
        option = random.choice(PLAN["options"][str(question)])
        with self.client.post(PLAN["vote"], name="vote", headers=self.headers, catch_response=True,
                              allow_redirects=False,
                              data={"question": question, "choix": option, "csrfmiddlewaretoken": self.csrf}) as response:
            if response.status_code != 302:
                response.failure(f"vote: HTTP {response.status_code}")
                return
        COUNTS["votes_sent"] += 1
        with self.client.get(PLAN["room"], name="room", headers=self.headers, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"room: HTTP {response.status_code}")
                return
            if "Modifier ma réponse" in (response.text or ""):  # the form now shows their saved choice
                COUNTS["votes_confirmed"] += 1
                self.voted.add(question)
            else:
                COUNTS["votes_refused"] += 1  # the vote closed in between: refused, with a message


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
        "entries": entries, "counts": dict(COUNTS), "failures": dict(FAILURES),
    }), encoding="utf-8")
