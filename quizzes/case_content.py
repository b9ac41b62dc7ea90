"""Cases written by the content team (one JSON file per case, the hand-off format of
issue 18: slug, title, profile, intro_md, start, scenes with choices, endings) brought into
the database, checked like an editor's save; `export_course` then writes them to fixtures/.

One write path: `import_cases` (all files or none, in one transaction). A case already
imported is replaced in place (same slug): its scenes, endings and choices are rewritten.
"""
import json
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from elearning.models import Module, Skill
from elearning.vocabulary import find_blaming_wording
from quizzes.cases import validate_graph
from quizzes.models import CaseChoice, CaseEnding, CaseQuestion, CaseScene, Decision, Quiz

# The hand-off format's decision codes, in the words every item of the site uses.
DECISIONS = {
    "": "", "ip": Decision.IP, "ase": Decision.MESURE, "signalement": Decision.SIGNALEMENT,
    "17": Decision.URGENCE, "rien": Decision.NONE,
}
TONES = {value for value, _ in CaseEnding.Tone.choices}


class CaseContentError(Exception):
    """The files hold problems; nothing was written. `problems` lists them in French."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass
class ParsedCase:
    slug: str
    question: CaseQuestion
    scenes: list[CaseScene] = field(default_factory=list)
    endings: list[CaseEnding] = field(default_factory=list)
    choices: list[CaseChoice] = field(default_factory=list)


def parse_case(doc: dict, *, source: str = "") -> tuple[ParsedCase | None, list[str]]:
    """Unsaved rows for one case file, and the problems found (French, prefixed by the file)."""
    where = f"{source} : " if source else ""
    problems: list[str] = []
    try:
        slug = str(doc["slug"])
        start = str(doc["start"])
        case = ParsedCase(slug=slug, question=CaseQuestion(
            slug=slug, title=str(doc["title"])[:200], prompt=str(doc["intro_md"]).strip(),
            profile=str(doc.get("profile", ""))[:120], skill=Skill.DECIDE,
        ))
        scenes = list(doc["scenes"])
        scenes.sort(key=lambda scene: scene["key"] != start)  # the first scene opens the case
        for order, scene in enumerate(scenes, start=1):
            case.scenes.append(CaseScene(key=str(scene["key"]), order=order, title=str(scene["title"])[:200],
                                         text=str(scene["text_md"]).strip()))
            for index, choice in enumerate(scene["choices"], start=1):
                decision = str(choice.get("decision") or "")
                if decision not in DECISIONS:
                    problems.append(f"{where}scène {scene['key']}, choix {choice.get('key')} : décision « {decision} » "
                                    "inconnue (ip, ase, signalement, 17, rien ou vide).")
                case.choices.append(CaseChoice(
                    scene_key=str(scene["key"]), key=str(choice["key"]), order=index, text=str(choice["text"]).strip(),
                    points=int(choice["points"]), feedback=str(choice["feedback_md"]).strip(),
                    next_key=str(choice["next"]), decision=DECISIONS.get(decision, ""),
                ))
        for order, ending in enumerate(doc["endings"], start=1):
            tone = str(ending.get("tone", ""))
            if tone not in TONES:
                problems.append(f"{where}fin {ending.get('key')} : ton « {tone} » inconnu (protege, partiel, rate).")
            case.endings.append(CaseEnding(key=str(ending["key"]), order=order, title=str(ending["title"])[:200],
                                           debrief=str(ending["debrief_md"]).strip(), tone=tone))
    except (KeyError, TypeError, ValueError) as error:
        return None, [f"{where}format inattendu ({error!r}) : voir le format d'échange des cas."]
    if not case.slug.startswith("cas-") or len(case.slug) > 60:
        problems.append(f"{where}l'identifiant « {case.slug} » doit commencer par « cas- » (60 caractères au plus).")
    if start not in {s.key for s in case.scenes}:
        problems.append(f"{where}la scène de départ « {start} » n'existe pas.")
    if any(c.points not in (0, 1, 2) for c in case.choices):
        problems.append(f"{where}un choix vaut 0, 1 ou 2 points.")
    problems += [f"{where}{error}" for error in validate_graph(case.scenes, case.endings, case.choices)]
    texts = [case.question.title, case.question.prompt, *(s.title + "\n" + s.text for s in case.scenes),
             *(c.text + "\n" + c.feedback for c in case.choices), *(e.title + "\n" + e.debrief for e in case.endings)]
    for text in texts:
        for finding in find_blaming_wording(text):
            problems.append(f"{where}vocabulaire : « {finding.word} » ({finding.excerpt}) ; "
                            f"le guide recommande « {finding.suggestion} ».")
    return case, problems


def read_cases(paths: list[Path]) -> list[ParsedCase]:
    """Parse every file; raise `CaseContentError` with every problem of every file."""
    parsed, problems = [], []
    for path in paths:
        try:
            doc = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as error:
            problems.append(f"{Path(path).name} : illisible ({error}).")
            continue
        case, found = parse_case(doc, source=Path(path).name)
        problems += found
        if case is not None:
            parsed.append(case)
    slugs = [case.slug for case in parsed]
    problems += [f"Deux fichiers ont l'identifiant « {slug} »." for slug in sorted({s for s in slugs if slugs.count(s) > 1})]
    if problems:
        raise CaseContentError(problems)
    return parsed


@transaction.atomic
def import_cases(*, paths: list[Path], quiz_slug: str, module_slug: str, title: str, intro: str) -> list[CaseQuestion]:
    """Write the cases into the quiz `quiz_slug` (created in `module_slug` when missing), in
    file order; a case already in the database keeps its quiz and place (an editor may have
    moved it) and gets the file's content. All or nothing."""
    parsed = read_cases(paths)
    quiz = Quiz.objects.filter(slug=quiz_slug).first()
    if quiz is None:
        quiz = Quiz.objects.create(
            slug=quiz_slug, title=title, intro=intro, kind=Quiz.Kind.SCENARIO, pass_mark=0.7,
            module=Module.objects.get(slug=module_slug),
            order=(Quiz.objects.filter(module__slug=module_slug).order_by("-order").values_list("order", flat=True)
                   .first() or 0) + 1,
        )
    written = []
    for order, case in enumerate(parsed, start=1):
        question = CaseQuestion.objects.filter(slug=case.slug).first()
        if question is None:  # a new case joins the quiz; one already placed stays where it is
            question = case.question
            question.quiz, question.order = quiz, order
        for name in ("title", "prompt", "profile", "skill"):
            setattr(question, name, getattr(case.question, name))
        question.save()
        for model in (CaseChoice, CaseScene, CaseEnding):
            model.objects.filter(case=question).delete()
        for rows, model in ((case.scenes, CaseScene), (case.endings, CaseEnding), (case.choices, CaseChoice)):
            for row in rows:
                row.case = question
            model.objects.bulk_create(rows)
        written.append(question)
    return written
