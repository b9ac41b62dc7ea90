"""Who may see what: checked on the server for every view.

Trainer pages authorise through one function per object kind, all built on the same rule:
- a group's pages (dashboard, exports, learners, settings) are open to the trainers the group
  lists (co-trainers) while they are trainers of its organisation, and to the organisation's
  managers — `cohorts_for(user)`, used by `cohort_for_trainer`;
- an organisation's overview is open to its trainers and managers; its team page to its
  managers only.
Anything else answers 404, exactly like an id that does not exist.
"""
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse

from elearning.models import Cohort, Membership, Organisation

STAFF_ROLES = (Membership.Role.TRAINER, Membership.Role.MANAGER)


def _organisations_with_role(user, roles) -> QuerySet[Organisation]:
    if not user.is_authenticated:
        return Organisation.objects.none()
    return Organisation.objects.filter(
        Exists(Membership.objects.filter(user=user, organisation=OuterRef("pk"), role__in=roles))
    )


def trainer_organisations(user) -> QuerySet[Organisation]:
    """Organisations where `user` is a trainer: where they may create groups."""
    return _organisations_with_role(user, [Membership.Role.TRAINER])


def managed_organisations(user) -> QuerySet[Organisation]:
    """Organisations where `user` is a manager: whose team they appoint."""
    return _organisations_with_role(user, [Membership.Role.MANAGER])


def staff_organisations(user) -> QuerySet[Organisation]:
    """Organisations where `user` trains or manages: whose overview they see."""
    return _organisations_with_role(user, STAFF_ROLES)


def cohorts_for(user) -> QuerySet[Cohort]:
    """The groups whose pages `user` may open (archived ones included)."""
    if not user.is_authenticated:
        return Cohort.objects.none()
    role = Membership.objects.filter(user=user, organisation=OuterRef("organisation_id"))
    trains = Cohort.trainers.through.objects.filter(cohort=OuterRef("pk"), user=user)
    return Cohort.objects.filter(
        Q(Exists(trains) & Exists(role.filter(role__in=[Membership.Role.TRAINER, Membership.Role.PLATFORM_TRAINER])))
        | Q(Exists(role.filter(role=Membership.Role.MANAGER)))
    )


def cohort_for_trainer(user, cohort_id) -> Cohort:
    """The one access check of every group page: the group, or 404."""
    return get_object_or_404(cohorts_for(user).select_related("organisation"), pk=cohort_id)


def organisation_for_staff(user, organisation_id) -> Organisation:
    return get_object_or_404(staff_organisations(user), pk=organisation_id)


def organisation_for_manager(user, organisation_id) -> Organisation:
    return get_object_or_404(managed_organisations(user), pk=organisation_id)


def is_trainer(user) -> bool:
    """Trainers and managers see the trainer pages (menu, « Mes groupes »); so do the
    instructors of an LMS course, for their platform courses' groups only."""
    return user.is_authenticated and Membership.objects.filter(
        user=user, role__in=[*STAFF_ROLES, Membership.Role.PLATFORM_TRAINER]).exists()


def trainer_required(view):
    """Trainer pages: anyone else gets a 404, so the pages' existence leaks nothing."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not is_trainer(request.user):
            raise Http404("Page introuvable")
        return view(request, *args, **kwargs)

    return wrapper


def editor_required(permission):
    """Staff with the permission to view that content (editors, superusers). Anyone else
    gets a 404: a preview's existence leaks nothing; anonymous visitors log in first."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path(), reverse("admin:login"))
            if not (user.is_active and user.is_staff and user.has_perm(permission)):
                raise Http404("Page introuvable")
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
