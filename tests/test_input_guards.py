"""Input the site must refuse or flag: a self-assessment sent without its confidence step,
a contact website that is not a web address, invisible or reversing characters in names,
raw HTML that would hide the rest of a lesson; and a callout written inside a list."""
import pytest
from django.core.exceptions import ValidationError

from elearning.markdown import render, unclosed_html
from elearning.models import Cohort, ConfidenceRating, Contact, User
from elearning.progress.completion import mark_lesson_done
from elearning.validators import validate_printable_name
from quizzes.models import Attempt, Quiz, SingleChoiceQuestion
from tests.conftest import (
    PASSWORD,
    add_options,
    admin_form_data,
    answer_quiz,
    build_course,
    client_for,
    make_org,
    make_trainer,
    make_user,
)

pytestmark = pytest.mark.django_db

INVISIBLE = ["\u202e", "\u200b", "\u200d", "\u2060", "\ufeff", "\u2066", "\x07", "\u2028"]


@pytest.fixture
def after_test(learner):
    # The "après" test opens once the course is complete: a one-lesson course, done and passed.
    _, _, lessons = build_course(n_modules=1, lessons_per_module=1)
    mark_lesson_done(user=learner, lesson=lessons[0])
    answer_quiz(learner, Quiz.objects.get(kind=Quiz.Kind.LESSON_CHECK))
    quiz = Quiz.objects.create(slug="auto-evaluation-apres", title="Après", kind=Quiz.Kind.SELF_AFTER)
    question = SingleChoiceQuestion.objects.create(quiz=quiz, slug="apres-1", title="Q", prompt="?", skill="decider")
    add_options(question, [("Oui", True, {}), ("Non", False, {})])
    return quiz, question


def test_after_test_cannot_be_sent_without_the_confidence_step(learner_client, learner, after_test):
    """A POST straight to « envoyer » (an old tab, a crafted request) stores nothing and leads
    back to the confidence step."""
    quiz, question = after_test
    page = learner_client.get("/auto-evaluation/apres/")
    assert "confiance" in page.content.decode().lower()
    option = question.options.get(is_correct=True)
    response = learner_client.post("/auto-evaluation/apres/envoyer/", {f"q{question.pk}": option.pk, "token": "x"})
    assert response.status_code == 302 and response["Location"] == "/auto-evaluation/apres/"
    assert not Attempt.objects.filter(user=learner, quiz=quiz).exists()
    followed = learner_client.get(response["Location"]).content.decode()
    assert "votre niveau de confiance pour chaque compétence, puis faites le test" in followed
    learner_client.post("/auto-evaluation/apres/", {"confidence": "1", "confiance_reperer": "2",
                                                     "confiance_decider": "3", "confiance_dire": "4"})
    assert ConfidenceRating.objects.filter(user=learner, phase="apres").count() == 3
    html = learner_client.get("/auto-evaluation/apres/").content.decode()
    token = html.split('name="token" value="')[1].split('"')[0]
    response = learner_client.post("/auto-evaluation/apres/envoyer/", {f"q{question.pk}": option.pk, "token": token})
    assert response.status_code == 302 and Attempt.objects.filter(user=learner, quiz=quiz).count() == 1


@pytest.mark.parametrize("website", ["javascript:alert(1)", "data:text/html,x", "www.exemple.fr", "ftp://exemple.fr",
                                     "https://", "JaVaScRiPt:alert(1)//https://x.fr"])
def test_contact_website_must_be_a_web_address(editor_client, content, website):
    """An editor cannot save a contact whose « site web » is not an http(s) address."""
    contact = content["contact"]
    url = f"/admin/elearning/contact/{contact.pk}/change/"
    data = admin_form_data(editor_client.get(url))
    data["website"] = website
    response = editor_client.post(url, data)
    assert response.status_code == 200 and "commençant par https://" in response.content.decode()
    contact.refresh_from_db()
    assert contact.website == ""
    with pytest.raises(ValidationError):
        Contact(slug="x", name="X", kind="autre", source="le guide régional, 2022", website=website).full_clean()


