from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from quizzes.case_content import CaseContentError, import_cases

DEFAULT_INTRO = (
    "Chaque cas se déroule en plusieurs scènes, sur des semaines ou des mois. À chaque scène, "
    "choisissez ce que vous remarquez, faites ou dites : une explication suit chaque choix, puis la "
    "situation avance. Un mauvais tournant peut se rattraper plus loin, comme dans la réalité. "
    "Jouez chaque cas jusqu'à sa fin, puis envoyez le quiz. Toutes les personnes et situations sont "
    "fictives."
)


class Command(BaseCommand):
    help = ("Importe des cas « situation évolutive » (un fichier JSON par cas, format d'échange du contenu) "
            "dans un quiz ; puis `export_course` les écrit dans fixtures/.")

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", help="Fichiers JSON, ou dossiers qui en contiennent.")
        parser.add_argument("--quiz", default="scenario-situations-evolutives", help="Identifiant du quiz.")
        parser.add_argument("--module", default="entrainement", help="Module du quiz, s'il faut le créer.")
        parser.add_argument("--title", default="S'entraîner : des situations qui évoluent", help="Titre du quiz créé.")

    def handle(self, *args, paths, quiz, module, title, **options):
        files = []
        for name in paths:
            path = Path(name)
            files += sorted(path.glob("*.json")) if path.is_dir() else [path]
        if not files:
            raise CommandError("Aucun fichier JSON trouvé.")
        try:
            cases = import_cases(paths=files, quiz_slug=quiz, module_slug=module, title=title, intro=DEFAULT_INTRO)
        except CaseContentError as error:
            raise CommandError("Rien n'a été importé :\n- " + "\n- ".join(error.problems)) from None
        for case in cases:
            self.stdout.write(f"importé : {case.slug} ({case.title})")
