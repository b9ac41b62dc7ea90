"""A live session: a trainer projects a quiz's questions, participants vote from their phones.

Live answers are not quiz attempts: they never change anyone's progress. What the room sees
is anonymous; a participant may be signed in or not (an optional pseudonym), and their vote
is tied to them only so that they vote once per question and may change it while it is open.
"""
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

from elearning.models import Cohort
from quizzes.models import Option, Question, Quiz

# Unambiguous capitals and digits (no 0/O, 1/I/L): a code read from a projected screen.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6
IDLE_LIMIT = timedelta(hours=4)


def new_live_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


class LiveSession(models.Model):
    """One run of a quiz with a group, driven by a trainer of the group's organisation."""

    class Phase(models.TextChoices):
        LOBBY = "accueil", "Accueil des participant·es"
        SHOWN = "question", "Question affichée"
        OPEN = "vote", "Vote ouvert"
        CLOSED = "clos", "Vote clos"
        REVEALED = "resultats", "Résultats affichés"
        ENDED = "termine", "Session terminée"

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="live_sessions", verbose_name="groupe")
    quiz = models.ForeignKey(Quiz, on_delete=models.PROTECT, related_name="+", verbose_name="quiz")
    quiz_title = models.CharField("titre du quiz", max_length=200)
    question_ids = models.JSONField(
        "questions", default=list,
        help_text="Les questions au démarrage, dans l'ordre : une modification du quiz ne change pas une session en cours.",
    )
    code = models.CharField("code", max_length=CODE_LENGTH, unique=True, default=new_live_code)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name="lancée par",
    )
    started_at = models.DateTimeField("lancée le", default=timezone.now)
    last_activity = models.DateTimeField("dernière activité", default=timezone.now)
    ended_at = models.DateTimeField("terminée le", null=True, blank=True)
    phase = models.CharField("étape", max_length=10, choices=Phase.choices, default=Phase.LOBBY)
    position = models.PositiveIntegerField("question en cours (rang)", default=0)
    version = models.PositiveIntegerField(
        "version de l'état", default=0, help_text="Augmente à chaque action de la formatrice ou du formateur.",
    )

    class Meta:
        ordering = ["-started_at"]
        verbose_name = "session en direct"
        verbose_name_plural = "sessions en direct"

    def __str__(self):
        return f"{self.quiz_title} — {self.code}"

    def is_over(self, now=None) -> bool:
        """Ended by the trainer, or idle for more than four hours."""
        now = now or timezone.now()
        return self.ended_at is not None or now - self.last_activity > IDLE_LIMIT

    @property
    def question_count(self) -> int:
        return len(self.question_ids)

    @property
    def current_question_id(self) -> int | None:
        if self.phase in (self.Phase.LOBBY, self.Phase.ENDED) or self.position >= len(self.question_ids):
            return None
        return self.question_ids[self.position]


class Participant(models.Model):
    """Someone in the room: signed in or not, with an optional pseudonym never shown to the room."""

    session = models.ForeignKey(LiveSession, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name="compte",
    )
    pseudonym = models.CharField("prénom ou pseudonyme", max_length=40, blank=True)
    joined_at = models.DateTimeField("arrivé·e le", default=timezone.now)

    class Meta:
        verbose_name = "participant·e"
        verbose_name_plural = "participant·es"

    def __str__(self):
        return self.pseudonym or f"participant·e {self.pk}"


class Vote(models.Model):
    """A participant's answer to one question of the session (changed while the vote is open)."""

    session = models.ForeignKey(LiveSession, on_delete=models.CASCADE, related_name="votes")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="votes")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="+")
    options = models.ManyToManyField(Option, related_name="+", verbose_name="options choisies")
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    class Meta:
        verbose_name = "vote"
        constraints = [
            models.UniqueConstraint(fields=["participant", "question"], name="live_one_vote_per_question"),
        ]
        indexes = [models.Index(fields=["session", "question"], name="live_vote_session_question")]

    def __str__(self):
        return f"vote {self.pk}"
