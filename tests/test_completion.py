"""Completion has one home: the learner's pages, the certificate and the trainer's reports read
the same rule (`elearning.progress.completion.CompletionRule`)."""
import pytest

from elearning.models import Course, Lesson, Module, Status
from elearning.progress.certificates import CourseNotComplete, issue_certificate
from elearning.progress.completion import course_progress, course_shape, course_structure, mark_lesson_done
from elearning.training import reports
from quizzes.models import Quiz, SingleChoiceQuestion
from tests.conftest import (
    add_options,
    answer_quiz,
    build_course,
    build_scenario_quiz,
    enrol,
    make_cohort,
    make_org,
    make_user,
)

pytestmark = pytest.mark.django_db


def self_test(kind, slug):
    quiz = Quiz.objects.create(slug=slug, title=slug, kind=kind, pass_mark=0)
    question = SingleChoiceQuestion.objects.create(quiz=quiz, slug=f"{slug}-q", title="?", prompt="?",
                                                   skill="reperer")
    add_options(question, [("Oui", True, {}), ("Non", False, {})])
    return quiz


def build_varied_learners():
    """Learners at every edge of the rule, each alone in a group of their own so that the
    trainer's funnel can be read for one learner at a time (results belong to the group in
    which they were made)."""
    course, modules, lessons = build_course()
    scenario = build_scenario_quiz(modules[-1])
    before = self_test(Quiz.Kind.SELF_BEFORE, "avant")
    draft = Lesson.objects.create(module=modules[0], slug="brouillon", title="Brouillon", order=9, body="x",
                                  status=Status.DRAFT)
    other_course = Course.objects.create(slug="autre", title="Autre cours")
    other_lesson = Lesson.objects.create(
        module=Module.objects.create(course=other_course, slug="autre-m", title="Autre", order=1),
        slug="autre-l", title="Autre leçon", order=1, body="x")
    checks = list(Quiz.objects.filter(kind=Quiz.Kind.LESSON_CHECK).order_by("slug"))
    org = make_org()

    def everything(user, *, skip_lesson=False, skip_quiz=False):
        for lesson in lessons[: -1 if skip_lesson else None]:
            mark_lesson_done(user=user, lesson=lesson)
        for quiz in [*checks, scenario][: -1 if skip_quiz else None]:
            answer_quiz(user, quiz)

    scripts = {
        "nothing": lambda u: None,
        "before test only": lambda u: answer_quiz(u, before),
        "one failed quiz": lambda u: answer_quiz(u, checks[0], wrong=True),
        "one lesson": lambda u: mark_lesson_done(user=u, lesson=lessons[0]),
        "a draft lesson only": lambda u: mark_lesson_done(user=u, lesson=draft),
        "another course's lesson only": lambda u: mark_lesson_done(user=u, lesson=other_lesson),
        "all lessons, no quiz": lambda u: [mark_lesson_done(user=u, lesson=lesson) for lesson in lessons],
        "all quizzes, one lesson short": lambda u: everything(u, skip_lesson=True),
        "all lessons, one quiz short": lambda u: everything(u, skip_quiz=True),
        "everything": everything,
        "everything, last quiz failed then passed": lambda u: (
            everything(u, skip_quiz=True), answer_quiz(u, scenario, wrong=True), answer_quiz(u, scenario)),
    }
    learners = {}
    for index, (name, script) in enumerate(scripts.items()):
        user = make_user(f"l{index}@example.test", first_name=name)
        enrol(user, make_cohort(org, f"Seul·e {index}"))
        script(user)
        learners[name] = user
    return learners


def test_learner_pages_and_trainer_funnel_agree_for_every_learner():
    """A trainer never reads "parcours terminé" for someone whose own page says otherwise."""
    learners = build_varied_learners()
    shape = course_shape()
    seen = []
    for name, user in learners.items():
        progress = course_progress(user)
        alone = user.enrolments.get().cohort
        funnel = reports.cohort_funnel(alone, shape)
        [row] = [reports.to_learner_row(values, shape) for values in reports.learner_rows(alone, shape)]
        learner_side = (progress.started, progress.all_lessons_done, progress.complete)
        trainer_side = (funnel.started == 1, funnel.lessons_done == 1, funnel.complete == 1)
        assert learner_side == trainer_side, name
        assert (row.lessons_done, row.quizzes_passed, row.steps_total) == (
            progress.lessons_done, progress.quizzes_passed, progress.steps_total), name
        assert round(100 * row.progress) == progress.percent, name
        seen.append(learner_side)
    # The edges are all there: not started, started only, lessons only, complete.
    assert set(seen) == {(False, False, False), (True, False, False), (True, True, False), (True, True, True)}
    assert sum(complete for _, _, complete in seen) == 2


def test_certificate_follows_the_same_rule():
    """The certificate is issued exactly to the learners the dashboard calls complete."""
    learners = build_varied_learners()
    for name, user in learners.items():
        complete = course_progress(user).complete
        if complete:
            assert issue_certificate(user=user).user_id == user.pk, name
        else:
            with pytest.raises(CourseNotComplete):
                issue_certificate(user=user)


def test_trainers_and_learners_read_one_course_structure():
    """The trainer's course shape is the learners' course structure, in course order."""
    _, modules, lessons = build_course()
    build_scenario_quiz(modules[0])  # a quiz of the first module placed after its checks
    structure = course_structure()
    shape = course_shape(structure)
    assert shape.lesson_ids == tuple(lesson.id for lesson in structure.lessons)
    assert sorted(shape.quiz_ids) == sorted(quiz.id for quiz in structure.quizzes)
    assert [q.module_title for q in shape.quizzes] == ["Module 1"] * 3 + ["Module 2"] * 2
    assert shape.rule == structure.rule == course_progress(make_user()).rule
