"""Accounts, organisations, the course and the referral directory."""
import math
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.db.models.signals import pre_save
from django.dispatch import receiver
from django.urls import reverse
from django.utils import formats, timezone

from elearning.validators import validate_printable_name, validate_web_url
from elearning.versions import VersionHistory


class Profession(models.TextChoices):
    TEACHER = "enseignant", "Enseignant·e"
    CPE = "cpe", "CPE"
    SCHOOL_NURSE = "infirmier", "Infirmier·e scolaire"
    SOCIAL_WORKER = "ass", "Assistant·e de service social"
    EDUCATOR = "educateur", "Éducateur·rice spécialisé·e"
    YOUTH_WORKER = "animateur", "Animateur·rice"
    PSYCHOLOGIST = "psychologue", "Psychologue"
    OTHER = "autre", "Autre"


class Departement(models.TextChoices):
    PARIS = "75", "75 — Paris"
    SEINE_ET_MARNE = "77", "77 — Seine-et-Marne"
    YVELINES = "78", "78 — Yvelines"
    ESSONNE = "91", "91 — Essonne"
    HAUTS_DE_SEINE = "92", "92 — Hauts-de-Seine"
    SEINE_SAINT_DENIS = "93", "93 — Seine-Saint-Denis"
    VAL_DE_MARNE = "94", "94 — Val-de-Marne"
    VAL_D_OISE = "95", "95 — Val-d'Oise"
    OTHER = "autre", "Autre"


IDF_DEPARTEMENTS = [c for c in Departement.values if c != "autre"]


class UserManager(BaseUserManager):
    """Users log in with their e-mail address; there is no username."""

    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("L'adresse e-mail est obligatoire.")
        email = self.normalize_email(email).lower()
        user = self.model(email=email, **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, username):
        return self.get(**{f"{self.model.USERNAME_FIELD}__iexact": username})


class User(AbstractUser):
    """A person using Repères: learner, trainer, content editor or administrator."""

    username = None
    email = models.EmailField("adresse e-mail", unique=True)
    # Printed on certificates and in trainers' tables: no invisible or reversing characters.
    first_name = models.CharField("prénom", max_length=150, blank=True, validators=[validate_printable_name])
    last_name = models.CharField("nom", max_length=150, blank=True, validators=[validate_printable_name])
    profession = models.CharField("profession", max_length=20, choices=Profession.choices, blank=True)
    departement = models.CharField(
        "département d'exercice", max_length=5, choices=Departement.choices, blank=True
    )
    content_notice_seen_at = models.DateTimeField(
        "avertissement de contenu lu le", null=True, blank=True
    )
    email_reminders = models.BooleanField(
        "recevoir les rappels par e-mail", default=True,
        help_text="Rappels d'échéance de groupe et vérifications de suivi. Les e-mails indispensables "
                  "(réinitialisation du mot de passe) partent toujours.",
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = UserManager()

    class Meta:
        verbose_name = "utilisateur·rice"
        verbose_name_plural = "utilisateur·rices"

    def __str__(self):
        return self.get_full_name() or self.email

    @property
    def display_name(self):
        return self.get_full_name() or self.email



EDITORS_GROUP = "Éditeurs de contenu"


class OrganisationManager(models.Manager):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Organisation(models.Model):
    """A structure that trains its staff: a département's child-protection service,
    a school district, an association."""

    class Kind(models.TextChoices):
        CHILD_PROTECTION = "ase", "Service départemental de protection de l'enfance"
        SCHOOL = "education", "Éducation nationale (circonscription, établissement)"
        ASSOCIATION = "association", "Association"
        OTHER = "autre", "Autre"

    name = models.CharField("nom", max_length=200)
    slug = models.SlugField("identifiant", unique=True)
    kind = models.CharField("type", max_length=20, choices=Kind.choices, default=Kind.OTHER)
    created_at = models.DateTimeField("créée le", default=timezone.now)

    objects = OrganisationManager()

    class Meta:
        ordering = ["name"]
        verbose_name = "organisation"

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)


