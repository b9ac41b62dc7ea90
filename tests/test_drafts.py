"""Drafts: an edit to a published lesson, quiz or question is a draft that the editor
previews (with the vocabulary check) and then publishes; learners see the published
version until then, and the history records the publication."""
import pytest
from django.contrib.contenttypes.models import ContentType

from elearning.models import ContentDraft, Status
from quizzes.attempts import load_quiz
from quizzes.models import DecisionQuestion, Quiz, WordingQuestion
from tests.conftest import admin_form_data, answer_quiz, client_for, make_user

pytestmark = pytest.mark.django_db


def post(client, url, button, **changes):
    data = admin_form_data(client.get(url))
    data.update(changes)
    data[button] = "x"
    return client.post(url, data, follow=True)


def test_lesson_draft_preview_publish(editor_client, learner_client, content):
    """« Enregistrer le brouillon » leaves learners on the published text; the form and the
    preview show the draft, with the vocabulary warning; « Publier » puts it live, once, in
    the history."""
    lesson = content["lessons"][0]
    published = lesson.body
    url = f"/admin/elearning/lesson/{lesson.pk}/change/"
    new_body = "## Partie\n\nNouveau texte : une jeune prostituée de 15 ans."

    page = post(editor_client, url, "_save_draft", body=new_body).content.decode()
    assert "Brouillon de « Leçon 1.1 » enregistré" in page and "Vocabulaire à revoir" in page
    lesson.refresh_from_db()
    assert lesson.body == published
    assert new_body not in learner_client.get(lesson.get_absolute_url()).content.decode()
    assert "Nouveau texte" in editor_client.get(url).content.decode()  # the form continues the draft

    preview = editor_client.get(f"/apercu/lecon/{lesson.pk}/").content.decode()
    assert "Nouveau texte" in preview and "Vous voyez le brouillon" in preview
    assert "Vocabulaire à revoir" in preview

    page = post(editor_client, url, "_preview", body=new_body.replace("une jeune prostituée", "une mineure victime de prostitution"))
    assert page.redirect_chain[-1][0] == f"/apercu/lecon/{lesson.pk}/"
    assert "Vocabulaire à revoir" not in page.content.decode()

    page = post(editor_client, url, "_publish").content.decode()
    assert "est publié" in page
    lesson.refresh_from_db()
    assert "mineure victime de prostitution" in lesson.body and lesson.status == Status.PUBLISHED
    assert "Nouveau texte" in learner_client.get(lesson.get_absolute_url()).content.decode()
    assert not ContentDraft.objects.exists()
    latest = lesson.history.first()
    assert latest.history_change_reason == "Publié" and latest.history_user.email == "editrice@example.test"


def test_a_question_added_to_a_published_quiz_is_not_live_until_published(editor_client, content):
    """A new question saved as a draft stays out of the learners' quiz (and out of the time
    estimate), shows in the quiz preview, and goes live with « Publier »."""
    quiz = content["quiz"]
    ct = ContentType.objects.get_for_model(WordingQuestion)
    url = f"/admin/quizzes/question/add/?ct_id={ct.pk}&quiz={quiz.pk}"
    data = admin_form_data(editor_client.get(url))
    data.update({
        "quiz": str(quiz.pk), "title": "Nouvelle", "slug": "nouvelle", "prompt": "Que dire ?", "order": "9",
        "options-0-text": "« Je te crois »", "options-0-is_correct": "on", "options-0-feedback": "Oui.",
        "options-1-text": "« Tu es sûre ? »", "options-1-feedback": "Non.", "_save_draft": "x",
    })
    response = editor_client.post(url, data)
    assert response.status_code == 302
    question = WordingQuestion.objects.get(slug="nouvelle")
    assert question.status == Status.DRAFT
    assert question.pk not in {q.pk for q in load_quiz(quiz).questions}
    preview = editor_client.get(f"/apercu/quiz/{quiz.pk}/").content.decode()
    assert "Que dire ?" in preview and "pas encore publiée" in preview

    post(editor_client, f"/admin/quizzes/question/{question.pk}/change/", "_publish")
    question.refresh_from_db()
    assert question.status == Status.PUBLISHED
    assert question.pk in {q.pk for q in load_quiz(quiz).questions}


def test_question_draft_keeps_learners_on_the_published_key(editor_client, content):
    """Moving a decision question's right answer in a draft changes nothing for learners
    until it is published; the form and the preview show the draft's options."""
    quiz = content["quiz"]
    question = DecisionQuestion.objects.get(quiz=quiz)
    url = f"/admin/quizzes/question/{question.pk}/change/"
    data = admin_form_data(editor_client.get(url))
    for index in range(int(data["options-INITIAL_FORMS"])):
        data.pop(f"options-{index}-is_correct", None)
        if data[f"options-{index}-decision"] == "ip":
            data[f"options-{index}-is_correct"] = "on"
            data[f"options-{index}-text"] = "IP (brouillon)"
    data["_save_draft"] = "x"
    assert editor_client.post(url, data).status_code == 302

    assert question.options.get(is_correct=True).decision == "signalement"
    learner = make_user("apprenant.brouillon@example.test")
    attempt = answer_quiz(learner, quiz)  # the published right answers
    assert attempt.score == 1.0
    assert "IP (brouillon)" in editor_client.get(url).content.decode()
    assert "IP (brouillon)" in editor_client.get(f"/apercu/question/{question.pk}/").content.decode()

    post(editor_client, url, "_publish")
    assert question.options.get(is_correct=True).decision == "ip"
    assert question.options.get(decision="ip").text == "IP (brouillon)"


def test_quiz_draft_waits_for_publication(editor_client, content):
    """A stricter pass mark saved as a draft applies only once published."""
    quiz = content["quiz"]
    url = f"/admin/quizzes/quiz/{quiz.pk}/change/"
    post(editor_client, url, "_save_draft", pass_mark="1.0")
    assert Quiz.objects.get(pk=quiz.pk).pass_mark == 0.7
    post(editor_client, url, "_publish")
    assert Quiz.objects.get(pk=quiz.pk).pass_mark == 1.0


def test_only_editors_publish(content):
    """A learner posting « Publier » to the admin changes nothing."""
    lesson = content["lessons"][0]
    learner = client_for(make_user("curieuse@example.test"))
    learner.post(f"/admin/elearning/lesson/{lesson.pk}/change/", {"body": "x", "_publish": "x"})
    lesson.refresh_from_db()
    assert lesson.body != "x"
