"""What one learner did in one group, for that group's trainers: lessons done, each quiz's
best attempt with the answers chosen (from the attempt's snapshot: what the learner saw,
even if the question changed since), and the self-assessment ratings.

Only rows made in the group count, like every group report (results belong to the group
in which they were made, see elearning/training/reports.py). A fixed number of queries whatever the
number of quizzes and answers: pinned in tests/test_trainer_learner.py.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch

from elearning.models import Cohort, ConfidenceRating, Enrolment, Lesson, LessonCompletion, Phase, Skill
from elearning.training.reports import CourseShape
from quizzes.models import Answer, AnswerOption, AnswerStep, Quiz, QuizResult


@dataclass
class LessonLine:
    title: str
    module_title: str
    done_at: object = None


@dataclass
class QuizLine:
    quiz_id: int
    title: str
    kind_label: str
    in_course: bool
    result: QuizResult | None = None

    @property
    def answers(self) -> list[Answer]:
        return list(self.result.best_attempt.answers.all()) if self.result else []


@dataclass
class RatingLine:
    skill: str
    label: str
    before: int | None = None
    after: int | None = None


@dataclass
class LearnerDetail:
    enrolment: Enrolment
    lessons: list[LessonLine] = field(default_factory=list)
    quizzes: list[QuizLine] = field(default_factory=list)
    ratings: list[RatingLine] = field(default_factory=list)

    @property
    def lessons_done(self) -> int:
        return sum(1 for line in self.lessons if line.done_at)

    @property
    def quizzes_passed(self) -> int:
        return sum(1 for line in self.quizzes if line.in_course and line.result and line.result.passed)

    @property
    def course_quizzes(self) -> int:
        return sum(1 for line in self.quizzes if line.in_course)

    @property
    def has_ratings(self) -> bool:
        return any(line.before or line.after for line in self.ratings)


def learner_detail(cohort: Cohort, enrolment: Enrolment, shape: CourseShape) -> LearnerDetail:
    """The learner's work in `cohort` (6 queries: lessons, completions, results with their
    best attempts, the attempts' answers, options and case paths, ratings)."""
    user_id = enrolment.user_id
    detail = LearnerDetail(enrolment=enrolment)
    done = dict(
        LessonCompletion.objects.filter(user_id=user_id, cohort=cohort, lesson_id__in=shape.lesson_ids)
        .values_list("lesson_id", "completed_at")
    ) if shape.lesson_ids else {}
    titles = {
        row["id"]: row for row in Lesson.objects.filter(pk__in=shape.lesson_ids).values("id", "title", "module__title")
    } if shape.lesson_ids else {}
    detail.lessons = [
        LessonLine(title=titles[lesson_id]["title"], module_title=titles[lesson_id]["module__title"],
                   done_at=done.get(lesson_id))
        for lesson_id in shape.lesson_ids if lesson_id in titles
    ]
    results = {
        result.quiz_id: result
        for result in QuizResult.objects.filter(user_id=user_id, cohort=cohort)
        .select_related("best_attempt", "quiz")
        .prefetch_related(Prefetch(
            "best_attempt__answers",
            # The written text of a writing exercise comes in the same query (a join), for its review link.
            queryset=Answer.objects.order_by("order", "pk").select_related("written").prefetch_related(
                Prefetch("options", queryset=AnswerOption.objects.order_by("order", "pk")),
                Prefetch("steps", queryset=AnswerStep.objects.order_by("position")),
            ),
        ))
    }
    kind_labels = dict(Quiz.Kind.choices)
    # The course's quizzes in course order, then the other quizzes answered in the group
    # (the self-assessment tests, outside the modules).
    for quiz in shape.quizzes:
        detail.quizzes.append(QuizLine(quiz_id=quiz.id, title=quiz.title, kind_label=quiz.kind_label,
                                       in_course=True, result=results.pop(quiz.id, None)))
    for quiz_id, result in sorted(results.items(), key=lambda item: (item[1].quiz.kind, item[1].quiz.title)):
        detail.quizzes.append(QuizLine(quiz_id=quiz_id, title=result.quiz.title,
                                       kind_label=kind_labels.get(result.quiz.kind, ""), in_course=False, result=result))
    ratings = {skill: RatingLine(skill=skill, label=label) for skill, label in Skill.choices}
    for phase, skill, value in ConfidenceRating.objects.filter(user_id=user_id, cohort=cohort).values_list(
            "phase", "skill", "value"):
        line = ratings.get(skill)
        if line is not None:
            setattr(line, "before" if phase == Phase.BEFORE else "after", value)
    detail.ratings = list(ratings.values())
    return detail
