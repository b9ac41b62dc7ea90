"""`manage.py add_member --organisation <slug> --email … --role trainer|manager`: appoint the
first manager (or a trainer) of an organisation from the server, before anyone can do it
from the site. Someone with an account gets the role at once; anyone else gets the
invitation e-mail (the link needs the site's address: --site or SITE_URL)."""
import os

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email

from elearning import memberships
from elearning.models import Membership, Organisation, User

ROLES = {"trainer": Membership.Role.TRAINER, "manager": Membership.Role.MANAGER}


class Command(BaseCommand):
    help = "Nomme un·e formateur·rice ou un·e responsable d'une organisation (ou lui envoie une invitation)."

    def add_arguments(self, parser):
        parser.add_argument("--organisation", required=True, help="identifiant (slug) de l'organisation")
        parser.add_argument("--email", required=True, help="adresse e-mail de la personne")
        parser.add_argument("--role", required=True, choices=sorted(ROLES), help="trainer (formateur·rice) ou manager (responsable)")
        parser.add_argument("--site", default=os.environ.get("SITE_URL", ""),
                            help="adresse du site pour le lien d'invitation, par exemple https://reperes.example.org "
                                 "(par défaut : la variable SITE_URL)")

    def handle(self, *args, organisation, email, role, site, **options):
        found = Organisation.objects.filter(slug=organisation).first()
        if found is None:
            known = ", ".join(Organisation.objects.order_by("slug").values_list("slug", flat=True)[:20]) or "aucune"
            raise CommandError(f"Aucune organisation n'a l'identifiant « {organisation} ». Organisations existantes : "
                               f"{known}. Créez-la d'abord dans l'administration.")
        email = memberships.normalise_email(email)
        try:
            validate_email(email)
        except ValidationError:
            raise CommandError(f"« {email} » n'est pas une adresse e-mail valide.") from None
        has_account = User.objects.filter(email__iexact=email).exists()
        if not has_account and not site.startswith(("http://", "https://")):
            raise CommandError("Indiquez l'adresse du site pour le lien d'invitation : --site https://… "
                               "(ou la variable d'environnement SITE_URL).")
        try:
            appointment = memberships.appoint(organisation=found, email=email, role=ROLES[role], invited_by=None,
                                              site_url=site)
        except memberships.MembershipError as error:
            raise CommandError(str(error)) from None
        label = ROLES[role].label.lower()
        if appointment.membership is not None:
            verb = "est maintenant" if appointment.created else "était déjà"
            self.stdout.write(self.style.SUCCESS(f"{email} {verb} {label} de {found.name}."))
        else:
            again = "" if appointment.created else " à nouveau"
            self.stdout.write(self.style.SUCCESS(
                f"Pas encore de compte pour {email} : invitation envoyée{again} (lien valable "
                f"{memberships.INVITATION_MAX_AGE.days} jours) pour devenir {label} de {found.name}."))
