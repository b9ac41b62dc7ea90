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
from quizzes import cases
from quizzes.writing import (
    TASK_IP,
    TASK_SIGNALEMENT,
    CheckResult,
    KeyElement,
    check_text,
    clean_text,
    parse_key_elements,
    text_problem,
)


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
    # The path of a case (« situation évolutive »): `cases.PathStep` rows, snapshotted as
    # `AnswerStep`; empty for every other type.
    steps: list = field(default_factory=list)

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

    # -- reading and recording the learner's response --------------------------------
    @classmethod
    def load_related(cls, questions: list["Question"]) -> None:
        """Load what this type needs besides its options, for all its questions of a quiz at
        once (a fixed number of queries); nothing for most types."""

    @classmethod
    def after_recorded(cls, *, user, recorded: list[tuple["Question", "Answer", "Grade"]]) -> None:
        """Called in the submit transaction with this type's questions of the attempt, each
        with its stored answer and its grade: the rows of its own a type keeps (a writing
        exercise's text and check) or clears (a case's finished runs). Nothing for most types."""

    def read_response(self, values: list[str], options: list["Option"]) -> set:
        """The learner's answer from the form's values: ids of this question's own options
        (an id from another question or quiz is ignored, never graded)."""
        valid = {o.id for o in options}
        ids = set()
        for value in values:
            try:
                ids.add(int(value))
            except (TypeError, ValueError):
                continue
        ids &= valid
        if self.input_type == "radio" and len(ids) > 1:
            ids = set()  # a tampered radio group: treat as unanswered
        return ids

    def response_error(self, response) -> str:
        """A French message when an answered response cannot be recorded as it stands."""
        return ""

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


# --- Cases that unfold (« situation évolutive ») ------------------------------------------------
# A case is a question whose content is a small graph: scenes, each with 3–4 choices, each
# choice leading to another scene or to an ending. Choices name their scene and their next
# step by key (« s2 », « fin-protegee ») rather than by foreign key, so that an editor builds
# a whole case in one admin form (a choice may point to a scene added in the same save) and
# the fixtures read like the content files; `quizzes.cases.validate_graph` refuses dangling
# keys, unreachable scenes, cycles and dead ends before anything is saved.


class CaseQuestionManager(QuestionManager):
    def get_by_natural_key(self, slug):
        # A scene, ending or choice of a fixture names its case: the case itself, not its base row.
        return self.get(slug=slug)


class CaseQuestion(Question):
    """« Situation évolutive » : a case told in 3–6 scenes; at each scene the learner chooses,
    reads the feedback and goes on. Graded on the path taken: points per scene visited over
    the best points possible on those scenes (a wrong turn can be recovered later)."""

    type_label = "Situation évolutive"
    input_type = "case"
    template_name = "quizzes/questions/case.html"
    instructions = "Jouez le cas scène par scène, puis envoyez le quiz."

    profile = models.CharField(
        "profil du guide", max_length=120, blank=True,
        help_text="Quel profil de jeune le cas illustre (par exemple « jeune fille recrutée en ligne »).",
    )

    objects = CaseQuestionManager()

    class Meta:
        verbose_name = "question « Situation évolutive »"
        verbose_name_plural = "questions « Situation évolutive »"

    def grade(self, chosen_ids, options):
        """`chosen_ids` holds the path's « scene:choice » keys (see `read_response`)."""
        path = cases.walk(self.graph, chosen_ids)
        reached = path.ending.title if path.ending else "cas non terminé"
        return Grade(
            score=path.score, steps=path.steps,
            summary=f"{path.points} point(s) sur {path.best_points} sur les {len(path.steps)} scène(s) "
                    f"traversée(s) ; fin : {reached}.",
        )

    def read_response(self, values: list[str], options) -> set:
        """The path's « scene:choice » keys when they make a whole path from the first scene
        to an ending; an unfinished or incoherent path is no answer."""
        return cases.read_path(self.graph, values)

    @classmethod
    def load_related(cls, questions) -> None:
        """Scenes, endings and choices of all the quiz's cases: three queries."""
        ids = [q.pk for q in questions]
        scenes, endings, choices = ({q: [] for q in ids} for _ in range(3))
        for scene in CaseScene.objects.filter(case_id__in=ids).order_by("order", "id"):
            scenes[scene.case_id].append(scene)
        for ending in CaseEnding.objects.filter(case_id__in=ids).order_by("order", "id"):
            endings[ending.case_id].append(ending)
        for choice in CaseChoice.objects.filter(case_id__in=ids).order_by("order", "key", "id"):
            choices[choice.case_id].append(choice)
        for question in questions:
            question.graph = cases.Graph.build(scenes[question.pk], endings[question.pk], choices[question.pk])

    @classmethod
    def after_recorded(cls, *, user, recorded) -> None:
        # The path is now in the attempt's snapshot: the next try starts each case afresh.
        CaseRun.objects.filter(user=user, case__in=[question.pk for question, _, _ in recorded]).delete()

    @property
    def graph(self) -> "cases.Graph":
        if "_graph" not in self.__dict__:
            type(self).load_related([self])
        return self.__dict__["_graph"]

    @graph.setter
    def graph(self, value):
        self.__dict__["_graph"] = value

    def validate_options(self, options):
        return []  # a case has no options: its graph is checked by `quizzes.cases.validate_graph`


