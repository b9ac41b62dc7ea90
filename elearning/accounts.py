"""Write paths for accounts: sign-up and activation, joining a cohort, the content notice.

Sign-up answers the same way whether or not the address already has an account (no one can
learn from the site who is registered): a new address gets an activation link, the owner of
a known address gets an e-mail saying so instead."""
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.core import signing
from django.db import IntegrityError, transaction
from django.utils import timezone

from elearning.models import Cohort, Enrolment, Membership, User

ACTIVATION_SALT = "elearning.activation"
ACTIVATION_DAYS = 3


@dataclass
class SignupRequest:
    """What a sign-up did, for the view to send the right e-mail (and show the same page)."""

    user: User
    created: bool

    @property
    def awaiting_activation(self) -> bool:
        return not self.user.is_active and self.user.last_login is None


def request_sign_up(*, cohort: Cohort, email: str, password: str, first_name: str, last_name: str,
                    profession: str, departement: str) -> SignupRequest:
    """Create a learner, inactive until they open the link sent to `email`; or, when the
    address already has an account, leave it untouched."""
    existing = User.objects.filter(email__iexact=email).first()
    if existing is None:
        try:
            with transaction.atomic():
                user = User.objects.create_user(
                    email=email, password=password, first_name=first_name, last_name=last_name,
                    profession=profession, departement=departement, is_active=False,
                )
            return SignupRequest(user=user, created=True)
        except IntegrityError:  # the same address signed up at the same instant
            existing = User.objects.get(email__iexact=email)
    # Hash the password anyway: a known address must not answer faster than a new one.
    make_password(password)
    return SignupRequest(user=existing, created=False)


def activation_token(*, user: User, cohort: Cohort) -> str:
    return signing.dumps({"u": user.pk, "c": cohort.pk}, salt=ACTIVATION_SALT)


def read_activation_token(token: str) -> tuple[User, Cohort] | None:
    """The account and group of a valid link: signed, at most ACTIVATION_DAYS old, for an
    account that was never used (a second click, or a link to an account an administrator
    deactivated later, activates nothing)."""
    try:
        data = signing.loads(token, salt=ACTIVATION_SALT, max_age=ACTIVATION_DAYS * 24 * 3600)
        user_id, cohort_id = int(data["u"]), int(data["c"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
    user = User.objects.filter(pk=user_id, is_active=False, last_login__isnull=True).first()
    cohort = Cohort.objects.select_related("organisation").filter(pk=cohort_id).first()
    if user is None or cohort is None:
        return None
    return user, cohort


@transaction.atomic
def activate(*, user: User, cohort: Cohort) -> Enrolment:
    """The learner opened their link: the account works and they are in the group."""
    User.objects.filter(pk=user.pk).update(is_active=True)
    user.is_active = True
    return join_cohort(user=user, cohort=cohort)


@transaction.atomic
def join_cohort(*, user: User, cohort: Cohort) -> Enrolment:
    Membership.objects.get_or_create(user=user, organisation=cohort.organisation, role=Membership.Role.LEARNER)
    enrolment, _ = Enrolment.objects.get_or_create(user=user, cohort=cohort)
    return enrolment


def current_cohort_id(user) -> int | None:
    """The group a learner's new results count for (attempts, lessons done).

    The rule: results belong to the group in which they were made. That group is the
    learner's active enrolment at that moment; a learner in two active groups at once
    works for the one joined most recently; archived groups take no new results (a learner
    whose only group is archived works for no group). Read once per write, in the write's
    transaction, and copied onto the row: a later move never rewrites the past."""
    enrolment = (
        user.enrolments.filter(cohort__archived_at__isnull=True)
        .order_by("-joined_at", "-pk").only("cohort_id").first()
    )
    return enrolment.cohort_id if enrolment else None


def acknowledge_content_notice(*, user: User) -> None:
    """The learner has read the notice shown before the first lesson; the first reading is
    the one kept (a second click changes nothing)."""
    User.objects.filter(pk=user.pk, content_notice_seen_at__isnull=True).update(
        content_notice_seen_at=timezone.now())
    user.refresh_from_db(fields=["content_notice_seen_at"])
