"""Inviting a list of people to a group: one write path, a line-by-line report, e-mails after commit."""
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone

from elearning import mail
from elearning.followup.models import Invitation
from elearning.models import Cohort, Enrolment

MAX_INVITATIONS = 200
SEPARATORS = re.compile(r"[\n,;]+")


@dataclass
class InvitationReport:
    lines: list[tuple[int, str, str, bool]] = field(default_factory=list)  # (n°, text, message, ok)
    invited: int = 0

    @property
    def errors(self) -> int:
        return sum(1 for *_, ok in self.lines if not ok)


def _joined_emails(cohort: Cohort) -> set[str]:
    """The (lower-cased) addresses of the group's learners: one query."""
    return set(Enrolment.objects.filter(cohort=cohort).annotate(e=Lower("user__email")).values_list("e", flat=True))


def parse(text: str) -> tuple[list[tuple[int, str]], str]:
    """The addresses of a pasted list, numbered as the trainer sees them; or a French error."""
    entries = [(n, part.strip()) for n, part in enumerate(SEPARATORS.split(text or ""), start=1) if part.strip()]
    if not entries:
        return [], "Collez au moins une adresse e-mail."
    if len(entries) > MAX_INVITATIONS:
        return [], f"{len(entries)} adresses : {MAX_INVITATIONS} au plus par envoi. Découpez la liste."
    return entries, ""


def invite(*, cohort: Cohort, entries: list[tuple[int, str]], by, join_url: str) -> InvitationReport:
    """Record an invitation per valid address (again for one already invited: a new e-mail),
    report each line, and send the e-mails once the transaction is committed."""
    report = InvitationReport()
    seen: set[str] = set()
    to_send: list[str] = []
    joined = _joined_emails(cohort)
    with transaction.atomic():
        for number, text in entries:
            email = text.lower()
            try:
                validate_email(email)
            except ValidationError:
                report.lines.append((number, text, "adresse e-mail invalide", False))
                continue
            if email in seen:
                report.lines.append((number, text, "en double dans la liste (une seule invitation)", False))
                continue
            seen.add(email)
            if email in joined:
                report.lines.append((number, text, "déjà inscrit·e dans ce groupe", True))
                continue
            invitation = Invitation.objects.filter(cohort=cohort, email__iexact=email).first()
            if invitation:
                invitation.invited_at, invitation.invited_by = timezone.now(), by
                invitation.save(update_fields=["invited_at", "invited_by"])
                message = "déjà invité·e : invitation renvoyée"
            else:
                Invitation.objects.create(cohort=cohort, email=email, invited_by=by)
                message = "invitation envoyée"
            report.lines.append((number, text, message, True))
            report.invited += 1
            to_send.append(email)
        transaction.on_commit(lambda: _send(cohort, to_send, join_url))
    return report


def _send(cohort: Cohort, emails: list[str], join_url: str) -> None:
    for email in emails:
        if mail.send(to=email, subject=f"Invitation au groupe « {cohort.name} »", template="invitation",
                     context={"cohort": cohort, "join_url": join_url}):
            Invitation.objects.filter(cohort=cohort, email__iexact=email).update(sent_at=timezone.now())


def invitation_rows(cohort: Cohort) -> list[dict]:
    """Each invitation with whether the person has joined: two queries."""
    joined = _joined_emails(cohort)
    return [{"invitation": i, "joined": i.email.lower() in joined} for i in cohort.invitations.all()]
