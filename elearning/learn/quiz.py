"""Quiz pages: take a quiz, submit it (POST only), see the result of one's own attempt."""
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.debug import sensitive_post_parameters

from elearning.progress import followup
from elearning.progress.completion import course_progress
from elearning.progress.followup import FOLLOWUP_KINDS
from elearning.resume import login_required_keeping_post, resumed_post
from quizzes.attempts import IncompleteSubmission, load_quiz, parse_choices, response_errors, submit
from quizzes.models import Answer, AnswerOption, Attempt, Quiz, WritingCheck
from quizzes.writing import clean_text
from quizzes.writing_actions import annotate_findings, saved_drafts

_KEY_SALT = "quizzes.submission"


def new_token():
    return signing.dumps({"k": str(uuid.uuid4()), "t": timezone.now().isoformat()}, salt=_KEY_SALT)


def read_token(token):
    try:
        data = signing.loads(token, salt=_KEY_SALT)
        return uuid.UUID(data["k"]), timezone.datetime.fromisoformat(data["t"])
    except (signing.BadSignature, KeyError, ValueError, TypeError):
        return None, None


def quiz_context(quiz, content, *, token, chosen=None, missing=None, error="", errors=None):
    chosen = chosen or {}
    errors = errors or {}
    missing_ids = {q.id for q in (missing or [])}
    items = [
        {
            "question": q,
            "options": content.options[q.id],
            "chosen": chosen.get(q.id, set()),
            # A written answer, shown back as it can be stored (never with a NUL byte).
            "text": clean_text(chosen[q.id]) if isinstance(chosen.get(q.id), str) else "",
            "missing": q.id in missing_ids,
            "error": errors.get(q.id, ""),
            "number": index,
        }
        for index, q in enumerate(content.questions, start=1)
    ]
    return {"quiz": quiz, "items": items, "token": token, "missing": missing or [], "error": error,
            "total": len(items)}


def _get_quiz(slug):
    return get_object_or_404(Quiz.objects.reachable().select_related("lesson__module", "module"), slug=slug)


def _followup_closed(request, quiz):
    """A follow-up check opens 30 or 90 days after the course: before that, back to the dashboard."""
    if quiz.kind not in FOLLOWUP_KINDS or followup.is_open(request.user, quiz):
        return None
    messages.info(request, "Cette vérification de suivi s'ouvre 30 ou 90 jours après la fin du parcours : "
                           "la date figure sur votre tableau de bord, et un e-mail vous préviendra.")
    return redirect("dashboard")


def resumed_quiz_context(quiz, content, resumed, *, saved=None) -> dict:
    """The quiz form, empty (or with the learner's saved drafts, `saved`), or with the answers
    sent when the session had expired (`resumed`; the submission key they carried is kept:
    sending them again never records twice)."""
    if resumed is None:
        return quiz_context(quiz, content, token=new_token(), chosen=saved)
    token = resumed.get("token", "")
    if read_token(token)[0] is None:
        token = new_token()
    return quiz_context(quiz, content, token=token, chosen=parse_choices(content, resumed))


@login_required
def quiz_detail(request, slug):
    quiz = _get_quiz(slug)
    if quiz.kind in (Quiz.Kind.SELF_BEFORE, Quiz.Kind.SELF_AFTER):
        return redirect("self_assessment", phase=quiz.kind)
    if closed := _followup_closed(request, quiz):
        return closed
    content = load_quiz(quiz)
    best = quiz.results.filter(user=request.user).select_related("best_attempt").first()
    context = resumed_quiz_context(quiz, content, resumed_post(request),
                                   saved=saved_drafts(user=request.user, content=content))
    context["best"] = best
    return render(request, "quizzes/quiz_detail.html", context)


# Answers (a written IP included) are learner data: never in an error report.
@sensitive_post_parameters()
@login_required_keeping_post(lambda slug: reverse("quiz", args=[slug]))
def quiz_submit(request, slug):
    """POST: record the attempt. A GET (a reloaded or bookmarked address) goes to the quiz."""
    if request.method != "POST":
        return redirect("quiz", slug=slug)
    quiz = _get_quiz(slug)
    if closed := _followup_closed(request, quiz):
        return closed
    return handle_submission(request, quiz, template="quizzes/quiz_detail.html")


def handle_submission(request, quiz, *, template, extra_context=None):
    content = load_quiz(quiz)
    key, started_at = read_token(request.POST.get("token", ""))
    chosen = parse_choices(content, request.POST)
    if key is None:
        context = quiz_context(quiz, content, token=new_token(), chosen=chosen,
                                error="Le formulaire a expiré ou a été modifié : vérifiez vos réponses et envoyez-le à nouveau.")
        context.update(extra_context or {})
        return render(request, template, context, status=400)
    try:
        attempt = submit(user=request.user, content=content, chosen=chosen, submission_key=key, started_at=started_at)
    except IncompleteSubmission as incomplete:
        context = quiz_context(quiz, content, token=request.POST["token"], chosen=chosen, missing=incomplete.missing,
                               errors=response_errors(content, chosen))
        context.update(extra_context or {})
        return render(request, template, context, status=400)
    return redirect("quiz_result", slug=attempt.quiz.slug, attempt_id=attempt.pk)


@login_required
def quiz_result(request, slug, attempt_id):
    attempt = get_object_or_404(
        Attempt.objects.select_related("quiz").prefetch_related(
            Prefetch("answers", queryset=Answer.objects.order_by("order").select_related("written").prefetch_related(
                Prefetch("options", queryset=AnswerOption.objects.order_by("order")),
                Prefetch("writing_checks", queryset=WritingCheck.objects.order_by("order")),
                "written__comments"))
        ),
        pk=attempt_id, user=request.user, quiz__slug=slug,
    )
    annotate_findings(attempt.answers.all())
    quiz = attempt.quiz
    is_self = quiz.kind in (Quiz.Kind.SELF_BEFORE, Quiz.Kind.SELF_AFTER)
    result = None if is_self else quiz.results.filter(user=request.user).first()
    # The real next step first, then one way to retry (none for the before/after tests,
    # taken once); when retrying is the next step, it is offered once.
    next_step = course_progress(request.user).next_step()
    retry_url = None if is_self else quiz.get_absolute_url()
    if next_step and next_step.url == retry_url:
        next_step = None
    return render(request, "quizzes/quiz_result.html", {
        "attempt": attempt, "quiz": quiz, "result": result, "next_step": next_step, "retry_url": retry_url,
        "is_self": is_self,
    })
