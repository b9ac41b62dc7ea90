"""Editors' previews: a lesson, a question or a whole quiz shown with the learners' own
templates, drafts and archived questions included, under an "Aperçu" banner.

The preview renders as a learner starting the course would see it (nothing done yet).
Answering a question in the preview grades it with the question's own `grade()` and shows
the learners' result page; nothing is recorded.
"""
import secrets
from dataclasses import dataclass
from types import SimpleNamespace

from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from elearning import vocabulary
from elearning.access import editor_required
from elearning.drafts import with_draft
from elearning.models import Lesson, Status
from elearning.progress.completion import LessonState, ModuleProgress, QuizState, lesson_context

# The snapshot functions of the submit path: the preview shows exactly what an attempt
# would store, without storing it.
from quizzes.attempts import (
    QuizContent,
    answer_snapshot,
    as_shown,
    grade_all,
    option_snapshot,
    parse_choices,
    reaches,
)
from quizzes.drafts import load_draft_quiz, question_with_draft
from quizzes.models import AnswerOption, Question, Quiz


@dataclass
class Banner:
    """What the "Aperçu" banner says about the previewed content."""

    what: str
    notes: list[str]
    edit_url: str
    restart_url: str = ""


def _vocabulary_notes(*objects) -> list[str]:
    """The vocabulary check on what the preview shows (the draft included)."""
    return [
        vocabulary.warning_text(label, finding)
        for obj in objects for label, finding in vocabulary.check_instance(obj)
    ]


def _draft_notes(obj, what: str) -> list[str]:
    if getattr(obj, "_draft", None) is not None:
        return [f"Vous voyez le brouillon de {what} : les apprenant·es voient la version publiée tant qu'il "
                "n'est pas publié."]
    return []


def _lesson_notes(lesson) -> list[str]:
    notes = _draft_notes(lesson, "cette leçon") + _vocabulary_notes(lesson)
    if lesson.status != Status.PUBLISHED:
        notes.append("Cette leçon est un brouillon : les apprenant·es ne la voient pas encore.")
    if lesson.module.status != Status.PUBLISHED:
        notes.append("Son module est un brouillon : il n'apparaît pas encore dans le parcours.")
    return notes


def _quiz_notes(quiz) -> list[str]:
    if quiz.status != Status.PUBLISHED:
        return ["Ce quiz est un brouillon : les apprenant·es ne le voient pas encore."]
    return []


def _questions_notes(content: QuizContent) -> list[str]:
    notes = []
    for question in content.questions:
        if question.status != Status.PUBLISHED:
            notes.append(f"La question « {question.title} » n'est pas encore publiée : les apprenant·es ne la "
                         "voient pas.")
        elif getattr(question, "_draft", None) is not None:
            notes.append(f"La question « {question.title} » est montrée dans son brouillon.")
        notes += _vocabulary_notes(question, *content.options[question.id])
    return notes


@editor_required("elearning.view_lesson")
def lesson_preview(request, pk):
    lesson = with_draft(get_object_or_404(Lesson.objects.select_related("module__course"), pk=pk))
    module = lesson.module
    # The learner's sequence: published lessons of published modules, plus this one.
    sequence = list(
        Lesson.objects.filter(module__course=module.course)
        .filter(module__status=Status.PUBLISHED, status=Status.PUBLISHED)
        .exclude(pk=lesson.pk)
        .select_related("module")
        .only("id", "slug", "title", "order", "body", "module__id", "module__slug", "module__order")
    ) + [lesson]
    sequence.sort(key=lambda item: (item.module.order, item.module_id, item.order, item.id))
    module_progress = ModuleProgress(module=module)
    for item in sequence:
        if item.module_id == module.pk:
            module_progress.lessons.append(LessonState(lesson=item, done=False, minutes=item.reading_minutes))
    for quiz in Quiz.objects.published().filter(module=module).order_by("order", "id"):
        module_progress.quizzes.append(QuizState(quiz=quiz, passed=False, best_score=None, attempts=0, minutes=0))
    return render(request, "preview/lesson.html", lesson_context(
        lesson=lesson, sequence=sequence, module_progress=module_progress, progress=None,
        done=False, lesson_quiz=None,
        preview=Banner(
            what="la leçon telle qu'un·e apprenant·e la verra",
            notes=_lesson_notes(lesson),
            edit_url=reverse("admin:elearning_lesson_change", args=[lesson.pk]),
        ),
    ))


