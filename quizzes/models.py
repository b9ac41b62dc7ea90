"""Quizzes, the question types (one polymorphic subclass each, grading itself),
attempts and the snapshot of what each learner saw and chose."""
import uuid
from dataclasses import dataclass, field

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from polymorphic.managers import PolymorphicManager
from polymorphic.models import PolymorphicModel

from elearning.models import Cohort, Lesson, Module, Skill, SlugManager, Status
from elearning.versions import VersionHistory


class QuizQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Status.PUBLISHED)

    def reachable(self):
        """Published, and so are its module and the lesson it checks: a quiz of a lesson
        or module in draft cannot be taken (nor counted for completion)."""
        return (
            self.published()
            .exclude(module__status=Status.DRAFT)
            .exclude(lesson__status=Status.DRAFT)
            .exclude(lesson__module__status=Status.DRAFT)
        )


class QuizManager(SlugManager.from_queryset(QuizQuerySet)):
    pass


class Quiz(models.Model):
    """A set of questions taken in one attempt: a lesson check, a scenario quiz, the final
    assessment, or one of the two self-assessment tests (before / after the course)."""

    class Kind(models.TextChoices):
        LESSON_CHECK = "lesson", "Vérification de la leçon"
        SCENARIO = "scenario", "Quiz de mise en situation"
        FINAL = "final", "Évaluation finale"
        SELF_BEFORE = "avant", "Auto-évaluation : avant le parcours"
        SELF_AFTER = "apres", "Auto-évaluation : après le parcours"
        FOLLOWUP_30 = "suivi-30", "Vérification de suivi : 30 jours après le parcours"
        FOLLOWUP_90 = "suivi-90", "Vérification de suivi : 90 jours après le parcours"

    slug = models.SlugField("identifiant", unique=True)
    title = models.CharField("titre", max_length=200)
    kind = models.CharField("type", max_length=10, choices=Kind.choices)
    intro = models.TextField("introduction (Markdown)", blank=True)
    module = models.ForeignKey(
        Module,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="quizzes",
        verbose_name="module",
        help_text="Module dont ce quiz fait partie : il doit être réussi pour terminer le module. "
        "Vide pour les auto-évaluations, hors parcours.",
    )
    lesson = models.ForeignKey(
        Lesson, null=True, blank=True, on_delete=models.SET_NULL, related_name="quizzes", verbose_name="leçon",
        help_text="Leçon vérifiée par ce quiz (pour une vérification de leçon).",
    )
    pass_mark = models.FloatField(
        "seuil de réussite", default=0.7, help_text="Part des points à obtenir pour réussir le quiz."
    )
    order = models.PositiveIntegerField("ordre", default=0)
    status = models.CharField("statut", max_length=10, choices=Status.choices, default=Status.PUBLISHED)

    objects = QuizManager()

    class Meta:
        ordering = ["order", "id"]
        verbose_name = "quiz"
        verbose_name_plural = "quiz"
        constraints = [
            models.CheckConstraint(
                condition=Q(pass_mark__gte=0, pass_mark__lte=1), name="quiz_pass_mark_0_1",
                violation_error_message="Le seuil de réussite doit être compris entre 0 et 100 %%.",
            ),
        ]

    def __str__(self):
        return self.title

    def natural_key(self):
        return (self.slug,)

    natural_key.dependencies = ["elearning.module", "elearning.lesson"]

    def get_absolute_url(self):
        cached = self.__dict__.get("_url")
        if cached is None or cached[0] != self.slug:
            cached = self.__dict__["_url"] = (self.slug, reverse("quiz", args=[self.slug]))
        return cached[1]

    @property
    def counts_for_progress(self):
        return self.module_id is not None


@dataclass
class OptionFeedback:
    option_id: int
    key: str
    text: str
    chosen: bool
    is_correct: bool
    feedback: str
    family: str = ""
    decision: str = ""


@dataclass
class Grade:
    """What `Question.grade` returns: a score in [0, 1] and what to tell the learner."""

    score: float
    options: list[OptionFeedback] = field(default_factory=list)
    missed: list[str] = field(default_factory=list)
    summary: str = ""

    @property
    def is_correct(self):
        return self.score >= 0.999


class QuestionManager(PolymorphicManager):
    def get_by_natural_key(self, slug):
        # Always look in the base table: when a fixture loads a subclass row, its base row
        # exists already and gives the primary key (question_ptr) to reuse.
        return Question.objects.non_polymorphic().get(slug=slug)