class CaseStepManager(models.Manager):
    def get_by_natural_key(self, question_slug, key):
        return self.get(case__slug=question_slug, key=key)


class CaseScene(models.Model):
    """One moment of a case (« Septembre — au CDI ») and what happens in it. The scene with
    the smallest order opens the case."""

    case = models.ForeignKey(CaseQuestion, on_delete=models.CASCADE, related_name="scenes", verbose_name="cas")
    key = models.SlugField("repère", max_length=20, help_text="s1, s2… : stable, les choix y renvoient.")
    order = models.PositiveIntegerField("ordre", default=0, help_text="La scène d'ordre le plus petit ouvre le cas.")
    title = models.CharField("titre (quand, où)", max_length=200)
    text = models.TextField("ce qui se passe (Markdown)")

    objects = CaseStepManager()

    class Meta:
        ordering = ["case", "order", "id"]
        verbose_name = "scène"
        constraints = [models.UniqueConstraint(
            fields=["case", "key"], name="unique_case_scene_key",
            violation_error_message="Deux scènes du même cas ne peuvent pas avoir le même repère.",
        )]

    def __str__(self):
        return f"{self.key} — {self.title}"

    def natural_key(self):
        return (self.case.slug, self.key)

    natural_key.dependencies = ["quizzes.question", "quizzes.casequestion"]


class CaseEnding(models.Model):
    """How a case ends, with its debrief."""

    class Tone(models.TextChoices):
        PROTECTED = "protege", "La ou le jeune est protégé·e"
        PARTIAL = "partiel", "Protection partielle ou tardive"
        MISSED = "rate", "Occasion manquée"

    case = models.ForeignKey(CaseQuestion, on_delete=models.CASCADE, related_name="endings", verbose_name="cas")
    key = models.SlugField("repère", max_length=40, help_text="fin-… : stable, les choix y renvoient.")
    order = models.PositiveIntegerField("ordre", default=0)
    title = models.CharField("titre", max_length=200)
    debrief = models.TextField("débriefing (Markdown)")
    tone = models.CharField("issue", max_length=10, choices=Tone.choices, default=Tone.PARTIAL)

    objects = CaseStepManager()

    class Meta:
        ordering = ["case", "order", "id"]
        verbose_name = "fin"
        verbose_name_plural = "fins"
        constraints = [models.UniqueConstraint(
            fields=["case", "key"], name="unique_case_ending_key",
            violation_error_message="Deux fins du même cas ne peuvent pas avoir le même repère.",
        )]

    def __str__(self):
        return f"{self.key} — {self.title}"

    def natural_key(self):
        return (self.case.slug, self.key)

    natural_key.dependencies = ["quizzes.question", "quizzes.casequestion"]


class CaseChoiceManager(models.Manager):
    def get_by_natural_key(self, question_slug, scene_key, key):
        return self.get(case__slug=question_slug, scene_key=scene_key, key=key)