def test_contact_website_accepts_web_addresses(editor_client, content):
    contact = content["contact"]
    url = f"/admin/elearning/contact/{contact.pk}/change/"
    data = admin_form_data(editor_client.get(url))
    data["website"] = "https://www.seinesaintdenis.fr/crip"
    assert editor_client.post(url, data).status_code == 302
    contact.refresh_from_db()
    assert contact.website == "https://www.seinesaintdenis.fr/crip"


@pytest.mark.parametrize("character", INVISIBLE)
def test_names_refuse_invisible_and_reversing_characters(client, character):
    """Sign-up, profile and a new group refuse a name with an invisible or direction-changing
    character (it would be printed on the certificate or the trainer's table), with a French
    message and what was typed kept."""
    org = make_org()
    cohort = Cohort.objects.create(organisation=org, name="Groupe")
    response = client.post("/comptes/inscription/", {
        "join_code": cohort.join_code, "first_name": f"Na{character}dia", "last_name": "Benali",
        "email": "nadia@example.test", "profession": "cpe", "departement": "93",
        "password1": PASSWORD, "password2": PASSWORD,
    })
    assert response.status_code == 200 and "caractère invisible" in response.content.decode()
    assert not User.objects.filter(email="nadia@example.test").exists()

    learner = make_user()
    response = client_for(learner).post("/mon-compte/", {"first_name": "Camille", "last_name": f"Mar{character}tin",
                                                         "profession": "cpe", "departement": "93"})
    assert response.status_code == 200 and "caractère invisible" in response.content.decode()
    learner.refresh_from_db()
    assert learner.last_name == "Martin"

    trainer = make_trainer(org)
    response = client_for(trainer).post("/formation/groupes/", {"organisation": org.pk, "name": f"CP{character}E 93"})
    assert response.status_code == 200 and "caractère invisible" in response.content.decode()
    assert not Cohort.objects.filter(name__startswith="CPE").exists()


def test_ordinary_names_with_accents_and_hyphens_are_accepted():
    for name in ["Éloïse", "Jean-Baptiste", "N'Diaye", "Nguyễn Thị", "Ølsen Åsa", "O’Brien"]:
        validate_printable_name(name)
    user = make_user(first_name="Inès", last_name="Le Goff-Martin")
    user.full_clean()


def test_admin_warns_about_raw_html_that_hides_the_rest_of_a_lesson(editor_client, content):
    """An unclosed <math> or <style> saves, with a warning naming the tag to close."""
    lesson = content["lessons"][0]
    url = f"/admin/elearning/lesson/{lesson.pk}/change/"
    data = admin_form_data(editor_client.get(url))
    data["body"] = "Une formule <math><mi>x</mi>\n\nEt la suite de la leçon.\n\n<style>p{}"
    html = editor_client.post(url, data, follow=True).content.decode()
    assert "HTML non refermé dans « contenu (Markdown) » : &lt;math&gt;, &lt;style&gt;" in html
    data["body"] = "Une formule <math><mi>x</mi></math> et du texte."
    html = editor_client.post(url, data, follow=True).content.decode()
    assert "HTML non refermé" not in html


@pytest.mark.parametrize("text, tags", [
    ("a <style> b", ["<style>"]), ("a <MATH display=block>", ["<math>"]), ("a <!-- b", ["<!--"]),
    ("<svg><circle/></svg> ok", []), ("a <textarea> b", ["<textarea>"]), ("a <b>gras</b>", []),
])
def test_unclosed_html_detection(text, tags):
    assert unclosed_html(text) == tags


@pytest.mark.parametrize("source", [
    "- > [!savoir] Bon à savoir\n  > Le **119** répond 24 h/24.\n- Autre point",
    "1. Premier point\n\n    > [!savoir] Bon à savoir\n    > Le **119** répond 24 h/24.",
])
def test_a_callout_inside_a_list_renders_as_a_callout(source):
    """A callout written inside a list item is a callout, never the raw `[!savoir]`."""
    html = str(render(source))
    assert "[!savoir]" not in html
    assert '<aside class="callout callout-savoir"' in html and "<strong>119</strong>" in html
    assert html.index("<li>") < html.index("<aside")
