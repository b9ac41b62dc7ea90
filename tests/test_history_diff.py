"""The history's comparison shows what changed in a lesson line by line, in full and escaped,
instead of two truncated excerpts."""
import pytest

from elearning.admin import line_diff
from tests.conftest import admin_form_data

pytestmark = pytest.mark.django_db

LONG = "\n".join(f"Paragraphe {n} : le texte de la leçon, assez long pour être tronqué autrefois." for n in range(1, 13))


def test_line_diff_keeps_the_changed_lines_and_a_little_context():
    """One changed line among many: the removed and added lines in full, one line around,
    and the rest summarised."""
    old = LONG + "\n"
    new = old.replace("Paragraphe 6 :", "Paragraphe six :").replace("Paragraphe 11 :", "Paragraphe onze :")
    rows = line_diff(old, new)
    kinds = [row["kind"] for row in rows]
    assert kinds == ["same", "removed", "added", "same", "skip", "same", "removed", "added", "same"]
    assert rows[1]["text"].startswith("Paragraphe 6 :") and rows[2]["text"].startswith("Paragraphe six :")
    assert line_diff("a\r\nb\r\n", "a\nb\n") == []


def test_history_page_shows_a_readable_escaped_line_diff(editor_client, content):
    """An editor changes one line of a long lesson (with a bit of HTML in it): the history
    page lists the removed and added lines whole, escaped, labelled in French."""
    lesson = content["lessons"][0]
    url = f"/admin/elearning/lesson/{lesson.pk}/change/"
    for body in [LONG + "\n", LONG.replace("Paragraphe 7 :", "Paragraphe 7 <b>modifié</b> :") + "\n"]:
        data = admin_form_data(editor_client.get(url))
        data["body"] = body
        assert editor_client.post(url, data).status_code == 302

    page = editor_client.get(f"/admin/elearning/lesson/{lesson.pk}/history/").content.decode()
    assert 'class="history-diff"' in page
    assert ("<del><span class=\"diff-label\">Retiré :</span> Paragraphe 7 : le texte de la leçon, assez long "
            "pour être tronqué autrefois.</del>") in page
    assert "<ins><span class=\"diff-label\">Ajouté :</span> Paragraphe 7 &lt;b&gt;modifié&lt;/b&gt; :" in page
    assert "chars]" not in page and "<b>modifié</b>" not in page
    assert 'href="/static/css/admin.css"' in page
