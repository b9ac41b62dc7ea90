"""The one write path for a quiz attempt: grade on the server, snapshot, copy the pass mark,
update the learner's summary row — in one transaction, recorded once per submission key."""
import random
import uuid
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.dispatch import Signal
from django.utils import timezone

from elearning.accounts import current_cohort_id
from elearning.models import Status
from quizzes.models import Answer, AnswerOption, AnswerStep, Attempt, Option, Question, Quiz, QuizResult

# Sent inside the attempt's transaction once it is recorded (keyword `attempt`): the progress
# layer, above this one, keeps the learner's summary rows with it (elearning/progress/rows.py,
# connected at start-up by its AppConfig).
attempt_recorded = Signal()


@dataclass
class QuizContent:
    quiz: Quiz
    questions: list[Question]
    options: dict[int, list[Option]]


def load_quiz(quiz: Quiz, *, seed: str | None = None) -> QuizContent:
    """Questions (one query per question type, never per question) and their options: in the
    editors' order, or, given an attempt's seed, in the order that attempt shows them."""
    questions = list(
        Question.objects.filter(quiz=quiz, archived=False, status=Status.PUBLISHED)
        .select_related("lesson__module").order_by("order", "id")
    )
    options: dict[int, list[Option]] = {q.id: [] for q in questions}
    for option in Option.objects.filter(question_id__in=options).order_by("order", "id"):
        options[option.question_id].append(option)
    load_related(questions)
    content = QuizContent(quiz=quiz, questions=questions, options=options)
    return content if seed is None else as_shown(content, seed=seed)


def shown_order(options: list[Option], *, seed: str) -> list[Option]:
    """The options in the order one attempt shows them: pinned options keep their place in
    the editors' order (« aucune de ces réponses » stays last), the others are shuffled
    around them. Seeded, so the same attempt always sees the same order."""
    free = [option for option in options if not option.pinned]
    random.Random(seed).shuffle(free)
    rest = iter(free)
    return [option if option.pinned else next(rest) for option in options]


def as_shown(content: QuizContent, *, seed: str) -> QuizContent:
    """The same quiz with each question's options in the order one attempt shows them, from
    that attempt's `seed` (no query: nothing is stored before submission; the attempt's
    snapshot keeps the order once it is sent)."""
    return QuizContent(
        quiz=content.quiz,
        questions=content.questions,
        options={q.id: shown_order(content.options[q.id], seed=f"{seed}:{q.id}") for q in content.questions},
    )


def load_related(questions: list[Question]) -> None:
    """What each type needs besides its options (a case's scenes), one call per type."""
    by_type: dict[type, list[Question]] = {}
    for question in questions:
        by_type.setdefault(type(question), []).append(question)
    for model, own in by_type.items():
        model.load_related(own)


class IncompleteSubmission(Exception):
    """Some questions have no valid answer; nothing was recorded."""

    def __init__(self, missing: list[Question]):
        self.missing = missing  # unanswered, or answered with an error (`response_errors`)
        super().__init__(", ".join(q.title for q in missing))


def parse_choices(content: QuizContent, data) -> dict[int, set[int] | str]:
    """Read `q<question id>` fields from POST data; each question type reads its own
    response (the ids of its options, or a text)."""
    chosen: dict[int, set[int] | str] = {}
    for question in content.questions:
        raw = data.getlist(f"q{question.id}") if hasattr(data, "getlist") else data.get(f"q{question.id}", [])
        chosen[question.id] = question.read_response(list(raw), content.options[question.id])
    return chosen


def response_errors(content: QuizContent, chosen) -> dict[int, str]:
    """French messages for answered questions whose response cannot be recorded as it stands."""
    errors = {}
    for question in content.questions:
        if chosen.get(question.id):
            message = question.response_error(chosen[question.id])
            if message:
                errors[question.id] = message
    return errors


def submit(*, user, content: QuizContent, chosen: dict[int, set[int]], submission_key: uuid.UUID,
           started_at=None) -> Attempt:
    """Grade and record one attempt. A second call with the same key returns the first."""
    existing = Attempt.objects.filter(user=user, submission_key=submission_key).first()
    if existing:
        return existing
    errors = response_errors(content, chosen)
    missing = [q for q in content.questions if not chosen.get(q.id) or q.id in errors]
    if missing:
        raise IncompleteSubmission(missing)
    try:
        with transaction.atomic():
            # One learner's submissions take turns: the lock is on their own user row, which
            # always exists (a lock on the QuizResult row would lock nothing before the first
            # attempt, and two tabs sending that first attempt at once both tried to create
            # it). Other learners are not held up.
            get_user_model().objects.select_for_update().filter(pk=user.pk).values_list("pk").first()
            # A replay that waited for the lock finds the attempt its twin just committed.
            replayed = Attempt.objects.filter(user=user, submission_key=submission_key).first()
            if replayed:
                return replayed
            return _record(user=user, content=content, chosen=chosen, submission_key=submission_key,
                           started_at=started_at)
    except IntegrityError:
        # Only a replay of this very submission may be answered with the stored attempt
        # (a database without row locks); any other conflict is a fault and is raised.
        replayed = Attempt.objects.filter(user=user, submission_key=submission_key).first()
        if replayed is None:
            raise
        return replayed


