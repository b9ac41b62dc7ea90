"""Completion rules and the one writer of lesson progress.

The rule, in one place (`CompletionRule`), read by the learner's pages, the certificate and
every trainer report:
- the steps are the course's published lessons and published quizzes of its published modules
  (`course_structure`, shared by learners and trainers; `course_shape` is the trainers' view
  of the same structure);
- "passed" means the best attempt reached the pass mark copied onto that attempt (a later
  change of the quiz's pass mark never rewrites a learner's past);
- a learner has *started* once a lesson of the course is done or a course quiz or a
  self-assessment test has been attempted; *lessons done* adds every lesson done; *complete*
  adds every quiz passed.
A learner's state is three values: `started`, `lessons_done`, `quizzes_passed` (counts over
the steps). Python (`Milestone.reached`) and SQL (`Milestone.condition`) read the same
thresholds; a stored per-learner progress row holding those three values can feed both.

Content added after a learner completed: completion is computed, never stored, so a new
published lesson or quiz makes the module incomplete again until the learner does it. A
certificate already issued stays valid: it attests what was completed on its date.
"""
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.db.models.signals import post_delete, post_save
from django.urls import reverse

from elearning.accounts import current_cohort_id
from elearning.models import Course, Lesson, LessonCompletion, Module, Status
from quizzes.models import Question, Quiz, QuizResult

# Minutes counted for a quiz question when estimating the time left.
MINUTES_PER_QUESTION = 1.5


def quiz_minutes(quiz) -> int:
    return round(quiz.n_questions * MINUTES_PER_QUESTION)


def mark_lesson_done(*, user, lesson: Lesson) -> LessonCompletion:
    """Record that `user` finished `lesson`. Idempotent: a second call changes nothing."""
    try:
        with transaction.atomic():
            completion, _ = LessonCompletion.objects.get_or_create(
                user=user, lesson=lesson, defaults={"cohort_id": current_cohort_id(user)}
            )
    except IntegrityError:  # two concurrent clicks: the other one won
        completion = LessonCompletion.objects.get(user=user, lesson=lesson)
    return completion


SELF_ASSESSMENT_KINDS = (Quiz.Kind.SELF_BEFORE, Quiz.Kind.SELF_AFTER)


@dataclass(frozen=True)
class Milestone:
    """A point on the way through the course: started, with at least `lessons` lessons done and
    `quizzes` quizzes passed. One set of thresholds, tested in Python on one learner's values
    and in SQL on rows annotated with the same three names (the trainer reports)."""

    lessons: int = 0
    quizzes: int = 0

    def reached(self, *, started: bool, lessons_done: int, quizzes_passed: int) -> bool:
        return started and lessons_done >= self.lessons and quizzes_passed >= self.quizzes

    def condition(self) -> Q:
        return Q(started=True, lessons_done__gte=self.lessons, quizzes_passed__gte=self.quizzes)


@dataclass(frozen=True)
class CompletionRule:
    """The milestones of a course with `n_lessons` lessons and `n_quizzes` quizzes to pass.
    Each includes the one before it: started ⊇ lessons done ⊇ complete."""

    n_lessons: int
    n_quizzes: int

    @property
    def started(self) -> Milestone:
        return Milestone()

    @property
    def lessons_done(self) -> Milestone:
        return Milestone(lessons=self.n_lessons)

    @property
    def complete(self) -> Milestone:
        return Milestone(lessons=self.n_lessons, quizzes=self.n_quizzes)


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
    # Something that counts was attempted: a lesson done, a course quiz or a self-assessment.
    active: bool = False
    # The learner's stored progress row (elearning.progress.models.LearnerProgress), where the
    # write paths decided completion: when given, the milestones are read from it.
    stored: object = None

    @property
    def rule(self) -> CompletionRule:
        return CompletionRule(n_lessons=sum(len(m.lessons) for m in self.modules),
                              n_quizzes=sum(len(m.quizzes) for m in self.modules))

    @property
    def lessons_done(self) -> int:
        return sum(m.lessons_done for m in self.modules)

    @property
    def quizzes_passed(self) -> int:
        return sum(m.quizzes_passed for m in self.modules)

    def reached(self, milestone: Milestone) -> bool:
        if self.stored is not None:
            return milestone.reached(started=self.stored.started_at is not None,
                                     lessons_done=self.stored.lessons_done, quizzes_passed=self.stored.quizzes_passed)
        return milestone.reached(started=self.active, lessons_done=self.lessons_done,
                                 quizzes_passed=self.quizzes_passed)

    @property
    def started(self) -> bool:
        return self.reached(self.rule.started)

    @property
    def all_lessons_done(self) -> bool:
        return self.reached(self.rule.lessons_done)

    @property
    def complete(self) -> bool:
        return self.reached(self.rule.complete)

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
    def minutes_total(self):
        return sum(s.minutes for m in self.modules for s in [*m.lessons, *m.quizzes])

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
            return NextStep("Faire l'auto-évaluation finale (facultative, 10 min)",
                            reverse("self_assessment", args=["apres"]))
        if self.complete:
            return NextStep("Obtenir mon attestation de suivi", reverse("certificate"))
        return None