class Membership(models.Model):
    """A person's role in an organisation: learner, trainer, or manager (the person who
    appoints and removes the organisation's trainers). One row per role: a manager who also
    trains has two rows. Written by `elearning.memberships` (trainers, managers) and
    `elearning.accounts` (learners)."""

    class Role(models.TextChoices):
        LEARNER = "learner", "Apprenant·e"
        TRAINER = "trainer", "Formateur·rice"
        MANAGER = "manager", "Responsable de l'équipe de formation"
        # An instructor who launched Repères from an LMS course (elearning/lti): sees the
        # groups of their platform courses only — no organisation overview, no new groups.
        PLATFORM_TRAINER = "plateforme", "Formateur·rice d'un cours de plateforme (ses groupes seulement)"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships",
                             verbose_name="personne")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships",
                                     verbose_name="organisation")
    role = models.CharField("rôle", max_length=10, choices=Role.choices, default=Role.LEARNER)
    created_at = models.DateTimeField("depuis le", default=timezone.now)

    class Meta:
        verbose_name = "appartenance"
        verbose_name_plural = "appartenances"
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation", "role"], name="unique_membership_role"),
        ]

    def __str__(self):
        return f"{self.user} — {self.organisation} ({self.get_role_display()})"


def new_join_code() -> str:
    # 8 characters from an alphabet without look-alikes (0/O, 1/I/L): easy to dictate
    # to a class, 31^8 ≈ 8.5e11 possibilities.
    alphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(8))


class Cohort(models.Model):
    """A training group inside an organisation, joined with a code or a link."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="cohorts", verbose_name="organisation")
    name = models.CharField("nom du groupe", max_length=200, validators=[validate_printable_name])
    join_code = models.CharField("code d'accès", max_length=12, unique=True, default=new_join_code)
    join_open = models.BooleanField("inscriptions ouvertes", default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name="créé par",
    )
    created_at = models.DateTimeField("créé le", default=timezone.now)
    deadline = models.DateField(
        "échéance", null=True, blank=True,
        help_text="Date à laquelle le groupe doit avoir terminé le parcours : rappels à J-7 et J-1.",
    )
    # Co-trainers: who may open the group's pages (with the organisation's managers, see
    # elearning.access.cohorts_for). Only trainers of the same organisation are added.
    trainers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="trained_cohorts", verbose_name="formateur·rices",
    )
    # An archived group leaves the trainers' active list; nothing of it is deleted, and new
    # results no longer count for it (elearning.accounts.current_cohort_id).
    archived_at = models.DateTimeField("archivé le", null=True, blank=True)

    class Meta:
        ordering = ["organisation", "name"]
        verbose_name = "groupe"
        constraints = [
            # Case-insensitive, as the trainer's form checks: « CPE 93 » and « cpe 93 » are one name.
            models.UniqueConstraint(Lower("name"), "organisation", name="unique_cohort_name_per_org_ci",
                                    violation_error_message="Un groupe porte déjà ce nom dans cette organisation."),
        ]

    def __str__(self):
        return f"{self.name} ({self.organisation})"

    def get_join_url(self):
        return reverse("join", args=[self.join_code])

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None


class Invitation(models.Model):
    """An e-mail invited to join an organisation as trainer or manager, before that person
    has an account. The link sent is signed and expires (elearning.memberships); accepting
    creates the account and the membership, and deletes the invitation (the membership keeps
    the fact; the e-mail of someone who never answers is kept only until the invitation is
    withdrawn)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="invitations",
                                     verbose_name="organisation")
    email = models.EmailField("adresse e-mail")
    role = models.CharField("rôle", max_length=10, choices=Membership.Role.choices, default=Membership.Role.TRAINER)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name="invitée par")
    sent_at = models.DateTimeField("envoyée le", default=timezone.now)

    class Meta:
        ordering = ["-sent_at"]
        verbose_name = "invitation"
        constraints = [
            models.UniqueConstraint(fields=["organisation", "email", "role"], name="unique_invitation"),
            models.CheckConstraint(condition=~Q(role="learner"), name="invitation_not_learner"),
        ]

    def __str__(self):
        return f"{self.email} — {self.organisation} ({self.get_role_display()})"


