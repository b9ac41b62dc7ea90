from django.core.management import call_command
from django.core.management.base import BaseCommand

from quizzes.content_io import content_fixture_paths


class Command(BaseCommand):
    help = "Charge le cours, les quiz et l'annuaire depuis fixtures/ (sans doublon : clés naturelles)."

    def handle(self, *args, **options):
        paths = content_fixture_paths()
        if not paths:
            self.stdout.write("Aucune fixture de contenu trouvée.")
            return
        call_command("loaddata", *paths, verbosity=options.get("verbosity", 1))
