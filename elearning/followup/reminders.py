"""Deadline reminders (7 days and 1 day before a group's deadline, to its learners who have
not finished the course) and the follow-up checks' openings (30 and 90 days after the course),
to those who accept reminders. `send_reminders` runs this once a day.

Idempotent: each reminder is first a `ScheduledEmail` row (unique per person, group and
kind); a row is claimed, sent, then marked sent. A rerun finds nothing new to send; a run
stopped half-way leaves the remaining rows pending, and the next run sends them. Only a
crash during the SMTP exchange of one message can make that one message go twice (a row
claimed more than an hour ago is claimed again)."""
import datetime
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from elearning import mail
from elearning.followup.models import ScheduledEmail
from elearning.models import Cohort, CourseCompletion, Enrolment
from elearning.progress.completion import course_structure
from elearning.progress.followup import FOLLOWUP_KINDS, FOLLOWUPS
from elearning.progress.models import LearnerProgress
from elearning.progress.rows import learner_progress
from quizzes.models import Attempt, Quiz

Kind = ScheduledEmail.Kind
Status = ScheduledEmail.Status
WINDOWS = [(Kind.DEADLINE_1, 1), (Kind.DEADLINE_7, 7)]  # the nearest first
STALE_CLAIM = datetime.timedelta(hours=1)


@dataclass
class RunReport:
    planned: int = 0
    sent: int = 0
    skipped: int = 0
    failed: int = 0


def _kind_due(deadline: datetime.date, today: datetime.date) -> str | None:
    """The reminder whose window `today` is in: J-1 from the day before, J-7 from a week before."""
    days_left = (deadline - today).days
    if days_left < 0:
        return None
    for kind, days in WINDOWS:
        if days_left <= days:
            return kind
    return None


def plan(today: datetime.date) -> int:
    """Create the rows of the reminders due today (each at most once). Returns how many."""
    created = 0
    cohorts = Cohort.objects.filter(deadline__gte=today, deadline__lte=today + datetime.timedelta(days=7))
    for cohort in cohorts:
        kind = _kind_due(cohort.deadline, today)
        if kind is None:
            continue
        for enrolment in Enrolment.objects.filter(cohort=cohort).select_related("user"):
            try:
                with transaction.atomic():
                    ScheduledEmail.objects.create(user=enrolment.user, cohort=cohort, kind=kind, due_on=today)
                    created += 1
            except IntegrityError:
                continue  # already planned by an earlier run
    return created


def plan_followups(today: datetime.date) -> int:
    """A row per follow-up check that has opened (30 or 90 days after completion), once."""
    created = 0
    for kind, days in FOLLOWUPS:
        quiz = Quiz.objects.published().filter(kind=kind).first()
        if quiz is None:
            continue
        due = CourseCompletion.objects.filter(completed_at__date__lte=today - datetime.timedelta(days=days))
        already = ScheduledEmail.objects.filter(kind=kind, cohort__isnull=True).values("user_id")
        for completion in due.exclude(user_id__in=already).select_related("user"):
            try:
                with transaction.atomic():
                    ScheduledEmail.objects.create(user=completion.user, kind=kind, due_on=today)
                    created += 1
            except IntegrityError:
                continue
    return created


def _send_followup(row: ScheduledEmail, now: datetime.datetime) -> bool | None:
    """None when the check was already taken (nothing to remind)."""
    quiz = Quiz.objects.published().filter(kind=row.kind).first()
    if quiz is None or Attempt.objects.filter(user=row.user, quiz=quiz).exists():
        return None
    days = dict(FOLLOWUPS)[row.kind]
    return mail.send(
        to=row.user.email, subject=f"Votre vérification de suivi à {days} jours est ouverte",
        template="suivi_ouvert", unsubscribe_user=row.user,
        context={"user": row.user, "days": days, "quiz_url": mail.site_url(quiz.get_absolute_url())},
    )


def _send_deadline(row: ScheduledEmail, now: datetime.datetime, structure) -> bool | None:
    """None when there is nothing to remind: the course is done, or a J-1 row supersedes this J-7."""
    user, cohort = row.user, row.cohort
    newer = ScheduledEmail.objects.filter(user=user, cohort=cohort, kind=Kind.DEADLINE_1).exclude(pk=row.pk).exists()
    stored = learner_progress(user, structure)
    if (row.kind == Kind.DEADLINE_7 and newer) or (stored is not None and stored.complete):
        return None
    return mail.send(
        to=user.email, subject=f"Votre parcours Repères : échéance le {cohort.deadline:%d/%m/%Y}",
        template="rappel_echeance", unsubscribe_user=user,
        context={"user": user, "cohort": cohort, "days": (cohort.deadline - now.date()).days,
                 "dashboard_url": mail.site_url(reverse("dashboard"))},
    )


def deliver(now: datetime.datetime) -> RunReport:
    """Claim each pending row, send it (or skip it: opted out, deleted, nothing to remind),
    then record the outcome; a failed send goes back to pending for the next run."""
    report = RunReport()
    structure = course_structure()
    claimable = Q(status=Status.PENDING) | Q(status=Status.SENDING, claimed_at__lt=now - STALE_CLAIM)
    for row in ScheduledEmail.objects.filter(claimable).select_related("user", "cohort").order_by("pk"):
        if not ScheduledEmail.objects.filter(claimable, pk=row.pk).update(status=Status.SENDING, claimed_at=now):
            continue  # another run took it
        if not (row.user.is_active and row.user.email_reminders):
            sent = None
        elif row.kind in FOLLOWUP_KINDS:
            sent = _send_followup(row, now)
        else:
            sent = _send_deadline(row, now, structure)
        rows = ScheduledEmail.objects.filter(pk=row.pk)
        if sent is None:
            rows.update(status=Status.SKIPPED)
            report.skipped += 1
        elif sent:
            rows.update(status=Status.SENT, sent_at=timezone.now())
            report.sent += 1
        else:
            rows.update(status=Status.PENDING)
            report.failed += 1
    return report


def run(now: datetime.datetime | None = None) -> RunReport:
    now = now or timezone.now()
    planned = plan(timezone.localdate(now)) + plan_followups(timezone.localdate(now))
    report = deliver(now)
    report.planned = planned
    return report


def late_learners(cohort: Cohort, today: datetime.date) -> list:
    """After the deadline: the group's learners who have not finished the course."""
    if cohort.deadline is None or today <= cohort.deadline:
        return []
    structure = course_structure()
    # One query on the learners' stored rows, where completion was decided.
    complete = LearnerProgress.objects.filter(user_id=OuterRef("user_id"), course=structure.course,
                                              completed_at__isnull=False)
    enrolments = (Enrolment.objects.filter(cohort=cohort).exclude(Exists(complete)).select_related("user")
                  .order_by("user__last_name"))
    return [e.user for e in enrolments]
