"""What exercising the admin found: messages name fields in French, a blank option key is
explained, the delete action reads as French, the admin has a favicon, and decimal figures
are rounded half up."""
import pytest

from elearning.templatetags.reperes import decimal_fr
from quizzes.models import WordingQuestion
from tests.conftest import admin_form_data

pytestmark = pytest.mark.django_db


def test_duplicate_option_keys_are_named_in_french(editor_client, content):
    """Two options with the same key: the message speaks of « repère », never « key »."""
    question = WordingQuestion.objects.get(quiz=content["quiz"])
    url = f"/admin/quizzes/question/{question.pk}/change/"
    data = admin_form_data(editor_client.get(url))
    data["options-1-key"] = data["options-0-key"]
    data["_publish"] = "Publier"
    response = editor_client.post(url, data)
    errors = " ".join(str(e) for e in response.context["inline_admin_formsets"][0].formset.non_form_errors())
    assert response.status_code == 200
    assert "Deux options ont le même repère" in errors and "key" not in errors


def test_a_blank_option_key_is_given_a_free_letter_and_said_so(editor_client, content):
    """A new option left without a key gets the next free letter, and the editor is told."""
    question = WordingQuestion.objects.get(quiz=content["quiz"])
    url = f"/admin/quizzes/question/{question.pk}/change/"
    data = admin_form_data(editor_client.get(url))
    index = int(data["options-INITIAL_FORMS"])
    data.update({f"options-{index}-text": "« Tu peux m'en parler quand tu veux »", f"options-{index}-key": "  ",
                 f"options-{index}-feedback": "Une porte ouverte.", f"options-{index}-order": "9",
                 "_publish": "Publier"})
    page = editor_client.post(url, data, follow=True).content.decode()
    assert question.options.filter(key="d").exists()
    assert "Repère « d » attribué" in page


def test_delete_actions_read_as_french(editor_client, content):
    """« Supprimer les contacts sélectionnés », « … les leçons sélectionnées »."""
    contacts = editor_client.get("/admin/elearning/contact/").content.decode()
    lessons = editor_client.get("/admin/elearning/lesson/").content.decode()
    assert "Supprimer les contacts sélectionnés" in contacts
    assert "Supprimer les leçons sélectionnées" in lessons


def test_the_admin_and_the_site_have_a_favicon(editor_client, client):
    """A tab among others is recognisable."""
    assert 'rel="icon"' in editor_client.get("/admin/").content.decode()
    assert 'rel="icon"' in client.get("/").content.decode()


@pytest.mark.parametrize(("value", "shown"), [(2.25, "2,3"), (2.35, "2,4"), (2.0, "2,0"), (3.75, "3,8"), (-0.25, "−0,3")])
def test_decimal_figures_round_half_up(value, shown):
    """A mean confidence of 2.25 reads « 2,3 », as a person rounding by hand would write."""
    assert decimal_fr(value) == shown


def test_the_trainer_dashboard_rounds_confidence_half_up():
    """The one formatter is the one the trainer's before/after table uses."""
    from elearning.training.views import _confidence, _signed

    assert _confidence(2.25) == "2,3 / 4" and _signed(1.25) == "+1,3" and _signed(0.0) == "0,0"