class Question(PolymorphicModel):
    """What every question type shares. Subclasses add their own fields and grading."""

    quiz = models.ForeignKey(Quiz, on_delete=models.PROTECT, related_name="questions", verbose_name="quiz")
    slug = models.SlugField("identifiant", unique=True, max_length=80)
    order = models.PositiveIntegerField("ordre", default=0)
    title = models.CharField("intitulé court", max_length=200, help_text="Affiché dans les rapports.")
    prompt = models.TextField("énoncé / vignette (Markdown)")
    explanation = models.TextField("explication générale (Markdown)", blank=True)
    lesson = models.ForeignKey(
        Lesson, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name="leçon qui l'explique",
    )
    skill = models.CharField("compétence", max_length=10, choices=Skill.choices, blank=True)
    archived = models.BooleanField(
        "archivée", default=False,
        help_text="Une question archivée n'est plus proposée ; les résultats passés restent intacts.",
    )
    # A question added to a published quiz starts as a draft and goes live when an editor
    # publishes it. Not serialised: the fixtures hold published content only (export_course
    # skips drafts), so every loaded question is published.
    status = models.CharField(
        "statut", max_length=10, choices=Status.choices, default=Status.PUBLISHED, serialize=False,
    )
    history = VersionHistory(inherit=True)

    objects = QuestionManager()

    # Set by each subclass.
    type_label = ""
    input_type = "radio"  # or "checkbox"
    template_name = ""
    instructions = ""

    class Meta:
        ordering = ["quiz", "order", "id"]
        verbose_name = "question"

    def __str__(self):
        return self.title

    def natural_key(self):
        return (self.slug,)

    natural_key.dependencies = ["quizzes.quiz", "elearning.lesson"]

    @property
    def type_slug(self):
        return self._meta.model_name

    # -- grading ---------------------------------------------------------------------
    def grade(self, chosen_ids: set[int], options: list["Option"]) -> Grade:
        """Single best answer by default: full score when the one chosen option is right."""
        feedback = [self._feedback(o, chosen_ids) for o in options]
        chosen = [o for o in options if o.id in chosen_ids]
        right = len(chosen) == 1 and chosen[0].is_correct
        missed = [] if right else [o.text for o in options if o.is_correct]
        return Grade(score=1.0 if right else 0.0, options=feedback, missed=missed)

    @staticmethod
    def _feedback(option: "Option", chosen_ids: set[int]) -> OptionFeedback:
        return OptionFeedback(
            option_id=option.id,
            key=option.key,
            text=option.text,
            chosen=option.id in chosen_ids,
            is_correct=option.is_correct,
            feedback=option.feedback,
            family=option.family,
            decision=option.decision,
        )

    def validate_options(self, options: list["Option"]) -> list[str]:
        """French messages for an editor; empty when the options make a valid question."""
        errors = []
        if not options:
            errors.append("Ajoutez au moins une option.")
        if any(not (o.feedback or "").strip() for o in options):
            errors.append("Chaque option doit avoir son explication (le retour affiché à l’apprenant·e).")
        return errors


def partial_credit(options: list["Option"], chosen_ids: set[int]) -> float:
    """Tick-box items: hits / right options − false alarms / distractors, floored at 0.

    Each side is a proportion, so the two blind answers score nothing: ticking every box
    gives 1 − 1 = 0 and ticking none gives 0 − 0 = 0. Knowing every right option and no
    distractor is the only way to 1. Without distractors (W = 0) the score is hits / R; an
    item with no right option is answered by ticking nothing."""
    n_right = sum(1 for o in options if o.is_correct)
    n_wrong = len(options) - n_right
    if n_right == 0:
        return 1.0 if not chosen_ids else 0.0
    hits = sum(1 for o in options if o.is_correct and o.id in chosen_ids)
    false_alarms = sum(1 for o in options if not o.is_correct and o.id in chosen_ids)
    penalty = false_alarms / n_wrong if n_wrong else 0.0
    return max(0.0, hits / n_right - penalty)


class Decision(models.TextChoices):
    """The outcomes of the one decision rule, in the words every item uses. A young person
    already under a protection measure (placement, AEMO) is followed by an ASE service and a
    juge des enfants: new worrying elements go to them (MESURE); an offence still goes to the
    procureur (SIGNALEMENT)."""

    IP = "ip", "Information préoccupante à la CRIP"
    MESURE = "mesure", "Écrit au service de l'ASE qui suit la mesure, pour le juge des enfants"
    SIGNALEMENT = "signalement", "Signalement au procureur, copie à la CRIP"
    URGENCE = "urgence", "Appeler le 17 maintenant, puis signalement"
    NONE = "aucune", "Pas de transmission"


