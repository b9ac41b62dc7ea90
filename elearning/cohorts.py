"""Write paths for a group's life after its creation: rename, archive, bring back.

Archiving hides a group from the trainers' active list and stops new results counting for
it (elearning.accounts.current_cohort_id); nothing of it is deleted and its pages stay
reachable from the "Groupes archivés" list.
"""
from django.db import IntegrityError, transaction
from django.utils import timezone

from elearning.models import Cohort


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
