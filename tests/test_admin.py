"""The editors' admin: every page opens for a content editor, each question type included;
learner data stays out of their reach; trainers and learners never enter the admin."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group, Permission

from elearning.decision.models import Outcome, Step
from elearning.models import EDITORS_GROUP, Contact, Course, Lesson, Membership, Module
from quizzes.models import (
    DecisionQuestion,
    MultipleChoiceQuestion,
    Question,
    Quiz,
    SignalQuestion,
    SingleChoiceQuestion,
    WordingQuestion,
)
from tests.conftest import (
    admin_form_data,
    client_for,
    enrol,
    make_cohort,
    make_editor,
    make_org,
    make_user,
    widget_value,
)

pytestmark = pytest.mark.django_db

QUESTION_TYPES = [SignalQuestion, DecisionQuestion, WordingQuestion, SingleChoiceQuestion, MultipleChoiceQuestion]
CONTENT_MODELS = [Course, Module, Lesson, Contact, Quiz, Question, *QUESTION_TYPES]


# --- every page opens ---------------------------------------------------------------------


def _admin_urls(model, obj):
    info = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
    return [info, f"{info}add/", f"{info}{obj.pk}/change/", f"{info}{obj.pk}/history/"]


@pytest.mark.parametrize("model", CONTENT_MODELS, ids=lambda m: m._meta.model_name)
def test_editor_opens_list_add_change_and_history_pages(editor_client, content, model):
    """An editor can list, add, change and see the history of every kind of content,
    each question type included."""
    obj = model._default_manager.order_by("pk").first()
    for url in _admin_urls(model, obj):
        response = editor_client.get(url)
        assert response.status_code == 200, url


@pytest.mark.parametrize("model", QUESTION_TYPES, ids=lambda m: m._meta.model_name)
def test_each_question_type_opens_through_the_question_list(editor_client, content, model):
    """From the one question list, each type's add and change forms open with its own fields."""
    from django.contrib.contenttypes.models import ContentType

    ct = ContentType.objects.get_for_model(model, for_concrete_model=False)
    response = editor_client.get(f"/admin/quizzes/question/add/?ct_id={ct.pk}")
    assert response.status_code == 200
    assert response.context["adminform"].form._meta.model is model
    question = model.objects.order_by("pk").first()
    response = editor_client.get(f"/admin/quizzes/question/{question.pk}/change/")
    assert response.status_code == 200
    assert response.context["adminform"].form._meta.model is model
    assert "Voir l'aperçu" in response.content.decode()
    record = question.history.first()
    response = editor_client.get(f"/admin/quizzes/question/{question.pk}/history/")
    assert response.status_code == 200 and "Voir ou rétablir" in response.content.decode()
    response = editor_client.get(
        f"/admin/quizzes/{model._meta.model_name}/{question.pk}/history/{record.history_id}/")
    assert response.status_code == 200


def test_type_choice_page_lists_every_question_type(editor_client, content):
    """Adding a question starts by choosing its type among all five."""
    response = editor_client.get("/admin/quizzes/question/add/")
    assert response.status_code == 200
    html = response.content.decode()
    for model in QUESTION_TYPES:
        assert str(model._meta.verbose_name) in html.replace("&quot;", '"').replace("&#x27;", "'")


def test_admin_index_shows_content_and_nothing_else(editor_client, content):
    """The editor's admin home lists the course content, never accounts or groups."""
    response = editor_client.get("/admin/")
    assert response.status_code == 200
    html = response.content.decode()
    for path in ["elearning/lesson/", "elearning/module/", "elearning/contact/", "quizzes/quiz/",
                 "quizzes/question/"]:
        assert f"/admin/{path}" in html
    for path in ["elearning/user/", "elearning/organisation/", "elearning/cohort/", "auth/group/"]:
        assert f"/admin/{path}" not in html


def test_module_and_lesson_order_and_status_edited_from_the_list(editor_client, content):
    """Editors reorder and publish lessons from the list, and the change enters the history."""
    lesson = content["lessons"][0]
    response = editor_client.get("/admin/elearning/lesson/")
    formset = response.context["cl"].formset
    data = {"action": "", "_save": "Enregistrer"}
    for name in formset.management_form.fields:
        data[formset.management_form.add_prefix(name)] = str(formset.management_form[name].value())
    for form in formset.forms:
        for name in form.fields:
            value = widget_value(form[name])
            if value is not None:
                data[form.add_prefix(name)] = value
        if form.instance.pk == lesson.pk:
            data[form.add_prefix("status")] = "draft"
            data[form.add_prefix("order")] = "9"
    response = editor_client.post("/admin/elearning/lesson/", data)
    assert response.status_code == 302
    lesson.refresh_from_db()
    assert (lesson.status, lesson.order) == ("draft", 9)
    assert lesson.history.first().history_user.email == "editrice@example.test"


# --- who may enter ----------------------------------------------------------------------------


LEARNER_DATA_ADMINS = ["/admin/elearning/user/", "/admin/elearning/organisation/", "/admin/elearning/cohort/",
                       "/admin/auth/group/"]