class CaseChoice(models.Model):
    """What the learner may notice, do or say in a scene: its points (2 best practice, 1
    acceptable but incomplete, 0 harmful or wrong), its feedback and where it leads."""

    class Points(models.IntegerChoices):
        WRONG = 0, "0 — à éviter"
        PARTIAL = 1, "1 — acceptable mais incomplet"
        BEST = 2, "2 — la pratique la plus protectrice"

    case = models.ForeignKey(CaseQuestion, on_delete=models.CASCADE, related_name="choices", verbose_name="cas")
    scene_key = models.SlugField("scène", max_length=20, help_text="Repère de la scène où ce choix est proposé.")
    key = models.CharField("repère", max_length=8, help_text="a, b, c… : unique dans la scène.")
    order = models.PositiveIntegerField("ordre", default=0)
    text = models.TextField("texte")
    points = models.PositiveSmallIntegerField("points", choices=Points.choices, default=Points.WRONG)
    feedback = models.TextField("explication")
    next_key = models.SlugField(
        "mène à", max_length=40, help_text="Repère d'une scène (s2…) ou d'une fin (fin-…).",
    )
    decision = models.CharField(
        "décision", max_length=20, choices=Decision.choices, blank=True,
        help_text="Si ce choix est une décision de transmission : laquelle (règle unique).",
    )

    objects = CaseChoiceManager()

    class Meta:
        ordering = ["case", "scene_key", "order", "id"]
        verbose_name = "choix"
        verbose_name_plural = "choix"
        constraints = [
            models.UniqueConstraint(
                fields=["case", "scene_key", "key"], name="unique_case_choice_key",
                violation_error_message="Deux choix de la même scène ne peuvent pas avoir le même repère.",
            ),
            models.CheckConstraint(
                condition=Q(points__lte=2), name="case_choice_points_0_2",
                violation_error_message="Un choix vaut 0, 1 ou 2 points.",
            ),
        ]

    def __str__(self):
        return f"{self.scene_key}/{self.key} — {self.text[:60]}"

    def natural_key(self):
        return (self.case.slug, self.scene_key, self.key)

    natural_key.dependencies = ["quizzes.question", "quizzes.casequestion"]



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


class AnswerStep(models.Model):
    """Snapshot of one step of a case as the learner played it: the scene as it read then,
    the choice made, its points and feedback, and the best choice of that scene; the last
    step of a finished case is its ending (`kind` « fin »), with the debrief. Later edits of
    the case never change it."""

    class Kind(models.TextChoices):
        SCENE = "scene", "Scène"
        ENDING = "fin", "Fin"

    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="steps", verbose_name="réponse")
    position = models.PositiveIntegerField("position")
    kind = models.CharField("nature", max_length=10, choices=Kind.choices, default=Kind.SCENE)
    scene_key = models.CharField("repère de la scène (ou de la fin)", max_length=40)
    scene_title = models.CharField("titre", max_length=200)
    scene_text = models.TextField("texte (ou débriefing)", blank=True)
    choice_key = models.CharField("repère du choix", max_length=8, blank=True)
    choice_text = models.TextField("choix", blank=True)
    points = models.PositiveSmallIntegerField("points", null=True, blank=True)
    best_points = models.PositiveSmallIntegerField("points possibles", null=True, blank=True)
    feedback = models.TextField("explication", blank=True)
    decision = models.CharField("décision", max_length=20, choices=Decision.choices, blank=True)
    best_choice_text = models.TextField("meilleur choix de la scène", blank=True)
    tone = models.CharField("issue", max_length=10, choices=CaseEnding.Tone.choices, blank=True)

    class Meta:
        ordering = ["answer", "position"]
        verbose_name = "étape d'un cas joué"
        verbose_name_plural = "étapes des cas joués"
        constraints = [models.UniqueConstraint(fields=["answer", "position"], name="unique_answer_step")]
        # Covers the trainers' path report: per case, how often each choice was made.
        indexes = [models.Index(fields=["answer", "scene_key", "choice_key", "points"], name="answerstep_report_idx")]

    def __str__(self):
        return f"{self.scene_key}/{self.choice_key}" if self.choice_key else self.scene_key