@editor_required("quizzes.view_question")
def question_preview(request, pk):
    question = get_object_or_404(Question.objects.select_related("quiz__lesson__module", "lesson__module"), pk=pk)
    question, options = question_with_draft(question)
    content = QuizContent(quiz=question.quiz, questions=[question], options={question.pk: options})
    notes = _quiz_notes(question.quiz) + _questions_notes(content)
    if question.archived:
        notes.append("Cette question est archivée : elle n'est plus proposée aux apprenant·es.")
    banner = Banner(
        what="la question telle qu'un·e apprenant·e la verra",
        notes=notes,
        edit_url=reverse("admin:quizzes_question_change", args=[question.pk]),
        restart_url=reverse("preview:question", args=[question.pk]),
    )
    return _take_or_grade(request, content, banner)


@editor_required("quizzes.view_quiz")
def quiz_preview(request, pk):
    quiz = get_object_or_404(Quiz.objects.select_related("lesson__module", "module"), pk=pk)
    content = load_draft_quiz(quiz)
    banner = Banner(
        what="le quiz tel qu'un·e apprenant·e le verra une fois publié (sans les questions archivées)",
        notes=_draft_notes(content.quiz, "ce quiz") + _quiz_notes(quiz) + _vocabulary_notes(content.quiz)
        + _questions_notes(content),
        edit_url=reverse("admin:quizzes_quiz_change", args=[quiz.pk]),
        restart_url=reverse("preview:quiz", args=[quiz.pk]),
    )
    return _take_or_grade(request, content, banner)


def _take_or_grade(request, content: QuizContent, banner: Banner):
    """GET: the learner's quiz page. POST: grade the answers (never recorded) and show the
    learner's result page. Options are shuffled as for a learner's attempt; the hidden token
    carries the seed, so the result lists them in the order the editor saw."""
    token = request.POST.get("token", "") if request.method == "POST" else ""
    token = token[:64] or "apercu-" + secrets.token_hex(8)
    content = as_shown(content, seed=token)
    chosen, missing = {}, []
    if request.method == "POST":
        chosen = parse_choices(content, request.POST)
        missing = [q for q in content.questions if not chosen.get(q.id)]
        if not missing and content.questions:
            return render(request, "preview/quiz_result.html", {
                "attempt": _graded(content, chosen), "quiz": content.quiz, "result": None,
                "next_step": None, "preview": banner,
            })
    items = [
        {"question": q, "options": content.options[q.id], "chosen": chosen.get(q.id, set()),
         "missing": q in missing, "number": number}
        for number, q in enumerate(content.questions, start=1)
    ]
    return render(request, "preview/quiz.html", {
        "quiz": content.quiz, "items": items, "total": len(items), "token": token, "missing": missing,
        "error": "", "best": None, "submit_url": request.path, "preview": banner,
    }, status=400 if missing else 200)


class _Rows(list):
    """A list that templates can read like a related manager (`answer.options.all`)."""

    def all(self):
        return self


def _graded(content: QuizContent, chosen) -> SimpleNamespace:
    """What `quizzes.attempts.submit` would snapshot, built in memory only."""
    score, grades = grade_all(content, chosen)
    answers = _Rows()
    for number, (question, grade) in enumerate(zip(content.questions, grades, strict=True), start=1):
        answers.append(SimpleNamespace(
            pk=number,
            options=_Rows(
                AnswerOption(order=position, **option_snapshot(fb)) for position, fb in enumerate(grade.options, start=1)
            ),
            **answer_snapshot(question, grade),
        ))
    quiz = content.quiz
    return SimpleNamespace(
        quiz_title=quiz.title, score=score, pass_mark=quiz.pass_mark,
        passed=reaches(score, quiz.pass_mark), answers=answers,
    )

