"""Who may see what: checked on the server for every view."""
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import Http404

from elearning.models import Membership, Organisation


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