class SignalQuestion(Question):
    """« Repérer les signaux » : a vignette and elements from it; tick the warning signals.
    Options with `is_correct` are signals (with their family), the others distractors.

    `advised_decision` is what the item's « Que faire ? » advice recommends, in the same
    vocabulary as the decision items' keys (one decision rule everywhere; tested)."""

    type_label = "Repérer les signaux"
    input_type = "checkbox"
    template_name = "quizzes/questions/signals.html"
    instructions = "Cochez les éléments qui sont des signaux d'alerte."

    advised_decision = models.CharField(
        "décision conseillée", max_length=20, choices=Decision.choices, blank=True,
        help_text="Ce que recommande le « Que faire ? » de l'explication, selon la règle unique : "
        "signaux sans révélation → IP ; faits d'infraction révélés ou établis, même passés → "
        "signalement ; danger immédiat → 17 puis signalement.",
    )

    class Meta:
        verbose_name = "question « Repérer les signaux »"
        verbose_name_plural = "questions « Repérer les signaux »"

    def grade(self, chosen_ids, options):
        feedback = [self._feedback(o, chosen_ids) for o in options]
        signals = [o for o in options if o.is_correct]
        missed = [o.text for o in signals if o.id not in chosen_ids]
        false_alarms = sum(1 for o in options if not o.is_correct and o.id in chosen_ids)
        score = partial_credit(options, chosen_ids)
        summary = (
            f"{len(signals) - len(missed)} signal(s) repéré(s) sur {len(signals)}, "
            f"{false_alarms} fausse(s) alerte(s)."
        )
        return Grade(score=score, options=feedback, missed=missed, summary=summary)

    def validate_options(self, options):
        errors = super().validate_options(options)
        if not any(o.is_correct for o in options):
            errors.append("« Repérer les signaux » demande au moins un signal (option correcte).")
        if not any(not o.is_correct for o in options):
            errors.append("« Repérer les signaux » demande au moins un distracteur (option incorrecte).")
        if any(o.is_correct and not o.family for o in options):
            errors.append("Chaque signal doit indiquer sa famille de signaux.")
        return errors


class DecisionQuestion(Question):
    """« IP ou signalement ? » : a vignette and the possible decisions, exactly one right."""

    type_label = "IP ou signalement ?"
    template_name = "quizzes/questions/decision.html"
    instructions = "Choisissez la décision qui convient."

    legal_basis = models.TextField("fondement juridique (Markdown)", blank=True)
    key_points = models.TextField(
        "points d'attention (Markdown)", blank=True,
        help_text="Informer ou non les parents, ne pas enquêter soi-même, transmettre les mots exacts…",
    )

    class Meta:
        verbose_name = "question « IP ou signalement ? »"
        verbose_name_plural = "questions « IP ou signalement ? »"

    def validate_options(self, options):
        errors = super().validate_options(options)
        if sum(1 for o in options if o.is_correct) != 1:
            errors.append("« IP ou signalement ? » demande exactement une décision correcte.")
        if any(not o.decision for o in options):
            errors.append("Chaque option doit indiquer la décision qu'elle représente.")
        return errors


class WordingQuestion(Question):
    """« Choisir les mots justes » : a situation and 3–4 phrasings; pick the protective one."""

    class Audience(models.TextChoices):
        YOUNG_PERSON = "jeune", "À dire à la ou au jeune"
        REPORT = "ecrit", "À écrire dans un signalement ou une IP"

    type_label = "Choisir les mots justes"
    template_name = "quizzes/questions/wording.html"
    instructions = "Choisissez la formulation la plus juste."

    audience = models.CharField("destinataire", max_length=10, choices=Audience.choices, default=Audience.YOUNG_PERSON)

    class Meta:
        verbose_name = "question « Choisir les mots justes »"
        verbose_name_plural = "questions « Choisir les mots justes »"

    # Graded by `Question.grade`: one phrasing chosen, right if it is one of the protective
    # ones (an editor may mark several).

    def validate_options(self, options):
        errors = super().validate_options(options)
        if not any(o.is_correct for o in options):
            errors.append("« Choisir les mots justes » demande au moins une formulation juste.")
        return errors


class SingleChoiceQuestion(Question):
    """A knowledge check with one right answer."""

    type_label = "Choix unique"
    template_name = "quizzes/questions/single.html"
    instructions = "Une seule réponse."

    class Meta:
        verbose_name = "question à choix unique"
        verbose_name_plural = "questions à choix unique"

    def validate_options(self, options):
        errors = super().validate_options(options)
        if sum(1 for o in options if o.is_correct) != 1:
            errors.append("Une question à choix unique demande exactement une bonne réponse.")
        return errors


