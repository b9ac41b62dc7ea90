"""Trainer aggregates: what a cohort has done and what it has understood.

Every function here only reads, and returns plain rows (dataclasses) in a fixed number of
queries whatever the size of the cohort: set-based aggregates (`annotate`, `Count`, `Avg`,
window functions, correlated subqueries), never a loop that queries per learner. Tests pin
the query counts (tests/test_trainer_reports.py) and `manage.py bench` measures the time
against hand-written SQL.

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
  (`CompletionRule`), the very thresholds the learner's pages read, tested here in SQL for
  the whole roster at once.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from django.apps import apps
from django.core.paginator import Page, Paginator
from django.db.models import (
    Avg,
    BooleanField,
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.functions import Cast, Coalesce, Greatest, Lower, RowNumber

from elearning.models import (
    Certificate,
    Cohort,
    ConfidenceRating,
    Departement,
    Enrolment,
    LessonCompletion,
    Organisation,
    Phase,
    Profession,
    Skill,
)
from elearning.progress.completion import SELF_ASSESSMENT_KINDS, CourseShape, QuizInfo
from elearning.training.forms import LearnerFilterForm
from quizzes.models import (
    Answer,
    AnswerOption,
    Attempt,
    Decision,
    Option,
    Question,
    Quiz,
    QuizResult,
    SignalFamily,
)

# --- The roster, one annotated row per learner ------------------------------------------------


def _per_learner(queryset: QuerySet, expression):
    """A correlated subquery giving one value per learner; `queryset` is already filtered
    on `user_id=OuterRef("user_id")` of the enrolment."""
    return Subquery(queryset.order_by().values("user_id").annotate(value=expression).values("value"))


# What can be known of each learner, as SQL expressions on an enrolment row. Only the values
# a report asks for are computed (each is a correlated subquery run once per learner).
LEARNER_VALUES = ("lessons_done", "quizzes_passed", "started", "mean_score", "final_score", "last_quiz_at",
                  "last_lesson_at", "has_certificate", "steps_done", "last_activity")
DERIVED = {
    "steps_done": ("lessons_done", "quizzes_passed"),
    "last_activity": ("last_quiz_at", "last_lesson_at"),
}


def _learner_expression(shape: CourseShape, name: str):
    """The SQL expression of one per-learner value (built only when a report needs it:
    building and compiling these subqueries is most of a small report's time)."""

    # `pk__in=[]` would make Django drop the whole query (EmptyResultSet), even in an ORDER
    # BY: a course without lessons, quizzes or final gives constants instead.
    empty = {"lessons_done": not shape.lesson_ids, "quizzes_passed": not shape.quiz_ids,
             "mean_score": not shape.quiz_ids, "final_score": not shape.final_quiz_ids}
    if empty.get(name):
        # A cast, not a bare NULL: PostgreSQL refuses a constant in ORDER BY.
        return Value(0) if name in ("lessons_done", "quizzes_passed") else Cast(Value(None), FloatField())
    learner, group = OuterRef("user_id"), OuterRef("cohort_id")
    if name in ("lessons_done", "last_lesson_at", "started"):
        completions = LessonCompletion.objects.filter(user_id=learner, cohort_id=group)
    if name in ("quizzes_passed", "mean_score", "final_score", "last_quiz_at", "started"):
        results = QuizResult.objects.filter(user_id=learner, cohort_id=group)
    match name:
        case "lessons_done":
            return Coalesce(_per_learner(completions.filter(lesson_id__in=shape.lesson_ids), Count("pk")), 0)
        case "quizzes_passed":
            return Coalesce(
                _per_learner(results.filter(quiz_id__in=shape.quiz_ids, passed=True), Count("pk")), 0
            )
        case "started":
            # As `course_progress` sets `active`: a lesson of the course done, or an attempt at
            # a course quiz or a self-assessment test.
            tried = results.filter(Q(quiz_id__in=shape.quiz_ids) | Q(quiz__kind__in=SELF_ASSESSMENT_KINDS))
            if shape.lesson_ids:
                done = completions.filter(lesson_id__in=shape.lesson_ids)
                return ExpressionWrapper(Q(Exists(done)) | Q(Exists(tried)), output_field=BooleanField())
            return ExpressionWrapper(Q(Exists(tried)), output_field=BooleanField())
        case "mean_score":
            return _per_learner(results.filter(quiz_id__in=shape.quiz_ids), Avg("best_score"))
        case "final_score":
            return _per_learner(results.filter(quiz_id__in=shape.final_quiz_ids), Max("best_score"))
        case "last_quiz_at":
            return _per_learner(results, Max("last_submitted_at"))
        case "last_lesson_at":
            return _per_learner(completions, Max("completed_at"))
        case "has_certificate":
            return Exists(Certificate.objects.filter(user_id=learner, course_id=shape.course_id))
        case "steps_done":
            return F("lessons_done") + F("quizzes_passed")
        case "last_activity":
            # GREATEST ignores NULL on PostgreSQL but returns NULL on SQLite: feed it no
            # NULL unless both dates are missing.
            return Greatest(
                Coalesce("last_quiz_at", "last_lesson_at"), Coalesce("last_lesson_at", "last_quiz_at")
            )
    raise ValueError(name)


def _roster(shape: CourseShape, names=LEARNER_VALUES, *, quiz_columns: bool = False) -> QuerySet[Enrolment]:
    """Enrolments annotated with the named per-learner values: the base of the funnel, the
    learner table and the CSV export, in one query however it is then filtered or grouped."""

    wanted = {dependency for name in names for dependency in DERIVED.get(name, ())}
    base = {name: _learner_expression(shape, name) for name in LEARNER_VALUES
            if name in wanted or (name in names and name not in DERIVED)}
    derived = {name: _learner_expression(shape, name) for name in names if name in DERIVED}
    queryset = Enrolment.objects.annotate(**base) if base else Enrolment.objects.all()
    if derived:
        queryset = queryset.annotate(**derived)
    if quiz_columns:
        results = QuizResult.objects.filter(user_id=OuterRef("user_id"), cohort_id=OuterRef("cohort_id"))
        queryset = queryset.annotate(**{
            f"quiz_{quiz.id}": Subquery(results.filter(quiz_id=quiz.id).values("best_score")[:1])
            for quiz in shape.quizzes
        })
    return queryset


FUNNEL_VALUES = ("lessons_done", "quizzes_passed", "started", "has_certificate")


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


def _funnel_aggregates(shape: CourseShape) -> dict:
    # Aliases differ from the annotations they read ("lessons_done"…): an aggregate may
    # not shadow the per-learner value it counts.
    return {
        "n_joined": Count("pk"),
        "n_started": Count("pk", filter=shape.rule.started.condition()),
        "n_lessons_done": Count("pk", filter=shape.rule.lessons_done.condition()),
        "n_complete": Count("pk", filter=shape.rule.complete.condition()),
        "n_certified": Count("pk", filter=Q(has_certificate=True)),
    }


def _to_funnel(row: dict) -> Funnel:
    return Funnel(**{name: row[f"n_{name}"] for name in FUNNEL_FIELDS})


def cohort_funnel(cohort: Cohort, shape: CourseShape) -> Funnel:
    """The completion funnel of the cohort's roster (1 query)."""
    if shape.course_id is None:
        return Funnel(joined=Enrolment.objects.filter(cohort=cohort).count())
    roster = _roster(shape, FUNNEL_VALUES).filter(cohort=cohort)
    return _to_funnel(roster.aggregate(**_funnel_aggregates(shape)))


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


def quiz_stats(cohort: Cohort, shape: CourseShape) -> list[QuizStats]:
    """Per course quiz: participants, mean and median best score, pass rate (1 query).

    The median is portable SQL: number each quiz's best scores in order and keep the one
    or two middle rows, with the counts and means computed over the same window."""

    by_quiz = {quiz.id: QuizStats(quiz=quiz) for quiz in shape.quizzes}
    if not by_quiz:
        return []
    per_quiz = {"partition_by": [F("quiz_id")]}
    rows = (
        QuizResult.objects.filter(cohort=cohort, quiz_id__in=list(by_quiz))
        .annotate(
            position=Window(RowNumber(), order_by=[F("best_score").asc(), F("pk").asc()], **per_quiz),
            participants=Window(Count("pk"), **per_quiz),
            mean=Window(Avg("best_score"), **per_quiz),
            passed_count=Window(Sum(Case(When(passed=True, then=1), default=0, output_field=IntegerField())),
                                **per_quiz),
        )
        .filter(Q(position=(F("participants") + 1) / 2) | Q(position=(F("participants") + 2) / 2))
        .values_list("quiz_id", "best_score", "participants", "mean", "passed_count")
    )
    middles: dict[int, list[float]] = {}
    for quiz_id, best_score, participants, mean, passed in rows:
        stats = by_quiz[quiz_id]
        stats.participants, stats.mean, stats.passed = participants, mean, passed
        middles.setdefault(quiz_id, []).append(best_score)
    for quiz_id, values in middles.items():
        by_quiz[quiz_id].median = sum(values) / len(values)
    return list(by_quiz.values())


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


def first_attempts(results: QuerySet) -> QuerySet:
    """The first attempt of each (learner, quiz) of `results` (QuizResult rows): the one that
    counts for the before/after tests, whatever was tried later."""
    first = Attempt.objects.filter(user_id=OuterRef("user_id"), quiz_id=OuterRef("quiz_id")).order_by(
        "submitted_at", "pk").values("pk")[:1]
    return results.annotate(first_attempt=Subquery(first)).values("first_attempt")


def skill_gains(cohort: Cohort) -> list[SkillGain]:
    """Per skill, the mean score of the same learners on the before and after tests (only
    those who took both; first attempt of each) and the mean confidence (1–4) of those who
    rated both times; the gain is the difference (2 queries)."""
    gains = {skill: SkillGain(skill=skill, label=label) for skill, label in Skill.choices}
    results = QuizResult.objects.filter(cohort=cohort, user__isnull=False)
    took = {kind: results.filter(quiz__kind=kind).values("user_id") for kind in (Quiz.Kind.SELF_BEFORE, Quiz.Kind.SELF_AFTER)}
    paired = results.filter(quiz__kind__in=list(took), user_id__in=took[Quiz.Kind.SELF_BEFORE]).filter(
        user_id__in=took[Quiz.Kind.SELF_AFTER])
    scores = (
        Answer.objects.filter(attempt_id__in=first_attempts(paired), skill__in=list(gains))
        .values("attempt__quiz__kind", "skill")
        .annotate(mean=Avg("score"), learners=Count("attempt__user_id", distinct=True))
        .order_by()
    )
    for row in scores:
        gain = gains[row["skill"]]
        gain.paired = row["learners"]
        if row["attempt__quiz__kind"] == Quiz.Kind.SELF_BEFORE:
            gain.score_before = row["mean"]
        else:
            gain.score_after = row["mean"]
    rated = ConfidenceRating.objects.filter(cohort=cohort, user__isnull=False)
    rated_both = rated.filter(user_id__in=rated.filter(phase=Phase.BEFORE).values("user_id")).filter(
        user_id__in=rated.filter(phase=Phase.AFTER).values("user_id"))
    ratings = (
        rated_both.filter(skill__in=list(gains))
        .values("phase", "skill")
        .annotate(mean=Avg("value"), n=Count("user_id", distinct=True))
        .order_by()
    )
    for row in ratings:
        gain = gains[row["skill"]]
        gain.rated_paired = row["n"]
        if row["phase"] == Phase.BEFORE:
            gain.confidence_before = row["mean"]
        elif row["phase"] == Phase.AFTER:
            gain.confidence_after = row["mean"]
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
LEARNER_SORTS = {
    "nom": (Lower("user__last_name"), Lower("user__first_name")),
    "progression": (F("steps_done"),),
    "score": (F("mean_score"),),
    "finale": (F("final_score"),),
    "activite": (F("last_activity"),),
    "inscription": (F("joined_at"),),
}
DEFAULT_SORT = "nom"
# The per-learner values each sort needs computed for every learner of the cohort.
SORT_VALUES = {
    "nom": (),
    "progression": ("steps_done",),
    "score": ("mean_score",),
    "finale": ("final_score",),
    "activite": ("last_activity",),
    "inscription": (),
}
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
        keys = [key.desc(nulls_last=True) if self.descending else key.asc(nulls_last=True)
                for key in LEARNER_SORTS[self.sort]]
        return [*keys, F("pk").asc()]

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
    "joined_at", "lessons_done", "quizzes_passed", "mean_score", "final_score", "has_certificate", "last_activity",
)


