"""Text saved from a browser keeps the fixtures' line endings: an admin save never turns a
lesson into CRLF, never drops its final newline, and `export_course` never writes CRLF."""
import pytest

from elearning.models import Lesson
from quizzes.content_io import export_content
from quizzes.models import WordingQuestion
from tests.conftest import admin_form_data
from tests.test_admin_questions import add_question_data

pytestmark = pytest.mark.django_db


def test_a_lesson_saved_from_a_browser_keeps_lf_and_its_final_newline(editor_client, content):
    """The editor's browser sends CRLF (as every browser does for a textarea): the lesson is
    stored with LF endings and its final newline, so a commit of the export shows only the edit."""
    lesson = content["lessons"][0]
    url = f"/admin/elearning/lesson/{lesson.pk}/change/"
    data = admin_form_data(editor_client.get(url))
    data["body"] = "## Partie\r\n\r\nPremière ligne.  \r\nSuite du texte.\r\n"
    assert editor_client.post(url, data).status_code == 302
    lesson.refresh_from_db()
    assert lesson.body == "## Partie\n\nPremière ligne.  \nSuite du texte.\n"


def test_question_and_option_texts_saved_from_a_browser_keep_lf(editor_client, content):
    """Question prompts and option explanations, typed with CRLF, are stored with LF."""
    url, data = add_question_data(editor_client, WordingQuestion, content["quiz"],
                                  [("« Je te crois »", True, {}), ("« Tu es sûre ? »", False, {})])
    data["prompt"] = "Léa dit :\r\n\r\n> « Je ne sais pas. »\r\n"
    data["options-0-feedback"] = "Juste.\r\nElle se sent crue.\r\n"
    assert editor_client.post(url, data).status_code == 302
    question = WordingQuestion.objects.latest("pk")
    assert question.prompt == "Léa dit :\n\n> « Je ne sais pas. »\n"
    assert question.options.get(key="a").feedback == "Juste.\nElle se sent crue.\n"


def test_export_never_writes_crlf(content, tmp_path):
    """Even a row saved with CRLF before this fix (or by a script) is exported with LF."""
    Lesson.objects.filter(pk=content["lessons"][0].pk).update(body="Une ligne.\r\nUne autre.\r\n")
    export_content(tmp_path)
    for path in tmp_path.rglob("*.json"):
        text = path.read_text(encoding="utf-8")
        assert "\\r" not in text and "\r" not in text, path
    assert "Une ligne.\\nUne autre.\\n" in (tmp_path / "course" / "01-module-1.json").read_text(encoding="utf-8")
