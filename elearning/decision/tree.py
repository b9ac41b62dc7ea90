"""Walking and checking the decision aid's tree. Pure functions over rows loaded once.

A walk reads the answers from the query string (`?danger=non&age=mineur&…`): nothing is
stored, the back button and a shared link both work, and a page without JavaScript shows
the same thing. Values are only compared with the tree's own values, so whatever a visitor
types in the address never reaches a query.
"""
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from urllib.parse import urlencode

from elearning.decision.models import Choice, Outcome, Step
from elearning.models import IDF_DEPARTEMENTS

UNKNOWN_VALUE = "Cette réponse ne fait pas partie des réponses proposées : choisissez-en une ci-dessous."


@dataclass
class Tree:
    steps: list[Step]
    choices: dict[int, list[Choice]]  # step id -> its choices, in order
    outcomes: dict[int, Outcome]

    @property
    def start(self) -> Step | None:
        return next((step for step in self.steps if step.is_start), None)

    def step(self, step_id: int | None) -> Step | None:
        return next((step for step in self.steps if step.id == step_id), None)


def load_tree() -> Tree:
    """The whole tree in three queries (it holds a few dozen rows)."""
    steps = list(Step.objects.all())
    choices: dict[int, list[Choice]] = {}
    for choice in Choice.objects.order_by("step_id", "order", "value"):
        choices.setdefault(choice.step_id, []).append(choice)
    outcomes = {outcome.id: outcome for outcome in Outcome.objects.all()}
    return Tree(steps=steps, choices=choices, outcomes=outcomes)


@dataclass
class Answer:
    step: Step
    choice: Choice


@dataclass
class Walk:
    """Where a visitor stands: the answers given, then either a step to answer or an outcome."""

    answers: list[Answer] = field(default_factory=list)
    step: Step | None = None
    outcome: Outcome | None = None
    error: str = ""

    def query(self, upto: int | None = None) -> str:
        """The query string of the first `upto` answers (all of them by default)."""
        answers = self.answers if upto is None else self.answers[:upto]
        return urlencode([(a.step.param, a.choice.value) for a in answers])

    @property
    def departement(self) -> str:
        for answer in reversed(self.answers):
            if answer.choice.departement:
                return answer.choice.departement
        return ""

    @property
    def notes(self) -> list[Choice]:
        return [a.choice for a in self.answers if a.choice.note.strip()]

    @property
    def extra_contacts(self) -> list[str]:
        return [slug for a in self.answers for slug in a.choice.extra_contact_list]


def walk(tree: Tree, params: Mapping[str, str]) -> Walk:
    """Replay the answers in `params` from the first step; stop at the first one missing."""
    result = Walk(step=tree.start)
    seen: set[int] = set()
    while result.step is not None and result.step.id not in seen:
        step = result.step
        seen.add(step.id)
        value = params.get(step.param)
        if not value:
            return result
        choice = next((c for c in tree.choices.get(step.id, []) if c.value == value), None)
        if choice is None:
            result.error = UNKNOWN_VALUE
            return result
        result.answers.append(Answer(step=step, choice=choice))
        if choice.outcome_id:
            result.outcome = tree.outcomes.get(choice.outcome_id)
        result.step = tree.step(choice.next_step_id)
    return result


def validate(tree: Tree) -> tuple[list[str], list[str]]:
    """(errors, warnings) in French. Errors refuse the tree: no first step, a step without
    answers, a cycle, a path that ends without an outcome, an outcome without a legal basis,
    an unknown département. An unreachable step is only a warning: it is how an editor
    prepares a new step before linking it."""
    errors: list[str] = []
    warnings: list[str] = []
    starts = [step for step in tree.steps if step.is_start]
    if len(starts) != 1:
        errors.append("L'aide doit avoir exactement une première étape.")
    by_id = {step.id: step for step in tree.steps}
    for step in tree.steps:
        if not tree.choices.get(step.id):
            errors.append(f"L'étape « {step.question} » n'a aucune réponse : c'est une impasse.")
    for outcome in tree.outcomes.values():
        if not outcome.legal_basis.strip():
            errors.append(f"L'issue « {outcome.title} » n'indique pas son fondement juridique.")
    for choices in tree.choices.values():
        for choice in choices:
            if choice.departement and choice.departement not in IDF_DEPARTEMENTS:
                errors.append(f"La réponse « {choice.label} » désigne un département hors de l'annuaire.")
            if choice.next_step_id and choice.next_step_id not in by_id:
                errors.append(f"La réponse « {choice.label} » mène à une étape qui n'existe pas.")
    if errors or not starts:
        return errors, warnings

    # Cycles, by depth-first search (white / grey / black).
    colour: dict[int, int] = {}

    def visit(step_id: int) -> bool:
        colour[step_id] = 1
        for choice in tree.choices.get(step_id, []):
            nxt = choice.next_step_id
            if nxt is None:
                continue
            if colour.get(nxt) == 1 or (colour.get(nxt) is None and visit(nxt)):
                return True
        colour[step_id] = 2
        return False

    if visit(starts[0].id):
        errors.append("L'aide contient une boucle : un chemin revient sur une étape déjà posée.")
        return errors, warnings
    for step in tree.steps:
        if step.id not in colour:
            warnings.append(f"L'étape « {step.question} » n'est atteinte par aucun chemin.")

    # Every path must end on an outcome: a state is (step, an outcome already chosen?).
    dead_ends: set[str] = set()
    checked: set[tuple[int, bool]] = set()

    def ends_well(step_id: int, decided: bool) -> None:
        if (step_id, decided) in checked:
            return
        checked.add((step_id, decided))
        for choice in tree.choices.get(step_id, []):
            now_decided = decided or choice.outcome_id is not None
            if choice.next_step_id is None:
                if not now_decided:
                    dead_ends.add(f"La réponse « {choice.label} » termine un chemin sans issue.")
            else:
                ends_well(choice.next_step_id, now_decided)

    ends_well(starts[0].id, False)
    errors.extend(sorted(dead_ends))
    return errors, warnings


def paths(tree: Tree) -> Iterator[tuple[dict[str, str], Outcome]]:
    """Every complete path as (answers, outcome): for tests and for the editors' overview."""
    start = tree.start
    if start is None:
        return

    def extend(step: Step, answers: dict[str, str], outcome: Outcome | None):
        for choice in tree.choices.get(step.id, []):
            now = {**answers, step.param: choice.value}
            reached = tree.outcomes.get(choice.outcome_id) if choice.outcome_id else outcome
            nxt = tree.step(choice.next_step_id)
            if nxt is None:
                yield now, reached
            else:
                yield from extend(nxt, now, reached)

    yield from extend(start, {}, None)


def path_to(tree: Tree, step: Step) -> dict[str, str] | None:
    """The first answers (in the tree's order) that lead to `step`: for the editors' preview."""
    start = tree.start
    if start is None:
        return None
    if step.id == start.id:
        return {}
    frontier: list[tuple[Step, dict[str, str]]] = [(start, {})]
    seen = {start.id}
    while frontier:
        current, answers = frontier.pop(0)
        for choice in tree.choices.get(current.id, []):
            nxt = tree.step(choice.next_step_id)
            if nxt is None or nxt.id in seen:
                continue
            now = {**answers, current.param: choice.value}
            if nxt.id == step.id:
                return now
            seen.add(nxt.id)
            frontier.append((nxt, now))
    return None
