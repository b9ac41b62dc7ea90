"""One LTI launch, once validated by PyLTI1p3: the nonce used once, the Repères account,
the group of the platform course, the role, and the grade column — in one transaction."""
import datetime
import uuid
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from lti_tool.models import LtiLaunch

from elearning.accounts import join_cohort
from elearning.lti.models import (
    ContextCohort,
    DeploymentOrganisation,
    InstructorGrant,
    PlatformAccount,
    PlatformGrade,
    UsedNonce,
)
from elearning.lti.resources import Resource, resolve
from elearning.models import Cohort, Membership, User

# An id_token older than this is refused by its `exp` anyway; nonces are kept this long.
NONCE_LIFETIME = datetime.timedelta(hours=2)
PLATFORM_EMAIL_DOMAIN = "plateforme.reperes.invalid"


class LaunchRefused(Exception):
    """A launch that is valid LTI but that Repères cannot serve; `status` and a French message."""

    def __init__(self, message: str, status: int = 403):
        self.status = status
        super().__init__(message)


@dataclass
class LaunchResult:
    user: User
    cohort: Cohort
    instructor: bool
    resource: Resource | None


def use_nonce(nonce: str) -> None:
    """Refuse a nonce seen before; forget nonces older than any token that could carry them."""
    UsedNonce.objects.filter(used_at__lt=timezone.now() - NONCE_LIFETIME).delete()
    try:
        with transaction.atomic():
            UsedNonce.objects.create(nonce=nonce)
    except IntegrityError:
        raise LaunchRefused("Ce lancement a déjà été utilisé : relancez l'activité depuis votre plateforme.") from None


def _is_instructor(lti_launch: LtiLaunch) -> bool:
    membership = lti_launch.membership
    return bool(membership.is_instructor or membership.is_administrator)


def _account(lti_launch: LtiLaunch) -> User:
    """The Repères account of this platform user; created on first launch. An e-mail already
    used by another Repères account is never taken over: the new account gets a private
    address, and the platform's e-mail stays on the platform's side."""
    lti_user = lti_launch.user
    link = PlatformAccount.objects.filter(lti_user=lti_user).select_related("user").first()
    if link:
        return link.user
    email = (lti_user.email or "").strip().lower()
    if not email or User.objects.filter(email__iexact=email).exists():
        email = f"{uuid.uuid4().hex}@{PLATFORM_EMAIL_DOMAIN}"
    user = User.objects.create_user(
        email=email,
        password=None,  # signs in through the platform only (an unusable password)
        first_name=(lti_user.given_name or "")[:150],
        last_name=(lti_user.family_name or "")[:150],
        content_notice_seen_at=None,
    )
    PlatformAccount.objects.create(lti_user=lti_user, user=user)
    return user


def _cohort(lti_launch: LtiLaunch) -> Cohort:
    context = lti_launch.context
    link = ContextCohort.objects.filter(context=context).select_related("cohort__organisation").first()
    if link:
        return link.cohort
    attached = DeploymentOrganisation.objects.filter(deployment=lti_launch.deployment).select_related("organisation").first()
    if attached is None:
        raise LaunchRefused("Ce déploiement n'est rattaché à aucune organisation de Repères : "
                            "l'administrateur·rice de Repères doit le faire avant le premier lancement.")
    title = (context.title or context.label or "Cours de la plateforme")[:150]
    name, n = title, 1
    while Cohort.objects.filter(organisation=attached.organisation, name__iexact=name).exists():
        n += 1
        name = f"{title} ({n})"
    cohort = Cohort.objects.create(organisation=attached.organisation, name=name)
    ContextCohort.objects.create(context=context, cohort=cohort)
    return cohort


def complete_launch(lti_launch: LtiLaunch) -> LaunchResult:
    """Everything a resource launch changes, in one transaction (the nonce first)."""
    with transaction.atomic():
        use_nonce(lti_launch.get_claim("nonce"))
        if not lti_launch.deployment.is_active:
            raise LaunchRefused("Ce déploiement n'est pas encore approuvé : l'administrateur·rice de Repères "
                                "doit l'activer avant que les participant·es puissent lancer l'activité.")
        custom = lti_launch.get_claim("https://purl.imsglobal.org/spec/lti/claim/custom") or {}
        resource = resolve(custom.get("resource"))
        user = _account(lti_launch)
        cohort = _cohort(lti_launch)
        instructor = _is_instructor(lti_launch)
        if instructor:
            # A platform trainer opens the pages of the groups they are listed on, and nothing
            # else of the organisation (elearning.access.cohorts_for: no overview, no new group);
            # the grant records which platform course made them one.
            Membership.objects.get_or_create(user=user, organisation=cohort.organisation,
                                             role=Membership.Role.PLATFORM_TRAINER)
            cohort.trainers.add(user)
            InstructorGrant.objects.get_or_create(user=user, cohort=cohort)
        else:
            join_cohort(user=user, cohort=cohort)
            ags = lti_launch.ags_claim
            if ags and resource and ags.get("lineitem"):
                PlatformGrade.objects.update_or_create(
                    account=PlatformAccount.objects.get(user=user, lti_user=lti_launch.user),
                    context=lti_launch.context, resource=resource.key, defaults={"ags": ags},
                )
        return LaunchResult(user=user, cohort=cohort, instructor=instructor, resource=resource)
