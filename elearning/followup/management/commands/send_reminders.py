import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from elearning.followup.reminders import run


class Command(BaseCommand):
    help = ("Envoie les rappels d'échéance dus (J-7, J-1). À lancer une fois par jour (cron ou timer systemd) "
            "depuis une seule machine ; le relancer n'envoie rien deux fois.")

    def add_arguments(self, parser):
        parser.add_argument("--maintenant", help="Date et heure à utiliser (AAAA-MM-JJTHH:MM), pour les essais.")

    def handle(self, *args, maintenant=None, **options):
        now = timezone.now()
        if maintenant:
            try:
                now = timezone.make_aware(datetime.datetime.fromisoformat(maintenant))
            except ValueError as error:
                raise CommandError("--maintenant : format attendu AAAA-MM-JJTHH:MM.") from error
        report = run(now)
        self.stdout.write(f"{report.planned} rappel(s) programmé(s), {report.sent} envoyé(s), "
                          f"{report.skipped} non envoyé(s) (désinscription ou parcours terminé), {report.failed} en échec.")
