"""The per-learner progress rows and the group counters: computed by one function from a
learner's own rows (lessons done, quiz results, first attempts of the before/after tests,
confidence ratings, certificate, enrolments) and stored by the write path of every event, in
its transaction. `rebuild_progress` runs the same computation over everyone and compares.

How a write path keeps the rows true: it calls `refresh_learners(user_ids=…)` after writing
its own rows (an attempt, a lesson done, a rating, a certificate…). The function locks the
learners' account rows (the same lock the attempt path takes: one learner's events take
turns), recomputes their rows from scratch, and moves the group counters by the difference
between the old and the new rows. Recomputing rather than adding makes every event exact by
construction, and costs a handful of queries over one learner's rows.

Events written below this layer reach it through receivers connected at start-up
(`ProgressConfig.ready`): an attempt recorded (`quizzes.attempts.attempt_recorded`), an
enrolment created or deleted, an account deleted.

Content edits that change the course's shape (a lesson added or unpublished, a quiz made
required or taken away) change everyone's counts: every row carries the key of the shape it
was counted against, and `refresh_stale_rows` recounts the rows of another key in batches of
`BATCH` learners, one short transaction each (SQLite is never locked for long), in a
background thread started after the edit is committed. Meanwhile a learner's own pages
refresh their row on sight (`learner_progress`), and the trainers' figures are those of the
previous shape for the few seconds the batches take."""
from __future__ import annotations

import contextvars
import hashlib
import logging
import threading
import time
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import Count, F, Min, Q, Sum
from django.db.models.signals import post_delete, post_save, pre_delete
from django.utils import timezone

from elearning.models import (
    Certificate,
    ConfidenceRating,
    Course,
    CourseCompletion,
    Enrolment,
    Lesson,
    LessonCompletion,
    Module,
    Phase,
    Skill,
)
from elearning.progress.completion import (
    CourseProgress,
    CourseStructure,
    ShapeSteps,
    course_progress,
    course_structure,
)
from elearning.progress.models import (
    CohortCounts,
    CohortProgress,
    CohortSkillGain,
    LearnerProgress,
    QuizScoreCount,
)
from quizzes.attempts import attempt_recorded
from quizzes.models import Answer, Attempt, Quiz, QuizResult

logger = logging.getLogger(__name__)

SELF_KINDS = (Quiz.Kind.SELF_BEFORE, Quiz.Kind.SELF_AFTER)
SKILLS = tuple(Skill.values)
BATCH = 500
FUNNEL = ("joined", "started", "lessons_done", "complete", "certified")


# --- The shape the counts are made against ----------------------------------------------------


@dataclass(frozen=True)
class Shape(ShapeSteps):
    course_id: int | None
    lesson_ids: frozenset
    quiz_ids: frozenset
    final_ids: frozenset
    key: str


def current_shape(structure: CourseStructure | None = None) -> Shape:
    structure = structure or course_structure()
    lesson_ids = frozenset(lesson.id for lesson in structure.lessons)
    quiz_ids = frozenset(quiz.id for quiz in structure.quizzes)
    final_ids = frozenset(quiz.id for quiz in structure.quizzes if quiz.kind == Quiz.Kind.FINAL)
    course_id = structure.course.pk if structure.course else None
    text = f"{course_id}|{sorted(lesson_ids)}|{sorted(quiz_ids)}|{sorted(final_ids)}"
    return Shape(course_id=course_id, lesson_ids=lesson_ids, quiz_ids=quiz_ids, final_ids=final_ids,
                 key=hashlib.sha1(text.encode()).hexdigest()[:16])


# --- Computing the rows of some learners --------------------------------------------------------

LEARNER_FIELDS = ("lessons_done", "quizzes_passed", "started_at", "completed_at", "certified_at",
                  "last_activity_at", "before_score", "after_score", "shape_key")
COHORT_FIELDS = ("enrolled", "joined_at", "started", "lessons_done", "quizzes_passed", "steps_done", "all_lessons",
                 "complete", "certified", "mean_score", "final_score", "last_activity_at", "last_name_key",
                 "first_name_key", "contribution", "shape_key")


