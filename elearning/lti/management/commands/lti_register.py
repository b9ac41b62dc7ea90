from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from lti_tool.models import Key, LtiDeployment, LtiRegistration

from elearning.lti.models import DeploymentOrganisation
from elearning.models import Organisation


class Command(BaseCommand):
    help = ("Enregistre une plateforme LTI 1.3 (Moodle, M@gistère, Open edX) et un déploiement, rattaché à "
            "une organisation. Le déploiement reste inactif sans --approuver.")

    def add_arguments(self, parser):
        parser.add_argument("--nom", required=True)
        parser.add_argument("--issuer", required=True)
        parser.add_argument("--client-id", required=True)
        parser.add_argument("--auth-url", required=True, help="Adresse d'authentification OIDC de la plateforme")
        parser.add_argument("--token-url", required=True, help="Adresse des jetons d'accès (services)")
        parser.add_argument("--keyset-url", required=True, help="Adresse des clés publiques (JWKS) de la plateforme")
        parser.add_argument("--deployment-id", required=True)
        parser.add_argument("--organisation", required=True, help="Identifiant (slug) de l'organisation")
        parser.add_argument("--approuver", action="store_true", help="Activer le déploiement tout de suite")

    @transaction.atomic
    def handle(self, *args, **o):
        organisation = Organisation.objects.filter(slug=o["organisation"]).first()
        if organisation is None:
            raise CommandError(f"Aucune organisation « {o['organisation']} ».")
        registration, created = LtiRegistration.objects.update_or_create(
            issuer=o["issuer"], client_id=o["client_id"],
            defaults={"name": o["nom"], "auth_url": o["auth_url"], "token_url": o["token_url"],
                      "keyset_url": o["keyset_url"], "is_active": True},
        )
        deployment, _ = LtiDeployment.objects.get_or_create(registration=registration, deployment_id=o["deployment_id"])
        if o["approuver"] and not deployment.is_active:
            deployment.is_active = True
            deployment.save(update_fields=["is_active"])
        DeploymentOrganisation.objects.update_or_create(deployment=deployment, defaults={"organisation": organisation})
        if not Key.objects.active().exists():
            Key.objects.generate()
            self.stdout.write("Clé de l'outil créée (manage.py rotate_keys pour la renouveler).")
        state = "actif" if deployment.is_active else "inactif (à approuver dans l'administration)"
        self.stdout.write(f"Plateforme « {registration.name} » {'créée' if created else 'mise à jour'} ; "
                          f"déploiement {deployment.deployment_id} {state}, rattaché à {organisation.name}.")
