"""Trainer pages: cohorts and what a group has understood."""
from django.shortcuts import render

from elearning.access import trainer_organisations, trainer_required


@trainer_required
def cohort_list(request):
    organisations = trainer_organisations(request.user).prefetch_related("cohorts")
    return render(request, "trainer/cohort_list.html", {"organisations": organisations})