def _latest(*moments):
    present = [moment for moment in moments if moment is not None]
    return max(present) if present else None


def compute_rows(user_ids, shape: Shape) -> tuple[dict, dict]:
    """The rows `user_ids` should have: {user_id: fields} and {(user_id, cohort_id): fields}
    (6 to 9 queries, over these learners' own rows only)."""
    user_ids = list(user_ids)
    if not user_ids:
        return {}, {}
    enrolled, names = {}, {}
    for user_id, cohort_id, joined, first, last in Enrolment.objects.filter(user_id__in=user_ids).values_list(
            "user_id", "cohort_id", "joined_at", "user__first_name", "user__last_name"):
        enrolled[(user_id, cohort_id)] = joined
        names[user_id] = (first, last)
    completions = list(LessonCompletion.objects.filter(user_id__in=user_ids)
                       .values_list("user_id", "cohort_id", "lesson_id", "completed_at"))
    results = list(QuizResult.objects.filter(user_id__in=user_ids).values_list(
        "user_id", "cohort_id", "quiz_id", "quiz__kind", "passed", "best_score", "first_submitted_at",
        "last_submitted_at"))
    certified = dict(Certificate.objects.filter(user_id__in=user_ids, course_id=shape.course_id)
                     .values_list("user_id", "issued_at"))
    # The before/after tests count by their first attempt (whatever the group).
    first_self: dict[tuple[int, int], tuple[int, str, float]] = {}
    first_of_kind: dict[tuple[int, str], float] = {}
    # Only learners who took a before/after test have first attempts to read.
    self_takers = {user_id for user_id, _, _, kind, *_ in results if kind in SELF_KINDS}
    for attempt_id, user_id, quiz_id, kind, score in (
        Attempt.objects.filter(user_id__in=sorted(self_takers), quiz__kind__in=SELF_KINDS)
        .order_by("-submitted_at", "-pk").values_list("pk", "user_id", "quiz_id", "quiz__kind", "score")
        if self_takers else ()
    ):
        first_self[(user_id, quiz_id)] = (attempt_id, kind, score)  # the earliest comes last
        first_of_kind[(user_id, kind)] = score
    skill_sums: dict[int, dict[str, tuple[float, int]]] = defaultdict(dict)
    if first_self:
        for row in (Answer.objects.filter(attempt_id__in=[a for a, _, _ in first_self.values()], skill__in=SKILLS)
                    .values("attempt_id", "skill").annotate(total=Sum("score"), n=Count("pk")).order_by()):
            skill_sums[row["attempt_id"]][row["skill"]] = (row["total"], row["n"])
    ratings: dict[tuple[int, int], dict[tuple[str, str], int]] = defaultdict(dict)
    for user_id, cohort_id, phase, skill, value in ConfidenceRating.objects.filter(
            user_id__in=user_ids, cohort__isnull=False).values_list("user_id", "cohort_id", "phase", "skill", "value"):
        ratings[(user_id, cohort_id)][(phase, skill)] = value

    learners: dict[int, dict] = {}
    cohorts: dict[tuple[int, int], dict] = {}

    def cohort_row(user_id, cohort_id):
        row = cohorts.get((user_id, cohort_id))
        if row is None:
            row = cohorts[(user_id, cohort_id)] = {
                "lessons": set(), "passed": set(), "active": False, "scores": [], "finals": [],
                "last": None, "results": {}, "self": {},
            }
        return row

    per_user = {u: {"lessons": {}, "passed": set(), "active": [], "last": None, "self": {}} for u in user_ids}
    for user_id, cohort_id, lesson_id, completed_at in completions:
        mine = per_user[user_id]
        mine["last"] = _latest(mine["last"], completed_at)
        in_course = lesson_id in shape.lesson_ids
        if in_course:
            mine["lessons"][lesson_id] = completed_at
            mine["active"].append(completed_at)
        if cohort_id is not None:
            row = cohort_row(user_id, cohort_id)
            row["last"] = _latest(row["last"], completed_at)
            if in_course:
                row["lessons"].add(lesson_id)
                row["active"] = True
    for user_id, cohort_id, quiz_id, kind, passed, best, first_at, last_at in results:
        mine = per_user[user_id]
        mine["last"] = _latest(mine["last"], last_at)
        counts = quiz_id in shape.quiz_ids or kind in SELF_KINDS
        if counts:
            mine["active"].append(first_at)
        if passed and quiz_id in shape.quiz_ids:
            mine["passed"].add(quiz_id)
        if cohort_id is None:
            continue
        row = cohort_row(user_id, cohort_id)
        row["last"] = _latest(row["last"], last_at)
        row["results"][str(quiz_id)] = [best, passed]
        row["active"] = row["active"] or counts
        if quiz_id in shape.quiz_ids:
            row["scores"].append(best)
            if passed:
                row["passed"].add(quiz_id)
            if quiz_id in shape.final_ids:
                row["finals"].append(best)
        if kind in SELF_KINDS:
            row["self"].setdefault(kind, []).append(quiz_id)
    for user_id, cohort_id in ratings:
        cohort_row(user_id, cohort_id)
    for key in enrolled:
        cohort_row(*key)

    complete_ids = [user_id for user_id in user_ids if shape.rule.complete.reached(
        started=bool(per_user[user_id]["active"]), lessons_done=len(per_user[user_id]["lessons"]),
        quizzes_passed=len(per_user[user_id]["passed"]))]
    # When each quiz was first passed: the day the course was complete is the last of these
    # and of the lessons' days (read only for the learners who are complete).
    first_passes = {
        (row["user_id"], row["quiz_id"]): row["first"]
        for row in Attempt.objects.filter(user_id__in=complete_ids, quiz_id__in=list(shape.quiz_ids), passed=True)
        .values("user_id", "quiz_id").annotate(first=Min("submitted_at")).order_by()
    } if complete_ids and shape.quiz_ids else {}
    for user_id in user_ids if shape.course_id is not None else ():
        mine = per_user[user_id]
        n_lessons, n_passed = len(mine["lessons"]), len(mine["passed"])
        started = bool(mine["active"])
        complete = shape.rule.complete.reached(started=started, lessons_done=n_lessons, quizzes_passed=n_passed)
        learners[user_id] = {
            "lessons_done": n_lessons, "quizzes_passed": n_passed,
            "started_at": min(mine["active"]) if started else None,
            "completed_at": _latest(*mine["lessons"].values(),
                                    *(first_passes.get((user_id, q)) for q in mine["passed"])) if complete else None,
            "certified_at": certified.get(user_id),
            "last_activity_at": mine["last"],
            "before_score": first_of_kind.get((user_id, Quiz.Kind.SELF_BEFORE)),
            "after_score": first_of_kind.get((user_id, Quiz.Kind.SELF_AFTER)),
            "shape_key": shape.key,
        }

    rows: dict[tuple[int, int], dict] = {}
    for (user_id, cohort_id), row in cohorts.items():
        contribution = {}
        if row["results"]:
            contribution["q"] = row["results"]
        if Quiz.Kind.SELF_BEFORE in row["self"] and Quiz.Kind.SELF_AFTER in row["self"]:
            gains = {}
            for phase in SELF_KINDS:
                for quiz_id in row["self"][phase]:
                    attempt = first_self.get((user_id, quiz_id))
                    for skill, (total, n) in skill_sums.get(attempt[0], {}).items() if attempt else ():
                        sums = gains.setdefault(skill, [0.0, 0, 0.0, 0])
                        offset = 0 if phase == Quiz.Kind.SELF_BEFORE else 2
                        sums[offset] += total
                        sums[offset + 1] += n
            if gains:
                contribution["g"] = gains
        rated = ratings.get((user_id, cohort_id), {})
        if {phase for phase, _ in rated} >= {Phase.BEFORE, Phase.AFTER}:
            contribution["c"] = {skill: [rated.get((Phase.BEFORE, skill)), rated.get((Phase.AFTER, skill))]
                                 for skill in SKILLS}
        is_enrolled = (user_id, cohort_id) in enrolled
        if not is_enrolled and not contribution:
            continue
        # Sort keys only where the learner is listed (a row kept for the statistics is not).
        first, last = names.get(user_id, ("", "")) if is_enrolled else ("", "")
        n_lessons, n_passed = len(row["lessons"]), len(row["passed"])
        state = {"started": row["active"], "lessons_done": n_lessons, "quizzes_passed": n_passed}
        rows[(user_id, cohort_id)] = {
            "enrolled": is_enrolled, "joined_at": enrolled.get((user_id, cohort_id)),
            "started": row["active"], "lessons_done": n_lessons, "quizzes_passed": n_passed,
            "steps_done": n_lessons + n_passed, "all_lessons": shape.rule.lessons_done.reached(**state),
            "complete": shape.rule.complete.reached(**state),
            "certified": user_id in certified,
            "mean_score": sum(row["scores"]) / len(row["scores"]) if row["scores"] else None,
            "final_score": max(row["finals"]) if row["finals"] else None,
            "last_activity_at": row["last"],
            "last_name_key": last.lower()[:150], "first_name_key": first.lower()[:150],
            "contribution": contribution, "shape_key": shape.key,
        }
    return learners, rows


