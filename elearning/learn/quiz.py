"""Quiz pages: take a quiz, submit it (POST only), see the result of one's own attempt.

The form carries a signed token: a random submission key (a double submit of one form
records once; two tabs are two attempts), the time the form was shown, and the seed of the
order its options were shown in. The seed is derived from the learner, the quiz and the
number of attempts so far, so a reload shows the same order and the next attempt another;
the POST reads it back from the signed token, so the attempt stores the order that was
shown even if another tab was submitted meanwhile. Grading maps options by id, never by
position."""
import uuid
from dataclasses import dataclass
from datetime import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.views.decorators.debug import sensitive_post_parameters

from elearning.progress import followup
from elearning.progress.completion import course_progress
from elearning.progress.followup import FOLLOWUP_KINDS
from elearning.resume import login_required_keeping_post, resumed_post
from quizzes import case_runs
from quizzes.attempts import IncompleteSubmission, as_shown, load_quiz, parse_choices, response_errors, submit
from quizzes.models import Answer, AnswerOption, AnswerStep, Attempt, Quiz, WritingCheck
from quizzes.writing import clean_text
from quizzes.writing_actions import annotate_findings, saved_drafts

_KEY_SALT = "quizzes.submission"


_SEED_SALT = "quizzes.option-order"


@dataclass(frozen=True)
class FormToken:
    key: uuid.UUID
    started_at: datetime
    seed: str


def shuffle_seed(*, user, quiz) -> str:
    """The seed of the option order of the learner's next attempt at `quiz` (an HMAC of the
    learner, the quiz and the attempts made so far: the same on every reload, unguessable,
    new after each attempt). One query."""
    done = Attempt.objects.filter(user=user, quiz=quiz).count()
    return salted_hmac(_SEED_SALT, f"{user.pk}:{quiz.pk}:{done}").hexdigest()[:32]


def new_token(*, seed: str) -> str:
    return signing.dumps({"k": str(uuid.uuid4()), "t": timezone.now().isoformat(), "s": seed}, salt=_KEY_SALT)


def read_token(token) -> FormToken | None:
    """The token's key, time and seed, or None when it is missing, tampered with or malformed.
    A token without a seed (issued before options were shuffled) shows the editors' order."""
    try:
        data = signing.loads(token, salt=_KEY_SALT)
        seed = data.get("s", "")
        if not isinstance(seed, str):
            return None
        return FormToken(uuid.UUID(data["k"]), timezone.datetime.fromisoformat(data["t"]), seed[:64])
    except (signing.BadSignature, AttributeError, KeyError, ValueError, TypeError):
        return None


def kept_or_new_token(raw: str, *, user, quiz) -> tuple[str, str]:
    """The posted token and its seed when it is valid (a reload or a resumed form keeps its
    submission key and option order); else a fresh token for the learner's next attempt."""
    token = read_token(raw)
    if token is None:
        seed = shuffle_seed(user=user, quiz=quiz)
        return new_token(seed=seed), seed
    return raw, token.seed


def shown(content, seed: str):
    """The quiz with its options in the order of `seed` (the editors' order without one)."""
    return as_shown(content, seed=seed) if seed else content


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


def with_case_states(context: dict, user) -> dict:
    """Each case of the quiz with the learner's progress in it (one query, none without a
    case): a finished case carries its path into the form, as hidden fields."""
    questions = [item["question"] for item in context["items"] if item["question"].input_type == "case"]
    if not questions:
        return context
    states = case_runs.finished_paths(user=user, questions=questions)
    for item in context["items"]:
        question = item["question"]
        if question.pk in states:
            item["case"] = states[question.pk]
            item["case_url"] = reverse("quiz_case", args=[context["quiz"].slug, question.pk])
    return context


def get_quiz(slug):
    return get_object_or_404(Quiz.objects.reachable().select_related("lesson__module", "module"), slug=slug)


