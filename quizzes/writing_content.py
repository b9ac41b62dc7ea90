"""Writing exercises handed over by content writers, one JSON file each, in the format of the
content hand-off for issue 18 (« Writing the IP or the signalement »):

  slug, title, task ("ip" | "signalement"), recipient, departement, setting, writer_role,
  case_file_md, key_facts [{label, patterns [..], why}], key_quotes [..], model_answer_md,
  model_comments [..], self_check [..]   (and, optionally, bad_answer_md: a sample of what not
  to write, kept for the tests, never shown)

`import_exercises` puts them in the database (each in the practice quiz of its task, in the
« Agir » module); `export_course` then writes the fixtures (natural keys), as for any content
edited in the admin. Every exercise is validated first: nothing is written if one fails."""
import json
from pathlib import Path

from django.db import transaction

from elearning.models import Lesson, Module, Skill
from quizzes.models import Quiz, WritingQuestion, WritingTask

REQUIRED = {"slug", "title", "task", "recipient", "departement", "setting", "writer_role", "case_file_md",
            "key_facts", "key_quotes", "model_answer_md", "model_comments", "self_check"}
OPTIONAL = {"bad_answer_md"}
MODULE = "agir"
LESSON = "rediger-un-ecrit"
FICTION = "Toutes les personnes, structures et situations de ces exercices sont fictives."
QUIZZES = {
    WritingTask.IP: {
        "slug": "redaction-ip", "order": 9,
        "title": "S'entraîner à rédiger : l'information préoccupante",
        "intro": "Deux dossiers, deux informations préoccupantes à rédiger pour la CRIP. À l'envoi, votre texte est "
                 "vérifié point par point (pourquoi chaque point compte, quoi corriger), puis vous lisez un écrit "
                 "modèle commenté. Vous pouvez enregistrer un brouillon et revenir plus tard. " + FICTION,
    },
    WritingTask.SIGNALEMENT: {
        "slug": "redaction-signalement", "order": 10,
        "title": "S'entraîner à rédiger : le signalement au procureur",
        "intro": "Deux dossiers où des faits d'infraction ont été révélés : rédigez le signalement au procureur de la "
                 "République, avec copie à la CRIP. À l'envoi, votre texte est vérifié point par point, puis vous "
                 "lisez un écrit modèle commenté. Vous pouvez enregistrer un brouillon et revenir plus tard. " + FICTION,
    },
}


class ExerciseError(ValueError):
    """A hand-off file that does not follow the format, or an exercise that fails its own check."""


def _one_line(value: str) -> str:
    return " ".join(str(value).split())


def question_fields(data: dict) -> dict:
    """The WritingQuestion fields of one hand-off exercise; `ExerciseError` (French) if it does not fit."""
    if not isinstance(data, dict):
        raise ExerciseError("Le fichier doit contenir un objet JSON.")
    missing, unknown = REQUIRED - data.keys(), data.keys() - REQUIRED - OPTIONAL
    if missing or unknown:
        raise ExerciseError(f"{data.get('slug', '?')} : champs manquants {sorted(missing)}, inconnus {sorted(unknown)}.")
    if data["task"] not in WritingTask.values:
        raise ExerciseError(f"{data['slug']} : « task » doit valoir « ip » ou « signalement ».")
    for fact in data["key_facts"]:
        if any("|" in str(value) for value in [fact["label"], fact["why"], *fact["patterns"]]) or any(
                ";" in pattern for pattern in fact["patterns"]):
            raise ExerciseError(f"{data['slug']} : « | » et « ; » sont réservés dans les éléments attendus.")
    task_phrase = "l'information préoccupante" if data["task"] == WritingTask.IP else "le signalement"
    return {
        "title": data["title"], "task": data["task"], "recipient": data["recipient"],
        "departement": data["departement"], "setting": data["setting"], "writer_role": data["writer_role"],
        "prompt": f"Vous êtes {data['writer_role']}. Rédigez {task_phrase} (destinataire : {data['recipient']}) à "
                  f"partir du dossier ci-dessous. {FICTION}",
        "case_file": data["case_file_md"],
        "key_facts": "\n".join(
            f"{_one_line(f['label'])} | {' ; '.join(_one_line(p) for p in f['patterns'])} | {_one_line(f['why'])}"
            for f in data["key_facts"]),
        "key_quotes": "\n".join(_one_line(q) for q in data["key_quotes"]),
        "model_answer": data["model_answer_md"],
        "model_comments": "\n".join(_one_line(c) for c in data["model_comments"]),
        "self_check": "\n".join(_one_line(c) for c in data["self_check"]),
        "skill": Skill.SAY,
    }


def read_exercises(paths: list[Path]) -> list[dict]:
    exercises = []
    for path in sorted(paths):
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise ExerciseError(f"{path} : JSON illisible ({error}).") from error
        exercises.append(data)
    return exercises


def import_exercises(exercises: list[dict]) -> list[WritingQuestion]:
    """Create or update each exercise (by slug) in its task's practice quiz, in one transaction."""
    module = Module.objects.get(slug=MODULE)
    lesson = Lesson.objects.filter(slug=LESSON).first()
    prepared = []
    for data in exercises:
        fields = question_fields(data)
        errors = WritingQuestion(**fields).validate_content()
        if errors:
            raise ExerciseError(f"{data['slug']} : " + " ".join(errors))
        prepared.append((data["slug"], fields))
    saved = []
    with transaction.atomic():
        orders: dict[str, int] = {}
        for slug, fields in prepared:
            spec = QUIZZES[fields["task"]]
            quiz, _ = Quiz.objects.update_or_create(slug=spec["slug"], defaults={
                "title": spec["title"], "intro": spec["intro"], "kind": Quiz.Kind.SCENARIO, "module": module,
                "order": spec["order"], "pass_mark": 0.7,
            })
            orders[quiz.slug] = orders.get(quiz.slug, 0) + 1
            question, _ = WritingQuestion.objects.update_or_create(
                slug=slug, defaults={**fields, "quiz": quiz, "lesson": lesson, "order": orders[quiz.slug]})
            saved.append(question)
    return saved
