"""Invitations to a group and the scheduled e-mails (deadline reminders).

A scheduled e-mail is a row before it is a message: the row is created once (unique per
person, group and kind), claimed, sent, then marked sent. Running `send_reminders` twice
sends nothing twice; a run stopped half-way leaves the unsent rows for the next one."""
from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from elearning.models import Cohort


class Invitation(models.Model):
    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="invitations", verbose_name="groupe")
    email = models.EmailField("adresse e-mail")
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
                                   verbose_name="invité·e par")
    invited_at = models.DateTimeField("invité·e le", default=timezone.now)
    sent_at = models.DateTimeField("e-mail envoyé le", null=True, blank=True)

    class Meta:
        ordering = ["email"]
        verbose_name = "invitation"
        constraints = [models.UniqueConstraint(Lower("email"), "cohort", name="followup_one_invitation_per_email")]

    def __str__(self):
        return f"{self.email} → {self.cohort}"


class ScheduledEmail(models.Model):
    class Kind(models.TextChoices):
        DEADLINE_7 = "echeance-j7", "Rappel : échéance dans 7 jours"
        DEADLINE_1 = "echeance-j1", "Rappel : échéance demain"
        FOLLOWUP_30 = "suivi-30", "Vérification de suivi à 30 jours ouverte"
        FOLLOWUP_90 = "suivi-90", "Vérification de suivi à 90 jours ouverte"

    class Status(models.TextChoices):
        PENDING = "attente", "À envoyer"
        SENDING = "envoi", "En cours d'envoi"
        SENT = "envoye", "Envoyé"
        SKIPPED = "ignore", "Non envoyé (désinscription, parcours terminé ou rappel dépassé)"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="scheduled_emails")
    cohort = models.ForeignKey(Cohort, null=True, blank=True, on_delete=models.CASCADE, related_name="+",
                               help_text="Vide pour un e-mail qui ne dépend pas d'un groupe (vérification de suivi).")
    kind = models.CharField("type", max_length=20, choices=Kind.choices)
    due_on = models.DateField("prévu le")
    status = models.CharField("état", max_length=10, choices=Status.choices, default=Status.PENDING)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField("envoyé le", null=True, blank=True)

    class Meta:
        verbose_name = "e-mail programmé"
        verbose_name_plural = "e-mails programmés"
        constraints = [
            models.UniqueConstraint(fields=["user", "cohort", "kind"], name="followup_one_email_per_kind"),
            models.UniqueConstraint(fields=["user", "kind"], condition=models.Q(cohort__isnull=True),
                                    name="followup_one_groupless_email_per_kind"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.get_status_display()})"