class CaseRun(models.Model):
    """A learner's case in progress, kept on the server between scenes (a reload, the back
    button or a new session find it as it was). It holds no result: the path goes into the
    attempt's snapshot when the quiz is sent, and the run is then cleared."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="case_runs",
                             verbose_name="apprenant·e")
    case = models.ForeignKey(CaseQuestion, on_delete=models.CASCADE, related_name="runs", verbose_name="cas")
    started_at = models.DateTimeField("commencé le", default=timezone.now)

    class Meta:
        verbose_name = "cas en cours"
        verbose_name_plural = "cas en cours"
        constraints = [models.UniqueConstraint(fields=["user", "case"], name="unique_case_run")]

    def __str__(self):
        return f"{self.case} — en cours"


class CaseRunStep(models.Model):
    """One choice made in a run, by keys (the scene and the choice)."""

    run = models.ForeignKey(CaseRun, on_delete=models.CASCADE, related_name="steps", verbose_name="cas en cours")
    position = models.PositiveIntegerField("position")
    scene_key = models.CharField("scène", max_length=20)
    choice_key = models.CharField("choix", max_length=8)

    class Meta:
        ordering = ["run", "position"]
        verbose_name = "choix d'un cas en cours"
        verbose_name_plural = "choix des cas en cours"
        # A double submit of the same step records once: the second insert is refused.
        constraints = [models.UniqueConstraint(fields=["run", "position"], name="unique_case_run_step")]

    def __str__(self):
        return f"{self.scene_key}/{self.choice_key}"


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


# --- Writing the IP or the signalement (« rédaction ») ----------------------------------------


class WritingTask(models.TextChoices):
    IP = TASK_IP, "Information préoccupante à la CRIP"
    SIGNALEMENT = TASK_SIGNALEMENT, "Signalement au procureur de la République, copie à la CRIP"


@dataclass
class WritingGrade(Grade):
    """A writing question's grade: the check, item by item, and the text it read."""

    check: CheckResult | None = None
    text: str = ""