class Enrolment(models.Model):
    """A learner's place in a cohort."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="enrolments", verbose_name="groupe")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrolments",
                             verbose_name="apprenant·e")
    joined_at = models.DateTimeField("inscrit·e le", default=timezone.now)

    class Meta:
        verbose_name = "inscription"
        constraints = [models.UniqueConstraint(fields=["cohort", "user"], name="unique_enrolment")]

    def __str__(self):
        return f"{self.user} — {self.cohort}"


# --- Course content -----------------------------------------------------------------------


class SlugManager(models.Manager):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class PublishedQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Status.PUBLISHED)


class Status(models.TextChoices):
    DRAFT = "draft", "Brouillon"
    PUBLISHED = "published", "Publié"


class Course(models.Model):
    """The course: "Prostitution des mineur·es : repérer, protéger, orienter"."""

    slug = models.SlugField("identifiant", unique=True)
    title = models.CharField("titre", max_length=200)
    summary = models.TextField("présentation (Markdown)", blank=True)

    objects = SlugManager()

    class Meta:
        verbose_name = "cours"
        verbose_name_plural = "cours"

    def __str__(self):
        return self.title

    def natural_key(self):
        return (self.slug,)


class ModuleManager(SlugManager.from_queryset(PublishedQuerySet)):
    pass


class Module(models.Model):
    """An ordered part of the course, grouping lessons and quizzes."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="modules", verbose_name="cours")
    slug = models.SlugField("identifiant", unique=True)
    title = models.CharField("titre", max_length=200)
    summary = models.TextField("résumé", blank=True)
    order = models.PositiveIntegerField("ordre", default=0)
    status = models.CharField("statut", max_length=10, choices=Status.choices, default=Status.PUBLISHED)

    objects = ModuleManager()

    class Meta:
        ordering = ["order", "id"]
        verbose_name = "module"

    def __str__(self):
        return self.title

    def natural_key(self):
        return (self.slug,)


class LessonManager(SlugManager.from_queryset(PublishedQuerySet)):
    pass


WORDS_PER_MINUTE = 200
# Reading time is estimated from the length of the text: about 6 characters per French word,
# space included.
CHARS_PER_WORD = 6


class Lesson(models.Model):
    """A lesson: Markdown text rendered by `elearning.markdown.render`."""

    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="lessons", verbose_name="module")
    slug = models.SlugField("identifiant", unique=True)
    title = models.CharField("titre", max_length=200)
    order = models.PositiveIntegerField("ordre", default=0)
    body = models.TextField(
        "contenu (Markdown)",
        help_text="Encadrés : « > [!chiffre] », « > [!savoir] », « > [!retenir] », « > [!focus] », « > [!maj] ».",
    )
    guide_sections = models.CharField(
        "sections du guide couvertes",
        max_length=300,
        blank=True,
        help_text="Identifiants des sections du guide source, séparés par des virgules.",
    )
    status = models.CharField("statut", max_length=10, choices=Status.choices, default=Status.PUBLISHED)
    updated_at = models.DateTimeField("modifiée le", auto_now=True)
    history = VersionHistory(excluded_fields=["updated_at"])

    objects = LessonManager()

    class Meta:
        ordering = ["module__order", "order", "id"]
        verbose_name = "leçon"

    def __str__(self):
        return self.title

    def natural_key(self):
        return (self.slug,)

    natural_key.dependencies = ["elearning.module"]

    def get_absolute_url(self):
        # Memoised on the instance (keyed by the slugs, so an edit is never stale): the
        # table of contents asks for it for every lesson of the module on every page.
        key = (self.module.slug, self.slug)
        cached = self.__dict__.get("_url")
        if cached is None or cached[0] != key:
            cached = self.__dict__["_url"] = (key, reverse("lesson", args=list(key)))
        return cached[1]

    @property
    def reading_minutes(self) -> int:
        # Computed from the text, never stored: loaddata skips save(), and the figure
        # must follow the text after each edit.
        return max(1, math.ceil(len(self.body) / (CHARS_PER_WORD * WORDS_PER_MINUTE)))


