"""The "attestation de suivi": issued once, when the course is complete; a PDF; a public check."""
from django.db import IntegrityError, transaction
from django.db.models import Max, Min
from django.template.loader import render_to_string
from django.utils import timezone

from elearning.models import Certificate, Enrolment, LessonCompletion
from elearning.progress.completion import CourseProgress, course_structure
from elearning.progress.rows import progress_with_row, refresh_learners
from quizzes.models import Attempt, Quiz, QuizResult


class CourseNotComplete(Exception):
    """Refused: the course is not complete; `progress` says where the learner stands."""

    def __init__(self, progress):
        self.progress = progress
        super().__init__("Le parcours n'est pas terminé.")


def final_score(user):
    result = QuizResult.objects.filter(user=user, quiz__kind=Quiz.Kind.FINAL).order_by("-best_score").first()
    return result.best_score if result else None


def completion_date(user, progress: CourseProgress):
    """The day the course became complete: the last of the dates at which each lesson was
    done and each quiz first passed (2 queries), not the day the certificate is opened."""
    lesson_ids = [state.lesson.id for module in progress.modules for state in module.lessons]
    quiz_ids = [state.quiz.id for module in progress.modules for state in module.quizzes]
    last_lesson = LessonCompletion.objects.filter(user=user, lesson_id__in=lesson_ids).aggregate(
        last=Max("completed_at"))["last"]
    first_passes = (
        Attempt.objects.filter(user=user, quiz_id__in=quiz_ids, passed=True)
        .values("quiz_id").annotate(first=Min("submitted_at")).values_list("first", flat=True)
    )
    moments = [moment for moment in [last_lesson, *first_passes] if moment is not None]
    return timezone.localdate(max(moments)) if moments else timezone.localdate()


def organisation_name(user) -> str:
    enrolment = (Enrolment.objects.filter(user=user).select_related("cohort__organisation")
                 .order_by("-joined_at").first())
    return enrolment.cohort.organisation.name if enrolment else ""


def issue_certificate(*, user) -> Certificate:
    """Return the learner's certificate, creating it the first time. Refused if incomplete."""
    structure = course_structure()
    existing = Certificate.objects.filter(user=user, course=structure.course).first() if structure.course else None
    if existing:
        return existing
    # Completion is read from the learner's stored row, where the write paths decided it.
    progress = progress_with_row(user, structure)
    if not progress.complete:
        raise CourseNotComplete(progress)
    try:
        with transaction.atomic():
            certificate = Certificate.objects.create(
                user=user,
                course=progress.course,
                learner_name=holder_name(user),
                course_title=progress.course.title,
                completed_on=completion_date(user, progress),
                final_score=final_score(user),
                course_minutes=progress.minutes_total,
                organisation_name=organisation_name(user),
            )
            refresh_learners(user_ids=[user.pk], structure=structure)
            return certificate
    except IntegrityError:
        return Certificate.objects.get(user=user, course=progress.course)


def holder_name(user) -> str:
    """The name printed on a certificate: the account's, as it is now."""
    return user.get_full_name() or user.email


def reissue_under_account_name(*, user) -> list[Certificate]:
    """After the learner corrects their name: their certificates carry the new name, under the
    same code (the PDF and the check page follow), with the date of reissue."""
    name = holder_name(user)
    stale = list(Certificate.objects.filter(user=user).exclude(learner_name=name))
    now = timezone.now()
    for certificate in stale:
        certificate.learner_name = name
        certificate.reissued_at = now
    Certificate.objects.bulk_update(stale, ["learner_name", "reissued_at"])
    return stale


def certificate_pdf(certificate: Certificate, *, verify_url: str) -> bytes:
    # Not a cycle: WeasyPrint loads Pango and HarfBuzz (about 40 MB and seconds per process,
    # measured 29 Nov 2026), and only the PDF download needs it, so no worker pays for it early.
    from weasyprint import HTML

    html = render_to_string("elearning/certificate_pdf.html", {"certificate": certificate, "verify_url": verify_url})
    return HTML(string=html).write_pdf()