# --- Counters: what a row adds to its group -------------------------------------------------


@dataclass
class Deltas:
    funnel: dict
    scores: dict
    gains: dict

    @classmethod
    def empty(cls) -> Deltas:
        return cls(funnel=defaultdict(lambda: defaultdict(int)), scores=defaultdict(int),
                   gains=defaultdict(lambda: [0.0, 0, 0.0, 0, 0, 0, 0, 0]))

    def add(self, cohort_id: int, row: dict | None, sign: int, *, scores: bool = True) -> None:
        if row is None:
            return
        if row["enrolled"]:
            funnel = self.funnel[cohort_id]
            funnel["joined"] += sign
            funnel["started"] += sign * row["started"]
            funnel["lessons_done"] += sign * row["all_lessons"]
            funnel["complete"] += sign * row["complete"]
            funnel["certified"] += sign * row["certified"]
        contribution = row["contribution"] or {}
        if scores:
            for quiz_id, (best, passed) in contribution.get("q", {}).items():
                self.scores[(cohort_id, int(quiz_id), best, bool(passed))] += sign
        for skill, (b_sum, b_n, a_sum, a_n) in contribution.get("g", {}).items():
            gain = self.gains[(cohort_id, skill)]
            gain[0] += sign * b_sum
            gain[1] += sign * b_n
            gain[2] += sign * a_sum
            gain[3] += sign * a_n
            gain[4] += sign
        for skill, (before, after) in contribution.get("c", {}).items():
            if before is not None and after is not None:
                gain = self.gains[(cohort_id, skill)]
                gain[5] += sign
                gain[6] += sign * before
                gain[7] += sign * after

    def apply(self) -> None:
        """Move the counters, always in the same order (groups, then scores, then skills, each
        sorted): two transactions never wait for each other in a cycle."""
        funnel = {c: d for c, d in sorted(self.funnel.items()) if any(d.values())}
        if funnel:
            CohortCounts.objects.bulk_create([CohortCounts(cohort_id=c) for c in funnel], ignore_conflicts=True)
        for cohort_id, delta in funnel.items():
            CohortCounts.objects.filter(pk=cohort_id).update(
                **{name: F(name) + value for name, value in delta.items() if value})
        for (cohort_id, quiz_id, best, passed), n in sorted(self.scores.items()):
            if n:
                _bump(QuizScoreCount, {"cohort_id": cohort_id, "quiz_id": quiz_id, "best_score": best,
                                       "passed": passed}, {"learners": n})
        names = ("before_sum", "before_n", "after_sum", "after_n", "paired", "rated_paired",
                 "confidence_before_sum", "confidence_after_sum")
        for (cohort_id, skill), values in sorted(self.gains.items()):
            if any(values):
                _bump(CohortSkillGain, {"cohort_id": cohort_id, "skill": skill},
                      {name: value for name, value in zip(names, values, strict=True) if value})