def followup_closed(request, quiz):
    """A follow-up check opens 30 or 90 days after the course: before that, back to the dashboard."""
    if quiz.kind not in FOLLOWUP_KINDS or followup.is_open(request.user, quiz):
        return None
    messages.info(request, "Cette vérification de suivi s'ouvre 30 ou 90 jours après la fin du parcours : "
                           "la date figure sur votre tableau de bord, et un e-mail vous préviendra.")
    return redirect("dashboard")


def resumed_quiz_context(request, quiz, content, resumed, *, saved=None) -> dict:
    """The quiz form, empty (or with the learner's saved drafts of writing exercises, `saved`),
    or with the answers sent when the session had expired (`resumed`; the submission key and
    the option order they carried are kept: sending them again never records twice, and the
    options stay where the learner saw them)."""
    raw, seed = kept_or_new_token(resumed.get("token", "") if resumed is not None else "",
                                  user=request.user, quiz=quiz)
    chosen = parse_choices(content, resumed) if resumed is not None else saved
    return quiz_context(quiz, shown(content, seed), token=raw, chosen=chosen)


@login_required
def quiz_detail(request, slug):
    quiz = get_quiz(slug)
    if quiz.kind in (Quiz.Kind.SELF_BEFORE, Quiz.Kind.SELF_AFTER):
        return redirect("self_assessment", phase=quiz.kind)
    if closed := followup_closed(request, quiz):
        return closed
    content = load_quiz(quiz)
    best = quiz.results.filter(user=request.user).select_related("best_attempt").first()
    context = with_case_states(
        resumed_quiz_context(request, quiz, content, resumed_post(request),
                             saved=saved_drafts(user=request.user, content=content)),
        request.user)
    context["best"] = best
    return render(request, "quizzes/quiz_detail.html", context)


# Answers (a written IP included) are learner data: never in an error report.
@sensitive_post_parameters()
@login_required_keeping_post(lambda slug: reverse("quiz", args=[slug]))
def quiz_submit(request, slug):
    """POST: record the attempt. A GET (a reloaded or bookmarked address) goes to the quiz."""
    if request.method != "POST":
        return redirect("quiz", slug=slug)
    quiz = get_quiz(slug)
    if closed := followup_closed(request, quiz):
        return closed
    return handle_submission(request, quiz, template="quizzes/quiz_detail.html")


def handle_submission(request, quiz, *, template, extra_context=None):
    token = read_token(request.POST.get("token", ""))
    content = load_quiz(quiz)
    # Options are read back by id: their order only matters for what is shown and stored.
    chosen = parse_choices(content, request.POST)
    if token is None:
        seed = shuffle_seed(user=request.user, quiz=quiz)
        context = quiz_context(quiz, shown(content, seed), token=new_token(seed=seed), chosen=chosen,
                                error="Le formulaire a expiré ou a été modifié : vérifiez vos réponses et envoyez-le à nouveau.")
        context.update(extra_context or {})
        return render(request, template, with_case_states(context, request.user), status=400)
    content = shown(content, token.seed)
    try:
        attempt = submit(user=request.user, content=content, chosen=chosen, submission_key=token.key,
                         started_at=token.started_at)
    except IncompleteSubmission as incomplete:
        context = quiz_context(quiz, content, token=request.POST["token"], chosen=chosen, missing=incomplete.missing,
                               errors=response_errors(content, chosen))
        context.update(extra_context or {})
        return render(request, template, with_case_states(context, request.user), status=400)
    return redirect("quiz_result", slug=attempt.quiz.slug, attempt_id=attempt.pk)


@login_required
def quiz_result(request, slug, attempt_id):
    attempt = get_object_or_404(
        Attempt.objects.select_related("quiz").prefetch_related(
            Prefetch("answers", queryset=Answer.objects.order_by("order").select_related("written").prefetch_related(
                Prefetch("options", queryset=AnswerOption.objects.order_by("order")),
                Prefetch("steps", queryset=AnswerStep.objects.order_by("position")),
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
