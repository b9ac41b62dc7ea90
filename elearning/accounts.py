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
