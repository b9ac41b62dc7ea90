"""Repères as an LTI 1.3 tool, tested against a simulated platform: its own RSA key, its
JWKS and token endpoints mocked with `responses`, launches signed as Moodle would."""
import json
import time
from urllib.parse import parse_qs, urlparse

import jwt
import pytest
import responses
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.core.management import call_command
from django.urls import reverse
from jwcrypto.jwk import JWK
from lti_tool.models import Key, LtiDeployment, LtiRegistration

from elearning.lti.models import (
    ContextCohort,
    DeploymentOrganisation,
    InstructorGrant,
    PlatformAccount,
    PlatformGrade,
)
from elearning.models import Cohort, Enrolment
from elearning.progress.completion import mark_lesson_done
from quizzes.models import Quiz
from tests.conftest import answer_quiz, build_course, build_scenario_quiz, client_for, make_org, make_trainer

pytestmark = pytest.mark.django_db

ISS = "https://moodle.example.test"
CLIENT_ID = "reperes-outil"
KEYSET = f"{ISS}/mod/lti/certs.php"
TOKEN = f"{ISS}/mod/lti/token.php"
AUTH = f"{ISS}/mod/lti/auth.php"
LINEITEM = f"{ISS}/mod/lti/services.php/2/lineitems/7/lineitem"
LEARNER = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"
INSTRUCTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"


def _rsa():
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    jwk = JWK.from_pem(pem)
    public = json.loads(jwk.export_public())
    public.update(alg="RS256", use="sig", kid="plateforme-1")
    return pem, public


PLATFORM_PEM, PLATFORM_JWK = _rsa()
OTHER_PEM, _ = _rsa()


class Platform:
    """A simulated Moodle: registration, deployment, and signed launches."""

    def __init__(self, client, mocked):
        self.client = client
        self.mocked = mocked
        mocked.add(responses.GET, KEYSET, json={"keys": [PLATFORM_JWK]})
        mocked.add(responses.POST, TOKEN, json={"access_token": "jeton-service", "token_type": "Bearer", "expires_in": 3600})

    def login(self, deployment="dep-1"):
        response = self.client.get(reverse("lti_login"), {
            "iss": ISS, "login_hint": "utilisateur-42", "target_link_uri": "http://testserver/lti/launch/",
            "client_id": CLIENT_ID, "lti_deployment_id": deployment, "lti_message_hint": "indice",
        })
        assert response.status_code == 302, response.content[:500]
        query = parse_qs(urlparse(response["Location"]).query)
        assert response["Location"].startswith(AUTH)
        return query["state"][0], query["nonce"][0]

    def token(self, nonce, *, sub="utilisateur-42", roles=(LEARNER,), resource="quiz:scenario", deployment="dep-1",
              key=PLATFORM_PEM, aud=CLIENT_ID, exp_in=300, message_type="LtiResourceLinkRequest", drop=(), extra=None):
        now = int(time.time())
        claims = {
            "iss": ISS, "aud": aud, "sub": sub, "iat": now, "exp": now + exp_in, "nonce": nonce,
            "given_name": "Camille", "family_name": "Martin", "email": "camille.martin@ac-test.fr",
            "https://purl.imsglobal.org/spec/lti/claim/deployment_id": deployment,
            "https://purl.imsglobal.org/spec/lti/claim/message_type": message_type,
            "https://purl.imsglobal.org/spec/lti/claim/version": "1.3.0",
            "https://purl.imsglobal.org/spec/lti/claim/roles": list(roles),
            "https://purl.imsglobal.org/spec/lti/claim/target_link_uri": "http://testserver/lti/launch/",
            "https://purl.imsglobal.org/spec/lti/claim/resource_link": {"id": "lien-1", "title": "Repères"},
            "https://purl.imsglobal.org/spec/lti/claim/context": {"id": "cours-77", "label": "PROST", "title": "Formation protection de l'enfance 2026"},
            "https://purl.imsglobal.org/spec/lti/claim/custom": {"resource": resource},
            "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint": {
                "scope": ["https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
                          "https://purl.imsglobal.org/spec/lti-ags/scope/score"],
                "lineitems": f"{ISS}/mod/lti/services.php/2/lineitems", "lineitem": LINEITEM,
            },
        }
        claims.update(extra or {})
        for name in drop:
            claims.pop(name, None)
        return jwt.encode(claims, key, algorithm="RS256", headers={"kid": "plateforme-1"})

    def launch(self, **kwargs):
        state, nonce = self.login(kwargs.pop("deployment_login", "dep-1"))
        token = self.token(nonce, **kwargs)
        return self.client.post(reverse("lti_launch"), {"id_token": token, "state": state}), token, state