def _bump(model, key: dict, increments: dict) -> None:
    """Add to a counter row, creating it at zero first when it does not exist (a concurrent
    creation of the same row is ignored, then both add)."""
    changes = {name: F(name) + value for name, value in increments.items()}
    if not model.objects.filter(**key).update(**changes):
        model.objects.bulk_create([model(**key)], ignore_conflicts=True)
        model.objects.filter(**key).update(**changes)


# --- Storing --------------------------------------------------------------------------------


def _as_dict(instance, names) -> dict:
    return {name: getattr(instance, name) for name in names}


def refresh_learners(*, user_ids, structure: CourseStructure | None = None, shape: Shape | None = None) -> None:
    """Recompute and store the rows of these learners, and move their groups' counters by the
    difference. Called by every write path in its transaction (opened here otherwise)."""
    user_ids = sorted(set(user_ids) - _being_deleted.get())
    if not user_ids:
        return
    shape = shape or current_shape(structure)
    with transaction.atomic():
        # One learner's events take turns (the attempt path already holds this lock).
        list(get_user_model().objects.select_for_update().filter(pk__in=user_ids).order_by("pk").values_list("pk"))
        new_learners, new_rows = compute_rows(user_ids, shape)
        old_learners = {row.user_id: row for row in LearnerProgress.objects.filter(user_id__in=user_ids)}
        old_rows = {(row.user_id, row.cohort_id): row for row in CohortProgress.objects.filter(user_id__in=user_ids)}
        deltas = Deltas.empty()
        for key in set(old_rows) | set(new_rows):
            old = old_rows.get(key)
            old_values = _as_dict(old, COHORT_FIELDS) if old else None
            if old_values != new_rows.get(key):
                deltas.add(key[1], old_values, -1)
                deltas.add(key[1], new_rows.get(key), +1)
        # The day the course is first complete starts the +30 / +90 day follow-up checks.
        newly_complete = [user_id for user_id, values in new_learners.items() if values["completed_at"]
                          and (user_id not in old_learners or old_learners[user_id].completed_at is None)]
        _store(LearnerProgress, old_learners, new_learners, LEARNER_FIELDS,
               lambda user_id: {"user_id": user_id, "course_id": shape.course_id})
        _store(CohortProgress, old_rows, new_rows, COHORT_FIELDS,
               lambda key: {"user_id": key[0], "cohort_id": key[1], "course_id": shape.course_id})
        deltas.apply()
        if newly_complete:
            now = timezone.now()
            CourseCompletion.objects.bulk_create([CourseCompletion(user_id=u, completed_at=now) for u in newly_complete],
                                                 ignore_conflicts=True)


