"""Writing the IP or the signalement (« rédaction »): the learner writes, saves a draft, comes
back, sends, and reads the check item by item, the model answer and the self-check."""
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from django.views.debug import SafeExceptionReporterFilter

from elearning.progress.personal_data import delete_account, export_user_data
from quizzes.models import Attempt, WritingCheck, WritingDraft, WritingQuestion, WrittenAnswer
from tests.conftest import PASSWORD
from tests.writing_builders import MODEL_IP, POOR_IP, build_writing_quiz

pytestmark = pytest.mark.django_db


@pytest.fixture
def writing(course):
    _, modules, _ = course
    quiz = build_writing_quiz(modules[-1])
    return quiz, WritingQuestion.objects.get(quiz=quiz)


def token_of(client, quiz):
    page = client.get(quiz.get_absolute_url()).content.decode()
    return re.search(r'name="token" value="([^"]+)"', page).group(1)


def send(client, quiz, question, text, token=None):
    return client.post(f"/quiz/{quiz.slug}/envoyer/", {"token": token or token_of(client, quiz), f"q{question.id}": text})


def test_the_page_shows_the_case_the_task_and_the_no_real_data_notice(writing, learner_client):
    """Next to the text box, the page says that no real case data may be typed."""
    quiz, question = writing
    html = learner_client.get(quiz.get_absolute_url()).content.decode()
    assert "je lui dois des services" in html and "Information préoccupante à la CRIP" in html
    assert "aucune donnée réelle" in html
    assert f'id="q{question.id}"' in html and "Enregistrer le brouillon" in html


def test_a_well_written_ip_scores_full_marks_with_every_item_shown(writing, learner, learner_client):
    """The model text passes every item; the result page lists each item, the model answer,
    its comments and the self-check questions."""
    quiz, question = writing
    response = send(learner_client, quiz, question, MODEL_IP)
    attempt = Attempt.objects.get(user=learner)
    assert response["Location"] == attempt.get_absolute_url()
    assert attempt.score == 1 and attempt.passed
    written = WrittenAnswer.objects.get(answer__attempt=attempt)
    assert written.text == MODEL_IP.replace("\r\n", "\n")
    checks = WritingCheck.objects.filter(answer__attempt=attempt)
    assert checks.count() >= 14 and all(c.passed for c in checks)
    html = learner_client.get(attempt.get_absolute_url()).content.decode()
    for expected in ("Qui écrit : nom, fonction, structure", "Pourquoi :", "Un écrit modèle",
                     "Ses mots sont entre guillemets.", "Ai-je daté chaque fait ?", "Votre texte"):
        assert expected in html


def test_a_poor_text_is_told_what_to_fix_and_warned_about_real_data(writing, learner, learner_client):
    """Judgements, a diagnosis, a named culprit and a phone number are each pointed out with what to fix."""
    quiz, question = writing
    send(learner_client, quiz, question, POOR_IP)
    attempt = Attempt.objects.get(user=learner)
    assert attempt.score < 0.4 and not attempt.passed
    failed = set(WritingCheck.objects.filter(answer__attempt=attempt, passed=False).values_list("code", flat=True))
    assert {"interpretation", "diagnostic", "agresseur", "vocabulaire", "donnees-reelles", "paroles"} <= failed
    html = learner_client.get(attempt.get_absolute_url()).content.decode()
    assert "À faire :" in html and "Attention" in html and "06 12 34 56 78" in html
    assert "je pense qu" in html  # what was found in the text is quoted back


def test_html_is_shown_as_text(writing, learner, learner_client):
    """A learner's <script> is displayed as typed, never run."""
    quiz, question = writing
    send(learner_client, quiz, question, MODEL_IP + "\n<script>alert(1)</script><b>gras</b>")
    html = learner_client.get(Attempt.objects.get(user=learner).get_absolute_url()).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert(1)" not in html


