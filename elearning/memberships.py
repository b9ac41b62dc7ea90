"""Write paths for an organisation's team: appoint and remove trainers and managers, invite
people who have no account yet, accept an invitation, add a co-trainer to a group.

Who may call these is checked by the views (elearning.access); these functions only keep
the data right, each in one transaction. Invitation e-mails leave after the commit: a
rolled-back appointment sends nothing.

The invitation link is signed with SECRET_KEY (django.core.signing) and carries only the
invitation's id; it expires after INVITATION_MAX_AGE, and once accepted or withdrawn (the
row is deleted) it opens nothing.
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from elearning.context_processors import SUPPORT_NUMBERS
from elearning.models import Cohort, Invitation, Membership, Organisation, User

INVITATION_MAX_AGE = datetime.timedelta(days=14)
_SALT = "reperes.invitation"
STAFF_ROLES = (Membership.Role.TRAINER, Membership.Role.MANAGER)


class MembershipError(Exception):
    """Refused, with a French message for the person who asked."""


@dataclass(frozen=True)
class Appointment:
    """What `appoint` did: a membership for someone who has an account, or an invitation."""

    membership: Membership | None = None
    invitation: Invitation | None = None
    created: bool = True


def normalise_email(email: str) -> str:
    return User.objects.normalize_email((email or "").strip()).lower()


@transaction.atomic
def appoint(*, organisation: Organisation, email: str, role: str, invited_by: User | None,
            site_url: str) -> Appointment:
    """Make the person with this e-mail a trainer (or manager) of `organisation`: at once if
    they have an account, otherwise by an invitation e-mail (sent again, with a new link,
    when one is already pending). `site_url` is the site's address for the link."""
    if role not in STAFF_ROLES:
        raise MembershipError("Rôle inconnu : choisissez formateur·rice ou responsable.")
    email = normalise_email(email)
    if not email:
        raise MembershipError("Indiquez une adresse e-mail.")
    user = User.objects.filter(email__iexact=email).first()
    if user is not None:
        try:
            with transaction.atomic():
                membership, created = Membership.objects.get_or_create(user=user, organisation=organisation, role=role)
        except IntegrityError:  # the same appointment committed concurrently
            membership, created = Membership.objects.get(user=user, organisation=organisation, role=role), False
        # An invitation sent before this person had an account has nothing left to do.
        Invitation.objects.filter(organisation=organisation, email=email, role=role).delete()
        return Appointment(membership=membership, created=created)
    invitation = (
        Invitation.objects.select_for_update()
        .filter(organisation=organisation, email=email, role=role).first()
    )
    created = invitation is None
    if created:
        invitation = Invitation.objects.create(organisation=organisation, email=email, role=role,
                                               invited_by=invited_by)
    else:
        invitation.sent_at = timezone.now()
        invitation.invited_by = invited_by or invitation.invited_by
        invitation.save(update_fields=["sent_at", "invited_by"])
    link = site_url.rstrip("/") + reverse("accept_invitation", args=[invitation_token(invitation)])
    invitation_id = invitation.pk
    transaction.on_commit(lambda: send_invitation(invitation_id=invitation_id, link=link))
    return Appointment(invitation=invitation, created=created)


@transaction.atomic
def remove_from_team(*, organisation: Organisation, user: User, role: str = Membership.Role.TRAINER) -> None:
    """Take a trainer (or manager) role away. A trainer also leaves the groups of the
    organisation they trained; their account, and any learner role, stay."""
    Membership.objects.filter(user=user, organisation=organisation, role=role).delete()
    if role == Membership.Role.TRAINER:
        Cohort.trainers.through.objects.filter(user=user, cohort__organisation=organisation).delete()


@transaction.atomic
def cancel_invitation(*, invitation: Invitation) -> None:
    """A pending invitation is withdrawn: its link opens nothing any more."""
    Invitation.objects.filter(pk=invitation.pk).delete()