def _store(model, old: dict, new: dict, names, identity) -> None:
    """Write the rows that changed: one UPDATE each for the few rows of one event; for a batch,
    delete the old rows and insert the new ones (two statements; Django's bulk_update writes
    one CASE per field and row, far slower)."""
    gone = [row.pk for key, row in old.items() if key not in new]
    changed = [(old[key], values) for key, values in new.items() if key in old and _as_dict(old[key], names) != values]
    fresh = [model(**identity(key), **values) for key, values in new.items() if key not in old]
    if len(changed) <= 10:
        for row, values in changed:
            model.objects.filter(pk=row.pk).update(**values)
    else:
        gone += [row.pk for row, _ in changed]
        fresh += [model(**identity(key), **values) for key, values in new.items()
                  if key in old and _as_dict(old[key], names) != values]
    if gone:
        model.objects.filter(pk__in=gone).delete()
    if fresh:
        model.objects.bulk_create(fresh, batch_size=BATCH)


# --- Reading one learner's row ---------------------------------------------------------------


def learner_progress(user, structure: CourseStructure | None = None) -> LearnerProgress | None:
    """The learner's stored row, refreshed first when missing or counted against an older shape
    of the course (after a content edit, before the background batches reach them)."""
    if not getattr(user, "is_authenticated", False):
        return None
    shape = current_shape(structure)
    if shape.course_id is None:
        return None
    row = LearnerProgress.objects.filter(user=user, course_id=shape.course_id).first()
    if row is None or row.shape_key != shape.key:
        refresh_learners(user_ids=[user.pk], shape=shape)
        row = LearnerProgress.objects.filter(user=user, course_id=shape.course_id).first()
    return row


