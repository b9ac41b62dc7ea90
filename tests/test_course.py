"""The guide as a course: every section covered, facts exact, pages fast and safe."""
import pytest
from django.core.management import call_command

from elearning.guide_sections import GUIDE_SECTIONS
from elearning.models import Contact, Lesson
from tests.conftest import make_user
from tests.facts_directory import CONTACT_FACTS
from tests.facts_lessons_a import FACTS as FACTS_A
from tests.facts_lessons_b import FACTS as FACTS_B

pytestmark = pytest.mark.django_db


@pytest.fixture
def shipped_course(shipped_content, db):
    return None


def test_fixtures_load_twice_without_duplicates(shipped_course):
    """`make run` twice: nothing duplicated."""
    from quizzes.models import Option, Question, Quiz

    counts = [m.objects.count() for m in (Lesson, Contact, Quiz, Question, Option)]
    call_command("load_course", verbosity=0)
    assert [m.objects.count() for m in (Lesson, Contact, Quiz, Question, Option)] == counts
    assert counts[0] >= 20 and counts[1] >= 40


def test_every_guide_section_has_a_lesson(shipped_course):
    """No part of the guide is left out of the course."""
    covered = {s.strip() for lesson in Lesson.objects.published() for s in lesson.guide_sections.split(",") if s.strip()}
    assert set(GUIDE_SECTIONS) - covered == set()
    assert covered - set(GUIDE_SECTIONS) == set(), "unknown section ids"


def test_lessons_state_every_fact(shipped_course, client):
    """Each key figure (with its source), article and penalty appears in the page a learner reads."""
    from html import unescape

    client.force_login(make_user())
    pages = {}
    missing = []
    for slug, fact in FACTS_A + FACTS_B:
        if slug not in pages:
            lesson = Lesson.objects.get(slug=slug)
            pages[slug] = unescape(client.get(lesson.get_absolute_url()).content.decode())
        if fact not in pages[slug]:
            missing.append((slug, fact))
    assert missing == []
    assert len(FACTS_A + FACTS_B) >= 100


def test_directory_page_shows_every_contact_fact(shipped_course, client):
    """Each CRIP's phone and e-mail, each tribunal's phone, exactly as the guide gives them."""
    html = client.get("/qui-contacter/?departement=").content.decode()
    missing = []
    for slug, fact in CONTACT_FACTS:
        contact = Contact.objects.get(slug=slug)
        if fact not in (contact.phone + contact.phone_2 + contact.email) or fact not in html:
            missing.append((slug, fact))
    assert missing == []
    slugs = {slug for slug, _ in CONTACT_FACTS}
    assert {f"crip-{d}" for d in ("75", "77", "78", "91", "92", "93", "94", "95")} <= slugs
    assert {f"parquet-{d}" for d in ("75", "77", "78", "91", "92", "93", "94", "95")} <= slugs


def test_every_crip_and_parquet_present(shipped_course):
    for dep in ("75", "77", "78", "91", "92", "93", "94", "95"):
        assert Contact.objects.filter(departement=dep, kind="crip").exists(), dep
        assert Contact.objects.filter(departement=dep, kind="parquet").exists(), dep


def test_doubtful_contacts_shown_as_to_verify(shipped_course, client):
    """Doubtful data from the PDF is flagged, not silently corrected."""
    crip93 = Contact.objects.get(slug="crip-93")
    assert crip93.to_verify and "0 800 00 083" in crip93.phone + crip93.phone_2
    html = client.get("/qui-contacter/?departement=93").content.decode()
    assert "À vérifier" in html


def test_directory_preselects_learner_departement(shipped_course, client):
    client.force_login(make_user(departement="94"))
    html = client.get("/qui-contacter/").content.decode()
    assert "Val-de-Marne" in html and "crip-94" in html and 'id="crip-75"' not in html


def test_directory_filters_by_role_and_type(shipped_course, client):
    html = client.get("/qui-contacter/?departement=&type=parquet").content.decode()
    assert 'id="parquet-93"' in html and 'id="crip-93"' not in html
    html = client.get("/qui-contacter/?departement=75&role=accueil").content.decode()
    assert 'id="crip-75"' not in html


