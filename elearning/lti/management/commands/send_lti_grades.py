from django.core.management.base import BaseCommand

from elearning.lti.grades import send_pending


class Command(BaseCommand):
    help = "Envoie aux plateformes LTI les notes en attente (à lancer régulièrement, par cron ou un timer systemd)."

    def handle(self, *args, **options):
        sent, failed = send_pending()
        self.stdout.write(f"{sent} note(s) envoyée(s), {failed} en échec (nouvel essai au prochain passage).")
