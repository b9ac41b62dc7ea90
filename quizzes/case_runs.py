"""Playing a case scene by scene: the learner's progress is kept on the server (`CaseRun`,
one row per choice), so a reload, the back button, a second tab or an expired session never
lose or repeat a step. One write path per event: `choose`, `restart`; the run is cleared by
the submit path once the quiz that holds the case is sent (`CaseQuestion.after_recorded`).

A step is recorded only if it answers the scene the run is at (its position and scene key
travel with the form): a form sent twice, or an old page sent after the back button,
records nothing and the learner is shown where they are.
"""
from dataclasses import dataclass
from enum import Enum

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction

from quizzes import cases
from quizzes.models import CaseQuestion, CaseRun, CaseRunStep


@dataclass
class RunState:
    """Where a learner stands in a case: the path so far, the scene to play next (None when
    the case is finished) and whether the stored run no longer matched the case (edited
    meanwhile: it starts again)."""

    case: CaseQuestion
    path: cases.Path
    stale: bool = False

    @property
    def finished(self) -> bool:
        return self.path.ending is not None

    @property
    def scene(self):
        return self.path.next_scene

    @property
    def position(self) -> int:
        return len(self.path.scene_steps)

    @property
    def last_step(self) -> cases.PathStep | None:
        steps = self.path.scene_steps
        return steps[-1] if steps else None

    @property
    def scene_count(self) -> int:
        return len(self.case.graph.scenes)


def _stored_keys(run_steps) -> list[str]:
    return [f"{step.scene_key}:{step.choice_key}" for step in sorted(run_steps, key=lambda s: s.position)]


def state_of(case: CaseQuestion, run_steps) -> RunState:
    """The state of a run from its stored steps (keys); a step that no longer fits the case
    (a scene or choice removed by an editor) makes the run stale: it starts again."""
    keys = _stored_keys(run_steps)
    path = cases.walk(case.graph, keys)
    stale = len(path.scene_steps) != len(keys)
    if stale:
        path = cases.walk(case.graph, [])
    return RunState(case=case, path=path, stale=stale)


def run_state(*, user, case: CaseQuestion) -> RunState:
    """The learner's current state in `case` (one query, plus the case's graph)."""
    steps = list(CaseRunStep.objects.filter(run__user=user, run__case=case))
    return state_of(case, steps)


def finished_paths(*, user, questions: list[CaseQuestion]) -> dict[int, RunState]:
    """For the quiz page: each case's state for this learner (one query for all cases)."""
    steps: dict[int, list] = {q.pk: [] for q in questions}
    for step in CaseRunStep.objects.filter(run__user=user, run__case__in=list(steps)).select_related("run"):
        steps[step.run.case_id].append(step)
    return {q.pk: state_of(q, steps[q.pk]) for q in questions}


class Outcome(Enum):
    RECORDED = "recorded"
    ALREADY = "already"  # a replay or an old page: nothing recorded
    INVALID = "invalid"  # no choice, or one that is not of this scene


@transaction.atomic
def choose(*, user, case: CaseQuestion, position: int, scene_key: str, choice_key: str) -> tuple[Outcome, RunState]:
    """Record the learner's choice in the scene at `position`, once."""
    # The same turn-taking as the submit path: one learner's writes wait for each other,
    # on their own user row (two tabs choosing at once record one step).
    get_user_model().objects.select_for_update().filter(pk=user.pk).values_list("pk").first()
    run, _ = CaseRun.objects.get_or_create(user=user, case=case)
    stored = list(run.steps.all())
    state = state_of(case, stored)
    if state.stale:
        run.steps.all().delete()
        stored = []
    if state.finished or state.position != position or state.scene is None or state.scene.key != scene_key:
        return Outcome.ALREADY, state
    choice = next((c for c in case.graph.choices.get(scene_key, []) if c.key == choice_key), None)
    if choice is None:
        return Outcome.INVALID, state
    try:
        with transaction.atomic():
            CaseRunStep.objects.create(run=run, position=position, scene_key=scene_key, choice_key=choice.key)
    except IntegrityError:  # a database without row locks let a twin in first
        return Outcome.ALREADY, run_state(user=user, case=case)
    return Outcome.RECORDED, state_of(case, [*stored, CaseRunStep(position=position, scene_key=scene_key,
                                                                    choice_key=choice.key)])


@transaction.atomic
def restart(*, user, case: CaseQuestion) -> None:
    """Play the case again from its first scene (the quiz is not sent yet: nothing is lost
    that counted)."""
    CaseRun.objects.filter(user=user, case=case).delete()