class LessonCompletion(models.Model):
    """A learner has marked a lesson as done (written by `elearning.progress`)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lesson_completions",
                             verbose_name="apprenant·e")
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="completions", verbose_name="leçon")
    # The group the learner was in when they finished the lesson: it counts there, and only
    # there (see elearning.accounts.current_cohort_id).
    cohort = models.ForeignKey(Cohort, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                               verbose_name="groupe")
    completed_at = models.DateTimeField("terminée le", default=timezone.now)

    class Meta:
        verbose_name = "leçon terminée"
        verbose_name_plural = "leçons terminées"
        constraints = [models.UniqueConstraint(fields=["user", "lesson"], name="unique_lesson_completion")]

    def __str__(self):
        return f"{self.lesson} ({self.completed_at:%d/%m/%Y})"


# --- Referral directory ---------------------------------------------------------------------


class Contact(models.Model):
    """An entry of the referral directory "Qui contacter ?"."""

    class Kind(models.TextChoices):
        NATIONAL = "national", "Numéro national"
        CRIP = "crip", "CRIP (informations préoccupantes)"
        PARQUET = "parquet", "Tribunal judiciaire — parquet (signalements)"
        ASSOCIATION = "association", "Association"
        PSYCHOTRAUMA = "psychotrauma", "Consultation de psychotraumatologie"
        OTHER = "autre", "Autre ressource"

    slug = models.SlugField("identifiant", unique=True, max_length=80)
    name = models.CharField("nom", max_length=200)
    kind = models.CharField("type", max_length=20, choices=Kind.choices)
    departement = models.CharField(
        "département", max_length=5, blank=True, help_text="Vide pour une ressource nationale ou régionale."
    )
    roles = models.CharField(
        "rôles",
        max_length=200,
        blank=True,
        help_text="Parmi : accueil, soutien-pro, prevention (séparés par des virgules).",
    )
    description = models.TextField("description", blank=True)
    phone = models.CharField("téléphone", max_length=60, blank=True)
    phone_2 = models.CharField("autre téléphone", max_length=60, blank=True)
    email = models.CharField("e-mail", max_length=200, blank=True)
    address = models.TextField("adresse", blank=True)
    hours = models.CharField("horaires", max_length=300, blank=True)
    website = models.CharField("site web", max_length=300, blank=True, validators=[validate_web_url],
                               help_text="Adresse complète, commençant par https://.")
    hours_from_guide = models.BooleanField(
        "horaires repris du guide", default=False,
        help_text="Les horaires changent souvent : ils sont affichés « selon le guide » tant qu'ils n'ont pas été confirmés.",
    )
    phone_doubtful = models.BooleanField(
        "téléphone douteux", default=False,
        help_text="Affiché sans lien d'appel (à vérifier) tant qu'il n'a pas été confirmé.",
    )
    phone_2_doubtful = models.BooleanField("autre téléphone douteux", default=False)
    source = models.CharField(
        "source des coordonnées", max_length=200, blank=True,
        help_text="D'où viennent ces coordonnées, avec l'année, à lire après « D'après » : "
        "« le guide régional, 2022 ».",
    )
    confirmed_at = models.DateField(
        "vérifié le", null=True, blank=True,
        help_text="Date à laquelle une personne de l'équipe a confirmé l'entrée (action « Marquer comme vérifié »).",
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name="vérifié par",
    )
    to_verify = models.BooleanField("à vérifier", default=False)
    to_verify_note = models.CharField("ce qui est à vérifier", max_length=300, blank=True)
    order = models.PositiveIntegerField("ordre", default=0)
    history = VersionHistory()

    objects = SlugManager()

    class Meta:
        ordering = ["departement", "order", "name"]
        verbose_name = "contact de l'annuaire"
        verbose_name_plural = "annuaire"
        constraints = [
            models.CheckConstraint(
                condition=~Q(to_verify=True) | ~Q(to_verify_note=""),
                name="contact_to_verify_has_note",
                violation_error_message="Indiquez ce qui est à vérifier (numéro, adresse, horaires…).",
            ),
            # A doubtful number is an entry to verify, with a note saying what.
            models.CheckConstraint(
                condition=Q(phone_doubtful=False, phone_2_doubtful=False) | Q(to_verify=True),
                name="contact_doubtful_number_to_verify",
                violation_error_message="Un numéro douteux rend l'entrée « à vérifier » : cochez-la et dites pourquoi.",
            ),
            # Every entry says where its data comes from, or that the team confirmed it.
            models.CheckConstraint(
                condition=~Q(source="") | Q(confirmed_at__isnull=False),
                name="contact_has_provenance",
                violation_error_message="Indiquez d'où viennent ces coordonnées, avec l'année (« le guide régional, 2022 »).",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.departement or 'national'})"

    def natural_key(self):
        return (self.slug,)

    ROLE_LABELS = {
        "accueil": "Accueil des victimes",
        "soutien-pro": "Soutien technique aux professionnel·les",
        "prevention": "Prévention",
    }

    @property
    def role_list(self):
        return [r.strip() for r in self.roles.split(",") if r.strip()]

    @property
    def role_labels(self):
        return [self.ROLE_LABELS.get(r, r) for r in self.role_list]

    @staticmethod
    def plausible_number(phone: str) -> bool:
        """A short national number (15, 119, 3114…), ten digits starting with 0, or an
        international +33 number. "0 800 00 083" (nine digits) is not."""
        digits = "".join(ch for ch in phone if ch.isdigit())
        if phone.strip().startswith("+"):
            return 11 <= len(digits) <= 13
        return 2 <= len(digits) <= 4 or (len(digits) == 10 and digits.startswith("0"))

    @classmethod
    def _tel(cls, phone: str, doubtful: bool) -> str | None:
        """The `tel:` link, or None when the number is doubtful: a tap must never call a
        wrong number (it is shown, as text, with « à vérifier »)."""
        if not phone or doubtful or not cls.plausible_number(phone):
            return None
        return "tel:" + "".join(ch for ch in phone if ch.isdigit() or ch == "+")

    @property
    def tel_href(self):
        return self._tel(self.phone, self.phone_doubtful)

    @property
    def tel_href_2(self):
        return self._tel(self.phone_2, self.phone_2_doubtful)

    @property
    def provenance(self) -> str:
        """What the directory says about where the entry comes from."""
        if self.confirmed_at:
            return f"Vérifié par l'équipe le {formats.date_format(self.confirmed_at, 'j F Y')}."
        return f"D'après {self.source} ; pas encore confirmé par l'équipe éditoriale."

    @property
    def provenance_short(self) -> str:
        """The same, in a few words, for the one-page fiche réflexe."""
        if self.confirmed_at:
            return f"vérifié le {formats.date_format(self.confirmed_at, 'j F Y')}"
        return f"d'après {self.source}"


@receiver(pre_save, sender=Contact)
def keep_who_confirmed(sender, instance, raw=False, **kwargs):
    """Fixtures never name the editor who confirmed an entry (see content_io): reloading
    them keeps the one recorded here, as long as the confirmation date is the same."""
    if raw and instance.pk and instance.confirmed_at and instance.confirmed_by_id is None:
        instance.confirmed_by_id = (
            Contact.objects.filter(pk=instance.pk, confirmed_at=instance.confirmed_at)
            .values_list("confirmed_by", flat=True).first()
        )


# --- Self-assessment and certificate ------------------------------------------------------


class Skill(models.TextChoices):
    SPOT = "reperer", "Repérer"
    DECIDE = "decider", "Décider"
    SAY = "dire", "Dire"


class Phase(models.TextChoices):
    BEFORE = "avant", "Avant le parcours"
    AFTER = "apres", "Après le parcours"


class ConfidenceRating(models.Model):
    """A learner's confidence in one skill, 1 to 4, before or after the course."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="confidence_ratings", verbose_name="apprenant·e")
    cohort = models.ForeignKey(Cohort, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="groupe")
    phase = models.CharField("moment", max_length=5, choices=Phase.choices)
    skill = models.CharField("compétence", max_length=10, choices=Skill.choices)
    value = models.PositiveSmallIntegerField("niveau de confiance (1 à 4)")
    created_at = models.DateTimeField("enregistré le", default=timezone.now)

    class Meta:
        verbose_name = "auto-positionnement"
        verbose_name_plural = "auto-positionnements"
        constraints = [
            models.CheckConstraint(condition=Q(value__gte=1, value__lte=4), name="confidence_1_to_4",
                                   violation_error_message="Le niveau de confiance va de 1 à 4."),
            # Like quiz results, a rating belongs to the group it was given in.
            models.UniqueConstraint(fields=["user", "phase", "skill", "cohort"], name="unique_confidence_rating_per_cohort"),
            models.UniqueConstraint(fields=["user", "phase", "skill"], condition=Q(cohort__isnull=True),
                                    name="unique_confidence_rating_without_cohort"),
        ]
        # Covers the cohort's before/after confidence means (elearning/training/reports.py).
        indexes = [models.Index(fields=["cohort", "phase", "skill", "value"], name="confidence_report_idx")]

    def __str__(self):
        return f"{self.get_skill_display()} {self.get_phase_display().lower()} : {self.value}/4"


