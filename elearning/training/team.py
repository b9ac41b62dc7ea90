"""The organisation's team (managers only) and the invitation link (the invited person).

A manager appoints trainers by e-mail and removes them; pending invitations are listed and
can be withdrawn. Every page looks the organisation up through `organisation_for_manager`:
another organisation, or an organisation where the user is only a trainer or a learner,
answers 404. The writes live in `elearning.memberships`.
"""
from django.contrib import messages
from django.contrib.auth import login
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from elearning import memberships
from elearning.access import organisation_for_manager, trainer_required
from elearning.models import Invitation, Membership, User
from elearning.training.team_forms import AppointForm, InvitationSignupForm


def _render(request, template, context, status=200):
    return render(request, template, {"nav_is_trainer": True, **context}, status=status)


def _team(organisation):
    """Managers and trainers of the organisation, and the pending invitations (3 queries)."""
    rows = (
        Membership.objects.filter(organisation=organisation, role__in=memberships.STAFF_ROLES)
        .select_related("user").order_by("user__last_name", "user__first_name", "user__email", "role")
    )
    managers = [m for m in rows if m.role == Membership.Role.MANAGER]
    trainers = [m for m in rows if m.role == Membership.Role.TRAINER]
    pending = list(Invitation.objects.filter(organisation=organisation).order_by("email"))
    expired_before = timezone.now() - memberships.INVITATION_MAX_AGE
    for invitation in pending:
        invitation.expired = invitation.sent_at < expired_before
    return managers, trainers, pending


@trainer_required
def team(request, organisation_id):
    """The team page: who trains, who manages, who is invited; appoint a trainer by e-mail."""
    organisation = organisation_for_manager(request.user, organisation_id)
    form = AppointForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        appointment = memberships.appoint(
            organisation=organisation, email=email, role=Membership.Role.TRAINER, invited_by=request.user,
            site_url=request.build_absolute_uri("/"),
        )
        if appointment.membership is not None:
            name = appointment.membership.user.display_name
            if appointment.created:
                messages.success(request, f"{name} est maintenant formateur·rice de {organisation.name}.")
            else:
                messages.info(request, f"{name} était déjà formateur·rice de {organisation.name}.")
        elif appointment.created:
            messages.success(request, f"Invitation envoyée à {appointment.invitation.email}. Le lien est valable "
                                      f"{memberships.INVITATION_MAX_AGE.days} jours.")
        else:
            messages.success(request, f"Invitation envoyée à nouveau à {appointment.invitation.email}, avec un "
                                      "nouveau lien.")
        return redirect("trainer_team", organisation_id=organisation.pk)
    managers, trainers, pending = _team(organisation)
    return _render(request, "trainer/team.html", {
        "organisation": organisation, "managers": managers, "trainers": trainers, "pending": pending, "form": form,
    })


@trainer_required
def team_remove(request, organisation_id, trainer_id):
    """Confirm (GET), then take the trainer role away (POST)."""
    organisation = organisation_for_manager(request.user, organisation_id)
    membership = get_object_or_404(
        Membership.objects.select_related("user"), organisation=organisation, user_id=trainer_id,
        role=Membership.Role.TRAINER,
    )
    if request.method == "POST":
        memberships.remove_from_team(organisation=organisation, user=membership.user)
        messages.success(request, f"{membership.user.display_name} n'est plus formateur·rice de {organisation.name}. "
                                  "Son compte et les données de ses groupes restent.")
        return redirect("trainer_team", organisation_id=organisation.pk)
    return _render(request, "trainer/team_remove.html", {"organisation": organisation, "member": membership.user})


@trainer_required
def invitation_cancel(request, organisation_id, invitation_id):
    """Withdraw a pending invitation (POST; a GET goes back to the team page)."""
    organisation = organisation_for_manager(request.user, organisation_id)
    invitation = get_object_or_404(Invitation, organisation=organisation, pk=invitation_id)
    if request.method == "POST":
        memberships.cancel_invitation(invitation=invitation)
        messages.success(request, f"Invitation de {invitation.email} retirée : son lien ne fonctionne plus.")
    return redirect("trainer_team", organisation_id=organisation.pk)


# --- The invited person ---------------------------------------------------------------------------


def accept_invitation(request, token):
    """The link of the invitation e-mail: create the account (or log in), then join."""
    invitation = memberships.invitation_from_token(token)
    if invitation is None:
        return render(request, "trainer/invitation_invalid.html", status=404)
    here = reverse("accept_invitation", args=[token])
    context = {"invitation": invitation}
    user = request.user
    if user.is_authenticated:
        if memberships.normalise_email(user.email) != invitation.email:
            return render(request, "trainer/invitation.html", {**context, "wrong_account": True}, status=403)
        if request.method == "POST":
            try:
                memberships.accept_invitation(invitation=invitation, user=user)
            except memberships.MembershipError:  # a double submit: the first one did it
                pass
            messages.success(request, f"Vous avez rejoint l'équipe de formation de {invitation.organisation.name}.")
            return redirect("trainer_cohorts")
        return render(request, "trainer/invitation.html", {**context, "confirm": True})
    if User.objects.filter(email__iexact=invitation.email).exists():
        login_url = reverse("login") + "?" + urlencode({"next": here})
        return render(request, "trainer/invitation.html", {**context, "login_url": login_url})
    form = InvitationSignupForm(invitation.email, request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            new_user = memberships.create_account_from_invitation(
                invitation=invitation, password=data["password1"], first_name=data["first_name"],
                last_name=data["last_name"], profession=data["profession"], departement=data["departement"],
            )
        except memberships.MembershipError as error:
            # A double submit or an account created meanwhile: nothing more was written.
            messages.error(request, str(error))
            return redirect("login")
        login(request, new_user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, f"Compte créé. Vous faites partie de l'équipe de formation de "
                                  f"{invitation.organisation.name}.")
        return redirect("trainer_cohorts")
    return render(request, "trainer/invitation.html", {**context, "form": form})
