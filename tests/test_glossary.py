"""The glossary: a public page defining the abbreviations the lessons use, and the first use of
each abbreviation in a lesson leads to its definition."""
import re

import pytest
from django.test import Client

from elearning import glossary
from elearning.markdown import link_glossary, render, render_lesson
from elearning.models import Lesson
from elearning.vocabulary import find_blaming_wording
from tests.conftest import make_user

REQUIRED = {"IP", "CRIP", "ASE", "OPP", "AEMO", "MECS", "TJ", "UAPED", "PJJ", "JE", "CASF", "CP"}


@pytest.mark.django_db
def test_glossary_page_is_public_and_defines_every_term():
    """Anyone (no account) opens /glossaire/: each abbreviation has its anchor, its full name
    and a definition in plain French, without blaming words; the footer links to it."""
    response = Client().get("/glossaire/")
    html = response.content.decode()
    assert response.status_code == 200
    assert REQUIRED <= set(glossary.BY_ABBR)
    for term in glossary.TERMS:
        assert f'id="{term.anchor}"' in html and term.definition.replace("'", "&#x27;") in html
        assert find_blaming_wording(term.definition) == [], term.abbr
    assert 'href="/glossaire/"' in Client().get("/").content.decode()


@pytest.mark.django_db
def test_only_the_first_use_in_a_lesson_is_linked_outside_headings_links_and_code():
    """In a lesson, « IP » is linked once (its first use in the text), never inside a heading,
    a link, code, a word (« IPad ») or an attribute; other texts (questions) are not linked."""
    text = ("## L'IP en pratique\n\nUne IP part à la [CRIP](/qui-contacter/) ; une autre IP suit. "
            "La CRIP évalue, pas un IPad. Le `CP` et le CP.\n\n> [!savoir] Bon à savoir\n> Demandez à la CRIP.\n")
    html = str(render_lesson(text))
    assert html.count('href="/glossaire/#ip"') == 1
    assert "<h2>L'IP en pratique</h2>" in html.replace("&#x27;", "'").replace("’", "'")
    assert '<p>Une <a class="glossary-term" href="/glossaire/#ip"><abbr title="information préoccupante">IP</abbr></a>' in html
    assert '<a href="/qui-contacter/" rel="noopener noreferrer">CRIP</a>' in html
    assert html.count('href="/glossaire/#crip"') == 1 and html.count('href="/glossaire/#cp"') == 1
    assert "<code>CP</code>" in html and "IPad" in html
    assert "glossaire" not in str(render(text))
    assert link_glossary('<a title="IP" href="/x">lien</a>') == '<a title="IP" href="/x">lien</a>'


def test_author_markup_stays_sanitised_around_glossary_links():
    """An author's own HTML is still cleaned by nh3 before terms are linked."""
    html = str(render_lesson('<abbr title="x" onclick="alert(1)">IP</abbr> et <script>IP</script> IP'))
    assert "onclick" not in html and "<script" not in html
    assert html.count("glossary-term") == 1


@pytest.mark.django_db
def test_shipped_lessons_link_each_abbreviation_once_to_an_existing_definition(shipped_content):
    """In the real lessons, each abbreviation used is linked once, to an entry that exists;
    the lesson page shows it."""
    anchors = {term.anchor for term in glossary.TERMS}
    linked_somewhere = set()
    for lesson in Lesson.objects.published():
        html = str(render_lesson(lesson.body))
        links = re.findall(r'href="/glossaire/#([a-z]+)"', html)
        assert len(links) == len(set(links)), lesson.slug
        assert set(links) <= anchors
        linked_somewhere |= set(links)
    assert {"ip", "crip", "ase", "aemo", "mecs", "casf"} <= linked_somewhere
    learner = make_user(notice_seen=True)
    client = Client()
    client.force_login(learner)
    lesson = Lesson.objects.published().filter(body__contains="CRIP").select_related("module").first()
    page = client.get(lesson.get_absolute_url()).content.decode()
    assert page.count('href="/glossaire/#crip"') == 1