def learner_rows(cohort: Cohort, shape: CourseShape, query: LearnerQuery | None = None, *,
                 quiz_columns: bool = False) -> QuerySet:
    """The cohort's learners, filtered and sorted in SQL, as `values()` dicts: slice it for a
    page, or `.iterator()` it for an export. Turn each dict into a `LearnerRow` with
    `to_learner_row`."""
    query = query or LearnerQuery()
    fields = list(LEARNER_FIELDS)
    if quiz_columns:
        fields += [f"quiz_{quiz.id}" for quiz in shape.quizzes]
    return (
        _roster(shape, quiz_columns=quiz_columns)
        .filter(Q(cohort=cohort) & query.filters())
        .order_by(*query.ordering())
        .values(*fields)
    )


def learner_page(cohort: Cohort, shape: CourseShape, query: LearnerQuery, page_number) -> tuple[list, Page]:
    """One page of the learner table (2 queries: the count, then the page's rows).

    The page is chosen in SQL first (sorting computes only the sort key for the whole
    cohort), then the full values are computed for its rows only."""
    ordered = (
        _roster(shape, SORT_VALUES[query.sort])
        .filter(Q(cohort=cohort) & query.filters())
        .order_by(*query.ordering())
        .values_list("pk", flat=True)
    )
    page = Paginator(ordered, PAGE_SIZE).get_page(page_number)
    rows = (
        _roster(shape)
        .filter(pk__in=page.object_list)
        .order_by(*query.ordering())
        .values(*LEARNER_FIELDS)
    )
    return [to_learner_row(values, shape) for values in rows], page