class WritingQuestion(Question):
    """« Rédiger l'écrit » : a fictional case file and a task (an IP to the CRIP or a
    signalement to the procureur). The learner writes the text; `quizzes/writing.py` checks
    it item by item; the score is the share of items passed.

    The exercise's key facts and quotes are lines of text on the question (not rows of their
    own) so that a draft, the history, the preview and the fixtures carry them with the rest
    of the exercise."""

    type_label = "Rédiger l'écrit"
    input_type = "text"
    template_name = "quizzes/writing_question.html"
    instructions = "Rédigez l'écrit demandé à partir du dossier."

    task = models.CharField("écrit demandé", max_length=20, choices=WritingTask.choices)
    recipient = models.CharField("destinataire", max_length=200,
                                 help_text="Par exemple : CRIP de Seine-Saint-Denis (93).")
    departement = models.CharField("département", max_length=3, blank=True)
    setting = models.CharField("lieu d'exercice", max_length=120, blank=True,
                               help_text="Collège, MECS, lycée professionnel, club de prévention…")
    writer_role = models.CharField("rôle de l'apprenant·e", max_length=300,
                                   help_text="Le rôle fictif de la personne qui écrit : nom, fonction, structure.")
    case_file = models.TextField(
        "dossier (Markdown)",
        help_text="Fictif : contexte, observations datées, mots exacts de la ou du jeune entre « », ce qui a été "
        "fait, information des parents.",
    )
    key_facts = models.TextField(
        "éléments attendus", blank=True,
        help_text="Un élément par ligne : libellé | motif ; autre motif | pourquoi. Un seul motif trouvé suffit "
        "(majuscules, accents et façon d'écrire les dates ignorés : « 12/03 » = « 12 mars »).",
    )
    key_quotes = models.TextField(
        "citations attendues", blank=True,
        help_text="Une par ligne : les mots exacts de la ou du jeune, à retrouver entre guillemets dans l'écrit.",
    )
    model_answer = models.TextField("écrit modèle (Markdown)")
    model_comments = models.TextField("commentaires de l'écrit modèle", help_text="Un commentaire par ligne.")
    self_check = models.TextField("questions d'auto-vérification", help_text="Une question par ligne (oui / non).")

    class Meta:
        verbose_name = "question « Rédiger l'écrit »"
        verbose_name_plural = "questions « Rédiger l'écrit »"

    def key_elements(self) -> list[KeyElement]:
        return parse_key_elements(self.key_facts, self.key_quotes)[0]

    def check_text(self, text: str) -> CheckResult:
        return check_text(text, task=self.task, elements=self.key_elements(), case_file=self.allowed_text)

    @property
    def allowed_text(self) -> str:
        """What the learner may copy without it being real data: the fictional case."""
        return "\n".join([self.case_file, self.writer_role, self.recipient, self.prompt])

    def read_response(self, values: list[str], options) -> str:
        """The text typed (the last value, should a tampered form send several)."""
        return values[-1] if values else ""

    def response_error(self, response) -> str:
        return text_problem(response or "")

    def grade(self, response, options):
        text = clean_text(response or "")
        result = self.check_text(text)
        return WritingGrade(
            score=result.score, check=result, text=text,
            summary=f"{result.passed_count} élément{'s' if result.passed_count > 1 else ''} sur "
                    f"{len(result.counted)}.",
            missed=[item.label for item in result.counted if not item.passed],
        )

    def validate_options(self, options):
        return ["Une question « Rédiger l'écrit » n'a pas d'options : supprimez-les."] if options else []

    def validate_content(self) -> list[str]:
        """French messages for an editor: the key facts readable, and the model answer
        passing every counted item of its own check (a model that fails would teach the wrong thing)."""
        errors = parse_key_elements(self.key_facts, self.key_quotes)[1]
        if errors or not self.model_answer:
            return errors
        failed = [item.label for item in self.check_text(self.model_answer).counted if not item.passed]
        if failed:
            errors.append("L'écrit modèle ne passe pas sa propre vérification : " + " ; ".join(failed) + ".")
        warnings = self.check_text(self.model_answer).warnings
        if warnings:
            errors.append("L'écrit modèle contient des données absentes du dossier : "
                          + ", ".join(warnings[0].found) + ".")
        return errors

    def response_rows(self, *, answer, grade, user) -> tuple["WrittenAnswer", list["WritingCheck"]]:
        """The learner's text with the exercise as shown, and the check item by item, unsaved
        (the editors' preview shows them without recording anything)."""
        written = WrittenAnswer(
            answer=answer, user=user, text=grade.text, task=self.task, recipient=self.recipient,
            writer_role=self.writer_role, case_file=self.case_file, model_answer=self.model_answer,
            model_comments=self.model_comments, self_check=self.self_check,
        )
        checks = [
            WritingCheck(answer=answer, order=position, code=item.code, label=item.label[:300],
                         counted=item.counted, blocking=item.blocking, passed=item.passed, why=item.why, fix=item.fix)
            for position, item in enumerate(grade.check.items, start=1)
        ]
        return written, checks

    @classmethod
    def after_recorded(cls, *, user, recorded) -> None:
        """Keep the learner's texts (deleted with their account) and the checks, item by item
        (kept with the anonymised attempt, for the group's item analysis); the drafts go."""
        texts, checks = [], []
        for question, answer, grade in recorded:
            written, rows = question.response_rows(answer=answer, grade=grade, user=user)
            texts.append(written)
            checks.extend(rows)
        WrittenAnswer.objects.bulk_create(texts)
        WritingCheck.objects.bulk_create(checks)
        WritingDraft.objects.filter(user=user, question__in=[question.pk for question, _, _ in recorded]).delete()

    @staticmethod
    def lines(text: str) -> list[str]:
        return [line.strip() for line in (text or "").splitlines() if line.strip()]


class ReviewStatus(models.TextChoices):
    VALIDATED = "valide", "Validé"
    REDO = "a-reprendre", "À reprendre"


