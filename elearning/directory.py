"""The referral directory's one write path: an editor confirms entries."""
import datetime

from django.db import transaction

from elearning.models import Contact

CONFIRMED_REASON = "Vérifié par l'équipe"


def unconfirmable(contact: Contact) -> str:
    """Why `contact` cannot be confirmed as it stands (French), or "" when it can."""
    for number, doubtful in ((contact.phone, contact.phone_doubtful), (contact.phone_2, contact.phone_2_doubtful)):
        if number and (doubtful or not Contact.plausible_number(number)):
            return (f"« {contact.name} » : le numéro {number} est douteux. Corrigez-le et décochez "
                    "« téléphone douteux » avant de marquer l'entrée comme vérifiée.")
    return ""


@transaction.atomic
def confirm_contacts(*, contacts: list[Contact], editor, on: datetime.date) -> list[Contact]:
    """Record that `editor` checked these entries on `on`: they are no longer "à vérifier"
    and their hours are no longer "selon le guide". Each save is a version in the history
    (who, when, what changed). Entries with a doubtful number are left as they are.
    Returns the entries confirmed."""
    confirmed = []
    for contact in contacts:
        if unconfirmable(contact):
            continue
        contact.confirmed_at = on
        contact.confirmed_by = editor
        contact.to_verify = False
        contact.to_verify_note = ""
        contact.hours_from_guide = False
        contact._history_user = editor
        contact._change_reason = CONFIRMED_REASON
        contact.save()
        confirmed.append(contact)
    return confirmed
