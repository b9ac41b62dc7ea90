"""The bank of writing exercises shipped in fixtures/ (« rédaction »): two IPs and two
signalements, in four départements and settings; each model answer passes its own check in
full and each sample bad answer fails where it should; the exercises count for the « Agir »
module. The hand-off format is loaded exactly, and a bad file is refused in French."""
import json
from pathlib import Path

import pytest
from django.conf import settings

from elearning.progress.completion import course_progress
from quizzes.models import Quiz, WritingQuestion
from quizzes.writing_content import ExerciseError, import_exercises, question_fields
from tests.conftest import make_user

BAD_ANSWERS = json.loads((Path(settings.BASE_DIR) / "tests" / "data" / "writing_bad_answers.json").read_text())


@pytest.fixture
def bank(shipped_content, db):
    return list(WritingQuestion.objects.select_related("quiz__module").order_by("slug"))


def test_the_bank_holds_two_ips_and_two_signalements_in_four_departements(bank):
    """Two of each task, four départements, four settings."""
    assert sorted(q.task for q in bank) == ["ip", "ip", "signalement", "signalement"]
    assert len({q.departement for q in bank}) == 4 and len({q.setting for q in bank}) == 4


def test_each_model_answer_passes_its_own_check_in_full(bank):
    """A model that failed its own check would teach the wrong thing: 100 %, no real-data warning."""
    for question in bank:
        assert question.validate_content() == [], question.slug
        result = question.check_text(question.model_answer)
        assert result.score == 1.0 and not result.warnings, question.slug


@pytest.mark.parametrize("slug", sorted(BAD_ANSWERS))
def test_each_sample_bad_answer_fails_where_it_should(bank, slug):
    """The content writers' sample of what not to write is caught on each fault they put in it."""
    question = next(q for q in bank if q.slug == slug)
    result = question.check_text(BAD_ANSWERS[slug]["text"])
    failed = {item.code for item in result.items if not item.passed}
    assert set(BAD_ANSWERS[slug]["must_fail"]) <= failed
    assert result.score < 0.4


def test_the_exercises_count_for_the_agir_module(bank):
    """The two practice quizzes are in « Agir » and must be passed to complete it (README's rule)."""
    assert {q.quiz.slug for q in bank} == {"redaction-ip", "redaction-signalement"}
    assert all(q.quiz.module.slug == "agir" for q in bank)
    progress = course_progress(make_user())
    agir = next(m for m in progress.modules if m.module.slug == "agir")
    assert {"redaction-ip", "redaction-signalement"} <= {state.quiz.slug for state in agir.quizzes}


def hand_off(**changes):
    data = {
        "slug": "redaction-test", "title": "Test", "task": "ip", "recipient": "CRIP de l'Essonne (91)",
        "departement": "91", "setting": "collège", "writer_role": "Claire Fontaine, CPE au collège Les Tilleuls",
        "case_file_md": "Lina B. : « un garçon de 20 ans me paie mes trucs, je lui dois des services ».",
        "key_facts": [{"label": "La date (14 mars)", "patterns": ["14 mars", "14/03"], "why": "La date compte."}],
        "key_quotes": ["je lui dois des services"],
        "model_answer_md": "Trop court.", "model_comments": ["Un"], "self_check": ["Deux ?"],
    }
    return {**data, **changes}


def test_the_hand_off_format_is_read_exactly():
    """Key facts become « libellé | motifs | pourquoi » lines; lists become one item per line."""
    fields = question_fields(hand_off())
    assert fields["key_facts"] == "La date (14 mars) | 14 mars ; 14/03 | La date compte."
    assert fields["key_quotes"] == "je lui dois des services" and fields["task"] == "ip"
    with pytest.raises(ExerciseError, match="inconnus"):
        question_fields(hand_off(surprise=1))
    with pytest.raises(ExerciseError, match="task"):
        question_fields(hand_off(task="17"))


def test_a_model_answer_that_fails_its_check_is_refused(shipped_content, db):
    """Nothing is imported when an exercise's model answer does not pass its own check."""
    before = WritingQuestion.objects.count()
    with pytest.raises(ExerciseError, match="ne passe pas sa propre vérification"):
        import_exercises([hand_off()])
    assert WritingQuestion.objects.count() == before and not Quiz.objects.filter(slug="redaction-test").exists()
