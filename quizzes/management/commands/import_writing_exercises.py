from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from quizzes.writing_content import ExerciseError, import_exercises, read_exercises


class Command(BaseCommand):
    help = ("Importe des exercices de rédaction (IP, signalement) au format de remise des contenus (un fichier JSON "
            "par exercice) ; `export_course` écrit ensuite les fixtures.")

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", help="Fichiers JSON, ou dossiers qui en contiennent.")

    def handle(self, *args, paths, **options):
        files = []
        for name in paths:
            path = Path(name)
            files += sorted(path.glob("*.json")) if path.is_dir() else [path]
        try:
            questions = import_exercises(read_exercises(files))
        except ExerciseError as error:
            raise CommandError(str(error)) from error
        for question in questions:
            self.stdout.write(f"importé : {question.slug} ({question.quiz.slug})")
