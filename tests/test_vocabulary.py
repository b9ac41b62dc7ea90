"""The guide's vocabulary: blaming words are flagged with the wording to use instead,
except when the course quotes them to teach them; the shipped content passes."""
import json
from pathlib import Path

import pytest

from elearning.vocabulary import CHECKED_FIELDS, check_fields, find_blaming_wording

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def words(text):
    return [finding.word.lower() for finding in find_blaming_wording(text)]


@pytest.mark.parametrize("sentence, expected, suggestion", [
    ("Léa, 15 ans, se prostitue depuis l'été.", "se prostitue", "victime de prostitution"),
    ("Il m'a dit qu'elle s'est prostituée.", "s'est prostituée", "victime de prostitution"),
    ("Une jeune prostituée de 14 ans a été repérée.", "prostituée", "mineure victime de prostitution"),
    ("Elle a fini par avouer.", "avouer", "confier"),
    ("Inès avoue tout à son éducatrice.", "avoue", "confier"),
    ("Les copines la traitent de michetonneuse.", "michetonneuse", "mineure victime de prostitution"),
    ("Son loverboy l'attendait devant le collège.", "loverboy", "proxénète"),
    ("Elle semblait consentante.", "consentante", "consentement"),
    ("Nous avons des suspicions de prostitution.", "suspicions de prostitution", "craintes"),
])
def test_blaming_wording_is_flagged_with_the_guides_wording(sentence, expected, suggestion):
    """An editor writing a blaming word is told which word, where, and what the guide says instead."""
    findings = find_blaming_wording(sentence)
    assert [f.word.lower() for f in findings] == [expected]
    assert suggestion in findings[0].suggestion
    assert expected in findings[0].excerpt.lower()


def test_several_findings_in_reading_order():
    """Each blaming word of a sentence is reported once, in order."""
    assert words("Elle a avoué qu'elle se prostituait ; son loverboy la surveille.") == [
        "avoué", "se prostituait", "loverboy"]


@pytest.mark.parametrize("text", [
    "Ne dites pas « prostituée » : dites « mineure victime de prostitution ».",
    "Le mot « **michetonneuse** » ajoute un jugement moral.",
    "Une jeune ne « se prostitue » pas : elle est victime.",
    "Elle a dit : « Il m'a fait avouer, c'était mon loverboy. »",
    "Il écrit “elle est consentante” dans son rapport : c'est à corriger.",
    "« Au début c'était mon copain, « mon loverboy » comme ils disent » ; puis il a changé.",
    "> Elle se prostitue depuis des mois, m'a dit sa mère.\n> Elle avoue tout.",
    "La loi de 2016 accompagne les personnes prostituées majeures.",
    "Le client prostitueur commet une infraction ; la prostitution est une violence.",
])
def test_quotations_and_the_right_words_pass(text):
    """Words quoted to be taught (« », “ ”, blockquotes) and the guide's own terms are not flagged."""
    assert find_blaming_wording(text) == []


def test_callouts_are_the_courses_own_voice_and_are_checked():
    """A "> [!savoir]" callout is not a quotation: a blaming word in it is flagged."""
    text = "> [!savoir] Bon à savoir\n> Une jeune qui se prostitue a besoin d'aide.\n\n> Citation : elle avoue."
    assert words(text) == ["se prostitue"]


def test_an_unclosed_quote_stops_at_the_end_of_its_paragraph():
    """A forgotten » never hides the rest of a lesson from the check."""
    text = "Elle dit « je veux partir.\n\nPlus loin, la jeune prostituée est suivie."
    assert words(text) == ["prostituée"]


def _fixture_rows():
    for path in sorted(FIXTURES.rglob("*.json")):
        for row in json.loads(path.read_text(encoding="utf-8")):
            yield path.relative_to(FIXTURES), row


def test_the_shipped_content_uses_the_guides_vocabulary():
    """Every lesson, question, option, quiz introduction and module summary of fixtures/ passes."""
    problems = [
        f"{path} {row['model']} {row['fields'].get('slug') or row['fields'].get('key') or ''} "
        f"{field}: « {finding.word} » ({finding.excerpt})"
        for path, row in _fixture_rows()
        for field, finding in check_fields(row["model"], row["fields"])
    ]
    assert problems == []


def test_the_fixture_check_reads_every_content_field():
    """A blaming sentence slipped into any checked field of any shipped row is caught."""
    seen = set()
    for _, row in _fixture_rows():
        label = row["model"]
        for field in CHECKED_FIELDS.get(label, ()):
            if (label, field) in seen or field not in row["fields"]:
                continue
            seen.add((label, field))
            seeded = dict(row["fields"], **{field: (row["fields"][field] or "") + "\n\nElle a avoué se prostituer."})
            found = [finding.word for name, finding in check_fields(label, seeded) if name == field]
            assert found == ["avoué", "se prostituer"], (label, field)
    for required in [("elearning.lesson", "body"), ("quizzes.question", "prompt"), ("quizzes.question", "explanation"),
                     ("quizzes.decisionquestion", "key_points"), ("quizzes.option", "text"),
                     ("quizzes.option", "feedback"), ("quizzes.quiz", "intro"), ("elearning.module", "summary")]:
        assert required in seen
