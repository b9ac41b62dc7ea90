"""Self-assessment before and after the course: confidence per skill (1–4) and the score
per skill on two parallel tests; the before/after comparison."""
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Avg

from elearning.accounts import current_cohort_id
from elearning.models import ConfidenceRating, Phase, Skill
from elearning.progress.rows import refresh_learners
from quizzes.models import Answer, Attempt, Quiz

SELF_KINDS = (Quiz.Kind.SELF_BEFORE, Quiz.Kind.SELF_AFTER)

CONFIDENCE_LABELS = {
    1: "Pas du tout à l'aise",
    2: "Peu à l'aise",
    3: "Plutôt à l'aise",
    4: "Tout à fait à l'aise",
}
SKILL_QUESTIONS = {
    Skill.SPOT: "Repérer les signaux d'une situation de prostitution",
    Skill.DECIDE: "Décider : information préoccupante, signalement ou 17",
    Skill.SAY: "Trouver les mots justes face à la ou au jeune et dans un écrit",
}


def confidence_recorded(*, user, phase: str) -> bool:
    """The confidence step comes first: a test sent without it cannot be compared."""
    return ConfidenceRating.objects.filter(user=user, phase=phase).count() == len(Skill.values)


def record_confidence(*, user, phase: str, ratings: dict[str, int]) -> None:
    """Store the three ratings of one phase, for the learner's current group; a second
    sending in the same group replaces the first."""
    cohort_id = current_cohort_id(user)
    with transaction.atomic():
        for skill, value in ratings.items():
            try:
                with transaction.atomic():
                    ConfidenceRating.objects.update_or_create(
                        user=user, phase=phase, skill=skill, cohort_id=cohort_id, defaults={"value": value},
                    )
            except IntegrityError:
                ConfidenceRating.objects.filter(user=user, phase=phase, skill=skill, cohort_id=cohort_id).update(
                    value=value)
        refresh_learners(user_ids=[user.pk])


@dataclass
class SkillComparison:
    skill: str
    label: str
    score_before: float | None
    score_after: float | None
    confidence_before: int | None
    confidence_after: int | None

    @property
    def score_gain(self):
        if self.score_before is None or self.score_after is None:
            return None
        return self.score_after - self.score_before

    @property
    def confidence_gain(self):
        if self.confidence_before is None or self.confidence_after is None:
            return None
        return self.confidence_after - self.confidence_before


def first_attempt(user, phase: str) -> Attempt | None:
    """The attempt that counts for a before/after test: the first one (the baseline for
    "avant", the first after completion for "après", the only one offered)."""
    return Attempt.objects.filter(user=user, quiz__kind=phase).select_related("quiz").order_by(
        "submitted_at", "pk").first()


def closed_reason(*, user, phase: str, progress) -> str:
    """Why the test of `phase` is not offered to `user` now (French), or "" when it is.
    "avant" is taken once, before the first lesson; "après" once, when the course is complete."""
    if phase == Phase.BEFORE and progress.started:
        return ("Le test de départ se passe avant la première leçon : vous avez déjà commencé le parcours, "
                "il n'est donc plus proposé.")
    if phase == Phase.AFTER and not progress.complete:
        return "L'auto-évaluation finale s'ouvre quand le parcours est terminé."
    return ""


def comparison(user) -> list[SkillComparison]:
    """Score per skill = mean score of that skill's answers in the first attempt of each test."""
    first: dict[str, int] = {}
    for attempt_id, kind in (
        Attempt.objects.filter(user=user, quiz__kind__in=SELF_KINDS)
        .order_by("-submitted_at", "-pk").values_list("pk", "quiz__kind")
    ):
        first[kind] = attempt_id  # the earliest comes last
    scores = {
        (row["attempt__quiz__kind"], row["skill"]): row["mean"]
        for row in Answer.objects.filter(attempt_id__in=list(first.values()))
        .values("attempt__quiz__kind", "skill")
        .annotate(mean=Avg("score"))
    }
    confidence = {
        # One row per group the learner rated in: the latest rating speaks for them.
        (r.phase, r.skill): r.value for r in ConfidenceRating.objects.filter(user=user).order_by("created_at", "pk")
    }
    return [
        SkillComparison(
            skill=skill,
            label=label,
            score_before=scores.get((Phase.BEFORE, skill)),
            score_after=scores.get((Phase.AFTER, skill)),
            confidence_before=confidence.get((Phase.BEFORE, skill)),
            confidence_after=confidence.get((Phase.AFTER, skill)),
        )
        for skill, label in Skill.choices
    ]