def new_certificate_code() -> str:
    # 128 bits of randomness: unguessable, and short enough to type.
    return secrets.token_urlsafe(16)


class CourseCompletion(models.Model):
    """When a learner first completed the course: the +30 and +90 day follow-up checks count
    from here. Written once, by `elearning.progress.followup.record_completion`."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="course_completion",
                                verbose_name="apprenant·e")
    completed_at = models.DateTimeField("parcours terminé le")

    class Meta:
        verbose_name = "parcours terminé"
        verbose_name_plural = "parcours terminés"

    def __str__(self):
        return f"{self.user} — {self.completed_at:%d/%m/%Y}"


class Certificate(models.Model):
    """An "attestation de suivi", issued once the course is complete."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                             related_name="certificates", verbose_name="apprenant·e")
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="+", verbose_name="cours suivi")
    code = models.CharField("code de vérification", max_length=40, unique=True, default=new_certificate_code)
    learner_name = models.CharField("nom", max_length=300)
    course_title = models.CharField("cours", max_length=300)
    completed_on = models.DateField("terminé le")
    final_score = models.FloatField("score final", null=True, blank=True)
    # Copied when issued, as a training certificate states them: later edits never change it.
    course_minutes = models.PositiveIntegerField("durée estimée du parcours (minutes)", null=True, blank=True)
    organisation_name = models.CharField("organisation", max_length=200, blank=True)
    issued_at = models.DateTimeField("délivrée le", default=timezone.now)
    # A corrected name (by the learner, on their account) or a correction by an administrator
    # reissues the certificate under the same code: the check page shows the current text
    # and this date.
    reissued_at = models.DateTimeField("réémise le", null=True, blank=True)

    class Meta:
        verbose_name = "attestation de suivi"
        verbose_name_plural = "attestations de suivi"
        constraints = [
            models.UniqueConstraint(fields=["user", "course"], name="unique_certificate"),
            models.CheckConstraint(
                condition=Q(final_score__isnull=True) | Q(final_score__gte=0, final_score__lte=1),
                name="certificate_final_score_0_1",
            ),
        ]

    def __str__(self):
        return f"Attestation {self.course_title} ({self.completed_on:%d/%m/%Y})"

    def get_absolute_url(self):
        return reverse("certificate_verify", args=[self.code])