def progress_with_row(user, structure: CourseStructure | None = None) -> CourseProgress:
    """The learner's progress step by step (what the pages show), with the milestones —
    started, lessons done, complete — read from their stored row."""
    structure = structure or course_structure()
    progress = course_progress(user, structure=structure)
    progress.stored = learner_progress(user, structure)
    return progress


# --- Content edits: every row, in batches ----------------------------------------------------

_refresh_lock = threading.Lock()


def refresh_stale_rows(*, batch: int = BATCH, shape: Shape | None = None) -> int:
    """Recount, `batch` learners per transaction, the rows counted against another shape of the
    course (and the learners who have activity but no row). Returns the number of learners."""
    shape = shape or current_shape()
    done = 0
    while True:
        stale = set(LearnerProgress.objects.exclude(shape_key=shape.key).values_list("user_id", flat=True)[:batch])
        if len(stale) < batch:
            stale |= set(CohortProgress.objects.exclude(shape_key=shape.key)
                         .values_list("user_id", flat=True)[:batch - len(stale)])
        if not stale:
            return done
        refresh_learners(user_ids=stale, shape=shape)
        done += len(stale)


def _refresh_in_background() -> None:
    if not _refresh_lock.acquire(blocking=False):
        return  # a refresh is already running in this process: it will see the new shape
    try:
        refresh_stale_rows()
        # Another process may still count with its cached structure for a while: look again
        # once every copy has expired.
        time.sleep(settings.COURSE_STRUCTURE_CACHE_SECONDS)
        refresh_stale_rows()
    except Exception:  # a background thread has no one to report to but the log
        logger.exception("Mise à jour des progressions interrompue ; rebuild_progress la reprendra.")
    finally:
        _refresh_lock.release()
        connection.close()


def shape_may_have_changed() -> None:
    """After a content edit is committed: recount the rows if the course's shape moved."""
    if settings.PROGRESS_REFRESH_INLINE:
        refresh_stale_rows()
        return
    threading.Thread(target=_refresh_in_background, name="refresh-progress", daemon=True).start()


# --- Everyone: the recount -------------------------------------------------------------------


def _all_learner_ids() -> list[int]:
    ids = set(LearnerProgress.objects.values_list("user_id", flat=True))
    ids |= set(CohortProgress.objects.values_list("user_id", flat=True))
    ids |= set(Enrolment.objects.values_list("user_id", flat=True))
    ids |= set(LessonCompletion.objects.values_list("user_id", flat=True))
    ids |= set(QuizResult.objects.filter(user__isnull=False).values_list("user_id", flat=True))
    ids |= set(ConfidenceRating.objects.filter(user__isnull=False).values_list("user_id", flat=True))
    return sorted(ids)


def recount(*, batch: int = BATCH) -> tuple[dict, dict, dict]:
    """Everything the rows and the counters should hold, recomputed from the attempts and the
    other source rows: (learner rows, group rows, counters)."""
    shape = current_shape()
    learners, rows = {}, {}
    ids = _all_learner_ids()
    for start in range(0, len(ids), batch):
        some_learners, some_rows = compute_rows(ids[start:start + batch], shape)
        learners.update(some_learners)
        rows.update(some_rows)
    deltas = Deltas.empty()
    for (_, cohort_id), row in rows.items():
        deltas.add(cohort_id, row, +1, scores=False)
    # The quiz statistics keep the results of deleted accounts (anonymised): read them all.
    for row in (QuizResult.objects.filter(cohort__isnull=False).values("cohort_id", "quiz_id", "best_score", "passed")
                .annotate(n=Count("pk")).order_by()):
        deltas.scores[(row["cohort_id"], row["quiz_id"], row["best_score"], row["passed"])] += row["n"]
    return learners, rows, _counters(deltas)