@pytest.fixture
def tool(db):
    _, modules, _ = build_course(n_modules=1, lessons_per_module=1)
    quiz = build_scenario_quiz(modules[0])
    Key.objects.generate()
    org = make_org("academie-test", "Académie de test")
    registration = LtiRegistration.objects.create(name="Moodle de test", issuer=ISS, client_id=CLIENT_ID, auth_url=AUTH,
                                                  token_url=TOKEN, keyset_url=KEYSET)
    deployment = LtiDeployment.objects.create(registration=registration, deployment_id="dep-1", is_active=True)
    DeploymentOrganisation.objects.create(deployment=deployment, organisation=org)
    return {"org": org, "quiz": quiz, "module": modules[0], "registration": registration}


@pytest.fixture
def platform(client, tool):
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mocked:
        yield Platform(client, mocked)


def test_a_learner_launch_signs_in_joins_the_course_group_and_opens_the_quiz(platform, tool, client):
    """First launch: an account marked as coming from the platform, a group named after the
    platform course in the attached organisation, and the quiz opens."""
    response, _, _ = platform.launch(resource="quiz:scenario")
    assert response.status_code == 302
    assert response["Location"] == tool["quiz"].get_absolute_url()
    account = PlatformAccount.objects.get()
    assert account.user.first_name == "Camille" and account.lti_user.sub == "utilisateur-42"
    cohort = ContextCohort.objects.get().cohort
    assert cohort.organisation == tool["org"] and cohort.name == "Formation protection de l'enfance 2026"
    assert Enrolment.objects.filter(user=account.user, cohort=cohort).exists()
    assert client.get(reverse("dashboard")).status_code == 200  # signed in
    assert not InstructorGrant.objects.exists()


def test_the_same_platform_user_is_matched_on_the_next_launch(platform):
    platform.launch()
    platform.client.logout()
    platform.launch()
    assert PlatformAccount.objects.count() == 1 and Cohort.objects.count() == 1


@pytest.mark.parametrize("resource, expected", [("cours", "/parcours/"), ("module:module-1", None)])
def test_course_and_module_launches_open_their_resource(platform, tool, resource, expected):
    response, _, _ = platform.launch(resource=resource)
    assert response.status_code == 302
    if expected is None:
        expected = tool["module"].lessons.order_by("order").first().get_absolute_url()
    assert response["Location"] == expected


def test_an_instructor_gets_the_trainer_view_of_that_group_and_a_learner_never_does(platform, tool):
    response, _, _ = platform.launch(sub="enseignante-1", roles=(INSTRUCTOR,))
    cohort = ContextCohort.objects.get().cohort
    assert response["Location"] == reverse("trainer_cohort", args=[cohort.pk])
    assert platform.client.get(response["Location"]).status_code == 200
    grant = InstructorGrant.objects.get()
    assert grant.cohort == cohort
    # That group only: not another group of the organisation, not the organisation's overview.
    other = Cohort.objects.create(organisation=tool["org"], name="Autre groupe de l'académie")
    assert platform.client.get(reverse("trainer_cohort", args=[other.pk])).status_code == 404
    assert platform.client.get(reverse("trainer_organisation", args=[tool["org"].pk])).status_code == 404
    platform.client.logout()
    platform.launch(sub="eleve-2", roles=(LEARNER,))
    learner = PlatformAccount.objects.get(lti_user__sub="eleve-2").user
    assert not InstructorGrant.objects.filter(user=learner).exists()
    assert platform.client.get(reverse("trainer_cohort", args=[cohort.pk])).status_code == 404


def test_an_existing_email_is_never_taken_over(platform, tool):
    """A platform that sends the e-mail of an existing Repères account gets a new account."""
    existing = make_trainer(tool["org"], "camille.martin@ac-test.fr")
    platform.launch()
    account = PlatformAccount.objects.get()
    assert account.user != existing and account.user.email.endswith("plateforme.reperes.invalid")


