"""Cases that unfold (« situation évolutive »): the graph of a case, its checks and its
scoring, pure (no query): the models (`quizzes.models.CaseQuestion` and its scenes, endings
and choices) hand their rows in, the play pages and the submit path read the answers out.

A case is a directed graph: scenes hold choices, each choice leads to a scene or to an
ending. The first scene (smallest order) opens it. A path is the list of choices made from
the first scene to an ending; each scene is visited at most once (no cycles), so a set of
« scene:choice » keys is enough to rebuild the path in order.

Score of a path: points earned on the scenes visited / best points possible on those same
scenes. A wrong turn costs the points of that scene only: the learner can recover later.
"""
from dataclasses import dataclass, field

BEST_POINTS = 2


@dataclass(frozen=True)
class PathStep:
    """One step of a path, as it will be snapshotted (`quizzes.models.AnswerStep`)."""

    kind: str  # "scene" or "fin"
    scene_key: str
    scene_title: str
    scene_text: str
    choice_key: str = ""
    choice_text: str = ""
    points: int | None = None
    best_points: int | None = None
    feedback: str = ""
    decision: str = ""
    best_choice_text: str = ""
    tone: str = ""

    @property
    def answer_key(self) -> str:
        return f"{self.scene_key}:{self.choice_key}"


@dataclass
class Path:
    steps: list[PathStep] = field(default_factory=list)
    ending: object = None  # the ending row reached, or None for an unfinished path
    next_scene: object = None  # the scene to play next when unfinished

    @property
    def scene_steps(self) -> list[PathStep]:
        return [step for step in self.steps if step.kind == "scene"]

    @property
    def points(self) -> int:
        return sum(step.points or 0 for step in self.scene_steps)

    @property
    def best_points(self) -> int:
        return sum(step.best_points or 0 for step in self.scene_steps)

    @property
    def score(self) -> float:
        return self.points / self.best_points if self.best_points else 0.0

    @property
    def keys(self) -> set[str]:
        return {step.answer_key for step in self.scene_steps}


@dataclass
class Graph:
    """A case's scenes, endings and choices (rows or any objects with the same fields)."""

    scenes: dict = field(default_factory=dict)  # key -> scene (ordered, first opens the case)
    endings: dict = field(default_factory=dict)  # key -> ending
    choices: dict = field(default_factory=dict)  # scene key -> [choice, …] in order

    @classmethod
    def build(cls, scenes, endings, choices) -> "Graph":
        graph = cls(
            scenes={s.key: s for s in sorted(scenes, key=lambda s: (s.order, s.key))},
            endings={e.key: e for e in sorted(endings, key=lambda e: (e.order, e.key))},
        )
        for choice in sorted(choices, key=lambda c: (c.order, c.key)):
            graph.choices.setdefault(choice.scene_key, []).append(choice)
        return graph

    @property
    def scene_rows(self) -> list[tuple]:
        """(scene, its choices) in order, for templates."""
        return [(scene, self.choices.get(key, [])) for key, scene in self.scenes.items()]

    @property
    def start(self):
        return next(iter(self.scenes.values()), None)

    def best_choice(self, scene_key: str):
        options = self.choices.get(scene_key, [])
        return max(options, key=lambda c: c.points, default=None)

    def step_for(self, scene, choice) -> PathStep:
        best = self.best_choice(scene.key)
        return PathStep(
            kind="scene", scene_key=scene.key, scene_title=scene.title, scene_text=scene.text,
            choice_key=choice.key, choice_text=choice.text, points=choice.points,
            best_points=best.points if best else BEST_POINTS, feedback=choice.feedback,
            decision=choice.decision, best_choice_text=best.text if best and best.key != choice.key else "",
        )

    @staticmethod
    def ending_step(ending) -> PathStep:
        return PathStep(kind="fin", scene_key=ending.key, scene_title=ending.title, scene_text=ending.debrief,
                        tone=ending.tone)


def walk(graph: Graph, chosen: set[str] | list[str]) -> Path:
    """Follow the choices from the first scene while one of `chosen` (« scene:choice »
    keys, or (scene, choice) pairs in order) is found in the scene reached."""
    keys = set(chosen)
    path = Path()
    scene = graph.start
    visited = set()
    while scene is not None and scene.key not in visited:
        visited.add(scene.key)
        choice = next((c for c in graph.choices.get(scene.key, []) if f"{scene.key}:{c.key}" in keys), None)
        if choice is None:
            path.next_scene = scene
            return path
        path.steps.append(graph.step_for(scene, choice))
        if choice.next_key in graph.endings:
            path.ending = graph.endings[choice.next_key]
            path.steps.append(graph.ending_step(path.ending))
            return path
        scene = graph.scenes.get(choice.next_key)
    return path


def read_path(graph: Graph, values: list[str]) -> set[str]:
    """The keys of a whole path (first scene to an ending) found in `values`; empty when the
    values make no finished path (the case is not finished: no answer yet)."""
    path = walk(graph, {str(v) for v in values})
    return path.keys if path.ending is not None else set()