def _counters(deltas: Deltas) -> dict:
    funnel = {c: tuple(d.get(name, 0) for name in FUNNEL) for c, d in deltas.funnel.items() if any(d.values())}
    scores = {k: n for k, n in deltas.scores.items() if n}
    gains = {k: _rounded(v) for k, v in deltas.gains.items() if any(v)}
    return {"funnel": funnel, "scores": scores, "gains": gains}


def _rounded(values) -> tuple:
    # Sums of floats added and taken away in another order differ in the last bits.
    return tuple(round(v, 6) for v in values)


def stored() -> tuple[dict, dict, dict]:
    learners = {row["user_id"]: {name: row[name] for name in LEARNER_FIELDS}
                for row in LearnerProgress.objects.values("user_id", *LEARNER_FIELDS)}
    rows = {(row["user_id"], row["cohort_id"]): {name: row[name] for name in COHORT_FIELDS}
            for row in CohortProgress.objects.values("user_id", "cohort_id", *COHORT_FIELDS)}
    funnel = {c.cohort_id: tuple(getattr(c, name) for name in FUNNEL) for c in CohortCounts.objects.all()
              if any(getattr(c, name) for name in FUNNEL)}
    scores = {(s.cohort_id, s.quiz_id, s.best_score, s.passed): s.learners
              for s in QuizScoreCount.objects.exclude(learners=0)}
    gains = {}
    for g in CohortSkillGain.objects.all():
        values = (g.before_sum, g.before_n, g.after_sum, g.after_n, g.paired, g.rated_paired,
                  g.confidence_before_sum, g.confidence_after_sum)
        if any(round(v, 6) for v in values):
            gains[(g.cohort_id, g.skill)] = _rounded(values)
    return learners, rows, {"funnel": funnel, "scores": scores, "gains": gains}


def differences() -> list[str]:
    """What the stored rows and counters get wrong compared with a full recount ([] = none)."""
    expected, found = recount(), stored()
    problems = []
    for label, want, have in zip(("progression", "progression par groupe", "compteurs"), expected, found,
                                 strict=True):
        if label == "compteurs":
            for part in ("funnel", "scores", "gains"):
                for key in sorted(set(want[part]) | set(have[part]), key=str):
                    if want[part].get(key) != have[part].get(key):
                        problems.append(f"{part} {key}: attendu {want[part].get(key)}, trouvé {have[part].get(key)}")
            continue
        for key in sorted(set(want) | set(have), key=str):
            if want.get(key) != have.get(key):
                problems.append(f"{label} {key}: attendu {want.get(key)}, trouvé {have.get(key)}")
    return problems


@transaction.atomic
def rebuild() -> None:
    """Replace every row and counter by the recount (the command `rebuild_progress`)."""
    learners, rows, counters = recount()
    shape = current_shape()
    LearnerProgress.objects.all().delete()
    CohortProgress.objects.all().delete()
    CohortCounts.objects.all().delete()
    QuizScoreCount.objects.all().delete()
    CohortSkillGain.objects.all().delete()
    LearnerProgress.objects.bulk_create(
        [LearnerProgress(user_id=u, course_id=shape.course_id, **values) for u, values in learners.items()],
        batch_size=2000)
    CohortProgress.objects.bulk_create(
        [CohortProgress(user_id=u, cohort_id=c, course_id=shape.course_id, **values)
         for (u, c), values in rows.items()], batch_size=2000)
    CohortCounts.objects.bulk_create(
        [CohortCounts(cohort_id=c, **dict(zip(FUNNEL, values, strict=True)))
         for c, values in counters["funnel"].items()], batch_size=2000)
    QuizScoreCount.objects.bulk_create(
        [QuizScoreCount(cohort_id=c, quiz_id=q, best_score=s, passed=p, learners=n)
         for (c, q, s, p), n in counters["scores"].items()], batch_size=2000)
    names = ("before_sum", "before_n", "after_sum", "after_n", "paired", "rated_paired",
             "confidence_before_sum", "confidence_after_sum")
    CohortSkillGain.objects.bulk_create(
        [CohortSkillGain(cohort_id=c, skill=s, **dict(zip(names, values, strict=True)))
         for (c, s), values in counters["gains"].items()], batch_size=2000)


