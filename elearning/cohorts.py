"""Write paths for groups: one function per event (create, rename, archive or bring back,
open or close sign-ups, new join code, remove a learner), each in a transaction where it
writes more than one row. The trainer's pages call them rather than writing a cohort
themselves.

Archiving hides a group from the trainers' active list and stops new results counting for
it (elearning.accounts.current_cohort_id); nothing of it is deleted and its pages stay
reachable from the "Groupes archivés" list.
"""
from django.db import IntegrityError, transaction
from django.utils import timezone

from elearning.models import Cohort, Enrolment, Membership, Organisation, new_join_code


class CohortNameTaken(Exception):
    """Another group of the organisation already has this name."""


def clean_name(name: str) -> str:
    return " ".join((name or "").split())


@transaction.atomic
def rename_cohort(*, cohort: Cohort, name: str) -> Cohort:
    """Give the group a new name (unique in its organisation, whatever the case)."""
    name = clean_name(name)
    taken = Cohort.objects.filter(organisation_id=cohort.organisation_id, name__iexact=name).exclude(pk=cohort.pk)
    if taken.exists():
        raise CohortNameTaken(name)
    cohort.name = name
    try:
        with transaction.atomic():
            cohort.save(update_fields=["name"])
    except IntegrityError:  # the same name saved concurrently
        raise CohortNameTaken(name) from None
    return cohort


@transaction.atomic
def set_archived(*, cohort: Cohort, archived: bool) -> Cohort:
    """Archive the group (its join code closes: nobody joins a finished group), or bring
    it back to the active list (the code stays closed until a trainer reopens it).
    Archiving twice keeps the first date."""
    if archived:
        cohort.archived_at = cohort.archived_at or timezone.now()
        cohort.join_open = False
    else:
        cohort.archived_at = None
    cohort.save(update_fields=["archived_at", "join_open"])
    return cohort


@transaction.atomic
def create_cohort(*, organisation: Organisation, name: str, created_by) -> Cohort:
    """A new cohort, open to sign-ups, with a fresh join code; its creator trains it. Raises
    IntegrityError when the organisation already has a cohort of that name, whatever its case
    (a database rule: two trainers submitting the same name at once get one group)."""
    cohort = Cohort.objects.create(organisation=organisation, name=name, created_by=created_by)
    if created_by is not None:  # a group made by a script or an import has no trainer yet
        cohort.trainers.add(created_by)
    return cohort


def set_join_open(*, cohort: Cohort, is_open: bool) -> None:
    """Open or close sign-ups with the code and the link (learners already in stay)."""
    cohort.join_open = is_open
    cohort.save(update_fields=["join_open"])


def regenerate_join_code(*, cohort: Cohort) -> str:
    """Replace the code: the old code and link stop working at once."""
    for _ in range(5):
        cohort.join_code = new_join_code()
        try:
            with transaction.atomic():
                cohort.save(update_fields=["join_code"])
            return cohort.join_code
        except IntegrityError:  # the new code is taken (about one chance in 10^11): draw again
            continue
    raise IntegrityError("Impossible de tirer un code libre.")


@transaction.atomic
def remove_learner(*, enrolment: Enrolment) -> None:
    """Take a learner out of a cohort. Their account, progress and certificate stay theirs;
    answers already given stay, without a name, in the group's quiz statistics. Their
    learner role in the organisation goes when no other cohort of it holds them."""
    user, organisation = enrolment.user, enrolment.cohort.organisation
    enrolment.delete()
    if not Enrolment.objects.filter(user=user, cohort__organisation=organisation).exists():
        Membership.objects.filter(user=user, organisation=organisation, role=Membership.Role.LEARNER).delete()
