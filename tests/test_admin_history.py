"""History: every lesson and question keeps its earlier versions, with who changed it and
when, and any version can be restored — a question together with its options."""
import pytest
from django.contrib.auth.models import Permission

from quizzes.models import Option, SignalQuestion
from tests.conftest import admin_form_data, client_for, make_user

pytestmark = pytest.mark.django_db




def as_loaded_from_fixtures(*objects):
    """Content loaded by the old `loaddata` (raw saves) has no history: forget what the builders wrote."""
    for obj in objects:
        type(obj).history.filter(id=obj.pk).delete()


def restore(client, url):
    data = admin_form_data(client.get(url))
    return client.post(url, data)


def test_lesson_versions_keep_who_and_when_and_the_first_one_can_be_restored(editor_client, content):
    """A lesson loaded from the fixtures, then edited twice, keeps three versions; the
    original comes back with one click, as a new version."""
    lesson = content["lessons"][0]
    original = lesson.body
    as_loaded_from_fixtures(lesson)
    url = f"/admin/elearning/lesson/{lesson.pk}/change/"
    for body in ["Deuxième version.", "Troisième version."]:
        data = admin_form_data(editor_client.get(url))
        data["body"] = body
        data["_publish"] = "Publier"  # published content: the change goes live
        assert editor_client.post(url, data).status_code == 302

    versions = list(lesson.history.order_by("history_date"))
    assert [v.body for v in versions] == [original, "Deuxième version.", "Troisième version."]
    assert versions[0].history_user is None and "Version d'origine" in versions[0].history_change_reason
    assert {v.history_user.email for v in versions[1:]} == {"editrice@example.test"}
    page = editor_client.get(f"/admin/elearning/lesson/{lesson.pk}/history/").content.decode()
    assert "Version d&#x27;origine" in page and "Camille Martin" in page

    response = restore(editor_client, f"/admin/elearning/lesson/{lesson.pk}/history/{versions[0].history_id}/")
    assert response.status_code == 302
    lesson.refresh_from_db()
    assert lesson.body == original
    latest = lesson.history.first()
    assert latest.history_change_reason == "Version antérieure rétablie"
    assert latest.history_user.email == "editrice@example.test"
    assert lesson.history.count() == 4


def test_question_restored_with_its_options(editor_client, content):
    """Restoring a question's earlier version brings back its options as they were: texts,
    right answers, a removed option; an option added since goes away."""
    question = SignalQuestion.objects.get(quiz=content["quiz"])
    options = list(question.options.order_by("order"))
    before = [(o.pk, o.key, o.text, o.is_correct, o.family) for o in options]
    as_loaded_from_fixtures(question, *options)

    url = f"/admin/quizzes/question/{question.pk}/change/"
    data = admin_form_data(editor_client.get(url))
    data["title"] = "Inès, version 2"
    data["options-0-text"] = "Des cadeaux de valeur"
    data.pop("options-1-is_correct")
    data["options-2-DELETE"] = "on"  # the distractor "Aime le foot"…
    data.update({"options-4-text": "Pratique le handball", "options-4-feedback": "Une activité ordinaire.", "options-4-key": "e",
                 "options-4-order": "5"})  # …replaced by another one
    data["_publish"] = "Publier"
    response = editor_client.post(url, data)
    assert response.status_code == 302, response.context["inline_admin_formsets"][0].formset.non_form_errors()
    assert question.options.count() == 4

    first = question.history.order_by("history_date").first()
    form_url = f"/admin/quizzes/signalquestion/{question.pk}/history/{first.history_id}/"
    page = editor_client.get(form_url).content.decode()
    assert "Options de cette version" in page and "Aime le foot" in page and "Pratique le handball" not in page

    assert restore(editor_client, form_url).status_code == 302
    question.refresh_from_db()
    assert question.title == "Inès"
    after = [(o.pk, o.key, o.text, o.is_correct, o.family) for o in question.options.order_by("order")]
    assert after == before
    assert not Option.objects.filter(text="Pratique le handball").exists()


def test_restoring_needs_the_right_to_change(content):
    """Someone who may only read the content sees the history but cannot restore it."""
    reader = make_user("lectrice@example.test", is_staff=True)
    reader.user_permissions.add(*Permission.objects.filter(codename__in=["view_lesson"]))
    lesson = content["lessons"][0]
    client = client_for(reader)
    record = lesson.history.first()
    url = f"/admin/elearning/lesson/{lesson.pk}/history/{record.history_id}/"
    assert client.get(f"/admin/elearning/lesson/{lesson.pk}/history/").status_code == 200
    assert client.get(url).status_code == 200
    assert client.post(url, {"body": "Autre", "title": lesson.title}).status_code == 403
    lesson.refresh_from_db()
    assert lesson.body != "Autre"


def test_first_version_of_an_archived_question_keeps_its_options(editor_client, content):
    """Archiving a question straight from the fixtures, then restoring its first version,
    brings it back to learners with all its options."""
    question = SignalQuestion.objects.get(quiz=content["quiz"])
    options = list(question.options.order_by("order"))
    as_loaded_from_fixtures(question, *options)
    assert editor_client.post(f"/admin/quizzes/question/{question.pk}/archiver/").status_code == 302
    first = question.history.order_by("history_date").first()
    assert restore(editor_client, f"/admin/quizzes/signalquestion/{question.pk}/history/{first.history_id}/").status_code == 302
    question.refresh_from_db()
    assert not question.archived
    assert list(question.options.order_by("order")) == options


def test_lessons_reordered_from_their_module_keep_their_first_version(editor_client, content):
    """Reordering lessons in the module form keeps each lesson's previous version."""
    module = content["modules"][0]
    lesson = content["lessons"][0]
    as_loaded_from_fixtures(lesson)
    url = f"/admin/elearning/module/{module.pk}/change/"
    data = admin_form_data(editor_client.get(url))
    index = next(i for i in range(int(data["lessons-INITIAL_FORMS"])) if data[f"lessons-{i}-id"] == str(lesson.pk))
    data[f"lessons-{index}-order"] = "7"
    assert editor_client.post(url, data).status_code == 302
    assert [v.order for v in lesson.history.order_by("history_date")] == [1, 7]
