from pathlib import Path

from django.core.management.base import BaseCommand

from quizzes.content_io import FIXTURES_DIR, export_content


class Command(BaseCommand):
    help = "Écrit le contenu du cours (leçons, quiz, annuaire) dans fixtures/, clés naturelles, sans données d'apprenant·es."

    def add_arguments(self, parser):
        parser.add_argument("--target", default=str(FIXTURES_DIR), help="Dossier de destination.")

    def handle(self, *args, target, **options):
        for path in export_content(Path(target)):
            self.stdout.write(f"écrit : {path}")