class WrittenAnswer(models.Model):
    """The text a learner wrote for one writing question of an attempt, with the exercise as
    it was shown, and their trainer's review. Learner data: only the learner and their
    group's trainers see it; it is deleted with the account (user CASCADE) and never leaves
    in a CSV export or a log."""

    answer = models.OneToOneField(Answer, on_delete=models.CASCADE, related_name="written", verbose_name="réponse")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="written_answers",
                             verbose_name="apprenant·e")
    text = models.TextField("texte écrit")
    task = models.CharField("écrit demandé", max_length=20, choices=WritingTask.choices)
    recipient = models.CharField("destinataire", max_length=200, blank=True)
    writer_role = models.CharField("rôle de l'apprenant·e", max_length=300, blank=True)
    case_file = models.TextField("dossier", blank=True)
    model_answer = models.TextField("écrit modèle", blank=True)
    model_comments = models.TextField("commentaires de l'écrit modèle", blank=True)
    self_check = models.TextField("questions d'auto-vérification", blank=True)
    review_status = models.CharField("relecture", max_length=20, choices=ReviewStatus.choices, blank=True)
    review_comment = models.TextField("commentaire général", blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name="relu par")
    reviewed_at = models.DateTimeField("relu le", null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = "écrit d'un·e apprenant·e"
        verbose_name_plural = "écrits des apprenant·es"

    def __str__(self):
        return f"{self.get_task_display()} — réponse {self.answer_id}"

    @property
    def allowed_text(self) -> str:
        """The fictional case as shown (see `WritingQuestion.allowed_text`)."""
        return "\n".join([self.case_file, self.writer_role, self.recipient, self.answer.prompt])


class WritingCheck(models.Model):
    """One item of the check of a written answer as graded at the time: no learner text, so
    it stays with the anonymised attempt for the group's item analysis."""

    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="writing_checks", verbose_name="réponse")
    order = models.PositiveIntegerField("ordre", default=0)
    code = models.CharField("repère", max_length=60)
    label = models.CharField("élément vérifié", max_length=300)
    counted = models.BooleanField("compté dans le score", default=True)
    blocking = models.BooleanField("bloquant", default=False, help_text="Tant qu'il manque, le score est de 0 %.")
    passed = models.BooleanField("présent / respecté")
    why = models.TextField("pourquoi", blank=True)
    fix = models.TextField("que corriger", blank=True)

    class Meta:
        ordering = ["answer", "order"]
        verbose_name = "élément vérifié d'un écrit"
        verbose_name_plural = "éléments vérifiés des écrits"
        constraints = [models.UniqueConstraint(fields=["answer", "code"], name="unique_writing_check_code")]
        indexes = [models.Index(fields=["answer", "counted", "passed", "code"], name="writingcheck_report_idx")]

    def __str__(self):
        return self.label


class WritingComment(models.Model):
    """A trainer's comment on one checked item of a learner's text."""

    written = models.ForeignKey(WrittenAnswer, on_delete=models.CASCADE, related_name="comments", verbose_name="écrit")
    code = models.CharField("élément vérifié", max_length=60)
    text = models.TextField("commentaire")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
                               verbose_name="auteur·rice")
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    class Meta:
        ordering = ["written", "id"]
        verbose_name = "commentaire sur un écrit"
        verbose_name_plural = "commentaires sur les écrits"
        constraints = [models.UniqueConstraint(fields=["written", "code"], name="unique_writing_comment_per_item")]

    def __str__(self):
        return self.text[:80]


class WritingDraft(models.Model):
    """A learner's unsent text for a writing question, saved to come back to it. Learner
    data: deleted with the account, and when the text is sent."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="writing_drafts",
                             verbose_name="apprenant·e")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="+", verbose_name="question")
    text = models.TextField("texte", blank=True)
    updated_at = models.DateTimeField("enregistré le", auto_now=True)

    class Meta:
        verbose_name = "brouillon d'écrit"
        verbose_name_plural = "brouillons d'écrits"
        constraints = [models.UniqueConstraint(fields=["user", "question"], name="unique_writing_draft")]

    def __str__(self):
        return f"Brouillon — {self.question_id}"