@dataclass
class CourseStructure:
    """The published modules, lessons (with their text) and quizzes of a course: what every
    learner shares, and all a lesson page needs besides the learner's own rows."""

    course: Course | None
    modules: list
    lessons: list
    quizzes: list

    @property
    def minutes_total(self) -> int:
        """The course's time estimate: the same figure on the home page and the dashboard."""
        return sum(lesson.reading_minutes for lesson in self.lessons) + sum(
            quiz_minutes(quiz) for quiz in self.quizzes)

    def lesson(self, module_slug: str, lesson_slug: str) -> Lesson | None:
        return next(
            (item for item in self.lessons if item.slug == lesson_slug and item.module.slug == module_slug),
            None,
        )

    @property
    def rule(self) -> CompletionRule:
        return CompletionRule(n_lessons=len(self.lessons), n_quizzes=len(self.quizzes))


_structure_cache: dict[int | None, tuple[int, float, CourseStructure]] = {}
_content_generation = 0
STRUCTURE_MODELS = {"elearning.course", "elearning.module", "elearning.lesson", "quizzes.quiz"}


def _forget_structure() -> None:
    global _content_generation
    _content_generation += 1


def content_changed(sender, **kwargs) -> None:
    """Signal receiver: content was saved or deleted in this process; forget the structure
    once the change is committed. Dropped before the commit, the copy could be rebuilt at
    once from the rows still committed (another request of this process) and kept as fresh;
    or from this transaction's rows, and kept after a rollback. Outside a transaction,
    `on_commit` runs at once. Connected without a sender because question subclasses send as
    themselves."""

    if sender._meta.label_lower in STRUCTURE_MODELS or issubclass(sender, Question):
        transaction.on_commit(_forget_structure, using=kwargs.get("using"))


# Connected here, where the cache lives, rather than in an AppConfig.ready(): the core app sits
# below this layer and must not import it, and a process that never loads this module holds no
# copy to forget.
post_save.connect(content_changed, dispatch_uid="structure-save")
post_delete.connect(content_changed, dispatch_uid="structure-delete")


def course_structure(course: Course | None = None) -> CourseStructure:
    """Four queries, or none while this process's copy is fresh (settings.
    COURSE_STRUCTURE_CACHE_SECONDS; a save in this process drops it at once; other processes
    see an edit within that delay). Without `course`: the site's course."""

    ttl = settings.COURSE_STRUCTURE_CACHE_SECONDS
    now = time.monotonic()
    key = course.pk if course else None
    cached = _structure_cache.get(key)
    if ttl and cached and cached[0] == _content_generation and cached[1] > now:
        return cached[2]
    generation = _content_generation
    course = course or Course.objects.first()
    modules = list(Module.objects.published().filter(course=course).order_by("order", "id")) if course else []
    lessons = list(
        Lesson.objects.published()
        .filter(module__in=modules)
        .select_related("module__course")
        .order_by("module__order", "order", "id")
    )
    quizzes = list(
        Quiz.objects.reachable()
        .filter(module__in=modules)
        .select_related("module")
        .annotate(n_questions=Count("questions", filter=Q(questions__archived=False,
                                                          questions__status=Status.PUBLISHED)))
        .order_by("order", "id")
    )
    structure = CourseStructure(course=course, modules=modules, lessons=lessons, quizzes=quizzes)
    if ttl:
        _structure_cache[key] = (generation, now + ttl, structure)
    return structure


