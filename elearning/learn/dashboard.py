"""The learner's own pages: dashboard, self-assessment, certificate, data export, deletion."""
import json

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from elearning import svg
from elearning.learn.forms import ConfidenceForm, DeleteAccountForm
from elearning.learn.quiz import handle_submission, resumed_quiz_context
from elearning.models import Certificate, Phase
from elearning.progress.certificates import CourseNotComplete, certificate_pdf, issue_certificate
from elearning.progress.followup import followup_checks, retention, retention_charts
from elearning.progress.personal_data import delete_account, export_user_data
from elearning.progress.rows import progress_with_row
from elearning.progress.selfassessment import (
    CONFIDENCE_LABELS,
    SKILL_QUESTIONS,
    closed_reason,
    comparison,
    confidence_recorded,
    first_attempt,
    record_confidence,
)
from elearning.resume import login_required_keeping_post, resumed_post
from elearning.templatetags.reperes import percent
from quizzes.attempts import load_quiz
from quizzes.models import Attempt, Quiz
from quizzes.writing_actions import reviewed_for


@login_required
def dashboard(request):
    progress = progress_with_row(request.user)
    attempts = list(
        Attempt.objects.filter(user=request.user).select_related("quiz").order_by("-submitted_at")[:20]
    )
    return render(request, "elearning/dashboard.html", {
        "progress": progress,
        "next_step": progress.next_step(),
        "attempts": attempts,
        "certificate": Certificate.objects.filter(user=request.user).first(),
        "followups": followup_checks(request.user),
        "writing_reviews": reviewed_for(request.user),
        # Group deadlines set by trainers (reminders: elearning/followup/reminders.py).
        "deadlines": list(
            request.user.enrolments.filter(cohort__deadline__isnull=False).select_related("cohort")
            .order_by("cohort__deadline").values_list("cohort__name", "cohort__deadline")
        ),
    })


@login_required
def retention_view(request):
    """Before → after → +30 → +90 days, per skill: what stayed."""
    rows = retention(Attempt.objects.filter(user=request.user))
    return render(request, "elearning/retention.html", {"rows": rows, "charts": retention_charts(rows, "moi")})


def _self_quiz(phase):
    if phase not in Phase.values:
        raise Http404
    return Quiz.objects.published().filter(kind=phase).first()


def _closed(request, phase):
    """A response when the test of `phase` is not to be taken now: the first attempt (no
    retake), or the dashboard with the reason; None when it may be taken."""
    attempt = first_attempt(request.user, phase)
    if attempt is not None:
        messages.info(request, "Ce test se passe une seule fois : votre première réponse sert de référence "
                               "pour le bilan avant / après. Voici votre résultat.")
        return redirect(attempt.get_absolute_url())
    reason = closed_reason(user=request.user, phase=phase, progress=progress_with_row(request.user))
    if reason:
        messages.info(request, reason)
        return redirect("dashboard")
    return None


@login_required_keeping_post()
def self_assessment(request, phase):
    quiz = _self_quiz(phase)
    closed = _closed(request, phase)
    if closed is not None:
        return closed
    rated = confidence_recorded(user=request.user, phase=phase)
    errors = {}
    resumed = resumed_post(request) if request.method == "GET" else None
    posted = request.POST if request.method == "POST" else (resumed or {})
    if request.method == "POST" and "confidence" in request.POST:
        form = ConfidenceForm(request.POST)
        if form.is_valid():
            record_confidence(user=request.user, phase=phase, ratings=form.ratings())
            return redirect("self_assessment", phase=phase)
        errors = form.skill_errors()
    if quiz is None:
        messages.info(request, "Le test d'auto-évaluation n'est pas encore disponible.")
        return redirect("dashboard")
    if not rated or errors:
        return render(request, "elearning/self_confidence.html", {
            "phase": phase, "phase_label": Phase(phase).label, "skills": SKILL_QUESTIONS.items(),
            "levels": CONFIDENCE_LABELS.items(), "errors": errors, "posted": posted,
        }, status=400 if errors else 200)
    context = resumed_quiz_context(request, quiz, load_quiz(quiz), resumed)
    context.update({"phase": phase, "submit_url": request.path + "envoyer/"})
    return render(request, "quizzes/quiz_detail.html", context)


@login_required_keeping_post(lambda phase: reverse("self_assessment", args=[phase]))
def self_assessment_submit(request, phase):
    """POST: record the test. A GET (reloaded address, session expired) goes to the test page."""
    if request.method != "POST":
        return redirect("self_assessment", phase=phase)
    quiz = _self_quiz(phase)
    if quiz is None:
        raise Http404
    closed = _closed(request, phase)
    if closed is not None:
        return closed
    if not confidence_recorded(user=request.user, phase=phase):
        # Sent without the confidence step (an old tab, a crafted request): nothing is stored.
        messages.error(request, "Indiquez d'abord votre niveau de confiance pour chaque compétence, puis faites le test.")
        return redirect("self_assessment", phase=phase)
    return handle_submission(request, quiz, template="quizzes/quiz_detail.html",
                             extra_context={"phase": phase, "submit_url": request.path})


@login_required
def self_assessment_report(request):
    rows = comparison(request.user)
    score_chart = svg.paired_bar_chart(
        [svg.Bar(label=row.label, value=row.score_before, text=percent(row.score_before),
                 value_2=row.score_after, text_2=percent(row.score_after)) for row in rows],
        chart_id="bilan-score", title="Score au test par compétence, avant et après le parcours",
    )
    confidence_chart = svg.paired_bar_chart(
        [svg.Bar(label=row.label,
                 value=(row.confidence_before or 0) / 4, text=f"{row.confidence_before or '—'} / 4",
                 value_2=(row.confidence_after or 0) / 4, text_2=f"{row.confidence_after or '—'} / 4")
         for row in rows],
        chart_id="bilan-confiance", title="Confiance déclarée par compétence (1 à 4), avant et après",
    )
    return render(request, "elearning/self_report.html", {
        "rows": rows, "score_chart": score_chart, "confidence_chart": confidence_chart,
    })


@login_required
def certificate(request):
    try:
        cert = issue_certificate(user=request.user)
    except CourseNotComplete as refused:
        return render(request, "elearning/certificate_refused.html", {"progress": refused.progress}, status=403)
    return render(request, "elearning/certificate.html", {"certificate": cert,
                                                          "verify_url": request.build_absolute_uri(cert.get_absolute_url())})


@login_required
def certificate_download(request):
    cert = Certificate.objects.filter(user=request.user).first()
    if cert is None:
        return redirect("certificate")
    pdf = certificate_pdf(cert, verify_url=request.build_absolute_uri(cert.get_absolute_url()))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="attestation-reperes.pdf"'
    return response


def certificate_verify(request, code):
    cert = Certificate.objects.filter(code=code).only("learner_name", "course_title", "completed_on", "reissued_at").first()
    if cert is None:
        return render(request, "elearning/certificate_verify.html", {"certificate": None}, status=404)
    return render(request, "elearning/certificate_verify.html", {"certificate": cert})


@login_required
def data_export(request):
    payload = json.dumps(export_user_data(user=request.user), ensure_ascii=False, indent=2)
    response = HttpResponse(payload, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="mes-donnees-reperes.json"'
    return response


@login_required
def account_delete(request):
    form = DeleteAccountForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = request.user
        logout(request)
        delete_account(user=user)
        messages.success(request, "Votre compte a été supprimé. Vos résultats restent dans les statistiques du groupe, sans votre nom.")
        return redirect("home")
    return render(request, "elearning/account_delete.html", {"form": form})
