"""Quiz pages: take a quiz, submit it (POST only), see the result of one's own attempt."""
import uuid

from django.contrib.auth.decorators import login_required
from django.core import signing
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from elearning.progress.completion import course_progress
from quizzes.attempts import IncompleteSubmission, load_quiz, parse_choices, submit
from quizzes.models import Answer, AnswerOption, Attempt, Quiz

_KEY_SALT = "quizzes.submission"


def new_token():
    return signing.dumps({"k": str(uuid.uuid4()), "t": timezone.now().isoformat()}, salt=_KEY_SALT)


def _read_token(token):
    try:
        data = signing.loads(token, salt=_KEY_SALT)
        return uuid.UUID(data["k"]), timezone.datetime.fromisoformat(data["t"])
    except (signing.BadSignature, KeyError, ValueError, TypeError):
        return None, None


def quiz_context(quiz, content, *, token, chosen=None, missing=None, error=""):
    chosen = chosen or {}
    missing_ids = {q.id for q in (missing or [])}
    items = [
        {
            "question": q,
            "options": content.options[q.id],
            "chosen": chosen.get(q.id, set()),
            "missing": q.id in missing_ids,
            "number": index,
        }
        for index, q in enumerate(content.questions, start=1)
    ]
    return {"quiz": quiz, "items": items, "token": token, "missing": missing or [], "error": error,
            "total": len(items)}


def _get_quiz(slug):
    return get_object_or_404(Quiz.objects.published().select_related("lesson__module", "module"), slug=slug)


@login_required
def quiz_detail(request, slug):
    quiz = _get_quiz(slug)
    if quiz.kind in (Quiz.Kind.SELF_BEFORE, Quiz.Kind.SELF_AFTER):
        return redirect("self_assessment", phase=quiz.kind)
    content = load_quiz(quiz)
    best = quiz.results.filter(user=request.user).select_related("best_attempt").first()
    context = quiz_context(quiz, content, token=new_token())
    context["best"] = best
    return render(request, "quizzes/quiz_detail.html", context)


@login_required
@require_POST
def quiz_submit(request, slug):
    quiz = _get_quiz(slug)
    return handle_submission(request, quiz, template="quizzes/quiz_detail.html")


def handle_submission(request, quiz, *, template, extra_context=None):
    content = load_quiz(quiz)
    key, started_at = _read_token(request.POST.get("token", ""))
    chosen = parse_choices(content, request.POST)
    if key is None:
        context = quiz_context(quiz, content, token=new_token(), chosen=chosen,
                                error="Le formulaire a expiré ou a été modifié : vérifiez vos réponses et envoyez-le à nouveau.")
        context.update(extra_context or {})
        return render(request, template, context, status=400)
    try:
        attempt = submit(user=request.user, content=content, chosen=chosen, submission_key=key, started_at=started_at)
    except IncompleteSubmission as incomplete:
        context = quiz_context(quiz, content, token=request.POST["token"], chosen=chosen, missing=incomplete.missing)
        context.update(extra_context or {})
        return render(request, template, context, status=400)
    return redirect("quiz_result", slug=attempt.quiz.slug, attempt_id=attempt.pk)


@login_required
def quiz_result(request, slug, attempt_id):
    attempt = get_object_or_404(
        Attempt.objects.select_related("quiz").prefetch_related(
            Prefetch("answers", queryset=Answer.objects.order_by("order").prefetch_related(
                Prefetch("options", queryset=AnswerOption.objects.order_by("order"))))
        ),
        pk=attempt_id, user=request.user, quiz__slug=slug,
    )
    quiz = attempt.quiz
    result = quiz.results.filter(user=request.user).first()
    next_step = course_progress(request.user).next_step() if quiz.counts_for_progress else None
    return render(request, "quizzes/quiz_result.html", {
        "attempt": attempt, "quiz": quiz, "result": result, "next_step": next_step,
    })
