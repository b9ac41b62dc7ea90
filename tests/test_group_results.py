"""Learners in more than one group: results belong to the group in which they were made.

A learner who moves to a second group brings nothing done before; the first group keeps
what was done there, even after the learner is removed from it; a learner in two active
groups at once works for the one joined most recently; an archived group takes no new
results. Every figure below is recounted by hand."""
import datetime

import pytest
from django.utils import timezone

from elearning.accounts import current_cohort_id
from elearning.cohorts import remove_learner, set_archived
from elearning.models import Enrolment, LessonCompletion, Phase
from elearning.progress.completion import course_progress, course_shape, mark_lesson_done
from elearning.progress.selfassessment import comparison, record_confidence
from elearning.training import reports
from quizzes.models import Attempt, Quiz, QuizResult
from tests.conftest import (
    answer_quiz,
    build_course,
    build_scenario_quiz,
    enrol,
    make_cohort,
    make_org,
    make_user,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    _, modules, lessons = build_course()
    scenario = build_scenario_quiz(modules[-1])
    org = make_org()
    first, second = make_cohort(org, "Printemps"), make_cohort(org, "Automne")
    return {"lessons": lessons, "scenario": scenario, "first": first, "second": second,
            "checks": list(Quiz.objects.filter(kind=Quiz.Kind.LESSON_CHECK).order_by("pk"))}


def later(enrolment, minutes):
    enrolment.joined_at = timezone.now() + datetime.timedelta(minutes=minutes)
    enrolment.save(update_fields=["joined_at"])


def row_of(cohort, user):
    shape = course_shape()
    rows = [reports.to_learner_row(v, shape) for v in reports.learner_rows(cohort, shape)]
    return next(row for row in rows if row.user_id == user.pk)


def scenario_stats(cohort, scenario):
    return next(s for s in reports.quiz_stats(cohort, course_shape()) if s.quiz.id == scenario.id)


def test_a_learner_moving_to_a_second_group_is_counted_in_each_for_what_they_did_there(world):
    """Camille works in « Printemps » (2 lessons, the scenario failed), joins « Automne », then
    passes the scenario and reads a third lesson there. Printemps keeps 2 lessons and a
    failed scenario; Automne has 1 lesson and a passed scenario, nothing from before."""
    lessons, scenario, first, second = world["lessons"], world["scenario"], world["first"], world["second"]
    camille = make_user("camille@example.test")
    enrol(camille, first)
    mark_lesson_done(user=camille, lesson=lessons[0])
    mark_lesson_done(user=camille, lesson=lessons[1])
    answer_quiz(camille, scenario, wrong=True)

    later(enrol(camille, second), 1)
    # Before doing anything in Automne: nothing of Printemps is credited there.
    in_second = row_of(second, camille)
    assert (in_second.lessons_done, in_second.quizzes_passed, in_second.mean_score) == (0, 0, None)
    assert reports.cohort_funnel(second, course_shape()).started == 0
    assert scenario_stats(second, scenario).participants == 0

    answer_quiz(camille, scenario)
    mark_lesson_done(user=camille, lesson=lessons[2])

    in_first, in_second = row_of(first, camille), row_of(second, camille)
    assert (in_first.lessons_done, in_first.quizzes_passed) == (2, 0)
    assert (in_second.lessons_done, in_second.quizzes_passed) == (1, 1)
    first_stats, second_stats = scenario_stats(first, scenario), scenario_stats(second, scenario)
    assert (first_stats.participants, first_stats.passed) == (1, 0)
    assert (second_stats.participants, second_stats.passed, second_stats.mean) == (1, 1, 1.0)
    funnel_first = reports.cohort_funnel(first, course_shape())
    funnel_second = reports.cohort_funnel(second, course_shape())
    assert (funnel_first.joined, funnel_first.started) == (1, 1)
    assert (funnel_second.joined, funnel_second.started) == (1, 1)
    # One summary row per group; the attempts carry their group.
    assert QuizResult.objects.filter(user=camille, quiz=scenario).count() == 2
    assert list(Attempt.objects.filter(user=camille).order_by("submitted_at", "pk")
                .values_list("cohort__name", flat=True)) == ["Printemps", "Automne"]
    # Camille's own progress reads every group: the scenario is passed, 3 lessons done.
    progress = course_progress(camille)
    states = {q.quiz.id: q for m in progress.modules for q in m.quizzes}
    assert states[scenario.id].passed and states[scenario.id].attempts == 2 and states[scenario.id].best_score == 1.0
    assert sum(1 for m in progress.modules for lesson in m.lessons if lesson.done) == 3


def test_a_removed_learner_keeps_counting_where_they_worked(world):
    """Removed from Printemps, Camille leaves its roster; her scenario answers stay in its
    quiz statistics and item analysis, and never move to Automne."""
    scenario, first, second = world["scenario"], world["first"], world["second"]
    camille = make_user("camille@example.test")
    enrol(camille, first)
    answer_quiz(camille, scenario)
    later(enrol(camille, second), 1)
    remove_learner(enrolment=Enrolment.objects.get(user=camille, cohort=first))
    assert reports.cohort_funnel(first, course_shape()).joined == 0
    assert scenario_stats(first, scenario).participants == 1
    assert reports.item_analysis(first).items
    assert scenario_stats(second, scenario).participants == 0 and not reports.item_analysis(second).items


def test_in_two_active_groups_new_work_counts_for_the_one_joined_last(world):
    """The stated rule: the most recently joined active group; an archived one takes nothing."""
    first, second, scenario = world["first"], world["second"], world["scenario"]
    camille = make_user("camille@example.test")
    enrol(camille, first)
    later(enrol(camille, second), 1)
    assert current_cohort_id(camille) == second.pk
    set_archived(cohort=second, archived=True)
    assert current_cohort_id(camille) == first.pk
    answer_quiz(camille, scenario)
    assert scenario_stats(first, scenario).participants == 1
    assert scenario_stats(second, scenario).participants == 0
    set_archived(cohort=first, archived=True)
    assert current_cohort_id(camille) is None


def test_lessons_and_ratings_carry_their_group_too(world):
    first, second, lessons = world["first"], world["second"], world["lessons"]
    camille = make_user("camille@example.test")
    enrol(camille, first)
    mark_lesson_done(user=camille, lesson=lessons[0])
    record_confidence(user=camille, phase=Phase.BEFORE, ratings={"reperer": 1, "decider": 1, "dire": 1})
    record_confidence(user=camille, phase=Phase.AFTER, ratings={"reperer": 2, "decider": 2, "dire": 2})
    later(enrol(camille, second), 1)
    mark_lesson_done(user=camille, lesson=lessons[0])  # already done: stays Printemps's
    record_confidence(user=camille, phase=Phase.BEFORE, ratings={"reperer": 3, "decider": 3, "dire": 3})
    # Gains are paired (issue 12): a group's ratings count when both moments were given there.
    record_confidence(user=camille, phase=Phase.AFTER, ratings={"reperer": 4, "decider": 4, "dire": 4})
    assert LessonCompletion.objects.get(user=camille).cohort == first
    gains_first = {g.skill: g for g in reports.skill_gains(first)}
    gains_second = {g.skill: g for g in reports.skill_gains(second)}
    assert gains_first["reperer"].confidence_before == 1 and gains_second["reperer"].confidence_before == 3
    # Camille's own before/after page shows her latest rating.
    assert {c.skill: c.confidence_before for c in comparison(camille)}["reperer"] == 3