# --- Rate limits ----------------------------------------------------------------------------


class RateLimit(models.Model):
    """How many times one action (sign-up, password reset) was asked for one address or one
    IP address in one time window (`elearning.throttle`). In the database, so every app
    server shares the count. The key is a keyed hash: no address is stored in clear."""

    scope = models.CharField("action", max_length=20)
    key = models.CharField("empreinte de l'adresse", max_length=64)
    window_start = models.DateTimeField("début de la période")
    count = models.PositiveIntegerField("nombre de demandes", default=0)

    class Meta:
        verbose_name = "limite de fréquence"
        verbose_name_plural = "limites de fréquence"
        constraints = [
            models.UniqueConstraint(fields=["scope", "key", "window_start"], name="unique_rate_limit_window"),
        ]
        indexes = [models.Index(fields=["window_start"], name="rate_limit_window_idx")]

    def __str__(self):
        return f"{self.scope} : {self.count} depuis {self.window_start:%d/%m/%Y %H:%M}"


# --- Editors' drafts and what load_course last loaded -------------------------------------


class ContentDraft(models.Model):
    """Pending changes to a published lesson, quiz or question: learners keep reading the
    published row until an editor publishes the draft (elearning/drafts.py).

    Kept apart from the content rows so the learners' read path never sees it and costs
    nothing more; `data` holds the pending field values (by attname), and for a question
    its options under "options"."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, verbose_name="type de contenu")
    object_id = models.PositiveBigIntegerField("identifiant de l'objet")
    data = models.JSONField("modifications en attente", default=dict, encoder=DjangoJSONEncoder)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name="rédigé par",
    )
    updated_at = models.DateTimeField("enregistré le", auto_now=True)

    class Meta:
        verbose_name = "brouillon"
        constraints = [
            models.UniqueConstraint(fields=["content_type", "object_id"], name="unique_content_draft"),
        ]

    def __str__(self):
        return f"Brouillon ({self.content_type.model} {self.object_id})"


class LoadedFingerprint(models.Model):
    """What `load_course` last loaded into one content row: a hash of the fixture's field
    values. A row whose current values still hash to it was not edited since, and may be
    updated from the fixtures; any other row was edited in the admin and is left alone."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, verbose_name="type de contenu")
    natural_key = models.CharField("clé naturelle", max_length=300)
    fingerprint = models.CharField("empreinte", max_length=64)
    loaded_at = models.DateTimeField("chargé le", default=timezone.now)

    class Meta:
        verbose_name = "empreinte de chargement"
        verbose_name_plural = "empreintes de chargement"
        constraints = [
            models.UniqueConstraint(fields=["content_type", "natural_key"], name="unique_loaded_fingerprint"),
        ]

    def __str__(self):
        return f"{self.content_type.model} {self.natural_key}"