def to_learner_row(values: dict, shape: CourseShape) -> LearnerRow:
    """One learner's row, read by field name from `learner_rows` or `learner_page` (the
    per-quiz scores only when the rows were asked with `quiz_columns`)."""
    quiz_keys = [f"quiz_{quiz.id}" for quiz in shape.quizzes]
    return LearnerRow(
        user_id=values["user_id"], first_name=values["user__first_name"], last_name=values["user__last_name"],
        email=values["user__email"], profession=values["user__profession"],
        departement=values["user__departement"], joined_at=values["joined_at"],
        lessons_done=values["lessons_done"], quizzes_passed=values["quizzes_passed"], steps_total=shape.n_steps,
        mean_score=values["mean_score"], final_score=values["final_score"],
        has_certificate=bool(values["has_certificate"]), last_activity=values["last_activity"],
        quiz_scores=[values[key] for key in quiz_keys if key in values],
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


def organisation_overview(organisation: Organisation, shape: CourseShape) -> list[CohortSummary]:
    """One row per cohort of the organisation: its funnel, the mean best score on course
    quizzes, the pass rate of the final assessment, the last activity (3 queries)."""

    cohorts = list(Cohort.objects.filter(organisation=organisation).order_by("name", "pk"))
    summaries = {cohort.pk: CohortSummary(cohort=cohort, funnel=Funnel()) for cohort in cohorts}
    if shape.course_id is None or not cohorts:
        return list(summaries.values())
    funnels = (
        _roster(shape, (*FUNNEL_VALUES, "last_activity"))
        .filter(cohort__organisation=organisation)
        .values("cohort_id")
        .annotate(**_funnel_aggregates(shape), last=Max("last_activity"))
        .order_by()
    )
    for row in funnels:
        summary = summaries[row["cohort_id"]]
        summary.last_activity = row["last"]
        summary.funnel = _to_funnel(row)
    scores = (
        QuizResult.objects.filter(cohort__organisation=organisation, quiz_id__in=shape.quiz_ids)
        .values("cohort_id")
        .annotate(
            mean=Avg("best_score"),
            final_n=Count("pk", filter=Q(quiz_id__in=shape.final_quiz_ids)),
            final_passed=Count("pk", filter=Q(quiz_id__in=shape.final_quiz_ids, passed=True)),
        )
        .order_by()
    )
    for row in scores:
        summary = summaries.get(row["cohort_id"])
        if summary is None:
            continue
        summary.mean_score = row["mean"]
        summary.final_pass_rate = row["final_passed"] / row["final_n"] if row["final_n"] else None
    return list(summaries.values())


def organisation_totals(summaries: list[CohortSummary]) -> Funnel:
    total = Funnel()
    for summary in summaries:
        for name in FUNNEL_FIELDS:
            setattr(total, name, getattr(total, name) + getattr(summary.funnel, name))
    return total

