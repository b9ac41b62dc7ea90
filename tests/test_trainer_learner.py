"""A learner's page for the trainers of their group: progress, each quiz's best attempt with
the answers chosen (as the learner saw them), self-assessment ratings; names in the learner
table link to it; a fixed number of queries."""
import pytest

from elearning.models import Phase
from elearning.progress.completion import mark_lesson_done
from elearning.progress.selfassessment import record_confidence
from quizzes.models import Option, Quiz
from tests.conftest import (
    answer_quiz,
    build_course,
    build_scenario_quiz,
    client_for,
    enrol,
    make_cohort,
    make_org,
    make_trainer,
    make_user,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup():
    _, modules, lessons = build_course()
    scenario = build_scenario_quiz(modules[-1])
    org = make_org()
    cohort = make_cohort(org, "Groupe A")
    trainer = make_trainer(org)
    alice = make_user("alice@example.test", first_name="Alice", last_name="Durand")
    enrol(alice, cohort)
    return {"client": client_for(trainer), "cohort": cohort, "alice": alice, "lessons": lessons,
            "scenario": scenario, "org": org}


def page(setup, user=None):
    user = user or setup["alice"]
    return setup["client"].get(f"/formation/groupes/{setup['cohort'].pk}/apprenants/{user.pk}/")


def test_names_in_the_learner_table_link_to_the_learner_page(setup):
    html = setup["client"].get(f"/formation/groupes/{setup['cohort'].pk}/").content.decode()
    assert f'href="/formation/groupes/{setup["cohort"].pk}/apprenants/{setup["alice"].pk}/">Alice Durand</a>' in html


def test_the_page_shows_progress_best_attempt_with_answers_chosen_and_ratings(setup):
    """A wrong first try then a right one: the page shows the right one, with Alice's choices."""
    alice, scenario = setup["alice"], setup["scenario"]
    mark_lesson_done(user=alice, lesson=setup["lessons"][0])
    answer_quiz(alice, scenario, wrong=True)
    best = answer_quiz(alice, scenario)
    record_confidence(user=alice, phase=Phase.BEFORE, ratings={"reperer": 2, "decider": 1, "dire": 3})
    # The snapshot, not today's text: an option edited afterwards still shows as answered.
    chosen = best.answers.get(order=1).options.filter(chosen=True).first()
    Option.objects.filter(pk=chosen.option_id).update(text="Texte modifié après coup")
    html = page(setup).content.decode()
    assert "Alice Durand" in html and "alice@example.test" in html
    assert "1 leçon terminée sur 4" in html
    assert "Meilleur score : <strong>100\u202f%</strong>" in html and "2 tentatives dans ce groupe" in html
    assert chosen.text in html and "Texte modifié après coup" not in html
    assert "2 / 4" in html and "1 / 4" in html and "3 / 4" in html
    assert html.count("Pas encore de tentative dans ce groupe.") == Quiz.objects.filter(module__isnull=False).count() - 1


def test_only_what_was_done_in_this_group_shows(setup):
    """Alice worked in another group first: this page shows none of it."""
    alice, scenario = setup["alice"], setup["scenario"]
    other = make_cohort(setup["org"], "Ancien groupe")
    alice.enrolments.all().delete()
    enrol(alice, other)
    answer_quiz(alice, scenario)
    mark_lesson_done(user=alice, lesson=setup["lessons"][0])
    enrol(alice, setup["cohort"])
    html = page(setup).content.decode()
    assert "0 leçon terminée sur 4" in html and "Meilleur score" not in html


def test_a_learner_outside_the_group_answers_404(setup):
    stranger = make_user("bob@example.test")
    enrol(stranger, make_cohort(setup["org"], "Autre groupe"))
    assert page(setup, stranger).status_code == 404
    assert client_for(setup["alice"]).get(
        f"/formation/groupes/{setup['cohort'].pk}/apprenants/{setup['alice'].pk}/").status_code == 404


# Session, user, trainer check, cohort, enrolment with its user, course shape (4: the course structure), lessons,
# completions, results with best attempts, their answers, the answers' options, ratings.
LEARNER_PAGE_QUERIES = 4 + 1 + 4 + 1 + 1 + 1 + 1 + 1 + 1


@pytest.mark.parametrize("attempts", [1, 4])
def test_the_learner_page_runs_in_a_fixed_number_of_queries(setup, attempts, django_assert_num_queries):
    alice = setup["alice"]
    for lesson in setup["lessons"]:
        mark_lesson_done(user=alice, lesson=lesson)
    for quiz in Quiz.objects.all():
        for _ in range(attempts):
            answer_quiz(alice, quiz)
    record_confidence(user=alice, phase=Phase.AFTER, ratings={"reperer": 4, "decider": 4, "dire": 4})
    with django_assert_num_queries(LEARNER_PAGE_QUERIES):
        assert page(setup).status_code == 200
