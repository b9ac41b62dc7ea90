"""LTI 1.3 endpoints: OIDC login initiation, launch, JWKS, and deep linking.

Every LTI error answers a French page (400 for a malformed or unverifiable request, 403 for
a refused one), never a 500; no page here has an inline script (the deep-linking return form
is submitted by static/js/lti-autosubmit.js, with a button for browsers without JavaScript)."""
import logging

from django.contrib.auth import login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST
from lti_tool.constants import SESSION_KEY
from lti_tool.models import LtiLaunch
from lti_tool.utils import DjangoToolConfig, sync_data_from_launch
from lti_tool.views import jwks  # noqa: F401  (re-exported for the URLconf)
from pylti1p3.contrib.django import DjangoCacheDataStorage, DjangoMessageLaunch, DjangoOIDCLogin
from pylti1p3.deep_link_resource import DeepLinkResource
from pylti1p3.exception import LtiException, OIDCException
from pylti1p3.lineitem import LineItem

from elearning.lti.launches import LaunchRefused, complete_launch, use_nonce
from elearning.lti.resources import catalogue

log = logging.getLogger(__name__)
CACHE = "lti"
DEEP_LINK_KEY = "lti_deep_link_launch"


def _storage():
    return DjangoCacheDataStorage(cache_name=CACHE)


def _error(request, message: str, status: int):
    return render(request, "lti/error.html", {"message": message, "status": status}, status=status)


@csrf_exempt
@xframe_options_exempt
@require_http_methods(["GET", "POST"])
def oidc_login(request):
    """Third-party login initiation: check the platform, then send the browser back to it
    with a state (cookie) and a nonce (kept in the shared cache)."""
    params = request.POST if request.method == "POST" else request.GET
    target = params.get("target_link_uri")
    if not target:
        return _error(request, "Requête de connexion incomplète : l'adresse de lancement manque.", 400)
    try:
        oidc = DjangoOIDCLogin(request, DjangoToolConfig(), launch_data_storage=_storage())
        # No cookie-check page (it holds an inline script): launches open in a new window.
        return oidc.disable_check_cookies().redirect(target)
    except (LtiException, OIDCException) as error:
        log.info("Connexion LTI refusée : %s", type(error).__name__)
        return _error(request, "Cette plateforme n'est pas enregistrée dans Repères, ou sa demande est incomplète.", 400)


def _validated_launch(request) -> LtiLaunch:
    message_launch = DjangoMessageLaunch(request, DjangoToolConfig(), launch_data_storage=_storage())
    message_launch.validate()
    return LtiLaunch(message_launch)


@csrf_exempt
@xframe_options_exempt
@require_POST
def launch(request):
    """A resource launch signs the user in, puts them in the course's group and opens the
    resource; a deep-linking launch opens the picker."""
    try:
        lti_launch = _validated_launch(request)
    except LtiException as error:
        log.info("Lancement LTI refusé : %s", str(error)[:120])
        return _error(request, "Ce lancement n'a pas pu être vérifié (jeton expiré, signature ou destinataire "
                               "incorrects, ou informations manquantes). Relancez l'activité depuis votre plateforme.", 400)
    try:
        sync_data_from_launch(lti_launch)
        if lti_launch.is_deep_link_launch:
            return _deep_link_start(request, lti_launch)
        if not lti_launch.is_resource_launch:
            return _error(request, "Ce type de lancement n'est pas pris en charge par Repères.", 400)
        result = complete_launch(lti_launch)
    except LaunchRefused as refusal:
        return _error(request, str(refusal), refusal.status)
    except (LtiException, KeyError, TypeError) as error:
        log.info("Lancement LTI incomplet : %s", type(error).__name__)
        return _error(request, "Ce lancement ne contient pas les informations attendues (utilisateur, cours ou rôle).", 400)
    login(request, result.user, backend="django.contrib.auth.backends.ModelBackend")
    request.session[SESSION_KEY] = lti_launch.get_launch_id()
    if result.instructor:
        return redirect("trainer_cohort", result.cohort.pk)
    if result.resource is None:
        return _error(request, "Cette ressource n'existe plus dans Repères : demandez à votre formateur·rice "
                               "de mettre à jour le lien dans la plateforme.", 404)
    return redirect(result.resource.url)


def _deep_link_start(request, lti_launch: LtiLaunch):
    use_nonce(lti_launch.get_claim("nonce"))
    if not lti_launch.deployment.is_active:
        raise LaunchRefused("Ce déploiement n'est pas encore approuvé par l'administrateur·rice de Repères.")
    roles = lti_launch.membership
    if not (roles.is_instructor or roles.is_administrator or roles.is_content_developer):
        raise LaunchRefused("Seul·es les enseignant·es de la plateforme peuvent choisir une ressource Repères.")
    request.session[DEEP_LINK_KEY] = lti_launch.get_launch_id()
    return render(request, "lti/deep_link.html", {"items": catalogue()})


@xframe_options_exempt
@require_POST
def deep_link_return(request):
    """The teacher's choice goes back to the platform as a signed deep-linking response."""
    launch_id = request.session.get(DEEP_LINK_KEY)
    if not launch_id:
        raise PermissionDenied("Choix d'une ressource hors d'un lancement de la plateforme.")
    try:
        message_launch = DjangoMessageLaunch.from_cache(launch_id, request, DjangoToolConfig(),
                                                        launch_data_storage=_storage())
    except LtiException:
        return _error(request, "Le lancement a expiré : recommencez depuis votre plateforme.", 400)
    items = {item.key: item for item in catalogue()}
    chosen = items.get(request.POST.get("resource", ""))
    if chosen is None:
        return render(request, "lti/deep_link.html", {"items": list(items.values()),
                                                      "error": "Choisissez une ressource dans la liste."}, status=400)
    resource = (
        DeepLinkResource().set_url(request.build_absolute_uri(reverse("lti_launch")))
        .set_title(chosen.title).set_custom_params({"resource": chosen.key})
    )
    if chosen.kind == "quiz":
        resource.set_lineitem(_lineitem(chosen))
    jwt_value = message_launch.get_deep_link().get_response_jwt([resource])
    return_url = message_launch.get_launch_data()["https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"]["deep_link_return_url"]
    del request.session[DEEP_LINK_KEY]
    return render(request, "lti/deep_link_return.html", {"return_url": return_url, "jwt": jwt_value, "item": chosen})


def _lineitem(resource):
    return LineItem().set_label(resource.title[:100]).set_score_maximum(100).set_resource_id(resource.key)
