"""Write paths for accounts: sign-up, joining a cohort."""
from django.db import transaction

from elearning.models import Cohort, Enrolment, Membership, User


@transaction.atomic
def sign_up(*, cohort: Cohort, email: str, password: str, first_name: str, last_name: str,
            profession: str, departement: str) -> User:
    """Create a learner and put them in `cohort`: all of it or nothing."""
    user = User.objects.create_user(
        email=email, password=password, first_name=first_name, last_name=last_name,
        profession=profession, departement=departement,
    )
    join_cohort(user=user, cohort=cohort)
    return user


@transaction.atomic
def join_cohort(*, user: User, cohort: Cohort) -> Enrolment:
    Membership.objects.get_or_create(user=user, organisation=cohort.organisation, role=Membership.Role.LEARNER)
    enrolment, _ = Enrolment.objects.get_or_create(user=user, cohort=cohort)
    return enrolment


def current_cohort_id(user) -> int | None:
    """The group a learner's new results count for: the one joined last."""
    enrolment = user.enrolments.order_by("-joined_at").only("cohort_id").first()
    return enrolment.cohort_id if enrolment else None
