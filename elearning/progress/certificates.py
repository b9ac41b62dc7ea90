"""The "attestation de suivi": issued once, when the course is complete; a PDF; a public check."""
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from elearning.models import Certificate
from elearning.progress.completion import course_progress, course_structure
from quizzes.models import Quiz, QuizResult


class CourseNotComplete(Exception):
    """Refused: the course is not complete; `progress` says where the learner stands."""

    def __init__(self, progress):
        self.progress = progress
        super().__init__("Le parcours n'est pas terminé.")


def final_score(user):
    result = QuizResult.objects.filter(user=user, quiz__kind=Quiz.Kind.FINAL).order_by("-best_score").first()
    return result.best_score if result else None


def issue_certificate(*, user) -> Certificate:
    """Return the learner's certificate, creating it the first time. Refused if incomplete."""
    structure = course_structure()
    existing = Certificate.objects.filter(user=user, course=structure.course).first() if structure.course else None
    if existing:
        return existing
    progress = course_progress(user, structure=structure)
    if not progress.complete:
        raise CourseNotComplete(progress)
    try:
        with transaction.atomic():
            return Certificate.objects.create(
                user=user,
                course=progress.course,
                learner_name=user.get_full_name() or user.email,
                course_title=progress.course.title,
                completed_on=timezone.localdate(),
                final_score=final_score(user),
            )
    except IntegrityError:
        return Certificate.objects.get(user=user, course=progress.course)


def certificate_pdf(certificate: Certificate, *, verify_url: str) -> bytes:
    # Not a cycle: WeasyPrint loads Pango and HarfBuzz (about 40 MB and seconds per process,
    # measured 29 Nov 2026), and only the PDF download needs it, so no worker pays for it early.
    from weasyprint import HTML

    html = render_to_string("elearning/certificate_pdf.html", {"certificate": certificate, "verify_url": verify_url})
    return HTML(string=html).write_pdf()