# --- Events written below this layer -----------------------------------------------------------

# Accounts being deleted in this thread: their enrolments go by cascade, and must not be
# recounted as "left the group" with no results (the results stay, anonymised).
_being_deleted: contextvars.ContextVar[frozenset] = contextvars.ContextVar("being_deleted", default=frozenset())


def _attempt_recorded(sender, *, attempt, **kwargs) -> None:
    refresh_learners(user_ids=[attempt.user_id])


def _lesson_done(sender, instance, created, raw=False, **kwargs) -> None:
    # `mark_lesson_done` (completion.py, which this module builds on) writes the row.
    if created and not raw:
        refresh_learners(user_ids=[instance.user_id])


def _content_saved(sender, **kwargs) -> None:
    """Content saved: once committed (after completion.py has dropped the cached structure,
    its receiver being connected first), recount the rows if the course's shape moved."""
    if not kwargs.get("raw"):
        if settings.PROGRESS_REFRESH_INLINE:
            _after_content_commit()  # tests: their transaction is never committed
        else:
            transaction.on_commit(_after_content_commit, using=kwargs.get("using"))


def _after_content_commit() -> None:
    shape = current_shape()
    if (LearnerProgress.objects.exclude(shape_key=shape.key).exists()
            or CohortProgress.objects.exclude(shape_key=shape.key).exists()):
        shape_may_have_changed()


def _enrolment_changed(sender, instance, **kwargs) -> None:
    if kwargs.get("raw"):
        return
    if kwargs.get("created", True):  # post_save of a new enrolment, or post_delete
        refresh_learners(user_ids=[instance.user_id])


def _account_deleted(sender, instance, **kwargs) -> None:
    """An account is deleted: its rows leave the funnels and the before/after sums; its best
    scores stay in the quiz statistics (the results stay, anonymised)."""
    deltas = Deltas.empty()
    for row in CohortProgress.objects.filter(user_id=instance.pk):
        deltas.add(row.cohort_id, _as_dict(row, COHORT_FIELDS), -1, scores=False)
    deltas.apply()
    _being_deleted.set(_being_deleted.get() | {instance.pk})


def _account_gone(sender, instance, **kwargs) -> None:
    _being_deleted.set(_being_deleted.get() - {instance.pk})


def _name_changed(sender, instance, created, raw=False, update_fields=None, **kwargs) -> None:
    if created or raw or (update_fields is not None and not {"first_name", "last_name"} & set(update_fields)):
        return
    CohortProgress.objects.filter(user_id=instance.pk, enrolled=True).filter(
        ~Q(last_name_key=instance.last_name.lower()[:150]) | ~Q(first_name_key=instance.first_name.lower()[:150])
    ).update(last_name_key=instance.last_name.lower()[:150], first_name_key=instance.first_name.lower()[:150])


attempt_recorded.connect(_attempt_recorded, dispatch_uid="progress-attempt")
post_save.connect(_lesson_done, sender=LessonCompletion, dispatch_uid="progress-lesson-done")
# Connected per model (not for every sender: a receiver of every deletion would stop Django
# from deleting any row in bulk).
for _model in (Course, Module, Lesson, Quiz):
    post_save.connect(_content_saved, sender=_model, dispatch_uid=f"progress-content-save-{_model.__name__}")
    post_delete.connect(_content_saved, sender=_model, dispatch_uid=f"progress-content-delete-{_model.__name__}")
post_save.connect(_enrolment_changed, sender=Enrolment, dispatch_uid="progress-enrolment-save")
post_delete.connect(_enrolment_changed, sender=Enrolment, dispatch_uid="progress-enrolment-delete")
pre_delete.connect(_account_deleted, sender=settings.AUTH_USER_MODEL, dispatch_uid="progress-account-delete")
post_delete.connect(_account_gone, sender=settings.AUTH_USER_MODEL, dispatch_uid="progress-account-gone")
post_save.connect(_name_changed, sender=settings.AUTH_USER_MODEL, dispatch_uid="progress-account-name")
