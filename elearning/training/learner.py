"""One learner's page for the trainers of a group: what they did in it.

The group goes through `cohort_for_trainer` (the one access check of every group page);
the learner must be enrolled in it: another group's learner, or someone removed from the
group, answers 404 like an id that does not exist.
"""
from django.http import Http404
from django.shortcuts import render

from elearning.access import cohort_for_trainer, trainer_required
from elearning.progress.completion import course_shape
from elearning.training import reports
from elearning.training.learner_report import learner_detail


@trainer_required
def learner_page(request, cohort_id, user_id):
    cohort = cohort_for_trainer(request.user, cohort_id)
    enrolment = reports.cohort_learner(cohort, user_id)
    if enrolment is None:
        raise Http404("Page introuvable")
    shape = course_shape()
    detail = learner_detail(cohort, enrolment, shape)
    steps = len(detail.lessons) + detail.course_quizzes
    return render(request, "trainer/learner_detail.html", {
        "nav_is_trainer": True,
        "cohort": cohort,
        "learner": enrolment.user,
        "here": enrolment.user.display_name,
        "detail": detail,
        "progress": (detail.lessons_done + detail.quizzes_passed) / steps if steps else 0.0,
    })
