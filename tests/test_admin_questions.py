"""Editing questions safely: each type's rules with clear French messages, no deletion of a
question learners have answered (archive instead), and nobody's past score changes."""
import html
import re
import uuid

import pytest
from django.contrib.contenttypes.models import ContentType

from elearning.progress.completion import course_progress
from quizzes.attempts import load_quiz, submit
from quizzes.models import (
    Answer,
    Attempt,
    DecisionQuestion,
    Option,
    Question,
    QuizResult,
    SignalQuestion,
    WordingQuestion,
)
from tests.conftest import admin_form_data, client_for, make_user

pytestmark = pytest.mark.django_db




def add_question_data(editor_client, model, quiz, options):
    """POST data for a new question of `model` with `options`: (text, is_correct, extra)."""
    ct = ContentType.objects.get_for_model(model)
    url = f"/admin/quizzes/question/add/?ct_id={ct.pk}"
    data = admin_form_data(editor_client.get(url))
    slug = f"nouvelle-{model._meta.model_name}"
    data.update({"quiz": str(quiz.pk), "title": "Nouvelle situation", "slug": slug, "order": "5",
                 "prompt": "Une vignette.", "explanation": ""})
    data.update({"options-TOTAL_FORMS": str(len(options)), "options-INITIAL_FORMS": "0"})
    for index, (text, correct, extra) in enumerate(options):
        data[f"options-{index}-text"] = text
        data[f"options-{index}-order"] = str(index + 1)
        data[f"options-{index}-feedback"] = f"Pourquoi : {text}"
        if correct:
            data[f"options-{index}-is_correct"] = "on"
        for name, value in extra.items():
            data[f"options-{index}-{name}"] = value
    return url, data


def errors_of(response):
    return " ".join(str(e) for e in response.context["inline_admin_formsets"][0].formset.non_form_errors())


VALIDATION_CASES = [
    (SignalQuestion, [("Cadeaux", True, {"family": "materiel"}), ("Fugue", True, {"family": "vulnerabilite"})],
     "« Repérer les signaux » demande au moins un distracteur"),
    (SignalQuestion, [("Aime le foot", False, {}), ("Chante", False, {})],
     "« Repérer les signaux » demande au moins un signal"),
    (DecisionQuestion, [("IP", True, {"decision": "ip"}), ("Signalement", True, {"decision": "signalement"})],
     "« IP ou signalement ? » demande exactement une décision correcte"),
    (DecisionQuestion, [("IP", False, {"decision": "ip"}), ("Rien", False, {"decision": "aucune"})],
     "« IP ou signalement ? » demande exactement une décision correcte"),
    (WordingQuestion, [("« Tu es sûre ? »", False, {}), ("« Pourquoi ? »", False, {})],
     "« Choisir les mots justes » demande au moins une formulation juste"),
    (WordingQuestion, [], "Ajoutez au moins une option"),
]


@pytest.mark.parametrize("model, options, message", VALIDATION_CASES)
def test_question_type_rules_refuse_the_save_with_a_french_message(editor_client, content, model, options, message):
    """An editor who breaks a question type's rule sees why, in French, and nothing is saved."""
    url, data = add_question_data(editor_client, model, content["quiz"], options)
    response = editor_client.post(url, data)
    assert response.status_code == 200
    assert message in errors_of(response)
    assert not Question.objects.filter(slug=data["slug"]).exists()


def test_every_option_needs_its_feedback(editor_client, content):
    """An option without its explanation is refused: learners always learn why."""
    url, data = add_question_data(editor_client, WordingQuestion, content["quiz"],
                                  [("« Je te crois »", True, {}), ("« Tu es sûre ? »", False, {})])
    data["options-1-feedback"] = ""
    response = editor_client.post(url, data)
    assert response.status_code == 200
    assert "Chaque option doit avoir son explication" in errors_of(response)


@pytest.mark.parametrize("model, options", [
    (SignalQuestion, [("Cadeaux", True, {"family": "materiel"}), ("Aime le foot", False, {})]),
    (DecisionQuestion, [("IP", True, {"decision": "ip"}), ("Rien", False, {"decision": "aucune"})]),
    (WordingQuestion, [("« Je te crois »", True, {}), ("« Tu es sûre ? »", False, {})]),
])
def test_a_valid_question_is_saved_with_its_options_and_keys(editor_client, content, model, options):
    """A valid question is saved with its options, lettered a, b… when the editor leaves the key empty."""
    url, data = add_question_data(editor_client, model, content["quiz"], options)
    response = editor_client.post(url, data)
    assert response.status_code == 302, errors_of(response)
    question = Question.objects.get(slug=data["slug"])
    assert type(question) is model
    assert [(o.key, o.text) for o in question.options.order_by("order")] == [
        ("a", options[0][0]), ("b", options[1][0])]


