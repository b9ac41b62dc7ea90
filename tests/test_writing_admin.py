"""Editors and the writing exercises: the admin refuses unreadable key facts and a model
answer that fails its own check (in French), a published exercise is edited as a draft, and
the preview shows the check as learners will see it, recording nothing."""
import pytest
from django.contrib.contenttypes.models import ContentType

from quizzes.models import Attempt, WritingQuestion, WrittenAnswer
from tests.conftest import admin_form_data
from tests.writing_builders import MODEL_IP, POOR_IP, build_writing_quiz

pytestmark = pytest.mark.django_db


@pytest.fixture
def exercise(course):
    _, modules, _ = course
    return WritingQuestion.objects.get(quiz=build_writing_quiz(modules[-1]))


def add_data(editor_client, quiz, **fields):
    ct = ContentType.objects.get_for_model(WritingQuestion)
    data = admin_form_data(editor_client.get(f"/admin/quizzes/question/add/?ct_id={ct.pk}"))
    data.update({
        "quiz": str(quiz.pk), "title": "Nouvel exercice", "slug": "nouvel-exercice", "order": "2",
        "prompt": "Toutes les personnes sont fictives.", "task": "ip", "recipient": "CRIP de l'Essonne (91)",
        "writer_role": "Claire Fontaine, CPE au collège Les Tilleuls (Évry)",
        "case_file": "Lina B. : « un garçon de 20 ans me paie mes trucs, je lui dois des services ».",
        "key_facts": "La date de l'entretien | 14 mars ; 14/03 | La date situe la révélation.",
        "key_quotes": "je lui dois des services", "model_answer": MODEL_IP,
        "model_comments": "Daté.", "self_check": "Ai-je daté ?",
    })
    data.update(fields)
    return ct, data


def test_an_editor_adds_a_writing_exercise(editor_client, exercise):
    """With readable key facts and a model answer that passes its check, the exercise is saved."""
    ct, data = add_data(editor_client, exercise.quiz)
    response = editor_client.post(f"/admin/quizzes/question/add/?ct_id={ct.pk}", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    created = WritingQuestion.objects.get(slug="nouvel-exercice")
    assert [e.label for e in created.key_elements()][0] == "La date de l'entretien"


@pytest.mark.parametrize(("fields", "message"), [
    ({"key_facts": "Un libellé sans motif"}, "Élément attendu n° 1 illisible"),
    ({"model_answer": POOR_IP}, "L&#x27;écrit modèle ne passe pas sa propre vérification"),
    ({"model_answer": MODEL_IP + "\nMme Durand, 06 11 22 33 44."}, "données absentes du dossier"),
])
def test_the_admin_refuses_what_would_teach_the_wrong_thing(editor_client, exercise, fields, message):
    """Unreadable key facts, a failing model answer or real-looking data: refused in French, nothing saved."""
    ct, data = add_data(editor_client, exercise.quiz, **fields)
    response = editor_client.post(f"/admin/quizzes/question/add/?ct_id={ct.pk}", data)
    assert response.status_code == 200 and message in response.content.decode()
    assert not WritingQuestion.objects.filter(slug="nouvel-exercice").exists()


def test_a_published_exercise_is_edited_as_a_draft(editor_client, exercise):
    """Changing the key facts of a live exercise keeps learners on the published version."""
    url = f"/admin/quizzes/question/{exercise.pk}/change/"
    data = admin_form_data(editor_client.get(url))
    data["key_facts"] = exercise.key_facts + "\nLe téléphone neuf | téléphone | Un signal matériel."
    assert editor_client.post(url, data).status_code == 302
    exercise.refresh_from_db()
    assert "téléphone neuf" not in exercise.key_facts


def test_the_preview_shows_the_check_and_records_nothing(editor_client, exercise):
    """The editor's preview grades a text with the learners' partials; no attempt, no text stored."""
    url = f"/apercu/question/{exercise.pk}/"
    page = editor_client.get(url)
    assert page.status_code == 200 and "Le dossier (situation fictive)" in page.content.decode()
    assert "Enregistrer le brouillon" not in page.content.decode()
    html = editor_client.post(url, {f"q{exercise.pk}": POOR_IP}).content.decode()
    assert "Pas d&#x27;interprétation ni de jugement" in html and "Un écrit modèle" in html and "je pense qu" in html
    assert not Attempt.objects.exists() and not WrittenAnswer.objects.exists()