def test_directory_unknown_departement_gives_full_list_with_message(shipped_course, client):
    response = client.get("/qui-contacter/?departement=13")
    html = response.content.decode()
    assert response.status_code == 200
    assert "n'est pas dans l'annuaire" in html or "n&#x27;est pas dans l&#x27;annuaire" in html
    assert 'id="crip-75"' in html and 'id="crip-95"' in html


def test_directory_links_are_tel_and_mailto(shipped_course, client):
    html = client.get("/qui-contacter/?departement=").content.decode()
    assert 'href="tel:0142762617"' in html
    assert 'href="mailto:crip75@paris.fr"' in html
    assert "D&#x27;après le guide régional, 2022" in html


def test_lessons_link_to_the_directory(shipped_course):
    """Where a lesson says to contact the CRIP or the parquet, it links to the directory."""
    for slug in ("information-preoccupante", "signalement-au-procureur", "qui-contacter"):
        assert "/qui-contacter/" in Lesson.objects.get(slug=slug).body, slug


def test_law_updates_are_marked(shipped_course):
    """Current law with its article, and what changed since the guide."""
    bodies = " ".join(Lesson.objects.values_list("body", flat=True))
    assert "[!maj]" in bodies
    for text in ("388", "227-23-1", "100 000 €", "226-8-1", "9 h", "23 h"):
        assert text in bodies, text


def test_course_overview_is_public_but_lessons_need_an_account(shipped_course, client):
    assert client.get("/parcours/").status_code == 200
    lesson = Lesson.objects.first()
    response = client.get(lesson.get_absolute_url())
    assert response.status_code == 302 and "/comptes/connexion/" in response["Location"]


def test_content_notice_before_first_lesson(shipped_course, client):
    """The distressing subject is announced once, with support numbers."""
    user = make_user(notice_seen=False)
    client.force_login(user)
    lesson = Lesson.objects.first()
    response = client.get(lesson.get_absolute_url())
    assert response.status_code == 302 and response["Location"].startswith("/avertissement/")
    notice = client.get(response["Location"]).content.decode()
    assert "Avertissement de contenu" in notice and "119" in notice
    response = client.post("/avertissement/", {"next": lesson.get_absolute_url()})
    assert response["Location"] == lesson.get_absolute_url()
    assert client.get(lesson.get_absolute_url()).status_code == 200


def test_content_notice_rejects_external_next(client):
    client.force_login(make_user(notice_seen=False))
    response = client.post("/avertissement/", {"next": "https://evil.example/"})
    assert "evil" not in response["Location"]


def test_shipped_quizzes_are_complete_and_valid(shipped_course):
    """Every shipped question is valid, links to its lesson, and each scenario type has 12+."""
    from quizzes.models import DecisionQuestion, Option, Question, Quiz, SignalQuestion, WordingQuestion

    problems = []
    options = {}
    for option in Option.objects.all():
        options.setdefault(option.question_id, []).append(option)
    for question in Question.objects.all():
        errors = question.validate_options(options.get(question.id, []))
        if errors:
            problems.append((question.slug, errors))
        if question.lesson_id is None:
            problems.append((question.slug, "no lesson"))
        if not question.skill:
            problems.append((question.slug, "no skill"))
    assert problems == []
    for model in (SignalQuestion, DecisionQuestion, WordingQuestion):
        assert model.objects.filter(quiz__kind="scenario", archived=False).count() >= 12, model
    lessons = set(Lesson.objects.published().values_list("id", flat=True))
    checked = set(Quiz.objects.filter(kind="lesson").values_list("lesson_id", flat=True))
    assert lessons <= checked, "every lesson has its knowledge check"
    assert Quiz.objects.filter(kind="final", module__isnull=False).exists()
    before = Question.objects.filter(quiz__kind="avant").values_list("skill", flat=True)
    after = Question.objects.filter(quiz__kind="apres").values_list("skill", flat=True)
    assert sorted(before) == sorted(after) and set(before) == {"reperer", "decider", "dire"}


def test_decision_bank_covers_every_decision(shipped_course):
    from quizzes.models import Option

    right = set(Option.objects.filter(question__quiz__slug="scenario-decisions", is_correct=True,
                                      question__archived=False).values_list("decision", flat=True))
    assert right == {"ip", "mesure", "signalement", "urgence", "aucune"}