def course_progress(user, course: Course | None = None, *, structure: CourseStructure | None = None) -> CourseProgress:
    """Everything the learner's dashboard and lesson pages need, in a fixed number of queries."""

    structure = structure or course_structure(course)
    if structure.course is None:
        return CourseProgress(course=None, modules=[])
    lesson_ids = [lesson.id for lesson in structure.lessons]
    quiz_ids = [quiz.id for quiz in structure.quizzes]
    done_ids = set(
        LessonCompletion.objects.filter(user=user, lesson_id__in=lesson_ids).values_list("lesson_id", flat=True)
    )
    # One query for the course's quizzes and the two self-assessment tests (outside modules).
    results = {}
    self_kinds_done = set()
    for quiz_id, kind, passed, best_score, attempts in (
        QuizResult.objects.filter(user=user)
        .filter(Q(quiz_id__in=quiz_ids) | Q(quiz__kind__in=SELF_ASSESSMENT_KINDS))
        .values_list("quiz_id", "quiz__kind", "passed", "best_score", "attempts_count")
    ):
        # One row per group the learner answered in: passed in any group is passed.
        if quiz_id in results:
            was_passed, was_best, was_attempts = results[quiz_id]
            passed, best_score, attempts = passed or was_passed, max(best_score, was_best), attempts + was_attempts
        results[quiz_id] = (passed, best_score, attempts)
        if kind in SELF_ASSESSMENT_KINDS:
            self_kinds_done.add(kind)
    by_module = {m.id: ModuleProgress(module=m) for m in structure.modules}
    for lesson in structure.lessons:
        by_module[lesson.module_id].lessons.append(
            LessonState(lesson=lesson, done=lesson.id in done_ids, minutes=lesson.reading_minutes)
        )
    for quiz in structure.quizzes:
        passed, best_score, attempts = results.get(quiz.id, (False, None, 0))
        by_module[quiz.module_id].quizzes.append(
            QuizState(
                quiz=quiz,
                passed=passed,
                best_score=best_score,
                attempts=attempts,
                minutes=quiz_minutes(quiz),
            )
        )
    return CourseProgress(
        course=structure.course,
        modules=list(by_module.values()),
        self_before_done=Quiz.Kind.SELF_BEFORE in self_kinds_done,
        self_after_done=Quiz.Kind.SELF_AFTER in self_kinds_done,
        active=bool(done_ids or results),
    )


@dataclass(frozen=True)
class QuizInfo:
    id: int
    title: str
    kind: str
    kind_label: str
    module_title: str
    pass_mark: float


class ShapeSteps:
    """What a shape of the course (the reports' `CourseShape`, the progress rows' `Shape`)
    derives from its published lessons and required quizzes: the step count and the rule."""

    lesson_ids: tuple[int, ...] | frozenset

    @property
    def n_lessons(self) -> int:
        return len(self.lesson_ids)

    @property
    def n_quizzes(self) -> int:
        return len(self.quiz_ids)

    @property
    def n_steps(self) -> int:
        return self.n_lessons + self.n_quizzes

    @property
    def rule(self) -> CompletionRule:
        return CompletionRule(n_lessons=self.n_lessons, n_quizzes=self.n_quizzes)


@dataclass(frozen=True)
class CourseShape(ShapeSteps):
    """The trainers' view of `course_structure`: the ids of the published lessons and the
    quizzes that make the course complete, in course order, without the lessons' text."""

    course_id: int | None
    lesson_ids: tuple[int, ...] = ()
    quizzes: tuple[QuizInfo, ...] = ()

    @property
    def quiz_ids(self) -> list[int]:
        return [q.id for q in self.quizzes]

    @property
    def final_quiz_ids(self) -> list[int]:
        return [q.id for q in self.quizzes if q.kind == Quiz.Kind.FINAL]


def course_shape(structure: CourseStructure | None = None) -> CourseShape:
    """The shape of the site's course, from the one course structure (see `course_structure`)."""
    structure = structure or course_structure()
    if structure.course is None:
        return CourseShape(course_id=None)
    quizzes = sorted(structure.quizzes, key=lambda q: (q.module.order, q.module_id, q.order, q.id))
    return CourseShape(
        course_id=structure.course.pk,
        lesson_ids=tuple(lesson.id for lesson in structure.lessons),
        quizzes=tuple(
            QuizInfo(id=q.id, title=q.title, kind=q.kind, kind_label=q.get_kind_display(),
                     module_title=q.module.title, pass_mark=q.pass_mark)
            for q in quizzes
        ),
    )


def lesson_context(*, lesson, sequence, module_progress, progress, done, lesson_quiz, **extra) -> dict:
    """The lesson page's context, for learners and for the editors' preview alike."""
    index = next(i for i, item in enumerate(sequence) if item.pk == lesson.pk)
    return {
        "lesson": lesson,
        "module_progress": module_progress,
        "progress": progress,
        "previous": sequence[index - 1] if index > 0 else None,
        "next": sequence[index + 1] if index + 1 < len(sequence) else None,
        "done": done,
        "lesson_quiz": lesson_quiz,
        **extra,
    }
