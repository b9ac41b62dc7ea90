"""Who may see what: checked on the server for every view."""
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404

from elearning.models import Cohort, Membership, Organisation


def trainer_organisations(user):
    """Organisations where `user` is a trainer (the only ones whose data they may see)."""
    if not user.is_authenticated:
        return Organisation.objects.none()
    return Organisation.objects.filter(
        memberships__user=user, memberships__role=Membership.Role.TRAINER
    ).distinct()


def is_trainer(user) -> bool:
    return user.is_authenticated and Membership.objects.filter(
        user=user, role=Membership.Role.TRAINER
    ).exists()


def trainer_required(view):
    """Trainer pages: anyone else gets a 404, so the pages' existence leaks nothing."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not is_trainer(request.user):
            raise Http404("Page introuvable")
        return view(request, *args, **kwargs)

    return wrapper


def trainer_cohort_or_404(user, cohort_id):
    """A cohort of an organisation where `user` trains; anyone else's id answers 404."""
    return get_object_or_404(
        Cohort.objects.select_related("organisation").filter(
            organisation__memberships__user=user,
            organisation__memberships__role=Membership.Role.TRAINER,
        ).distinct(),
        pk=cohort_id,
    )
