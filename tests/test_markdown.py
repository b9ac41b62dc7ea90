"""Lesson and feedback Markdown is rendered by one function and comes out inert."""
import pytest

from elearning.markdown import plain_text, render

PAYLOADS = [
    "<script>alert(1)</script>",
    "[clic](javascript:alert(1))",
    "[clic](JaVaScRiPt:alert(1))",
    "[clic](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![img](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    '<a href="#" onclick="alert(1)">x</a>',
    '<img src=x onerror="alert(1)">',
    '<iframe src="https://exemple.org"></iframe>',
    '<svg onload="alert(1)"><script>alert(1)</script></svg>',
    '<div style="background:url(javascript:alert(1))">x</div>',
    "<object data='x.swf'></object><embed src='x'>",
    '<form action="https://exemple.org"><input name=x></form>',
    "> [!chiffre] <script>alert(1)</script>\n> texte",
    '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>',
    "[x](vbscript:msgbox(1))",
    '<a href="&#106;avascript:alert(1)">x</a>',
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_hostile_markdown_is_rendered_inert(payload):
    """An editor pasting hostile HTML can never run script in a learner's browser."""
    html = str(render(payload)).lower()
    for needle in ("<script", "javascript:", "vbscript:", "data:", "onerror", "onload", "onclick",
                   "<iframe", "<svg", "<object", "<embed", "<form", "<input", "style=", "<style", "<img"):
        assert needle not in html, (needle, html)


def test_callouts_and_tables_render():
    """Callouts keep their class and title; tables survive sanitising."""
    html = str(render("> [!retenir] À retenir\n> Le **17** en cas de danger.\n\n| a | b |\n|---|---|\n| 1 | 2 |"))
    assert '<aside class="callout callout-retenir"' in html
    assert "<strong>17</strong>" in html
    assert "<table>" in html


def test_links_keep_safe_schemes():
    """tel:, mailto: and relative links stay clickable."""
    html = str(render("[119](tel:119) [m](mailto:a@b.fr) [annuaire](/qui-contacter/?type=crip)"))
    assert 'href="tel:119"' in html and 'href="mailto:a@b.fr"' in html
    assert 'href="/qui-contacter/?type=crip"' in html


def test_plain_text_strips_markup():
    assert plain_text("**Je te crois**") == "Je te crois"