@pytest.mark.parametrize("case, kwargs, status, words", [
    ("expired", {"exp_in": -600}, 400, "n'a pas pu être vérifié"),
    ("wrong key", {"key": OTHER_PEM}, 400, "n'a pas pu être vérifié"),
    ("wrong audience", {"aud": "un-autre-outil"}, 400, "n'a pas pu être vérifié"),
    ("missing message type", {"drop": ["https://purl.imsglobal.org/spec/lti/claim/message_type"]}, 400, "vérifié"),
    ("missing subject", {"drop": ["sub"]}, 400, ""),
    ("unknown deployment", {"deployment": "dep-inconnu", "deployment_login": "dep-inconnu"}, 403, "pas encore approuvé"),
])
def test_refused_launches_answer_a_french_page(platform, case, kwargs, status, words):
    response, _, _ = platform.launch(**kwargs)
    assert response.status_code == status, (case, response.content[:300])
    html = response.content.decode()
    assert "Repères n'a pas pu ouvrir cette activité" in html.replace("&#x27;", "'")
    assert words.replace("'", "&#x27;") in html
    assert "<script>" not in html
    assert not PlatformAccount.objects.exists()


def test_an_unknown_deployment_is_kept_inactive_until_approved(platform):
    platform.launch(deployment="dep-nouveau", deployment_login="dep-nouveau")
    deployment = LtiDeployment.objects.get(deployment_id="dep-nouveau")
    assert deployment.is_active is False


def test_a_replayed_launch_is_refused(platform):
    """The same signed launch posted twice: the second is refused (nonce used once)."""
    first, token, state = platform.launch()
    assert first.status_code == 302
    replay = platform.client.post(reverse("lti_launch"), {"id_token": token, "state": state})
    assert replay.status_code == 403
    assert "déjà été utilisé" in replay.content.decode()


def test_login_initiation_errors_are_french_pages(client, tool):
    assert client.get(reverse("lti_login"), {"iss": ISS}).status_code == 400
    response = client.get(reverse("lti_login"), {"iss": "https://inconnue.test", "login_hint": "x",
                                                 "target_link_uri": "http://testserver/lti/launch/", "client_id": "y"})
    assert response.status_code == 400 and "pas enregistrée" in response.content.decode()
    assert client.post(reverse("lti_launch"), {"id_token": "n'importe quoi", "state": "x"}).status_code == 400
    assert client.get(reverse("lti_launch")).status_code in (400, 405)


def test_the_jwks_lists_the_tool_key(client, tool):
    keys = client.get(reverse("lti_jwks")).json()["keys"]
    assert len(keys) == 1 and keys[0]["alg"] == "RS256" and "d" not in keys[0]


def test_deep_linking_round_trip(platform, tool):
    """A teacher picks a quiz in Repères; a signed response goes back with the resource key."""
    settings_claim = {"https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings": {
        "deep_link_return_url": f"{ISS}/mod/lti/contentitem_return.php", "accept_types": ["ltiResourceLink"],
        "accept_presentation_document_targets": ["window"], "data": "donnees-opaques"}}
    response, _, _ = platform.launch(roles=(INSTRUCTOR,), message_type="LtiDeepLinkingRequest",
                                     drop=["https://purl.imsglobal.org/spec/lti/claim/resource_link"], extra=settings_claim)
    assert response.status_code == 200
    html = response.content.decode()
    assert "quiz:scenario" in html and "<script>" not in html
    bad = platform.client.post(reverse("lti_deep_link_return"), {"resource": "quiz:inexistant"})
    assert bad.status_code == 400
    back = platform.client.post(reverse("lti_deep_link_return"), {"resource": "quiz:scenario"})
    assert back.status_code == 200
    page = back.content.decode()
    assert f'action="{ISS}/mod/lti/contentitem_return.php"' in page and "data-autosubmit" in page
    token = page.split('name="JWT" value="', 1)[1].split('"', 1)[0]
    public = JWK(**platform.client.get(reverse("lti_jwks")).json()["keys"][0]).export_to_pem()
    message = jwt.decode(token, public, algorithms=["RS256"], audience=ISS)
    items = message["https://purl.imsglobal.org/spec/lti-dl/claim/content_items"]
    assert items[0]["custom"] == {"resource": "quiz:scenario"}
    assert message["https://purl.imsglobal.org/spec/lti-dl/claim/data"] == "donnees-opaques"


