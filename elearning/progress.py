"""Completion rules and the one writer of lesson progress.

The rule, in one place:
- a module is complete when every published lesson of it is done and every published quiz of
  it is passed, "passed" meaning the best attempt reached the pass mark copied onto that
  attempt (a later change of the quiz's pass mark never rewrites a learner's past);
- the course is complete when every published module is.

Content added after a learner completed: completion is computed, never stored, so a new
published lesson or quiz makes the module incomplete again until the learner does it. A
certificate already issued stays valid: it attests what was completed on its date.
"""
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.urls import reverse

from elearning.models import Course, Lesson, LessonCompletion, Module, WORDS_PER_MINUTE

# Minutes counted for a quiz question when estimating the time left.
MINUTES_PER_QUESTION = 1.5


def mark_lesson_done(*, user, lesson: Lesson) -> LessonCompletion:
    """Record that `user` finished `lesson`. Idempotent: a second call changes nothing."""
    try:
        with transaction.atomic():
            completion, _ = LessonCompletion.objects.get_or_create(user=user, lesson=lesson)
    except IntegrityError:  # two concurrent clicks: the other one won
        completion = LessonCompletion.objects.get(user=user, lesson=lesson)
    return completion


@dataclass
class LessonState:
    lesson: Lesson
    done: bool
    minutes: int


@dataclass
class QuizState:
    quiz: object
    passed: bool
    best_score: float | None
    attempts: int
    minutes: int


@dataclass
class ModuleProgress:
    module: Module
    lessons: list[LessonState] = field(default_factory=list)
    quizzes: list[QuizState] = field(default_factory=list)

    @property
    def lessons_done(self):
        return sum(1 for s in self.lessons if s.done)

    @property
    def quizzes_passed(self):
        return sum(1 for s in self.quizzes if s.passed)

    @property
    def steps_total(self):
        return len(self.lessons) + len(self.quizzes)

    @property
    def steps_done(self):
        return self.lessons_done + self.quizzes_passed

    @property
    def complete(self):
        return self.steps_done == self.steps_total

    @property
    def percent(self):
        return round(100 * self.steps_done / self.steps_total) if self.steps_total else 100

    @property
    def minutes_left(self):
        return sum(s.minutes for s in self.lessons if not s.done) + sum(
            s.minutes for s in self.quizzes if not s.passed
        )


@dataclass
class NextStep:
    label: str
    url: str


@dataclass
class CourseProgress:
    course: Course | None
    modules: list[ModuleProgress]
    self_before_done: bool = False
    self_after_done: bool = False

    @property
    def complete(self):
        return bool(self.modules) and all(m.complete for m in self.modules)

    @property
    def steps_total(self):
        return sum(m.steps_total for m in self.modules)

    @property
    def steps_done(self):
        return sum(m.steps_done for m in self.modules)

    @property
    def percent(self):
        return round(100 * self.steps_done / self.steps_total) if self.steps_total else 0

    @property
    def minutes_left(self):
        return sum(m.minutes_left for m in self.modules)

    @property
    def started(self):
        return self.steps_done > 0

    def next_step(self) -> NextStep | None:
        if not self.self_before_done and not self.started:
            return NextStep("Commencer par l'auto-évaluation (10 min)", reverse("self_assessment", args=["avant"]))
        for module in self.modules:
            for lesson_state in module.lessons:
                if not lesson_state.done:
                    return NextStep(f"Lire la leçon « {lesson_state.lesson.title} »", lesson_state.lesson.get_absolute_url())
                for quiz_state in module.quizzes:
                    if quiz_state.quiz.lesson_id == lesson_state.lesson.id and not quiz_state.passed:
                        return NextStep(f"Faire le quiz « {quiz_state.quiz.title} »", quiz_state.quiz.get_absolute_url())
            for quiz_state in module.quizzes:
                if not quiz_state.passed:
                    return NextStep(f"Faire le quiz « {quiz_state.quiz.title} »", quiz_state.quiz.get_absolute_url())
        if not self.self_after_done:
            return NextStep("Faire l'auto-évaluation finale", reverse("self_assessment", args=["apres"]))
        if self.complete:
            return NextStep("Obtenir mon attestation de suivi", reverse("certificate"))
        return None


def course_progress(user, course: Course | None = None) -> CourseProgress:
    """Everything the learner's dashboard and lesson pages need, in a fixed number of queries."""
    from quizzes.models import Question, Quiz, QuizResult

    course = course or Course.objects.first()
    if course is None:
        return CourseProgress(course=None, modules=[])
    modules = list(Module.objects.published().filter(course=course).order_by("order", "id"))
    lessons = list(
        Lesson.objects.published()
        .filter(module__in=modules)
        .only("id", "slug", "title", "order", "module_id", "body", "module__slug")
        .select_related("module")
        .order_by("order", "id")
    )
    quizzes = list(
        Quiz.objects.published().filter(module__in=modules).order_by("order", "id")
    )
    question_counts = dict(
        Question.objects.non_polymorphic()
        .filter(quiz__in=quizzes, archived=False)
        .values_list("quiz_id")
        .annotate(n=Count("id"))
        .values_list("quiz_id", "n")
    )
    done_ids = set(
        LessonCompletion.objects.filter(user=user, lesson__in=lessons).values_list("lesson_id", flat=True)
    )
    results = {
        r.quiz_id: r
        for r in QuizResult.objects.filter(user=user)
        .filter(Q(quiz__in=quizzes) | Q(quiz__kind__in=[Quiz.Kind.SELF_BEFORE, Quiz.Kind.SELF_AFTER]))
        .select_related("quiz")
        .only("quiz_id", "best_score", "passed", "attempts_count", "quiz__kind")
    }
    by_module = {m.id: ModuleProgress(module=m) for m in modules}
    for lesson in lessons:
        words = len(lesson.body.split())
        by_module[lesson.module_id].lessons.append(
            LessonState(lesson=lesson, done=lesson.id in done_ids, minutes=max(1, -(-words // WORDS_PER_MINUTE)))
        )
    for quiz in quizzes:
        result = results.get(quiz.id)
        by_module[quiz.module_id].quizzes.append(
            QuizState(
                quiz=quiz,
                passed=bool(result and result.passed),
                best_score=result.best_score if result else None,
                attempts=result.attempts_count if result else 0,
                minutes=round(question_counts.get(quiz.id, 0) * MINUTES_PER_QUESTION),
            )
        )
    kinds_done = {r.quiz.kind for r in results.values()}
    return CourseProgress(
        course=course,
        modules=list(by_module.values()),
        self_before_done=Quiz.Kind.SELF_BEFORE in kinds_done,
        self_after_done=Quiz.Kind.SELF_AFTER in kinds_done,
    )
