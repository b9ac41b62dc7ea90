"""The administration speaks French everywhere: every page, the pass mark as a percentage with
French messages, the versions kept by the history, the connection lockout, the login page."""
import re

import nh3
import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.apps import apps
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.test import Client

from elearning.progress.certificates import issue_certificate
from quizzes.models import Quiz
from tests.conftest import admin_form_data, client_for, enrol, make_cohort, make_org, make_user
from tests.test_progress import complete_everything

pytestmark = pytest.mark.django_db

# English that used to show (or that Django and its apps show when a label is missing).
ENGLISH = [
    "Can add", "Can change", "Can delete", "Can view", "User Agent", "Attempt Remaining", "Access Log for",
    "Attempted Access", "Failed access", "Locked Out", "Not set", "historical ", "History user", "Created by",
    "Created", "Changed", "Deleted", "Status", "quiz_pass_mark_0_1", "chars]", "Submission key", "Best score",
    "Pass mark", "Started at", "as of ",
]
# Field names that are the same word in French: their default label is already French.
SAME_IN_FRENCH = {"description", "profession", "module", "quiz", "question", "option", "score", "permissions",
                  "organisation", "polymorphic_ctype", "id", "points", "position"}


def visible_text(html: str) -> str:
    """What a person reads or hears: text, plus titles, labels and placeholders."""
    body = re.sub(r"<(script|style)\b.*?</\1>", "", html, flags=re.S)
    attributes = " ".join(re.findall(r'(?:title|aria-label|placeholder|alt)="([^"]*)"', body))
    return " ".join(nh3.clean(body, tags=set()).split()) + " " + attributes


def every_admin_page():
    """Index, then list, add, change and history pages of every registered model."""
    urls = ["/admin/"]
    for model in admin.site._registry:
        base = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        urls += [base, base + "add/"]
        obj = model._default_manager.order_by("pk").first()
        if obj is not None:
            urls += [f"{base}{obj.pk}/change/", f"{base}{obj.pk}/history/"]
    return urls


def test_no_admin_page_shows_the_english_we_fixed(content, learner):
    """A superuser opens every admin page (lockout rows, certificates, a lesson edited twice
    included): none shows Django's or an app's English labels."""
    enrol(learner, make_cohort(make_org()))
    complete_everything(learner)
    issue_certificate(user=learner)
    for model in (AccessAttempt, AccessLog, AccessFailureLog):
        fields = {"username": "x@example.test", "ip_address": "10.0.0.1", "user_agent": "UA",
                  "http_accept": "*/*", "path_info": "/comptes/connexion/"}
        if model is AccessAttempt:
            fields.update(failures_since_start=3, get_data="", post_data="")
        model.objects.create(**fields)
    superuser = client_for(make_user("admin@example.test", is_staff=True, is_superuser=True))
    lesson = content["lessons"][0]
    for body in ("Première version.\n", "Seconde version.\n"):
        data = admin_form_data(superuser.get(f"/admin/elearning/lesson/{lesson.pk}/change/"))
        data["body"] = body
        superuser.post(f"/admin/elearning/lesson/{lesson.pk}/change/", data)

    found = {}
    pages = every_admin_page()
    for url in pages:
        response = superuser.get(url)
        assert response.status_code in (200, 403), url  # 403: adding a certificate or a lockout row
        text = visible_text(response.content.decode())
        for english in ENGLISH:
            if re.search(rf"(?<![\w-]){re.escape(english)}", text):
                found.setdefault(english, []).append(url)
    assert len(pages) > 60
    assert found == {}


def test_admin_login_page_has_a_french_heading():
    """The admin login page starts with a heading, in French."""
    html = Client().get("/admin/login/").content.decode()
    assert "<h1>Connexion à l'administration</h1>" in html


def test_every_field_has_a_french_label():
    """Every field of the project's models, and of the versions kept by the history, has a
    French label: none falls back to its English identifier."""
    missing = []
    for model in [*apps.get_app_config("elearning").get_models(), *apps.get_app_config("quizzes").get_models()]:
        assert not str(model._meta.verbose_name).startswith("historical"), model
        for field in model._meta.get_fields():
            if getattr(field, "auto_created", False) or not hasattr(field, "verbose_name"):
                continue
            if field.verbose_name == field.name.replace("_", " ") and field.name not in SAME_IN_FRENCH:
                missing.append(f"{model._meta.label}.{field.name}")
    assert missing == []


@pytest.fixture
def quiz_page(editor_client, content):
    quiz = content["quiz"]
    url = f"/admin/quizzes/quiz/{quiz.pk}/change/"
    return quiz, url, admin_form_data(editor_client.get(url))


def test_pass_mark_is_shown_and_entered_as_a_percentage(editor_client, quiz_page):
    """The pass mark reads « 70 » (per cent) in the form and « 70 % » in the list; « 72,5 » or
    « 80 % » are understood; the share stored is what attempts copy."""
    quiz, url, data = quiz_page
    assert data["pass_mark"] == "70"
    assert "70\u202f%" in editor_client.get("/admin/quizzes/quiz/").content.decode()
    for typed, stored in (("72,5", 0.725), ("80 %", 0.8), ("100", 1.0), ("0", 0.0)):
        data["pass_mark"] = typed
        data["_publish"] = "Publier"  # a published quiz's edit is a draft until published
        assert editor_client.post(url, data).status_code == 302, typed
        quiz.refresh_from_db()
        assert quiz.pass_mark == pytest.approx(stored)


@pytest.mark.parametrize("typed, message", [
    ("0,7", "Le seuil s'exprime en pourcentage, de 0 à 100 : pour 70 %, saisissez 70 (et non 0,7)."),
    ("1", "Le seuil s'exprime en pourcentage, de 0 à 100 : pour 70 %, saisissez 70 (et non 1)."),
    ("150", "Le seuil de réussite doit être compris entre 0 et 100 %."),
    ("-5", "Le seuil de réussite doit être compris entre 0 et 100 %."),
    ("soixante-dix", "Saisissez un pourcentage entre 0 et 100, par exemple 70 pour 70 %."),
    ("", "Indiquez le seuil de réussite, en pourcentage (0 à 100)."),
])
def test_a_wrong_pass_mark_gets_a_clear_french_message(editor_client, quiz_page, typed, message):
    """A pass mark typed as a share, out of range or not a number is refused with a French
    message saying what to type; what was typed stays in the field."""
    quiz, url, data = quiz_page
    data["pass_mark"] = typed
    response = editor_client.post(url, data)
    html = response.content.decode().replace("&#x27;", "'")
    assert response.status_code == 200 and message in html
    assert f'name="pass_mark" value="{typed}"' in html or typed == ""
    quiz.refresh_from_db()
    assert quiz.pass_mark == 0.7


def test_database_rules_speak_french():
    """A rule enforced by the database, checked before saving, is explained in French and
    never by its technical name."""
    quiz = Quiz(slug="q", title="Q", kind=Quiz.Kind.SCENARIO, pass_mark=1.5)
    with pytest.raises(ValidationError) as error:
        quiz.validate_constraints()
    assert error.value.messages == ["Le seuil de réussite doit être compris entre 0 et 100 %."]
