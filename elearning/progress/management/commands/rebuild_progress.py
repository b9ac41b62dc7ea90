"""`python manage.py rebuild_progress`: recompute every progress row and group counter from the
attempts, lessons done, ratings and certificates (after the migration that created them, or to
repair). `--verifier` only compares and lists the differences (exit code 1 if any)."""
import time

from django.core.management.base import BaseCommand, CommandError

from elearning.progress import rows


class Command(BaseCommand):
    help = "Recalcule les lignes de progression et les compteurs des groupes à partir des tentatives."

    def add_arguments(self, parser):
        parser.add_argument("--verifier", action="store_true",
                            help="Comparer seulement les lignes enregistrées avec un recomptage complet.")

    def handle(self, *args, **options):
        started = time.perf_counter()
        if options["verifier"]:
            problems = rows.differences()
            for problem in problems[:50]:
                self.stdout.write(problem)
            if problems:
                raise CommandError(f"{len(problems)} différence(s) avec le recomptage.")
            self.stdout.write(f"Lignes de progression conformes au recomptage ({time.perf_counter() - started:.1f} s).")
            return
        rows.rebuild()
        if options["verbosity"]:
                self.stdout.write(f"Lignes de progression recalculées ({time.perf_counter() - started:.1f} s).")