class MultipleChoiceQuestion(Question):
    """A knowledge check with several right answers, graded with partial credit."""

    type_label = "Choix multiple"
    input_type = "checkbox"
    template_name = "quizzes/questions/multiple.html"
    instructions = "Plusieurs réponses possibles."

    class Meta:
        verbose_name = "question à choix multiple"
        verbose_name_plural = "questions à choix multiple"

    def grade(self, chosen_ids, options):
        feedback = [self._feedback(o, chosen_ids) for o in options]
        missed = [o.text for o in options if o.is_correct and o.id not in chosen_ids]
        return Grade(score=partial_credit(options, chosen_ids), options=feedback, missed=missed)

    def validate_options(self, options):
        errors = super().validate_options(options)
        if not any(o.is_correct for o in options):
            errors.append("Une question à choix multiple demande au moins une bonne réponse.")
        return errors


class SignalFamily(models.TextChoices):
    VULNERABILITY = "vulnerabilite", "Facteurs de vulnérabilité"
    SOCIAL = "relations", "Relations sociales"
    PHYSICAL = "physique", "Facteurs physiques"
    MATERIAL = "materiel", "Signaux matériels"
    ONLINE = "reseaux", "Réseaux sociaux"


class OptionManager(models.Manager):
    def get_by_natural_key(self, question_slug, key):
        return self.get(question__slug=question_slug, key=key)


class Option(models.Model):
    """One choice of a question, with its own feedback."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="options", verbose_name="question")
    key = models.CharField("repère", max_length=8, help_text="a, b, c… : stable, sert d'identifiant.")
    order = models.PositiveIntegerField("ordre", default=0)
    pinned = models.BooleanField(
        "position fixe", default=False,
        help_text="Les options sont mélangées à chaque tentative ; une option à position fixe garde sa place "
        "(par exemple « aucune de ces réponses », toujours en dernier).",
    )
    text = models.TextField("texte")
    is_correct = models.BooleanField("correcte (ou signal)", default=False)
    feedback = models.TextField("explication")
    family = models.CharField("famille de signaux", max_length=20, choices=SignalFamily.choices, blank=True)
    decision = models.CharField("décision", max_length=20, choices=Decision.choices, blank=True)
    history = VersionHistory()

    objects = OptionManager()

    class Meta:
        ordering = ["question", "order", "id"]
        verbose_name = "option"
        constraints = [models.UniqueConstraint(
            fields=["question", "key"], name="unique_option_key",
            violation_error_message="Deux options de la même question ne peuvent pas avoir la même lettre.",
        )]

    def __str__(self):
        return self.text[:80]

    def natural_key(self):
        return (self.question.slug, self.key)

    natural_key.dependencies = ["quizzes.question"]


# --- Attempts -------------------------------------------------------------------------------


class Attempt(models.Model):
    """One submitted try at a quiz, graded on the server (see `quizzes.attempts.submit`).

    The pass mark in force is copied here so a later change never rewrites the past; the
    learner may be deleted (user → NULL), the cohort stays for group statistics."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="attempts",
                             verbose_name="apprenant·e")
    quiz = models.ForeignKey(Quiz, on_delete=models.PROTECT, related_name="attempts", verbose_name="quiz")
    cohort = models.ForeignKey(Cohort, null=True, blank=True, on_delete=models.SET_NULL, related_name="attempts",
                               verbose_name="groupe")
    submission_key = models.UUIDField("clé d'envoi", default=uuid.uuid4)
    quiz_title = models.CharField("titre du quiz", max_length=200)
    started_at = models.DateTimeField("commencée le", null=True, blank=True)
    submitted_at = models.DateTimeField("envoyée le", default=timezone.now)
    score = models.FloatField("score (0 à 1)")
    pass_mark = models.FloatField("seuil de réussite en vigueur")
    passed = models.BooleanField("réussie")

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name = "tentative"
        verbose_name_plural = "tentatives"
        constraints = [
            models.UniqueConstraint(fields=["user", "submission_key"], name="unique_attempt_submission"),
            models.CheckConstraint(condition=Q(score__gte=0, score__lte=1), name="attempt_score_0_1",
                                   violation_error_message="Le score d'une tentative est compris entre 0 et 100 %%."),
            models.CheckConstraint(condition=Q(pass_mark__gte=0, pass_mark__lte=1), name="attempt_pass_mark_0_1"),
        ]
        indexes = [models.Index(fields=["cohort", "quiz"])]

    def __str__(self):
        return f"{self.quiz_title} — {round(self.score * 100)} %"

    def get_absolute_url(self):
        return reverse("quiz_result", args=[self.quiz.slug, self.pk])