def validate_graph(scenes, endings, choices) -> list[str]:
    """French messages for an editor; empty when the case can be played: every key known,
    every scene reachable from the first one, no cycle, an ending reachable from every
    scene, every choice with its feedback, exactly one best choice (2 points) per scene."""
    errors: list[str] = []
    scenes = sorted(scenes, key=lambda s: (s.order, s.key))
    if not scenes:
        errors.append("Ajoutez au moins une scène : la scène d'ordre le plus petit ouvre le cas.")
    if not endings:
        errors.append("Ajoutez au moins une fin (avec son débriefing).")
    scene_keys = [s.key for s in scenes]
    ending_keys = [e.key for e in endings]
    for key in sorted({k for k in scene_keys if scene_keys.count(k) > 1}):
        errors.append(f"Deux scènes ont le repère « {key} » : chaque scène doit avoir le sien.")
    for key in sorted({k for k in ending_keys if ending_keys.count(k) > 1}):
        errors.append(f"Deux fins ont le repère « {key} » : chaque fin doit avoir le sien.")
    for key in sorted(set(scene_keys) & set(ending_keys)):
        errors.append(f"« {key} » est à la fois le repère d'une scène et d'une fin : changez l'un des deux.")
    for ending in endings:
        if not (ending.debrief or "").strip():
            errors.append(f"La fin « {ending.key} » n'a pas de débriefing.")
    by_scene: dict[str, list] = {}
    for choice in choices:
        if choice.scene_key not in scene_keys:
            errors.append(f"Le choix « {choice.key} » est rattaché à la scène « {choice.scene_key} », qui n'existe "
                          "pas dans ce cas.")
            continue
        by_scene.setdefault(choice.scene_key, []).append(choice)
        where = f"Scène « {choice.scene_key} », choix « {choice.key} »"
        if not (choice.feedback or "").strip():
            errors.append(f"{where} : ajoutez l'explication affichée après ce choix.")
        if not (choice.text or "").strip():
            errors.append(f"{where} : le texte du choix est vide.")
        if choice.next_key not in scene_keys and choice.next_key not in ending_keys:
            errors.append(f"{where} : « {choice.next_key} » n'est ni une scène ni une fin de ce cas.")
        elif choice.next_key == choice.scene_key:
            errors.append(f"{where} : un choix ne peut pas ramener à sa propre scène.")
    for scene in scenes:
        own = by_scene.get(scene.key, [])
        if not (scene.text or "").strip():
            errors.append(f"La scène « {scene.key} » n'a pas de texte.")
        if len(own) < 2:
            errors.append(f"La scène « {scene.key} » propose {len(own)} choix : il en faut au moins deux.")
            continue
        keys = [c.key for c in own]
        for key in sorted({k for k in keys if keys.count(k) > 1}):
            errors.append(f"La scène « {scene.key} » a deux choix « {key} » : chaque choix doit avoir son repère.")
        best = sum(1 for c in own if c.points == BEST_POINTS)
        if best != 1:
            errors.append(f"La scène « {scene.key} » a {best} choix à 2 points : il en faut exactement un "
                          "(la pratique la plus protectrice).")
    if errors or not scenes:
        return errors
    return _structure_errors(scenes, set(ending_keys), by_scene)


def _structure_errors(scenes, ending_keys: set[str], by_scene: dict[str, list]) -> list[str]:
    """Reachability, cycles and dead ends, on a graph whose keys all resolve."""
    errors = []
    edges = {s.key: [c.next_key for c in by_scene.get(s.key, [])] for s in scenes}
    start = scenes[0].key
    reachable, stack = set(), [start]
    while stack:
        key = stack.pop()
        if key in reachable or key in ending_keys:
            continue
        reachable.add(key)
        stack.extend(edges[key])
    for scene in scenes:
        if scene.key not in reachable:
            errors.append(f"La scène « {scene.key} » ({scene.title}) n'est atteinte par aucun choix depuis la "
                          f"première scène « {start} ».")
    reached_endings = {n for key in reachable for n in edges[key] if n in ending_keys}
    for key in sorted(ending_keys - reached_endings):
        errors.append(f"La fin « {key} » n'est atteinte par aucun choix.")
    cycle = _find_cycle(edges, ending_keys)
    if cycle:
        errors.append("Le cas tourne en rond : " + " → ".join(cycle) + ". Chaque choix doit mener plus loin "
                      "dans le temps (une scène suivante ou une fin).")
        return errors
    # Without cycles and with every key resolved, a scene reaches an ending unless one of its
    # paths stops at a scene without choices (caught above): checked anyway, it is the promise.
    can_end: dict[str, bool] = {}

    def ends(key: str) -> bool:
        if key in ending_keys:
            return True
        if key not in can_end:
            can_end[key] = any(ends(n) for n in edges.get(key, []))
        return can_end[key]

    for scene in scenes:
        if not ends(scene.key):
            errors.append(f"Aucune fin n'est atteignable depuis la scène « {scene.key} ».")
    return errors


def _find_cycle(edges: dict[str, list[str]], ending_keys: set[str]) -> list[str]:
    """One cycle as a list of keys (first key repeated at the end), or []."""
    state: dict[str, int] = {}  # 1 on the current path, 2 done
    trail: list[str] = []

    def visit(key: str) -> list[str]:
        state[key] = 1
        trail.append(key)
        for nxt in edges.get(key, []):
            if nxt in ending_keys:
                continue
            if state.get(nxt) == 1:
                return trail[trail.index(nxt):] + [nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        trail.pop()
        state[key] = 2
        return []

    for key in edges:
        if key not in state and (found := visit(key)):
            return found
    return []


def best_path(graph: Graph) -> Path:
    """The path of the best choice at every scene."""
    return walk(graph, {f"{key}:{graph.best_choice(key).key}" for key in graph.scenes if graph.best_choice(key)})


def all_paths(graph: Graph) -> list[Path]:
    """Every finished path of an acyclic graph (a case has a handful)."""
    paths = []

    def extend(scene, chosen: list[str], seen: set[str]):
        if scene is None or scene.key in seen:
            return
        for choice in graph.choices.get(scene.key, []):
            keys = chosen + [f"{scene.key}:{choice.key}"]
            if choice.next_key in graph.endings:
                paths.append(walk(graph, keys))
            else:
                extend(graph.scenes.get(choice.next_key), keys, seen | {scene.key})

    extend(graph.start, [], set())
    return paths