def invitation_token(invitation: Invitation) -> str:
    return signing.dumps({"i": invitation.pk}, salt=_SALT, compress=True)


def invitation_from_token(token: str) -> Invitation | None:
    """The pending invitation a link stands for, or None (forged, expired, used, withdrawn)."""
    try:
        data = signing.loads(token, salt=_SALT, max_age=INVITATION_MAX_AGE)
    except signing.BadSignature:  # SignatureExpired is a BadSignature
        return None
    if not isinstance(data, dict) or not isinstance(data.get("i"), int):
        return None
    return Invitation.objects.select_related("organisation").filter(pk=data["i"]).first()


@transaction.atomic
def accept_invitation(*, invitation: Invitation, user: User) -> Membership:
    """`user` (whose e-mail is the invited one) takes the role; the invitation is used up
    (deleted: the membership now records the fact)."""
    if normalise_email(user.email) != invitation.email:
        raise MembershipError("Cette invitation a été envoyée à une autre adresse e-mail.")
    deleted, _ = Invitation.objects.filter(pk=invitation.pk).delete()
    if not deleted:  # a concurrent acceptance won: nothing more to do, and say so
        raise MembershipError("Cette invitation a déjà été utilisée.")
    membership, _ = Membership.objects.get_or_create(user=user, organisation=invitation.organisation,
                                                     role=invitation.role)
    return membership


@transaction.atomic
def create_account_from_invitation(*, invitation: Invitation, password: str, first_name: str, last_name: str,
                                   profession: str = "", departement: str = "") -> User:
    """Create the invited person's account and give them the role: all of it or nothing."""
    if User.objects.filter(email__iexact=invitation.email).exists():
        raise MembershipError("Un compte existe déjà avec cette adresse : connectez-vous pour accepter l'invitation.")
    user = User.objects.create_user(
        email=invitation.email, password=password, first_name=first_name, last_name=last_name,
        profession=profession, departement=departement,
    )
    accept_invitation(invitation=invitation, user=user)
    return user


def send_invitation(*, invitation_id: int, link: str) -> None:
    """The invitation e-mail, in French, plain text and HTML, with the support numbers."""
    invitation = Invitation.objects.select_related("organisation", "invited_by").filter(pk=invitation_id).first()
    if invitation is None:
        return
    context = {
        "invitation": invitation,
        "link": link,
        "days": INVITATION_MAX_AGE.days,
        "site_name": getattr(settings, "SITE_NAME", "Repères"),
        "inviter": invitation.invited_by.display_name if invitation.invited_by else "",
        "support_numbers": SUPPORT_NUMBERS,
    }
    message = EmailMultiAlternatives(
        subject=f"Invitation : rejoindre l'équipe de formation de {invitation.organisation.name} sur Repères",
        body=render_to_string("emails/team_invitation.txt", context),
        to=[invitation.email],
    )
    message.attach_alternative(render_to_string("emails/team_invitation.html", context), "text/html")
    message.send()


# --- Co-trainers ------------------------------------------------------------------------------


@transaction.atomic
def add_cotrainer(*, cohort: Cohort, user: User) -> None:
    """A colleague trainer of the same organisation now trains the group too."""
    if not Membership.objects.filter(user=user, organisation_id=cohort.organisation_id,
                                     role=Membership.Role.TRAINER).exists():
        raise MembershipError("Seul·e un·e formateur·rice de la même organisation peut être ajouté·e au groupe.")
    cohort.trainers.add(user)


@transaction.atomic
def remove_cotrainer(*, cohort: Cohort, user: User) -> None:
    """A trainer leaves the group (its data stays). The last trainer cannot leave: the group
    would have no one to follow it but the managers."""
    locked = Cohort.objects.select_for_update().get(pk=cohort.pk)
    if not locked.trainers.filter(pk=user.pk).exists():
        return
    if locked.trainers.count() <= 1:
        raise MembershipError("Le groupe doit garder au moins un·e formateur·rice.")
    locked.trainers.remove(user)