@pytest.mark.parametrize(("text", "message"), [
    ("Trop court.", "il en faut au moins 200"),
    ("a" * 12_001, "la limite est de 12000"),
    (MODEL_IP + "\x00", "caractères invisibles"),
])
def test_limits_give_a_clear_message_and_keep_the_text(writing, learner, learner_client, text, message):
    """Too short, too long or with a NUL byte: a French message, nothing recorded, the text kept."""
    quiz, question = writing
    response = send(learner_client, quiz, question, text)
    html = response.content.decode()
    assert response.status_code == 400 and message in html
    assert text.replace("\x00", "")[:50] in html and "\x00" not in html
    assert not Attempt.objects.filter(user=learner).exists()


def test_a_double_submit_records_once(writing, learner, learner_client):
    """The same form sent twice (double click, reload) records one attempt."""
    quiz, question = writing
    token = token_of(learner_client, quiz)
    first = send(learner_client, quiz, question, MODEL_IP, token)
    second = send(learner_client, quiz, question, MODEL_IP, token)
    assert first["Location"] == second["Location"]
    assert Attempt.objects.filter(user=learner).count() == 1 and WrittenAnswer.objects.count() == 1


def test_a_draft_is_kept_across_logout_and_dropped_once_sent(writing, learner, learner_client):
    """Saved, the draft is back after signing out and in; sending the text removes it."""
    quiz, question = writing
    token = token_of(learner_client, quiz)
    response = learner_client.post(f"/quiz/{quiz.slug}/brouillon/", {"token": token, f"q{question.id}": "Mon début d'IP"})
    assert response.status_code == 302
    learner_client.logout()
    client = Client()
    client.post("/comptes/connexion/", {"username": learner.email, "password": PASSWORD})
    assert "Mon début d&#x27;IP" in client.get(quiz.get_absolute_url()).content.decode()
    send(client, quiz, question, MODEL_IP)
    assert not WritingDraft.objects.filter(user=learner).exists()


def test_a_long_text_sent_after_the_session_expired_comes_back_after_login(writing, learner, learner_client):
    """A session that expired while typing loses nothing: after signing in, the whole text is
    in the box again (even pages long: it travels in the session, not the address)."""
    quiz, question = writing
    token = token_of(learner_client, quiz)
    learner_client.logout()
    long_text = MODEL_IP + "\n" + " ".join(f"Constat numéro {n} noté avec soin." for n in range(250))
    for url in (f"/quiz/{quiz.slug}/brouillon/", f"/quiz/{quiz.slug}/envoyer/"):
        response = learner_client.post(url, {"token": token, f"q{question.id}": long_text})
        login_url = response["Location"]
        assert response.status_code == 302 and login_url.startswith("/comptes/connexion/?next=") and len(login_url) < 4000
        next_url = parse_qs(urlsplit(login_url).query)["next"][0]
        learner_client.post(login_url, {"username": learner.email, "password": PASSWORD, "next": next_url})
        html = learner_client.get(next_url).content.decode()
        assert "Constat numéro 249 noté avec soin." in html and "session avait expiré" in html
        learner_client.logout()
    assert not Attempt.objects.filter(user=learner).exists()


def test_texts_are_in_the_data_export_and_deleted_with_the_account(writing, learner, learner_client):
    """The learner's texts and drafts are theirs: in their export, gone with their account;
    the anonymous check rows stay for the group's figures."""
    quiz, question = writing
    send(learner_client, quiz, question, MODEL_IP)
    WritingDraft.objects.create(user=learner, question=question, text="Brouillon suivant")
    exported = str(export_user_data(user=learner))
    assert "je lui dois des services" in exported and "Brouillon suivant" in exported
    checks = WritingCheck.objects.count()
    delete_account(user=learner)
    assert not WrittenAnswer.objects.exists() and not WritingDraft.objects.exists()
    assert WritingCheck.objects.count() == checks



def test_the_text_never_reaches_an_error_report(writing, learner_client):
    """Were the page to fail, Django's error report would hide the text (learner data)."""
    quiz, question = writing
    for path in ("envoyer", "brouillon"):
        response = learner_client.post(f"/quiz/{quiz.slug}/{path}/", {f"q{question.id}": "je lui dois des services"})
        cleansed = SafeExceptionReporterFilter().get_post_parameters(response.wsgi_request)
        assert "je lui dois des services" not in str(cleansed.dict())
        assert "je lui dois des services" in response.wsgi_request.POST[f"q{question.id}"]
