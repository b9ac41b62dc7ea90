"""Trainer aggregates: what a cohort has done and what it has understood.

Every function here only reads, and returns plain rows (dataclasses) in a fixed number of
queries whatever the size of the cohort, and — except the item analysis — in a time that does
not grow with it either: the funnel, quiz statistics and before/after read the group's
counters, the learner table reads one page of the learners' stored rows in index order, all
kept by the write paths (elearning/progress/rows.py, where completion is decided once per
event). Tests pin the query counts (tests/test_trainer_reports.py) and `manage.py bench`
measures a group of 100 against a group of 100 000.

Which rows count — results belong to the group in which they were made:
- every result row carries the group the learner was in when they made it, copied at write
  time (`Attempt.cohort`, `QuizResult.cohort` — one summary row per learner, quiz and group
  —, `LessonCompletion.cohort`, `ConfidenceRating.cohort`; the rule that picks the group is
  `elearning.accounts.current_cohort_id`). A group's reports read only its own rows: a
  learner who joins a second group brings nothing done before, and the first group keeps
  what was done there;
- the roster is the cohort's enrolments: a learner removed from the group, or whose account
  was deleted, leaves it (funnel, learner table), but what they did there stays in the quiz
  statistics, before/after gains and item analysis (rows that carry the cohort);
- the certificate is the person's: the table says whether the learner holds one, whatever
  the group they finished in;
- quiz statistics and item analysis read each learner's best attempt, the one that counts
  for progress: what the group has understood once it has practised;
- started, lessons done and complete are the milestones of `elearning.progress.completion`
  (`CompletionRule`), the very thresholds the learner's pages read, evaluated once per event
  by the write path and stored on each learner's row in the group.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from django.apps import apps
from django.core.paginator import Page, Paginator
from django.db.models import (
    Avg,
    Count,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce

from elearning.models import (
    Cohort,
    Departement,
    Enrolment,
    Organisation,
    Profession,
    Skill,
)
from elearning.progress.completion import CourseShape, QuizInfo
from elearning.progress.models import CohortCounts, CohortProgress, CohortSkillGain, QuizScoreCount
from elearning.training.forms import LearnerFilterForm
from quizzes.models import (
    Answer,
    AnswerOption,
    Decision,
    Option,
    Question,
    Quiz,
    QuizResult,
    SignalFamily,
)

# --- Funnel ----------------------------------------------------------------------------------


@dataclass
class FunnelStep:
    label: str
    count: int
    total: int

    @property
    def rate(self) -> float | None:
        return self.count / self.total if self.total else None


@dataclass
class Funnel:
    """Joined → started → lessons done → course complete → certificate. Each of the first
    four steps includes the next; the certificate is counted as issued (a certificate stays
    valid when content is added later, so it may exceed "parcours terminé")."""

    joined: int = 0
    started: int = 0
    lessons_done: int = 0
    complete: int = 0
    certified: int = 0

    @property
    def steps(self) -> list[FunnelStep]:
        return [
            FunnelStep("Inscrit·es", self.joined, self.joined),
            FunnelStep("Ont commencé", self.started, self.joined),
            FunnelStep("Toutes les leçons terminées", self.lessons_done, self.joined),
            FunnelStep("Leçons terminées et quiz réussis", self.complete, self.joined),
            FunnelStep("Attestation obtenue", self.certified, self.joined),
        ]


FUNNEL_FIELDS = ("joined", "started", "lessons_done", "complete", "certified")


def _to_funnel(counts) -> Funnel:
    return Funnel(**{name: getattr(counts, name) for name in FUNNEL_FIELDS}) if counts else Funnel()


def cohort_funnel(cohort: Cohort, shape: CourseShape) -> Funnel:
    """The completion funnel of the cohort's roster: its counters, kept by the write paths
    (elearning/progress/rows.py), 1 query whatever the size of the group."""
    return _to_funnel(CohortCounts.objects.filter(cohort=cohort).first())

# --- Per-quiz statistics ------------------------------------------------------------------------


@dataclass
class QuizStats:
    quiz: QuizInfo
    participants: int = 0
    passed: int = 0
    mean: float | None = None
    median: float | None = None

    @property
    def pass_rate(self) -> float | None:
        return self.passed / self.participants if self.participants else None


def _score_buckets(cohort_ids, quiz_ids) -> QuerySet:
    return (QuizScoreCount.objects.filter(cohort_id__in=cohort_ids, quiz_id__in=quiz_ids, learners__gt=0)
            .order_by("cohort_id", "quiz_id", "best_score", "passed"))


def quiz_stats(cohort: Cohort, shape: CourseShape) -> list[QuizStats]:
    """Per course quiz: participants, mean and median best score, pass rate (1 query).

    Read from the group's score counts (one row per distinct best score, kept by the
    attempt's write path): the exact median is found by walking them in order, whatever the
    number of learners."""

    by_quiz = {quiz.id: QuizStats(quiz=quiz) for quiz in shape.quizzes}
    if not by_quiz:
        return []
    buckets: dict[int, list[tuple[float, int]]] = {}
    for quiz_id, best_score, passed, learners in _score_buckets([cohort.pk], list(by_quiz)).values_list(
            "quiz_id", "best_score", "passed", "learners"):
        stats = by_quiz[quiz_id]
        stats.participants += learners
        stats.passed += learners if passed else 0
        buckets.setdefault(quiz_id, []).append((best_score, learners))
    for quiz_id, scores in buckets.items():
        stats = by_quiz[quiz_id]
        stats.mean = sum(score * n for score, n in scores) / stats.participants
        stats.median = _median(scores, stats.participants)
    return list(by_quiz.values())


def _median(scores: list[tuple[float, int]], total: int) -> float:
    """The median of `total` values given as (value, how many) in increasing order."""
    wanted = sorted({(total + 1) // 2, (total + 2) // 2})
    found, seen = [], 0
    for score, n in scores:
        seen += n
        while wanted and wanted[0] <= seen:
            found.append(score)
            wanted.pop(0)
    return sum(found) / len(found)

# --- Before / after ----------------------------------------------------------------------------


@dataclass
class SkillGain:
    """One skill's before/after, over the learners who took both tests (paired): their
    baseline (first attempt at the "avant" test) and their first "après" attempt."""

    skill: str
    label: str
    score_before: float | None = None
    score_after: float | None = None
    paired: int = 0
    confidence_before: float | None = None
    confidence_after: float | None = None
    rated_paired: int = 0

    @property
    def score_gain(self) -> float | None:
        if self.score_before is None or self.score_after is None:
            return None
        return self.score_after - self.score_before

    @property
    def confidence_gain(self) -> float | None:
        if self.confidence_before is None or self.confidence_after is None:
            return None
        return self.confidence_after - self.confidence_before


def skill_gains(cohort: Cohort) -> list[SkillGain]:
    """Per skill, the mean score of the same learners on the before and after tests (only
    those who took both; first attempt of each) and the mean confidence (1–4) of those who
    rated both times; the gain is the difference (1 query: the group's sums, kept by the
    write paths)."""
    gains = {skill: SkillGain(skill=skill, label=label) for skill, label in Skill.choices}
    for row in CohortSkillGain.objects.filter(cohort=cohort, skill__in=list(gains)):
        gain = gains[row.skill]
        gain.paired = row.paired
        gain.score_before = row.before_sum / row.before_n if row.before_n else None
        gain.score_after = row.after_sum / row.after_n if row.after_n else None
        gain.rated_paired = row.rated_paired
        if row.rated_paired:
            gain.confidence_before = row.confidence_before_sum / row.rated_paired
            gain.confidence_after = row.confidence_after_sum / row.rated_paired
    return list(gains.values())

# --- The learner table ----------------------------------------------------------------------


@dataclass
class LearnerRow:
    user_id: int
    first_name: str
    last_name: str
    email: str
    profession: str
    departement: str
    joined_at: object
    lessons_done: int
    quizzes_passed: int
    steps_total: int
    mean_score: float | None
    final_score: float | None
    has_certificate: bool
    last_activity: object
    quiz_scores: list[float | None] = field(default_factory=list)

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip() or self.email

    @property
    def progress(self) -> float:
        return (self.lessons_done + self.quizzes_passed) / self.steps_total if self.steps_total else 0.0

    @property
    def profession_label(self) -> str:
        return PROFESSION_LABELS.get(self.profession, "")

    @property
    def departement_label(self) -> str:
        return self.departement if self.departement != Departement.OTHER else "Autre"


PROFESSION_LABELS = dict(Profession.choices)

# Sort keys offered on the learner table: URL value → ORDER BY, ties broken by enrolment id.
# Sort keys offered on the learner table: URL value → ORDER BY, ties broken by enrolment id.

# Sort keys offered on the learner table: URL value → ORDER BY on the learner's row in the
# group, ties broken by the learner's id; each has an index, so a page is read, not sorted.
LEARNER_SORTS = {
    "nom": (F("last_name_key"), F("first_name_key")),
    "progression": (F("steps_done"),),
    "score": (F("mean_score"),),
    "finale": (F("final_score"),),
    "activite": (F("last_activity_at"),),
    "inscription": (F("joined_at"),),
}
NULLABLE_SORTS = {"score", "finale", "activite"}
DEFAULT_SORT = "nom"

PAGE_SIZE = 50


@dataclass(frozen=True)
class LearnerQuery:
    """What the trainer asked of the learner table: a sort key and two filters, all
    checked by `LearnerFilterForm` (anything else falls back to the default)."""

    sort: str = DEFAULT_SORT
    descending: bool = False
    profession: str = ""
    departement: str = ""
    search: str = ""

    @classmethod
    def from_params(cls, params) -> LearnerQuery:
        data = LearnerFilterForm(params, sorts=LEARNER_SORTS).valid_data()
        raw_sort = data["tri"] or DEFAULT_SORT
        return cls(sort=raw_sort.lstrip("-"), descending=raw_sort.startswith("-"),
                   profession=data["profession"], departement=data["departement"],
                   # Free text: spaces folded and cut to the field's length, never refused.
                   search=" ".join(str(params.get("recherche", "")).split())[:100])

    @property
    def sort_param(self) -> str:
        return ("-" if self.descending else "") + self.sort

    def ordering(self) -> list:
        # NULLS LAST only where a value may be missing: elsewhere it would stop the index
        # from giving the order.
        nulls = {"nulls_last": True} if self.sort in NULLABLE_SORTS else {}
        keys = [key.desc(**nulls) if self.descending else key.asc(**nulls) for key in LEARNER_SORTS[self.sort]]
        # Ties by learner: a stable order (a row is rewritten, with a new id, at each event).
        return [*keys, F("user_id").asc()]

    def filters(self) -> Q:
        condition = Q()
        if self.profession:
            condition &= Q(user__profession=self.profession)
        if self.departement:
            condition &= Q(user__departement=self.departement)
        # Each word of the search in the first name, last name or e-mail ("Alice Martin").
        for word in self.search.split():
            condition &= (Q(user__first_name__icontains=word) | Q(user__last_name__icontains=word)
                          | Q(user__email__icontains=word))
        return condition


LEARNER_FIELDS = (
    "user_id", "user__first_name", "user__last_name", "user__email", "user__profession", "user__departement",
    "joined_at", "lessons_done", "quizzes_passed", "mean_score", "final_score", "certified", "last_activity_at",
)


def _table(cohort: Cohort, query: LearnerQuery) -> QuerySet:
    return (CohortProgress.objects.filter(cohort=cohort, enrolled=True).filter(query.filters())
            .order_by(*query.ordering()))


def learner_rows(cohort: Cohort, shape: CourseShape, query: LearnerQuery | None = None, *,
                 quiz_columns: bool = False) -> QuerySet:
    """The cohort's learners, filtered and sorted in SQL, as `values()` dicts: slice it for a
    page, or `.iterator()` it for an export. Turn each dict into a `LearnerRow` with
    `to_learner_row` (the per-quiz best scores come from the row's contribution)."""
    fields = [*LEARNER_FIELDS, "contribution"] if quiz_columns else list(LEARNER_FIELDS)
    return _table(cohort, query or LearnerQuery()).values(*fields)


class _CountedPaginator(Paginator):
    """A paginator told the number of rows (the group's counter) instead of counting them."""

    def __init__(self, object_list, per_page, *, count: int | None):
        super().__init__(object_list, per_page)
        self._known_count = count

    @property
    def count(self) -> int:
        if self._known_count is None:
            self._known_count = super().count
        return self._known_count


def learner_page(cohort: Cohort, shape: CourseShape, query: LearnerQuery, page_number, *,
                 funnel: Funnel | None = None) -> tuple[list, Page]:
    """One page of the learner table (1 query with the group's funnel at hand and no filter,
    2 otherwise: the count, then the page's rows, read in index order)."""
    filtered = bool(query.profession or query.departement or query.search)
    count = None if filtered or funnel is None else funnel.joined
    page = _CountedPaginator(learner_rows(cohort, shape, query), PAGE_SIZE, count=count).get_page(page_number)
    return [to_learner_row(values, shape) for values in page.object_list], page


def to_learner_row(values: dict, shape: CourseShape) -> LearnerRow:
    """One learner's row, read by field name from `learner_rows` or `learner_page` (the
    per-quiz best scores, from the row's contribution, only when asked with `quiz_columns`)."""
    scores = []
    if "contribution" in values:
        results = (values["contribution"] or {}).get("q", {})
        scores = [results.get(str(quiz.id), [None])[0] for quiz in shape.quizzes]
    return LearnerRow(
        user_id=values["user_id"], first_name=values["user__first_name"], last_name=values["user__last_name"],
        email=values["user__email"], profession=values["user__profession"],
        departement=values["user__departement"], joined_at=values["joined_at"],
        lessons_done=values["lessons_done"], quizzes_passed=values["quizzes_passed"], steps_total=shape.n_steps,
        mean_score=values["mean_score"], final_score=values["final_score"],
        has_certificate=bool(values["certified"]), last_activity=values["last_activity_at"],
        quiz_scores=scores,
    )


def cohort_learner(cohort: Cohort, user_id: int) -> Enrolment | None:
    """The enrolment of one learner in the cohort, or None (another group's learner)."""
    return Enrolment.objects.select_related("user").filter(cohort=cohort, user_id=user_id).first()


# --- Item analysis ----------------------------------------------------------------------------


@dataclass
class WrongChoice:
    key: str
    text: str
    chosen: int
    answered: int

    @property
    def rate(self) -> float:
        return self.chosen / self.answered if self.answered else 0.0

    @property
    def quoted(self) -> str:
        """The option between « », unless it is already a quotation (wording options are)."""
        text = self.text.strip()
        return text if text.startswith("«") else f"« {text} »"


@dataclass
class ItemStats:
    question_id: int
    title: str
    quiz_title: str
    question_type: str
    skill: str
    archived: bool
    answered: int
    correct: int
    mean_score: float | None
    top_wrong: WrongChoice | None = None

    @property
    def success_rate(self) -> float | None:
        return self.correct / self.answered if self.answered else None

    @property
    def type_label(self) -> str:
        return question_type_label(self.question_type)

    @property
    def skill_label(self) -> str:
        return SKILL_LABELS.get(self.skill, "")


@dataclass
class FamilyMiss:
    family: str
    label: str
    shown: int
    missed: int

    @property
    def rate(self) -> float:
        return self.missed / self.shown if self.shown else 0.0


@dataclass
class Confusion:
    expected: str
    expected_label: str
    chosen: str
    chosen_label: str
    count: int
    out_of: int

    @property
    def rate(self) -> float:
        return self.count / self.out_of if self.out_of else 0.0


@dataclass
class ConfusionRow:
    expected: str
    label: str
    total: int
    cells: list[int]


@dataclass
class ItemAnalysis:
    items: list[ItemStats]
    families: list[FamilyMiss]
    confusions: list[Confusion]
    decisions: list[tuple[str, str]]
    matrix: list[ConfusionRow]

    @property
    def hardest(self) -> list[ItemStats]:
        answered = [item for item in self.items if item.answered]
        return sorted(answered, key=lambda item: (item.success_rate, item.question_id))[:5]


SKILL_LABELS = dict(Skill.choices)
SIGNAL_TYPE = "signalquestion"
DECISION_TYPE = "decisionquestion"


def question_type_label(type_slug: str) -> str:
    try:
        return apps.get_model("quizzes", type_slug).type_label
    except (LookupError, AttributeError, ValueError):
        return ""


def item_analysis(cohort: Cohort) -> ItemAnalysis:
    """Per question of the course's quizzes the group took: success rate, mean score and the
    wrong option chosen most; for signal questions the families of signals missed most; for
    decision questions what was chosen instead of what (5 queries).

    The before/after tests are left out: a pre-test is expected to be failed, and trainers
    look here for what to revisit (their gains are on the dashboard).

    The heavy part reads two covering indexes (quizzes/models.py): per question, the
    answers; per option, how often it was chosen. The decision confusions are counted from
    the snapshots (the right decision and the chosen one as they stood when the learner
    answered), so a later change of a question's key never recounts the past."""
    best_attempts = (
        QuizResult.objects.filter(cohort=cohort)
        .exclude(quiz__kind__in=[Quiz.Kind.SELF_BEFORE, Quiz.Kind.SELF_AFTER])
        .values("best_attempt_id")
    )
    answered = {
        row["question_id"]: row
        for row in Answer.objects.filter(attempt_id__in=best_attempts, question__isnull=False)
        .values("question_id")
        .annotate(answered=Count("pk"), correct=Count("pk", filter=Q(is_correct=True)), mean=Avg("score"))
        .order_by()
    }
    if not answered:
        return ItemAnalysis(items=[], families=[], confusions=[], decisions=[], matrix=[])
    questions = (
        Question.objects.non_polymorphic()
        .filter(pk__in=list(answered))
        .order_by("quiz__order", "quiz_id", "order", "id")
        .values("id", "title", "quiz__title", "skill", "archived", "polymorphic_ctype__model")
    )
    options: dict[int, list[dict]] = {}
    for option in (Option.objects.filter(question_id__in=list(answered)).order_by("question_id", "order", "id")
                   .values("id", "question_id", "key", "text", "is_correct", "family", "decision")):
        options.setdefault(option["question_id"], []).append(option)
    # How often each option was chosen, split by whether it was right when answered.
    chosen: dict[tuple[int, bool], int] = {
        (row["option_id"], row["is_correct"]): row["n"]
        for row in AnswerOption.objects.filter(answer__attempt_id__in=best_attempts, chosen=True,
                                               option__isnull=False)
        .values("option_id", "is_correct")
        .annotate(n=Count("pk"))
        .order_by()
    }
    family_labels, decision_labels = dict(SignalFamily.choices), dict(Decision.choices)
    items, families = [], {}
    counts: dict[tuple[str, str], int] = {}
    for question in questions:
        stats = answered[question["id"]]
        item = ItemStats(
            question_id=question["id"], title=question["title"], quiz_title=question["quiz__title"],
            question_type=question["polymorphic_ctype__model"], skill=question["skill"],
            archived=question["archived"], answered=stats["answered"], correct=stats["correct"],
            mean_score=stats["mean"],
        )
        items.append(item)
        own = options.get(item.question_id, [])
        wrong = [(chosen.get((o["id"], False), 0), -index, o) for index, o in enumerate(own)]
        most, _, option = max(wrong, key=lambda w: w[:2], default=(0, 0, None))
        if most:
            item.top_wrong = WrongChoice(key=option["key"], text=option["text"], chosen=most, answered=item.answered)
        if item.question_type == SIGNAL_TYPE:
            for o in own:
                if o["is_correct"] and o["family"]:
                    miss = families.setdefault(o["family"], FamilyMiss(
                        o["family"], family_labels.get(o["family"], o["family"]), 0, 0))
                    miss.shown += item.answered
                    miss.missed += max(0, item.answered - chosen.get((o["id"], True), 0))
    # Decisions: the right one and the chosen one, both from the snapshot of each answer.
    right_then = AnswerOption.objects.filter(answer_id=OuterRef("answer_id"), is_correct=True).values("decision")[:1]
    for row in (
        AnswerOption.objects.filter(answer__attempt_id__in=best_attempts, answer__question_type=DECISION_TYPE,
                                    chosen=True)
        .exclude(decision="")
        .annotate(expected=Subquery(right_then))
        .values("expected", "decision")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        if row["expected"]:
            counts[(row["expected"], row["decision"])] = row["n"]
    totals: dict[str, int] = {}
    for (right, _), n in counts.items():
        totals[right] = totals.get(right, 0) + n
    confusions = sorted(
        (
            Confusion(expected=right, expected_label=decision_labels.get(right, right), chosen=picked,
                      chosen_label=decision_labels.get(picked, picked), count=n, out_of=totals[right])
            for (right, picked), n in counts.items()
            if right != picked
        ),
        key=lambda c: (-c.count, c.expected, c.chosen),
    )
    decisions = [(value, label) for value, label in Decision.choices
                 if value in totals or any(picked == value for (_, picked) in counts)]
    matrix = [
        ConfusionRow(expected=right, label=label, total=totals[right],
                     cells=[counts.get((right, picked), 0) for picked, _ in decisions])
        for right, label in decisions
        if right in totals
    ]
    return ItemAnalysis(
        items=items,
        families=sorted(families.values(), key=lambda f: (-f.rate, f.family)),
        confusions=confusions,
        decisions=decisions,
        matrix=matrix,
    )


# --- Organisation overview ---------------------------------------------------------------------


@dataclass
class CohortSummary:
    cohort: Cohort
    funnel: Funnel
    mean_score: float | None = None
    final_pass_rate: float | None = None
    last_activity: object = None


OVERVIEW_PAGE_SIZE = 50


def overview_page(organisation: Organisation, page_number=None) -> Page:
    """One page of the organisation's cohorts, by name (2 queries: the count, the page)."""
    cohorts = Cohort.objects.filter(organisation=organisation).select_related("counts").annotate(
        last_activity=Subquery(
            CohortProgress.objects.filter(cohort=OuterRef("pk"), enrolled=True, last_activity_at__isnull=False)
            .order_by("-last_activity_at").values("last_activity_at")[:1])
    ).order_by("name", "pk")
    return Paginator(cohorts, OVERVIEW_PAGE_SIZE).get_page(page_number)


def organisation_overview(organisation: Organisation, shape: CourseShape, page_number=None, *,
                          page: Page | None = None) -> list[CohortSummary]:
    """One row per cohort of one page of the organisation: its funnel (its counters), the
    mean best score on course quizzes, the pass rate of the final assessment (from its score
    counts), the last activity (3 queries, whatever the size of the groups)."""

    page = page or overview_page(organisation, page_number)
    summaries = {cohort.pk: CohortSummary(cohort=cohort, funnel=_to_funnel(getattr(cohort, "counts", None)),
                                          last_activity=cohort.last_activity)
                 for cohort in page.object_list}
    if shape.course_id is None or not summaries:
        return list(summaries.values())
    finals = set(shape.final_quiz_ids)
    sums: dict[int, list] = {}
    for cohort_id, quiz_id, best_score, passed, learners in _score_buckets(list(summaries), shape.quiz_ids).values_list(
            "cohort_id", "quiz_id", "best_score", "passed", "learners"):
        total = sums.setdefault(cohort_id, [0.0, 0, 0, 0])
        total[0] += best_score * learners
        total[1] += learners
        if quiz_id in finals:
            total[2] += learners
            total[3] += learners if passed else 0
    for cohort_id, (score_sum, n, final_n, final_passed) in sums.items():
        summary = summaries[cohort_id]
        summary.mean_score = score_sum / n if n else None
        summary.final_pass_rate = final_passed / final_n if final_n else None
    return list(summaries.values())


def organisation_totals(organisation: Organisation) -> Funnel:
    """The funnel of every cohort of the organisation added up (1 query over its counters)."""
    row = CohortCounts.objects.filter(cohort__organisation=organisation).aggregate(
        **{name: Coalesce(Sum(name), 0) for name in FUNNEL_FIELDS})
    return Funnel(**row)
