"""Follow-up checks at +30 and +90 days after the course, and the retention series
(before → after → +30 → +90) per skill. Both counted from the day the course was first
complete (`CourseCompletion`), written here once by `record_completion`."""
import datetime
from dataclasses import dataclass

from django.db.models import Avg, Count, Exists, F, OuterRef, Subquery
from django.utils import timezone

from elearning import svg
from elearning.models import CourseCompletion, Skill
from elearning.templatetags.reperes import percent
from quizzes.models import Answer, Attempt, Quiz

FOLLOWUPS = [(Quiz.Kind.FOLLOWUP_30, 30), (Quiz.Kind.FOLLOWUP_90, 90)]
FOLLOWUP_KINDS = [kind for kind, _ in FOLLOWUPS]
SERIES = [
    (Quiz.Kind.SELF_BEFORE, "Avant"), (Quiz.Kind.SELF_AFTER, "Après"),
    (Quiz.Kind.FOLLOWUP_30, "+30 jours"), (Quiz.Kind.FOLLOWUP_90, "+90 jours"),
]
SKILL_LABELS = {Skill.SPOT: "Repérer", Skill.DECIDE: "Décider", Skill.SAY: "Dire et écrire"}


def record_completion(user) -> CourseCompletion | None:
    """The day the course was first complete, or None. Recorded by the write path that
    completes it (`elearning.progress.rows.refresh_learners`, from the learner's stored row)."""
    return CourseCompletion.objects.filter(user=user).first()


@dataclass
class FollowUpCheck:
    quiz: Quiz
    days: int
    opens_on: datetime.date
    is_open: bool
    done: bool


def followup_checks(user, today: datetime.date | None = None) -> list[FollowUpCheck]:
    """The learner's follow-up checks (none before the course is complete). One query: each
    follow-up quiz with the learner's completion date and whether they took it."""
    today = today or timezone.localdate()
    quizzes = Quiz.objects.published().filter(kind__in=FOLLOWUP_KINDS).annotate(
        completed_at=Subquery(CourseCompletion.objects.filter(user=user).values("completed_at")[:1]),
        done=Exists(Attempt.objects.filter(user=user, quiz=OuterRef("pk"))),
    )
    days = dict(FOLLOWUPS)
    checks = []
    for quiz in sorted(quizzes, key=lambda q: days[q.kind]):
        if quiz.completed_at is None:
            return []
        opens_on = timezone.localdate(quiz.completed_at) + datetime.timedelta(days=days[quiz.kind])
        checks.append(FollowUpCheck(quiz, days[quiz.kind], opens_on, today >= opens_on, quiz.done))
    return checks


def is_open(user, quiz: Quiz, today: datetime.date | None = None) -> FollowUpCheck | None:
    """The check if `quiz` is a follow-up check open to `user` today, else None."""
    return next((c for c in followup_checks(user, today) if c.quiz.pk == quiz.pk and c.is_open), None)


@dataclass
class RetentionRow:
    skill: str
    label: str
    points: list[tuple[str, float | None, int]]  # (moment, mean score, learners counted)


def _first_attempts(attempts):
    """Each person's FIRST attempt of each test: retention is measured once, not retaken."""
    first = Attempt.objects.filter(user=OuterRef("user"), quiz__kind=OuterRef("quiz__kind")).order_by("submitted_at", "pk")
    return attempts.filter(quiz__kind__in=[k for k, _ in SERIES]).annotate(
        first_id=Subquery(first.values("pk")[:1])
    ).filter(pk=F("first_id"))


def retention(attempts) -> list[RetentionRow]:
    """Mean score per skill at each moment over the first attempts in `attempts` (one
    person's, or a group's): one query."""
    rows = (
        Answer.objects.filter(attempt__in=_first_attempts(attempts))
        .values("attempt__quiz__kind", "skill")
        .annotate(mean=Avg("score"), people=Count("attempt__user", distinct=True))
    )
    table = {(r["attempt__quiz__kind"], r["skill"]): (r["mean"], r["people"]) for r in rows}
    return [
        RetentionRow(skill, SKILL_LABELS[skill],
                     [(label, *table.get((kind, skill), (None, 0))) for kind, label in SERIES])
        for skill in Skill.values
    ]


def retention_charts(rows: list[RetentionRow], prefix: str) -> list:
    """One SVG per skill (four bars: before, after, +30, +90); the page shows the table too."""
    return [
        svg.bar_chart(
            [svg.Bar(moment, mean, percent(mean) if mean is not None else "pas encore")
             for moment, mean, _ in row.points],
            chart_id=f"retention-{prefix}-{row.skill}", title=f"{row.label} : score moyen à chaque étape",
        )
        for row in rows
    ]
