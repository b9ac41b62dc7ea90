from pathlib import Path

from django.core.management.base import BaseCommand

from quizzes.content_io import FIXTURES_DIR, content_fixture_paths
from quizzes.content_load import load_content


class Command(BaseCommand):
    help = (
        "Charge le cours, les quiz et l'annuaire depuis fixtures/ : crée ce qui manque, met à jour ce "
        "qui n'a pas été modifié depuis le dernier chargement, laisse intact (et signale) ce qu'une "
        "éditrice ou un éditeur a modifié dans l'administration, sauf avec --force."
    )

    def add_arguments(self, parser):
        parser.add_argument("--source", default=str(FIXTURES_DIR), help="Dossier des fixtures.")
        parser.add_argument(
            "--force", action="store_true",
            help="Écraser aussi les contenus modifiés dans l'administration depuis le dernier chargement.",
        )

    def handle(self, *args, force=False, source=str(FIXTURES_DIR), **options):
        paths = content_fixture_paths(Path(source))
        if not paths:
            self.stdout.write("Aucune fixture de contenu trouvée.")
            return
        report = load_content(paths=paths, force=force)
        verbose = options.get("verbosity", 1)
        if verbose:
            self.stdout.write(
                f"{len(report.created)} créé(s), {len(report.updated) + len(report.forced)} mis à jour, "
                f"{report.unchanged} inchangé(s), {len(report.conflicts)} conflit(s)."
            )
            for label in report.forced:
                self.stdout.write(f"écrasé (--force) : {label}")
            for label in report.archived:
                self.stdout.write(f"bonne réponse changée après des réponses d'apprenant·es : {label} ; "
                                  "leurs scores ne changent pas")
            if verbose > 1:
                for label in report.created:
                    self.stdout.write(f"créé : {label}")
                for label in report.updated:
                    self.stdout.write(f"mis à jour : {label}")
        for label in report.conflicts:
            self.stderr.write(
                f"conflit : {label} a été modifié dans l'administration depuis le dernier chargement ; "
                "laissé tel quel (exportez-le avec export_course, ou relancez avec --force pour l'écraser)."
            )