@pytest.mark.parametrize("url", LEARNER_DATA_ADMINS)
def test_editor_never_sees_accounts_organisations_or_groups(editor_client, content, url):
    """An editor cannot open the accounts, organisations or groups, even by typing the address."""
    assert editor_client.get(url).status_code == 403


def test_learner_data_stays_superuser_only_even_with_a_stray_permission(content):
    """A permission given by mistake to the editors' group does not open learner data."""
    editor = make_editor()
    group = Group.objects.get(name=EDITORS_GROUP)
    group.permissions.add(*Permission.objects.filter(codename__in=["view_user", "view_cohort", "view_organisation"]))
    client = client_for(editor)
    for url in LEARNER_DATA_ADMINS:
        assert client.get(url).status_code == 403, url


def test_no_admin_page_shows_attempts_or_certificates(content):
    """Attempts, answers, results, completions and certificates have no admin page for editors."""
    editor = make_editor()
    request = type("Request", (), {"user": editor})()
    content_models = set(CONTENT_MODELS) | {Outcome, Step}  # the decision aid's tree (test_decision_aid.py)
    for model, model_admin in admin.site._registry.items():
        if model not in content_models:
            assert not model_admin.has_module_permission(request), model
            assert not model_admin.has_view_permission(request), model


def test_superuser_manages_accounts(content):
    """The administrator still manages accounts, organisations and groups."""
    superuser = make_user("admin@example.test", is_staff=True, is_superuser=True)
    client = client_for(superuser)
    for url in LEARNER_DATA_ADMINS:
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("role", ["learner", "trainer"])
def test_trainers_and_learners_never_enter_the_admin(content, role):
    """Trainers and learners are sent to the admin login page, whatever the address."""
    cohort = make_cohort(make_org())
    user = make_user(f"{role}@example.test")
    enrol(user, cohort, role=Membership.Role.TRAINER if role == "trainer" else Membership.Role.LEARNER)
    client = client_for(user)
    lesson = content["lessons"][0]
    for url in ["/admin/", "/admin/elearning/lesson/", f"/admin/elearning/lesson/{lesson.pk}/change/",
                "/admin/quizzes/question/"]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/admin/login/"), url


def test_editors_group_exists_after_migrate_with_content_permissions_only(db):
    """A fresh installation has the editors' group, with the content permissions and no other."""
    group = Group.objects.get(name=EDITORS_GROUP)
    models = set(group.permissions.values_list("content_type__model", flat=True))
    assert models == {"course", "module", "lesson", "contact", "quiz", "question", "option",
                      "outcome", "step", "choice",  # the decision aid's tree
                      *(m._meta.model_name for m in QUESTION_TYPES)}
    assert group.permissions.count() == 4 * len(models)


def test_contact_to_verify_needs_a_note(editor_client, content):
    """Flagging a contact "à vérifier" asks what is to be checked, in French."""
    contact = content["contact"]
    url = f"/admin/elearning/contact/{contact.pk}/change/"
    data = admin_form_data(editor_client.get(url))
    data["to_verify"] = "on"
    response = editor_client.post(url, data)
    assert response.status_code == 200
    assert "Indiquez ce qui est à vérifier" in response.content.decode()
    data["to_verify_note"] = "Numéro vert à confirmer"
    assert editor_client.post(url, data).status_code == 302
    contact.refresh_from_db()
    assert contact.to_verify and contact.to_verify_note == "Numéro vert à confirmer"


def test_lesson_vocabulary_warning_on_save(editor_client, content):
    """Saving a lesson with a blaming word saves it and warns, with the guide's wording;
    the same word quoted to teach it raises no warning."""
    lesson = content["lessons"][0]
    url = f"/admin/elearning/lesson/{lesson.pk}/change/"
    data = admin_form_data(editor_client.get(url))
    data["body"] = "Une jeune prostituée de 15 ans a été repérée."
    data["_publish"] = "Publier"
    html = editor_client.post(url, data, follow=True).content.decode()
    lesson.refresh_from_db()
    assert lesson.body == data["body"]
    assert "Vocabulaire à revoir dans « contenu (Markdown) » : « prostituée »" in html
    assert "mineure victime de prostitution" in html

    data["body"] = "Ne dites pas « prostituée » : dites « mineure victime de prostitution »."
    html = editor_client.post(url, data, follow=True).content.decode()
    assert "Vocabulaire à revoir" not in html


def test_add_question_from_the_quiz_form(editor_client, content):
    """"Ajouter une question" on a quiz leads, after the type choice, to a form for that quiz."""
    from django.contrib.contenttypes.models import ContentType

    quiz = content["quiz"]
    html = editor_client.get(f"/admin/quizzes/quiz/{quiz.pk}/change/").content.decode()
    assert f'href="/admin/quizzes/question/add/?quiz={quiz.pk}"' in html
    ct = ContentType.objects.get_for_model(WordingQuestion)
    response = editor_client.post(f"/admin/quizzes/question/add/?quiz={quiz.pk}", {"ct_id": ct.pk})
    assert response.status_code == 302 and f"quiz={quiz.pk}" in response["Location"]
    response = editor_client.get("/admin/quizzes/question/add/" + response["Location"])
    assert response.context["adminform"].form.initial["quiz"] == str(quiz.pk)
