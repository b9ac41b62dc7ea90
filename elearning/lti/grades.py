"""Grades back to the platform (LTI Assignment and Grade Services).

A grade is first written to the outbox (`PlatformGrade`) in the transaction that produced
it; `send_pending()` sends it after commit and again later (`manage.py send_lti_grades`,
from cron) while the platform is unreachable. Each send carries the time of the score, so
a platform that receives the same score twice keeps one: nothing lost, nothing doubled."""
import logging

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from lti_tool.models import LtiRegistration
from pylti1p3.assignments_grades import AssignmentsGradesService
from pylti1p3.exception import LtiException
from pylti1p3.grade import Grade
from pylti1p3.service_connector import ServiceConnector
from requests import RequestException

from elearning.lti.models import PlatformGrade
from elearning.lti.resources import COURSE
from elearning.progress.completion import course_structure
from elearning.progress.rows import learner_progress
from quizzes.models import Attempt

log = logging.getLogger(__name__)
MAX_TRIES = 50


def queue_grade_for_attempt(sender, instance: Attempt, created: bool, **kwargs) -> None:
    """post_save of an attempt: update the quiz's grade row, and mark the course's row to be
    recomputed; both in the attempt's transaction, the sending after commit."""
    if not created or instance.user_id is None:
        return
    rows = PlatformGrade.objects.filter(account__user_id=instance.user_id,
                                        resource__in=[f"quiz:{instance.quiz.slug}", COURSE])
    if not rows.exists():
        return
    best = Attempt.objects.filter(user_id=instance.user_id, quiz_id=instance.quiz_id).aggregate(best=Max("score"))["best"]
    now = timezone.now()
    rows.filter(resource=f"quiz:{instance.quiz.slug}").update(
        score=best, activity_progress="Completed", grading_progress="FullyGraded", timestamp=now,
        status=PlatformGrade.Status.PENDING, tries=0, last_error="",
    )
    rows.filter(resource=COURSE).update(timestamp=now, status=PlatformGrade.Status.PENDING, tries=0, last_error="")
    transaction.on_commit(lambda: send_pending(user_id=instance.user_id))


def queue_course_grade(sender, instance, created: bool, **kwargs) -> None:
    """post_save of a lesson completion: the course's grade row is to be recomputed and sent."""
    if not created:
        return
    rows = PlatformGrade.objects.filter(account__user_id=instance.user_id, resource=COURSE)
    if rows.update(timestamp=timezone.now(), status=PlatformGrade.Status.PENDING, tries=0, last_error=""):
        transaction.on_commit(lambda: send_pending(user_id=instance.user_id))


def _course_grade(row: PlatformGrade) -> None:
    # Read from the learner's stored progress row, where completion was decided.
    structure = course_structure()
    stored = learner_progress(row.account.user, structure)
    total = len(structure.lessons) + len(structure.quizzes) or 1
    done = stored.lessons_done + stored.quizzes_passed if stored else 0
    complete = bool(stored and stored.complete)
    row.score = min(1.0, done / total)
    row.activity_progress = "Completed" if complete else "InProgress"
    row.grading_progress = "FullyGraded" if complete else "Pending"


def _send(row: PlatformGrade) -> None:
    registration = LtiRegistration.objects.get(pk=row.context.deployment.registration_id).to_registration()
    service = AssignmentsGradesService(ServiceConnector(registration), row.ags)
    grade = (
        Grade().set_score_given(round(row.score * 100, 2)).set_score_maximum(100)
        .set_timestamp(row.timestamp.isoformat()).set_activity_progress(row.activity_progress)
        .set_grading_progress(row.grading_progress).set_user_id(row.account.lti_user.sub)
    )
    service.put_grade(grade)


def send_pending(*, user_id: int | None = None) -> tuple[int, int]:
    """Send every grade waiting (for one user after an attempt; all from the command).
    Returns (sent, failed). A failure is kept for a later try; its log line names no person."""
    rows = PlatformGrade.objects.filter(status__in=[PlatformGrade.Status.PENDING, PlatformGrade.Status.FAILED],
                                        tries__lt=MAX_TRIES)
    if user_id is not None:
        rows = rows.filter(account__user_id=user_id)
    sent = failed = 0
    for row in rows.select_related("account__user", "account__lti_user", "context__deployment"):
        if row.resource == COURSE:
            _course_grade(row)
        if row.score is None:
            continue
        try:
            _send(row)
        except (LtiException, RequestException, KeyError, ValueError) as error:
            failed += 1
            PlatformGrade.objects.filter(pk=row.pk, timestamp=row.timestamp).update(
                status=PlatformGrade.Status.FAILED, tries=row.tries + 1, last_error=str(error)[:300],
            )
            log.warning("Note LTI %s non envoyée (essai %s) : %s", row.pk, row.tries + 1, type(error).__name__)
        else:
            sent += 1
            # Only if no newer score arrived meanwhile (same timestamp): never lose a newer one.
            PlatformGrade.objects.filter(pk=row.pk, timestamp=row.timestamp).update(
                status=PlatformGrade.Status.SENT, sent_at=timezone.now(), score=row.score,
                activity_progress=row.activity_progress, grading_progress=row.grading_progress, last_error="",
            )
    return sent, failed
