"""What Repères adds to django-lti's registrations, deployments, users and contexts.

- A deployment is attached by an administrator to the organisation whose groups it feeds,
  and stays inactive (django-lti's `is_active`) until an administrator approves it.
- A platform course (LTI context) becomes one group of that organisation, on first launch.
- A platform user is matched by registration + `sub` (django-lti's `LtiUser`) and linked to
  one Repères account, created on first launch and marked as coming from the platform.
- Each launch's nonce is kept for as long as a token could be valid, so a replayed launch is
  refused (PyLTI1p3 checks that the nonce was issued, not that it is used once).
- Grades wait in an outbox until the platform has acknowledged them: nothing lost when the
  platform is down, nothing sent twice.
"""
from django.conf import settings
from django.db import models
from django.utils import timezone
from lti_tool.models import LtiContext, LtiDeployment, LtiUser

from elearning.models import Cohort, Organisation


class DeploymentOrganisation(models.Model):
    deployment = models.OneToOneField(
        LtiDeployment, on_delete=models.CASCADE, related_name="repere_link", verbose_name="déploiement",
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="lti_deployments", verbose_name="organisation",
        help_text="Les groupes créés depuis la plateforme appartiennent à cette organisation.",
    )

    class Meta:
        verbose_name = "rattachement d'un déploiement"
        verbose_name_plural = "rattachements des déploiements"

    def __str__(self):
        return f"{self.deployment} → {self.organisation}"


class ContextCohort(models.Model):
    """The group that a platform course feeds."""

    context = models.OneToOneField(LtiContext, on_delete=models.CASCADE, related_name="repere_cohort")
    cohort = models.OneToOneField(Cohort, on_delete=models.CASCADE, related_name="lti_context", verbose_name="groupe")
    created_at = models.DateTimeField("créé le", default=timezone.now)

    class Meta:
        verbose_name = "groupe d'un cours de plateforme"
        verbose_name_plural = "groupes des cours de plateforme"

    def __str__(self):
        return f"{self.context} → {self.cohort}"


class PlatformAccount(models.Model):
    """The Repères account of a platform user (registration + `sub`)."""

    lti_user = models.OneToOneField(LtiUser, on_delete=models.CASCADE, related_name="repere_account")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="platform_accounts", verbose_name="compte",
    )
    created_at = models.DateTimeField("créé le", default=timezone.now)

    class Meta:
        verbose_name = "compte venant d'une plateforme"
        verbose_name_plural = "comptes venant d'une plateforme"

    def __str__(self):
        return f"{self.user} ({self.lti_user.registration})"


class InstructorGrant(models.Model):
    """An instructor of a platform course sees that course's group, and only it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lti_grants")
    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="lti_instructors")
    created_at = models.DateTimeField("accordé le", default=timezone.now)

    class Meta:
        verbose_name = "accès formateur·rice depuis une plateforme"
        verbose_name_plural = "accès formateur·rices depuis une plateforme"
        constraints = [models.UniqueConstraint(fields=["user", "cohort"], name="lti_one_grant_per_cohort")]

    def __str__(self):
        return f"{self.user} → {self.cohort}"


class UsedNonce(models.Model):
    nonce = models.CharField("nonce", max_length=255, unique=True)
    used_at = models.DateTimeField("utilisé le", default=timezone.now, db_index=True)

    class Meta:
        verbose_name = "nonce utilisé"
        verbose_name_plural = "nonces utilisés"

    def __str__(self):
        return self.nonce[:16]


class PlatformGrade(models.Model):
    """The grade column of one Repères resource in one platform course, for one user: created
    at launch (with the platform's grade service claim), then the latest score waiting to be
    sent. A new attempt updates the row; the course's score is computed when it is sent."""

    class Status(models.TextChoices):
        NO_SCORE = "aucun", "Pas encore de score"
        PENDING = "attente", "En attente d'envoi"
        SENT = "envoye", "Envoyé"
        FAILED = "echec", "Échec (nouvel essai prévu)"

    account = models.ForeignKey(PlatformAccount, on_delete=models.CASCADE, related_name="grades")
    context = models.ForeignKey(LtiContext, on_delete=models.CASCADE, related_name="+")
    resource = models.CharField("ressource", max_length=120, help_text="quiz:<slug> ou cours")
    ags = models.JSONField("service de notes (revendication AGS)")
    score = models.FloatField("score (0 à 1)", null=True, blank=True)
    activity_progress = models.CharField(max_length=20, blank=True)
    grading_progress = models.CharField(max_length=20, blank=True)
    timestamp = models.DateTimeField("horodatage du score", null=True, blank=True)
    status = models.CharField("état", max_length=10, choices=Status.choices, default=Status.NO_SCORE)
    tries = models.PositiveIntegerField("essais", default=0)
    last_error = models.CharField("dernière erreur", max_length=300, blank=True)
    sent_at = models.DateTimeField("envoyé le", null=True, blank=True)

    class Meta:
        verbose_name = "note à renvoyer à la plateforme"
        verbose_name_plural = "notes à renvoyer aux plateformes"
        constraints = [
            models.UniqueConstraint(fields=["account", "context", "resource"], name="lti_one_grade_per_resource"),
            models.CheckConstraint(
                condition=models.Q(score__isnull=True) | models.Q(score__gte=0, score__lte=1), name="lti_grade_score_0_1",
            ),
        ]

    def __str__(self):
        return f"{self.resource} ({self.get_status_display()})"