def test_a_learner_cannot_open_the_deep_linking_picker(platform):
    settings_claim = {"https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings": {
        "deep_link_return_url": f"{ISS}/retour", "accept_types": ["ltiResourceLink"],
        "accept_presentation_document_targets": ["window"]}}
    response, _, _ = platform.launch(roles=(LEARNER,), message_type="LtiDeepLinkingRequest", extra=settings_claim)
    assert response.status_code == 403


def test_grade_return_after_a_quiz_and_retry_when_the_platform_is_down(platform, tool, django_capture_on_commit_callbacks):
    """The best score goes to the gradebook after commit; when the platform is down the grade
    waits and the command sends it later, once."""
    platform.launch(resource="quiz:scenario")
    user = PlatformAccount.objects.get().user
    platform.mocked.add(responses.POST, f"{LINEITEM}/scores", status=503)
    with django_capture_on_commit_callbacks(execute=True):
        answer_quiz(user, tool["quiz"])
    grade = PlatformGrade.objects.get()
    assert grade.status == PlatformGrade.Status.FAILED and grade.tries == 1 and grade.score == 1.0
    platform.mocked.replace(responses.POST, f"{LINEITEM}/scores", status=200, json={})
    call_command("send_lti_grades", verbosity=0)
    grade.refresh_from_db()
    assert grade.status == PlatformGrade.Status.SENT
    scores = [c for c in platform.mocked.calls if c.request.url.endswith("/scores")]
    body = json.loads(scores[-1].request.body)
    assert body["scoreGiven"] == 100 and body["activityProgress"] == "Completed" and body["gradingProgress"] == "FullyGraded"
    assert body["userId"] == "utilisateur-42"
    sent = len(scores)
    call_command("send_lti_grades", verbosity=0)
    assert len([c for c in platform.mocked.calls if c.request.url.endswith("/scores")]) == sent  # nothing twice


def test_lti_created_groups_stay_in_their_organisation(platform, tool):
    """Another organisation's trainer gets 404 on an LTI-created group."""
    platform.launch()
    cohort = ContextCohort.objects.get().cohort
    outsider = client_for(make_trainer(make_org("autre", "Autre organisation"), "autre@example.test"))
    assert outsider.get(reverse("trainer_cohort", args=[cohort.pk])).status_code == 404


def test_lti_register_command_attaches_a_deployment(tool):
    call_command("lti_register", "--nom", "M@gistère", "--issuer", "https://magistere.test", "--client-id", "abc",
                 "--auth-url", "https://magistere.test/auth", "--token-url", "https://magistere.test/token",
                 "--keyset-url", "https://magistere.test/certs", "--deployment-id", "42",
                 "--organisation", "academie-test", verbosity=0)
    deployment = LtiDeployment.objects.get(deployment_id="42")
    assert deployment.is_active is False
    assert deployment.repere_link.organisation == tool["org"]


def test_no_quiz_means_a_french_404_page(platform, tool):
    Quiz.objects.filter(slug="scenario").update(status="draft")
    response, _, _ = platform.launch(resource="quiz:scenario")
    assert response.status_code == 404
    assert "n'existe plus" in response.content.decode().replace("&#x27;", "'")


def test_course_progress_goes_to_the_gradebook_as_lessons_are_done(platform, tool, django_capture_on_commit_callbacks):
    """A course launch opens a grade column; each lesson done sends the progress, « InProgress »
    until the course is complete."""
    platform.launch(resource="cours")
    user = PlatformAccount.objects.get().user
    platform.mocked.add(responses.POST, f"{LINEITEM}/scores", status=200, json={})
    with django_capture_on_commit_callbacks(execute=True):
        mark_lesson_done(user=user, lesson=tool["module"].lessons.first())
    body = json.loads([c for c in platform.mocked.calls if c.request.url.endswith("/scores")][-1].request.body)
    assert 0 < body["scoreGiven"] < 100
    assert body["activityProgress"] == "InProgress" and body["gradingProgress"] == "Pending"