def test_editing_keeps_the_rules(editor_client, content):
    """Unticking the only signal of an existing question is refused too."""
    question = SignalQuestion.objects.get(quiz=content["quiz"])
    url = f"/admin/quizzes/question/{question.pk}/change/"
    data = admin_form_data(editor_client.get(url))
    for index in range(int(data["options-INITIAL_FORMS"])):
        data.pop(f"options-{index}-is_correct", None)
    response = editor_client.post(url, data)
    assert response.status_code == 200
    assert "au moins un signal" in errors_of(response)
    assert question.options.filter(is_correct=True).count() == 3


def test_vocabulary_warning_on_save_does_not_block(editor_client, content):
    """Blaming words in a question or an option are flagged after the save, with the guide's wording."""
    question = WordingQuestion.objects.get(quiz=content["quiz"])
    url = f"/admin/quizzes/question/{question.pk}/change/"
    data = admin_form_data(editor_client.get(url))
    data["prompt"] = "Léa a fini par avouer qu'elle se prostitue."
    data["options-1-feedback"] = "Cette phrase suppose qu'elle serait consentante."
    data["_publish"] = "Publier"
    response = editor_client.post(url, data, follow=True)
    html = response.content.decode()
    question.refresh_from_db()
    assert question.prompt.startswith("Léa a fini par avouer")
    assert "« avouer »" in html and "« se prostitue »" in html and "« consentante »" in html
    assert "confier" in html


# --- safe edits: nobody's past changes -------------------------------------------------------


def _answer_all_right(user, quiz):
    content = load_quiz(quiz)
    chosen = {q.id: {o.id for o in content.options[q.id] if o.is_correct} if q.input_type == "checkbox"
              else {next(o.id for o in content.options[q.id] if o.is_correct)} for q in content.questions}
    return submit(user=user, content=content, chosen=chosen, submission_key=uuid.uuid4())


def _page(user, url):
    html = client_for(user).get(url).content.decode()
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)


@pytest.fixture
def answered(content):
    learner = make_user("apprenante@example.test")
    attempt = _answer_all_right(learner, content["quiz"])
    return learner, attempt


def test_question_with_answers_cannot_be_deleted_and_archive_is_offered(editor_client, content, answered):
    """Deleting a question learners answered is refused in French, with an "Archiver" button."""
    question = DecisionQuestion.objects.get(quiz=content["quiz"])
    for url in [f"/admin/quizzes/question/{question.pk}/delete/",
                f"/admin/quizzes/decisionquestion/{question.pk}/delete/"]:
        response = editor_client.get(url)
        html = response.content.decode()
        assert response.status_code == 200
        assert "a déjà été proposée à des apprenant·es : elle ne peut pas être supprimée" in html
        assert f'action="/admin/quizzes/question/{question.pk}/archiver/"' in html
        assert "Answer object" not in html and "Réponse object" not in html
        response = editor_client.post(url, {"post": "yes"})
        assert response.status_code == 200
    assert Question.objects.filter(pk=question.pk).exists()
    change = editor_client.get(f"/admin/quizzes/question/{question.pk}/change/").content.decode()
    assert "déjà été proposée à des apprenant·es" in change
    assert f"/admin/quizzes/decisionquestion/{question.pk}/delete/" not in change


def test_bulk_delete_refuses_questions_in_use(editor_client, content, answered):
    """The list's "supprimer" action refuses too, and says to archive."""
    ids = list(Question.objects.filter(quiz=content["quiz"]).values_list("pk", flat=True))
    response = editor_client.post("/admin/quizzes/question/", {
        "action": "delete_selected", "_selected_action": ids, "post": "yes"})
    assert response.status_code == 200
    assert "Archivez-la" in response.content.decode()
    assert Question.objects.filter(pk__in=ids).count() == len(ids)