def grade_all(content: QuizContent, chosen: dict[int, set[int]]) -> tuple[float, list]:
    """Each question grades itself; the quiz score is their mean, in [0, 1]. Pure: the
    submit path stores it, the editors' preview only shows it."""
    grades = [question.grade(chosen[question.id], content.options[question.id]) for question in content.questions]
    score = sum(g.score for g in grades) / len(grades) if grades else 0.0
    return min(1.0, max(0.0, score)), grades


def reaches(score: float, pass_mark: float) -> bool:
    return score >= pass_mark - 1e-9  # 0.7 stored as 0.6999… still passes at 70 %


def _record(*, user, content, chosen, submission_key, started_at) -> Attempt:
    quiz = content.quiz
    now = timezone.now()
    score, grades = grade_all(content, chosen)
    cohort_id = current_cohort_id(user)
    attempt = Attempt.objects.create(
        user=user,
        quiz=quiz,
        cohort_id=cohort_id,
        submission_key=submission_key,
        quiz_title=quiz.title,
        started_at=started_at,
        submitted_at=now,
        score=score,
        pass_mark=quiz.pass_mark,
        passed=reaches(score, quiz.pass_mark),
    )
    answers = Answer.objects.bulk_create(
        [
            Answer(attempt=attempt, question=question, order=index, **answer_snapshot(question, grade))
            for index, (question, grade) in enumerate(zip(content.questions, grades, strict=True), start=1)
        ]
    )
    AnswerOption.objects.bulk_create(
        [
            AnswerOption(answer=answer, option_id=fb.option_id, order=position, **option_snapshot(fb))
            for answer, grade in zip(answers, grades, strict=True)
            for position, fb in enumerate(grade.options, start=1)
        ]
    )
    AnswerStep.objects.bulk_create(  # a case's path; no query when the quiz has no case
        [
            AnswerStep(answer=answer, position=position, **step_snapshot(step))
            for answer, grade in zip(answers, grades, strict=True)
            for position, step in enumerate(grade.steps, start=1)
        ]
    )
    by_type: dict[type, list] = {}
    for question, answer, grade in zip(content.questions, answers, grades, strict=True):
        by_type.setdefault(type(question), []).append((question, answer, grade))
    for model, recorded in by_type.items():
        model.after_recorded(user=user, recorded=recorded)
    _update_result(user=user, attempt=attempt, cohort_id=cohort_id)
    attempt_recorded.send(sender=Attempt, attempt=attempt)
    return attempt


def answer_snapshot(question, grade) -> dict:
    """What the learner saw of a question and how it was graded, frozen into the attempt."""
    return {
        "question_type": question.type_slug,
        "title": question.title,
        "prompt": question.prompt,
        "explanation": question.explanation,
        "extra": _extra_text(question),
        "skill": question.skill,
        "lesson_title": question.lesson.title if question.lesson else "",
        "lesson_url": question.lesson.get_absolute_url() if question.lesson else "",
        "score": grade.score,
        "is_correct": grade.is_correct,
    }


def option_snapshot(fb) -> dict:
    """One option as shown, whether it was right at that time, and whether it was chosen.
    Its position on the learner's page is the row's `order` (grades list the options in
    the order shown), so the review and reports replay what the learner saw."""
    return {
        "key": fb.key, "text": fb.text, "is_correct": fb.is_correct, "chosen": fb.chosen,
        "feedback": fb.feedback, "family": fb.family, "decision": fb.decision,
    }


def step_snapshot(step) -> dict:
    """One step of a case's path as played: the scene, the choice, its points and feedback."""
    return {
        "kind": step.kind, "scene_key": step.scene_key, "scene_title": step.scene_title,
        "scene_text": step.scene_text, "choice_key": step.choice_key, "choice_text": step.choice_text,
        "points": step.points, "best_points": step.best_points, "feedback": step.feedback,
        "decision": step.decision, "best_choice_text": step.best_choice_text, "tone": step.tone,
    }


def _extra_text(question) -> str:
    parts = []
    legal = getattr(question, "legal_basis", "")
    points = getattr(question, "key_points", "")
    if legal:
        parts.append("**Fondement juridique**\n\n" + legal)
    if points:
        parts.append("**Points d'attention**\n\n" + points)
    return "\n\n".join(parts)


def _update_result(*, user, attempt: Attempt, cohort_id) -> None:
    """Keep the learner's summary row for the group the attempt was made in: the best
    attempt counts for progress."""
    result = QuizResult.objects.select_for_update().filter(user=user, quiz=attempt.quiz, cohort_id=cohort_id).first()
    if result is None:
        QuizResult.objects.create(
            user=user, quiz=attempt.quiz, cohort_id=cohort_id, best_attempt=attempt,
            best_score=attempt.score, passed=attempt.passed, attempts_count=1,
            first_submitted_at=attempt.submitted_at, last_submitted_at=attempt.submitted_at,
        )
        return
    result.attempts_count += 1
    result.last_submitted_at = attempt.submitted_at
    if attempt.score > result.best_score or (attempt.passed and not result.passed):
        result.best_attempt = attempt
        result.best_score = attempt.score
    result.passed = result.passed or attempt.passed
    result.save()
