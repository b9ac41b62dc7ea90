"""Per case (« situation évolutive »), the paths a group took: how many learners reached each
scene, what they chose there, which ending they reached, and where most turned wrong.

Read from the snapshots (`AnswerStep`) of each learner's best attempt in the group, like the
item analysis: a later edit of the case never recounts the past (a choice removed since is
still listed, with the text it had). A fixed number of queries: the case's graph (3), the
counts (1), the learners who played (1).
"""
from dataclasses import dataclass, field

from django.db.models import Count, Max
from django.shortcuts import get_object_or_404

from elearning.models import Cohort
from quizzes.models import Answer, AnswerStep, CaseQuestion, Quiz, QuizResult


@dataclass
class ChoiceCount:
    key: str
    text: str
    points: int | None
    count: int = 0
    share: float = 0.0  # of the learners who reached the scene
    in_case: bool = True  # still a choice of the case as it stands


@dataclass
class SceneCount:
    key: str
    title: str
    visits: int = 0
    # Learners who did not make the most protective choice here, as graded when they played.
    wrong: int = 0
    choices: list[ChoiceCount] = field(default_factory=list)

    @property
    def wrong_rate(self) -> float:
        return self.wrong / self.visits if self.visits else 0.0


@dataclass
class EndingCount:
    key: str
    title: str
    tone: str
    count: int = 0
    share: float = 0.0


@dataclass
class CasePaths:
    case: CaseQuestion
    players: int = 0
    scenes: list[SceneCount] = field(default_factory=list)
    endings: list[EndingCount] = field(default_factory=list)

    @property
    def turned_wrong(self) -> SceneCount | None:
        """The scene where the largest share of those who reached it did not choose best."""
        visited = [s for s in self.scenes if s.visits and s.wrong]
        return max(visited, key=lambda s: (s.wrong_rate, s.wrong), default=None)


def cohort_case(question_id: int) -> CaseQuestion:
    """A case of the course (any quiz but the before/after tests); anything else is a 404."""
    return get_object_or_404(
        CaseQuestion.objects.select_related("quiz").exclude(quiz__kind__in=[Quiz.Kind.SELF_BEFORE,
                                                                            Quiz.Kind.SELF_AFTER]),
        pk=question_id,
    )


def case_paths(cohort: Cohort, case: CaseQuestion) -> CasePaths:
    graph = case.graph
    best_attempts = QuizResult.objects.filter(cohort=cohort, quiz_id=case.quiz_id).values("best_attempt_id")
    answers = Answer.objects.filter(attempt_id__in=best_attempts, question=case)
    report = CasePaths(case=case, players=answers.count())
    rows = list(
        AnswerStep.objects.filter(answer__in=answers)
        .values("kind", "scene_key", "choice_key", "points", "best_points")
        .annotate(n=Count("pk"), title=Max("scene_title"), text=Max("choice_text"))
        .order_by()
    )
    scenes = {key: SceneCount(key=key, title=scene.title) for key, scene in graph.scenes.items()}
    for key, own in graph.choices.items():
        if key in scenes:
            scenes[key].choices = [ChoiceCount(key=c.key, text=c.text, points=c.points) for c in own]
    endings = {key: EndingCount(key=key, title=e.title, tone=e.tone) for key, e in graph.endings.items()}
    for row in rows:
        if row["kind"] == AnswerStep.Kind.ENDING:
            ending = endings.setdefault(row["scene_key"], EndingCount(key=row["scene_key"], title=row["title"], tone=""))
            ending.count += row["n"]
            continue
        scene = scenes.setdefault(row["scene_key"], SceneCount(key=row["scene_key"], title=row["title"]))
        scene.visits += row["n"]
        choice = next((c for c in scene.choices if c.key == row["choice_key"]), None)
        if choice is None:
            choice = ChoiceCount(key=row["choice_key"], text=row["text"], points=row["points"], in_case=False)
            scene.choices.append(choice)
        choice.count += row["n"]
        if (row["points"] or 0) < (row["best_points"] or 0):
            scene.wrong += row["n"]
    for scene in scenes.values():
        for choice in scene.choices:
            choice.share = choice.count / scene.visits if scene.visits else 0.0
    for ending in endings.values():
        ending.share = ending.count / report.players if report.players else 0.0
    report.scenes = list(scenes.values())
    report.endings = list(endings.values())
    return report