class Answer(models.Model):
    """Snapshot of one question as the learner saw it, with its score."""

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="answers", verbose_name="tentative")
    question = models.ForeignKey(Question, null=True, on_delete=models.PROTECT, related_name="answers",
                                 verbose_name="question")
    order = models.PositiveIntegerField("ordre", default=0)
    question_type = models.CharField("type de question", max_length=40)
    title = models.CharField("titre", max_length=200)
    prompt = models.TextField("énoncé")
    explanation = models.TextField("explication", blank=True)
    extra = models.TextField("compléments", blank=True, help_text="Fondement juridique et points d'attention affichés.")
    skill = models.CharField("compétence", max_length=10, blank=True)
    lesson_title = models.CharField("leçon qui l'explique", max_length=200, blank=True)
    lesson_url = models.CharField("adresse de la leçon", max_length=300, blank=True)
    score = models.FloatField("score (0 à 1)")
    is_correct = models.BooleanField("juste")

    class Meta:
        ordering = ["attempt", "order"]
        verbose_name = "réponse"
        verbose_name_plural = "réponses"
        constraints = [models.CheckConstraint(condition=Q(score__gte=0, score__lte=1), name="answer_score_0_1")]
        # Covers the trainer reports (elearning/training/reports.py): per-question and per-skill
        # aggregates over a cohort's best attempts read the index only, never the snapshot text.
        indexes = [models.Index(fields=["attempt", "question", "skill", "is_correct", "score"],
                                name="answer_report_idx")]

    def __str__(self):
        return self.title


class AnswerOption(models.Model):
    """Snapshot of one option shown in an answer: its text, whether it was right at that
    time, and whether the learner chose it."""

    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="options", verbose_name="réponse")
    option = models.ForeignKey(Option, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name="option")
    order = models.PositiveIntegerField("ordre", default=0)  # position on the learner's page (options are shuffled)
    key = models.CharField("repère", max_length=8)
    text = models.TextField("texte")
    is_correct = models.BooleanField("juste")
    chosen = models.BooleanField("choisie")
    feedback = models.TextField("commentaire", blank=True)
    family = models.CharField("famille de signaux", max_length=20, choices=SignalFamily.choices, blank=True)
    decision = models.CharField("décision", max_length=20, choices=Decision.choices, blank=True)

    class Meta:
        ordering = ["answer", "order"]
        verbose_name = "option d'une réponse"
        verbose_name_plural = "options des réponses"
        # Covers the item analysis: how often each option was chosen in a cohort's best attempts.
        indexes = [models.Index(fields=["answer", "chosen", "option", "is_correct"], name="answeroption_report_idx")]

    def __str__(self):
        return self.text[:80]


class QuizResult(models.Model):
    """Summary of a learner's attempts at a quiz made in one group (kept apart from the
    per-try rows): results belong to the group in which they were made, so a learner in two
    groups has one row per group, and a group's reports read only its own rows. The
    learner's own progress reads every row (passed in any group is passed; see
    `elearning.progress`)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="quiz_results",
                             verbose_name="apprenant·e")
    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="results", verbose_name="quiz")
    # PROTECT: a group that holds results is archived, never deleted (its figures stay true).
    cohort = models.ForeignKey(Cohort, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="groupe")
    best_attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="+", verbose_name="meilleure tentative")
    best_score = models.FloatField("meilleur score (0 à 1)")
    passed = models.BooleanField("réussi")
    attempts_count = models.PositiveIntegerField("nombre de tentatives", default=0)
    first_submitted_at = models.DateTimeField("première tentative le")
    last_submitted_at = models.DateTimeField("dernière tentative le")

    class Meta:
        verbose_name = "résultat"
        verbose_name_plural = "résultats"
        constraints = [
            models.UniqueConstraint(fields=["user", "quiz", "cohort"], name="unique_quiz_result_per_cohort"),
            # NULL never equals NULL in a unique index: results made outside any group need their own.
            models.UniqueConstraint(fields=["user", "quiz"], condition=Q(cohort__isnull=True),
                                    name="unique_quiz_result_without_cohort"),
            models.CheckConstraint(condition=Q(best_score__gte=0, best_score__lte=1), name="quizresult_best_score_0_1"),
        ]
        # Covers the trainer reports: a cohort's results per quiz, in score order (median).
        indexes = [models.Index(fields=["cohort", "quiz", "best_score", "passed", "best_attempt"],
                                name="quizresult_report_idx")]

    def __str__(self):
        return f"{self.quiz} — {round(self.best_score * 100)} %"