def test_unused_question_can_be_deleted(editor_client, content):
    """A question nobody answered yet is deleted normally."""
    question = WordingQuestion.objects.get(quiz=content["quiz"])
    response = editor_client.post(f"/admin/quizzes/question/{question.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Question.objects.filter(pk=question.pk).exists()


def test_archived_question_leaves_the_quiz_and_past_attempts_intact(editor_client, content, answered):
    """Archiving removes the question for learners; past attempts keep it, with their score."""
    learner, attempt = answered
    question = DecisionQuestion.objects.get(quiz=content["quiz"])
    assert "Archiver la question" in editor_client.get(f"/admin/quizzes/question/{question.pk}/archiver/").content.decode()
    response = editor_client.post(f"/admin/quizzes/question/{question.pk}/archiver/")
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.archived
    assert question.history.first().history_user.email == "editrice@example.test"
    assert question.pk not in {q.pk for q in load_quiz(content["quiz"]).questions}
    attempt.refresh_from_db()
    assert attempt.score == 1.0 and attempt.answers.filter(question=question).exists()
    result = client_for(learner).get(attempt.get_absolute_url()).content.decode()
    assert question.title in result


def test_archive_action_from_the_list(editor_client, content, answered):
    """Several questions can be archived, and proposed again, from the list."""
    ids = list(Question.objects.filter(quiz=content["quiz"]).values_list("pk", flat=True)[:2])
    editor_client.post("/admin/quizzes/question/", {"action": "archive_selected", "_selected_action": ids})
    assert Question.objects.filter(pk__in=ids, archived=True).count() == 2
    editor_client.post("/admin/quizzes/question/", {"action": "unarchive_selected", "_selected_action": ids})
    assert Question.objects.filter(pk__in=ids, archived=True).count() == 0


def test_changing_a_quiz_changes_nobodys_past_score(editor_client, content, answered):
    """After an editor changes the right answers and the pass mark, the learner's past score,
    result page and progress are what they were."""
    learner, attempt = answered
    quiz = content["quiz"]
    result_page = _page(learner, attempt.get_absolute_url())
    before = (attempt.score, attempt.passed, attempt.pass_mark)
    summary = QuizResult.objects.values("best_score", "passed").get(user=learner, quiz=quiz)

    # The decision question: the right answer moves from "signalement" to "ip".
    question = DecisionQuestion.objects.get(quiz=quiz)
    url = f"/admin/quizzes/question/{question.pk}/change/"
    data = admin_form_data(editor_client.get(url))
    for index in range(int(data["options-INITIAL_FORMS"])):
        data.pop(f"options-{index}-is_correct", None)
        if data[f"options-{index}-decision"] == "ip":
            data[f"options-{index}-is_correct"] = "on"
        data[f"options-{index}-text"] += " (modifiée)"
    data["_publish"] = "Publier"
    assert editor_client.post(url, data).status_code == 302
    # The quiz: a stricter pass mark.
    url = f"/admin/quizzes/quiz/{quiz.pk}/change/"
    data = admin_form_data(editor_client.get(url))
    data["pass_mark"] = "100"  # per cent
    data["_publish"] = "Publier"
    assert editor_client.post(url, data).status_code == 302
    quiz.refresh_from_db()
    assert quiz.pass_mark == 1.0

    attempt = Attempt.objects.get(pk=attempt.pk)
    assert (attempt.score, attempt.passed, attempt.pass_mark) == before
    assert QuizResult.objects.values("best_score", "passed").get(user=learner, quiz=quiz) == summary
    assert Answer.objects.get(attempt=attempt, title=question.title).options.filter(text__contains="modifiée").count() == 0
    assert _page(learner, attempt.get_absolute_url()) == result_page
    module_state = next(m for m in course_progress(learner).modules if m.module.pk == quiz.module_id)
    assert next(s for s in module_state.quizzes if s.quiz.pk == quiz.pk).passed


def test_options_of_an_answered_question_keep_their_snapshot_when_removed(editor_client, content, answered):
    """Removing an option learners chose keeps it in their attempt as they saw it."""
    _, attempt = answered
    question = WordingQuestion.objects.get(quiz=content["quiz"])
    removed = question.options.get(is_correct=True)
    url = f"/admin/quizzes/question/{question.pk}/change/"
    data = admin_form_data(editor_client.get(url))
    for index in range(int(data["options-INITIAL_FORMS"])):
        if data[f"options-{index}-id"] == str(removed.pk):
            data[f"options-{index}-DELETE"] = "on"
        else:
            data[f"options-{index}-is_correct"] = "on"
    data["_publish"] = "Publier"
    assert editor_client.post(url, data).status_code == 302
    assert not Option.objects.filter(pk=removed.pk).exists()
    snapshot = Answer.objects.get(attempt=attempt, title=question.title).options.get(key=removed.key)
    assert (snapshot.text, snapshot.is_correct, snapshot.chosen) == (removed.text, True, True)


def test_changing_the_right_answer_of_an_answered_question_archives_the_version_answered(
        editor_client, content, answered):
    """The version learners answered is archived with their answers (by option, for item
    analyses); the edited question keeps its id and slug, starts without answers, and
    nobody's score moves. Changing only wording archives nothing."""
    learner, attempt = answered
    question = DecisionQuestion.objects.get(quiz=content["quiz"])
    old_right = question.options.get(is_correct=True)
    url = f"/admin/quizzes/question/{question.pk}/change/"
    count = Question.objects.count()

    data = admin_form_data(editor_client.get(url))
    data["prompt"] += " Reformulée."
    data["_publish"] = "Publier"
    assert editor_client.post(url, data).status_code == 302
    assert Question.objects.count() == count and Answer.objects.filter(question=question).exists()

    data = admin_form_data(editor_client.get(url))
    for index in range(int(data["options-INITIAL_FORMS"])):
        data.pop(f"options-{index}-is_correct", None)
        if data[f"options-{index}-decision"] == "ip":
            data[f"options-{index}-is_correct"] = "on"
    # A draft changes nothing learners see: nothing is archived until it is published.
    assert editor_client.post(url, data | {"_save_draft": "Enregistrer le brouillon"}).status_code == 302
    assert Question.objects.count() == count and Answer.objects.filter(question=question).exists()
    data["_publish"] = "Publier"
    response = editor_client.post(url, data, follow=True)
    assert "la version qu'elles et ils ont vue est archivée" in html.unescape(response.content.decode())

    archived = DecisionQuestion.objects.get(archived=True)
    assert archived.slug.startswith(question.slug) and archived.pk != question.pk
    assert archived.prompt.endswith("Reformulée.") and archived.legal_basis == question.legal_basis
    assert archived.options.get(is_correct=True).key == old_right.key
    assert set(archived.options.values_list("key", flat=True)) == set(question.options.values_list("key", flat=True))
    answer = Answer.objects.get(attempt=attempt, question=archived)
    assert not Answer.objects.filter(question=question).exists()
    chosen = answer.options.get(chosen=True)
    assert chosen.option.question_id == archived.pk and chosen.option.key == old_right.key
    question.refresh_from_db()
    assert not question.archived and question.options.get(is_correct=True).decision == "ip"
    assert archived.pk not in {q.pk for q in load_quiz(content["quiz"]).questions}
    attempt.refresh_from_db()
    assert attempt.score == 1.0 and attempt.passed
    assert archived.history.first().history_user.email == "editrice@example.test"


def test_restoring_a_version_with_another_right_answer_archives_the_version_answered(editor_client, content):
    """Restoring an earlier version from the history is an edit too: when it changes the right
    answer of a question learners have answered since, their version is archived with their
    answers and nobody's score moves."""
    question = DecisionQuestion.objects.get(quiz=content["quiz"])
    first_right = question.options.get(is_correct=True)
    url = f"/admin/quizzes/question/{question.pk}/change/"
    data = admin_form_data(editor_client.get(url))
    for index in range(int(data["options-INITIAL_FORMS"])):
        data.pop(f"options-{index}-is_correct", None)
        if data[f"options-{index}-decision"] == "ip":
            data[f"options-{index}-is_correct"] = "on"
    data["_publish"] = "Publier"
    assert editor_client.post(url, data).status_code == 302
    assert not DecisionQuestion.objects.filter(archived=True).exists()  # nobody had answered yet

    learner = make_user("apprenante@example.test")
    attempt = _answer_all_right(learner, content["quiz"])
    first = question.history.order_by("history_date").first()
    form_url = f"/admin/quizzes/decisionquestion/{question.pk}/history/{first.history_id}/"
    response = editor_client.post(form_url, admin_form_data(editor_client.get(form_url)), follow=True)
    assert "la version qu'elles et ils ont vue est archivée" in html.unescape(response.content.decode())

    archived = DecisionQuestion.objects.get(archived=True)
    assert archived.options.get(is_correct=True).decision == "ip"
    assert Answer.objects.get(attempt=attempt, title=question.title).question_id == archived.pk
    assert question.options.get(is_correct=True).key == first_right.key
    attempt.refresh_from_db()
    assert attempt.score == 1.0
