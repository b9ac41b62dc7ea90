"""The decision aid's tree: steps (one question each), their choices, and the outcomes.

The tree is content, edited in the admin with history like the lessons, and shipped as
fixtures with natural keys (`fixtures/decision/`). A walk through it never writes anything:
the answers live in the query string of the page (see `elearning/decision/tree.py`).

How a path works: each choice may set the outcome (the decision, for instance
"signalement") and may lead to a next step (details that every decision needs: the
setting, the département, online content). A path ends on a choice with no next step; its
outcome is the last one a choice set on the way. `tree.validate` refuses a tree with a
dead end, a cycle, an unreachable step or an outcome without a legal basis.
"""
from django.core.validators import RegexValidator
from django.db import models
from simple_history.models import HistoricalRecords

from elearning.models import SlugManager

param_validator = RegexValidator(
    r"^[a-z][a-z0-9_]{0,19}$",
    "Utilisez des lettres minuscules sans accent, des chiffres ou « _ » (20 caractères au plus).",
)
value_validator = RegexValidator(
    r"^[a-z0-9][a-z0-9-]{0,29}$",
    "Utilisez des lettres minuscules sans accent, des chiffres ou des tirets (30 caractères au plus).",
)


class Outcome(models.Model):
    """Where a path ends: what to do, whom to contact, on which legal basis."""

    slug = models.SlugField(
        "identifiant", unique=True, max_length=40,
        help_text="Stable : il sert d'attribut data-outcome et d'adresse (danger-immediat, signalement…).",
    )
    title = models.CharField("titre", max_length=200)
    summary = models.CharField("en une phrase", max_length=300)
    order = models.PositiveIntegerField("ordre", default=0)
    urgent = models.BooleanField(
        "urgence", default=False, help_text="Affiché en premier, avec les numéros d'urgence en tête de page.",
    )
    what_now = models.TextField("ce qu'il faut faire maintenant (Markdown)")
    legal_basis = models.TextField(
        "fondement juridique (Markdown)", help_text="Obligatoire : articles de loi en vigueur.",
    )
    what_to_write = models.TextField("ce qu'il faut écrire (Markdown)", blank=True)
    parents = models.TextField("informer les parents ? (Markdown)", blank=True)
    what_not_to_do = models.TextField("ce qu'il ne faut pas faire (Markdown)", blank=True)
    support = models.TextField("soutien pour vous (Markdown)", blank=True)
    contact_kinds = models.CharField(
        "types de contacts du département", max_length=100, blank=True,
        help_text="Parmi : crip, parquet, association, psychotrauma, autre (séparés par des virgules), dans l'ordre d'affichage.",
    )
    national_contacts = models.CharField(
        "contacts nationaux", max_length=300, blank=True,
        help_text="Identifiants de contacts de l'annuaire (séparés par des virgules), ex. 17-police-secours.",
    )
    history = HistoricalRecords()

    objects = SlugManager()

    class Meta:
        ordering = ["order", "slug"]
        verbose_name = "issue de l'aide à la décision"
        verbose_name_plural = "issues de l'aide à la décision"
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(legal_basis=""), name="outcome_has_legal_basis",
                violation_error_message="Chaque issue doit indiquer son fondement juridique.",
            ),
        ]

    def __str__(self):
        return self.title

    def natural_key(self):
        return (self.slug,)

    @staticmethod
    def _split(value: str) -> list[str]:
        return [part.strip() for part in value.split(",") if part.strip()]

    @property
    def kind_list(self) -> list[str]:
        return self._split(self.contact_kinds)

    @property
    def national_list(self) -> list[str]:
        return self._split(self.national_contacts)


class Step(models.Model):
    """One question of the aid, asked on its own page."""

    slug = models.SlugField("identifiant", unique=True, max_length=40)
    param = models.CharField(
        "paramètre d'adresse", max_length=20, unique=True, validators=[param_validator],
        help_text="Nom du paramètre dans l'adresse de la page (ex. danger, age, dep). Ne pas changer : "
                  "les liens partagés l'utilisent.",
    )
    question = models.CharField("question", max_length=300)
    why = models.CharField("pourquoi on vous demande ça", max_length=300)
    help_text = models.TextField("précisions (Markdown)", blank=True)
    is_start = models.BooleanField("première étape", default=False)
    order = models.PositiveIntegerField("ordre", default=0)
    history = HistoricalRecords()

    objects = SlugManager()

    class Meta:
        ordering = ["order", "slug"]
        verbose_name = "étape de l'aide à la décision"
        verbose_name_plural = "étapes de l'aide à la décision"
        constraints = [
            models.UniqueConstraint(
                fields=["is_start"], condition=models.Q(is_start=True), name="decision_one_start_step",
                violation_error_message="Une seule étape peut être la première.",
            ),
        ]

    def __str__(self):
        return self.question

    def natural_key(self):
        return (self.slug,)


class ChoiceManager(models.Manager):
    def get_by_natural_key(self, step_slug, value):
        return self.get(step__slug=step_slug, value=value)


class Choice(models.Model):
    """An answer to a step: it may set the outcome, and leads to a next step or ends the path."""

    step = models.ForeignKey(Step, on_delete=models.CASCADE, related_name="choices", verbose_name="étape")
    value = models.CharField(
        "valeur d'adresse", max_length=30, validators=[value_validator],
        help_text="Valeur dans l'adresse (ex. oui, non, 93). Ne pas changer : les liens partagés l'utilisent.",
    )
    label = models.CharField("réponse", max_length=300)
    hint = models.CharField("précision", max_length=300, blank=True)
    order = models.PositiveIntegerField("ordre", default=0)
    outcome = models.ForeignKey(
        Outcome, on_delete=models.PROTECT, null=True, blank=True, related_name="choices",
        verbose_name="issue retenue", help_text="Laisser vide si cette réponse ne change pas la décision.",
    )
    next_step = models.ForeignKey(
        Step, on_delete=models.PROTECT, null=True, blank=True, related_name="incoming",
        verbose_name="étape suivante", help_text="Laisser vide : le chemin s'arrête et l'issue s'affiche.",
    )
    note_title = models.CharField("titre de la note", max_length=200, blank=True)
    note = models.TextField(
        "note affichée sur l'issue (Markdown)", blank=True,
        help_text="Par exemple : qui prévenir dans votre structure, ou comment faire retirer des contenus.",
    )
    extra_contacts = models.CharField(
        "contacts ajoutés", max_length=300, blank=True,
        help_text="Identifiants de contacts de l'annuaire (séparés par des virgules), ex. pharos,3018.",
    )
    departement = models.CharField(
        "département", max_length=5, blank=True,
        help_text="Pour une réponse qui désigne un département : ses contacts s'affichent sur l'issue.",
    )
    history = HistoricalRecords()

    objects = ChoiceManager()

    class Meta:
        ordering = ["step", "order", "value"]
        verbose_name = "réponse"
        verbose_name_plural = "réponses"
        constraints = [
            models.UniqueConstraint(
                fields=["step", "value"], name="decision_choice_unique_value",
                violation_error_message="Deux réponses d'une même étape ne peuvent pas avoir la même valeur.",
            ),
        ]

    def __str__(self):
        return f"{self.step.slug} = {self.value}"

    def natural_key(self):
        return (self.step.slug, self.value)

    natural_key.dependencies = ["decision.step", "decision.outcome"]

    @property
    def extra_contact_list(self) -> list[str]:
        return Outcome._split(self.extra_contacts)
