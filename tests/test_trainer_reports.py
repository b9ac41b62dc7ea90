"""What a trainer reads about a group: funnel, quiz statistics, before/after, item analysis,
learner table and organisation overview — each checked against figures worked out by hand,
and each computed in a number of queries that does not grow with the group."""
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from elearning.models import Phase
from elearning.progress.certificates import issue_certificate
from elearning.progress.completion import course_shape, mark_lesson_done
from elearning.progress.selfassessment import record_confidence
from elearning.training import reports
from quizzes.models import Quiz, SingleChoiceQuestion
from tests.conftest import (
    add_options,
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


def single_question(quiz, slug, skill, order=1):
    question = SingleChoiceQuestion.objects.create(quiz=quiz, slug=slug, title=f"Question {slug}", prompt="?",
                                                   skill=skill, order=order)
    add_options(question, [("Juste", True, {}), ("Faux", False, {})])
    return question


def build_extra_quizzes(modules):
    """A final assessment in the last module, and the two self-assessment tests."""
    final = Quiz.objects.create(slug="finale", title="Évaluation finale", kind=Quiz.Kind.FINAL,
                                module=modules[-1], pass_mark=0.7, order=20)
    single_question(final, "fin-1", "decider")
    before = Quiz.objects.create(slug="avant", title="Test avant", kind=Quiz.Kind.SELF_BEFORE, pass_mark=0)
    after = Quiz.objects.create(slug="apres", title="Test après", kind=Quiz.Kind.SELF_AFTER, pass_mark=0)
    for quiz in (before, after):
        single_question(quiz, f"{quiz.slug}-rep", "reperer", 1)
        single_question(quiz, f"{quiz.slug}-dec", "decider", 2)
    return final, before, after


def quiz(slug):
    return Quiz.objects.get(slug=slug)


def build_group():
    """The group worked out by hand in the tests below (figures in their docstrings).

    Course: 4 lessons, 6 course quizzes (4 one-question lesson checks, the scenario quiz
    with one question of each type, the final). Roster: Alice, Emma, Bruno, Chloé, David;
    Zoé answered the scenario quiz, then deleted her account."""
    course, modules, lessons = build_course()
    scenario = build_scenario_quiz(modules[-1])
    final, before, after = build_extra_quizzes(modules)
    org = make_org()
    cohort = make_cohort(org, "Groupe A")
    other = make_cohort(org, "Groupe B")
    trainer = make_trainer(org)
    people = {}
    for first, profession, dep in [("Alice", "cpe", "93"), ("Emma", "enseignant", "93"), ("Bruno", "cpe", "75"),
                                   ("Chloé", "infirmier", "93"), ("David", "educateur", "92"), ("Zoé", "cpe", "93")]:
        user = make_user(f"{first.lower()}@example.test", first_name=first, last_name=f"{first}son",
                         profession=profession, departement=dep)
        enrol(user, cohort)
        people[first] = user
    alice, emma, bruno, chloe = people["Alice"], people["Emma"], people["Bruno"], people["Chloé"]
    checks = [quiz(f"verif-{m}-{n}") for m in (1, 2) for n in (1, 2)]

    for lesson in lessons:
        mark_lesson_done(user=alice, lesson=lesson)
        mark_lesson_done(user=emma, lesson=lesson)
    for check in checks:
        answer_quiz(alice, check)
        answer_quiz(emma, check)
    answer_quiz(alice, scenario)                                   # 1.0
    answer_quiz(alice, final)
    answer_quiz(emma, scenario, {"scenario-sig": ["a"], "scenario-dec": ["a"], "scenario-mot": ["b"]})  # 1/3
    answer_quiz(emma, final, wrong=True)
    issue_certificate(user=alice)

    mark_lesson_done(user=bruno, lesson=lessons[0])
    mark_lesson_done(user=bruno, lesson=lessons[1])
    answer_quiz(bruno, checks[0])
    answer_quiz(bruno, checks[1], wrong=True)                      # a wrong try, then a right one
    answer_quiz(bruno, checks[1])
    answer_quiz(bruno, scenario, {"scenario-sig": ["a", "c"], "scenario-dec": ["c"], "scenario-mcq": ["a"]})  # 0.375

    zoe = people["Zoé"]
    answer_quiz(zoe, scenario, {"scenario-dec": ["a"]})            # 0.75
    zoe.delete()

    # Before / after: scores per skill and confidence.
    answer_quiz(alice, before, {"avant-dec": ["b"]})
    answer_quiz(alice, after)
    answer_quiz(chloe, before, wrong=True)
    answer_quiz(emma, before)
    answer_quiz(emma, after, {"apres-dec": ["b"]})
    record_confidence(user=alice, phase=Phase.BEFORE, ratings={"reperer": 1, "decider": 2, "dire": 2})
    record_confidence(user=alice, phase=Phase.AFTER, ratings={"reperer": 3, "decider": 4, "dire": 3})
    record_confidence(user=emma, phase=Phase.BEFORE, ratings={"reperer": 2, "decider": 2, "dire": 2})
    record_confidence(user=emma, phase=Phase.AFTER, ratings={"reperer": 4, "decider": 3, "dire": 3})

    # Someone in the other group of the same organisation: never counted in group A.
    outsider = make_user("autre@example.test", first_name="Omar", last_name="Autre")
    enrol(outsider, other)
    for check in checks:
        answer_quiz(outsider, check, wrong=True)
    answer_quiz(outsider, scenario, wrong=True)
    return SimpleNamespace(org=org, cohort=cohort, other=other, trainer=trainer, people=people,
                           scenario=scenario, final=final, checks=checks, shape=course_shape())


@pytest.fixture
def group():
    return build_group()


def stats_by_slug(group):
    slugs = dict(Quiz.objects.values_list("id", "slug"))
    return {slugs[s.quiz.id]: s for s in reports.quiz_stats(group.cohort, group.shape)}


def test_course_shape_counts_published_lessons_and_course_quizzes(group):
    """The funnel's "all lessons" and "all quizzes" follow what is published, self-tests excluded."""
    assert group.shape.n_lessons == 4
    assert [q.title for q in group.shape.quizzes][-2:] == ["Scénarios", "Évaluation finale"]
    assert group.shape.n_quizzes == 6


def test_funnel_counts_each_step_of_the_roster(group):
    """Joined 5 (Zoé left), started 4 (Chloé only took the before test), all lessons 2,
    complete 1, certificate 1."""
    funnel = reports.cohort_funnel(group.cohort, group.shape)
    assert (funnel.joined, funnel.started, funnel.lessons_done, funnel.complete, funnel.certified) == (5, 4, 2, 1, 1)
    assert [round(step.rate, 2) for step in funnel.steps] == [1.0, 0.8, 0.4, 0.2, 0.2]


def test_quiz_stats_mean_median_and_pass_rate(group):
    """Scenario best scores 1, 1/3, 0.375 and Zoé's 0.75: mean 0.6146, median 0.5625, 2 passed of 4."""
    scenario = stats_by_slug(group)["scenario"]
    assert scenario.participants == 4 and scenario.passed == 2
    assert scenario.mean == pytest.approx((1 + 1 / 3 + 0.375 + 0.75) / 4)
    assert scenario.median == pytest.approx((0.375 + 0.75) / 2)
    assert scenario.pass_rate == 0.5


def test_quiz_stats_use_the_best_attempt(group):
    """Bruno failed the second lesson check, then passed it: the group's figure counts the pass."""
    check = stats_by_slug(group)["verif-1-2"]
    assert (check.participants, check.passed, check.mean, check.median) == (3, 3, 1.0, 1.0)


def test_quiz_stats_for_the_final_and_a_quiz_nobody_took(group):
    stats = stats_by_slug(group)
    assert (stats["finale"].participants, stats["finale"].mean, stats["finale"].median) == (2, 0.5, 0.5)
    assert stats["finale"].pass_rate == 0.5
    assert (stats["verif-2-1"].participants, stats["verif-2-1"].median) == (2, 1.0)


def test_median_of_an_odd_number_of_scores():
    """Three learners score 1, 0.5 and 0.25: the median is the middle one, 0.5."""
    course, modules, _ = build_course(n_modules=1, lessons_per_module=1)
    quiz_ = Quiz.objects.create(slug="q4", title="Quatre questions", kind=Quiz.Kind.SCENARIO, module=modules[0])
    for n in range(4):
        single_question(quiz_, f"q4-{n}", "decider", n)
    cohort = make_cohort(make_org())
    for n, right in enumerate([4, 2, 1]):
        user = make_user(f"m{n}@example.test")
        enrol(user, cohort)
        answer_quiz(user, quiz_, {f"q4-{i}": ["b"] for i in range(right, 4)})
    stats = next(s for s in reports.quiz_stats(cohort, course_shape()) if s.quiz.id == quiz_.id)
    assert (stats.participants, stats.median) == (3, 0.5)
    assert stats.mean == pytest.approx(1.75 / 3)


def test_deleted_account_leaves_the_roster_but_not_the_statistics(group):
    """Zoé deleted her account: she is not in the table, her scenario answers still count."""
    rows = [reports.to_learner_row(v, group.shape) for v in reports.learner_rows(group.cohort, group.shape)]
    assert "Zoé" not in {row.first_name for row in rows}
    assert stats_by_slug(group)["scenario"].participants == 4


def test_other_cohort_never_counts(group):
    """Omar, in group B, failed everything: group A's figures ignore him, group B's show him."""
    assert stats_by_slug(group)["verif-1-1"].participants == 3
    other = {s.quiz.id: s for s in reports.quiz_stats(group.other, group.shape)}
    assert other[group.checks[0].id].participants == 1 and other[group.checks[0].id].passed == 0
    assert reports.cohort_funnel(group.other, group.shape).joined == 1


def test_skill_gains_compare_the_same_learners(group):
    """Chloé took only the test before: she is left out. Alice and Emma took both: spotting
    1 → 1, deciding 1/2 → 1/2; confidence: spotting 1.5 → 3.5. The page says 2 learners."""
    gains = {g.skill: g for g in reports.skill_gains(group.cohort)}
    spot, decide, say = gains["reperer"], gains["decider"], gains["dire"]
    assert spot.score_before == 1.0 and spot.score_after == 1.0 and spot.score_gain == 0
    assert decide.score_before == 0.5 and decide.score_after == 0.5
    assert spot.paired == decide.paired == 2
    assert say.score_before is None and say.score_gain is None
    assert (spot.confidence_before, spot.confidence_after, spot.confidence_gain) == (1.5, 3.5, 2.0)
    assert decide.confidence_gain == 1.5 and say.confidence_gain == 1.0
    assert spot.rated_paired == 2
    client = client_for(group.trainer)
    page = client.get(f"/formation/groupes/{group.cohort.pk}/").content.decode()
    assert "Comparaison sur <strong>2 apprenant·es</strong>" in page


def test_skill_gains_count_the_first_attempt_of_each_test(group):
    """A retake of a test never replaces the baseline: Alice's later perfect "avant" attempt
    leaves the group's "before" figures as they were."""
    before = {g.skill: g.score_before for g in reports.skill_gains(group.cohort)}
    answer_quiz(group.people["Alice"], quiz("avant"))  # perfect, but a retake
    assert {g.skill: g.score_before for g in reports.skill_gains(group.cohort)} == before


def test_item_analysis_success_rate_and_most_chosen_wrong_option(group):
    """Decision: 1 right of 4, and « IP » chosen twice instead of the signalement."""
    items = {item.title: item for item in reports.item_analysis(group.cohort).items}
    decision = items["Yanis"]
    assert (decision.answered, decision.correct) == (4, 1)
    assert decision.top_wrong.text == "IP" and decision.top_wrong.rate == 0.5
    assert items["Inès"].success_rate == 0.5 and items["Inès"].top_wrong.text == "Aime le foot"
    assert items["Léa"].success_rate == 0.75
    assert items["Articles"].success_rate == 0.75 and items["Articles"].top_wrong is None
    assert items["Inès"].type_label == "Repérer les signaux" and items["Inès"].skill_label == "Repérer"


def test_item_analysis_reads_the_best_attempt_only(group):
    """Bruno's failed first try at the lesson check is not counted against the group."""
    items = {item.title: item for item in reports.item_analysis(group.cohort).items}
    assert (items["Question 1.2"].answered, items["Question 1.2"].correct) == (3, 3)


def test_signal_families_missed_most_come_first(group):
    """Vulnerability signals missed by Emma and Bruno (2 of 4); material ones 2 of 8."""
    families = reports.item_analysis(group.cohort).families
    assert [(f.family, f.shown, f.missed) for f in families] == [("vulnerabilite", 4, 2), ("materiel", 8, 2)]
    assert families[0].rate == 0.5


def test_decision_confusion_says_what_was_chosen_instead_of_what(group):
    """Signalement was right: IP chosen twice, the 17 once, the signalement once."""
    analysis = reports.item_analysis(group.cohort)
    assert [(c.expected, c.chosen, c.count) for c in analysis.confusions] == [
        ("signalement", "ip", 2), ("signalement", "urgence", 1)]
    assert analysis.confusions[0].rate == 0.5
    assert [value for value, _ in analysis.decisions] == ["ip", "signalement", "urgence"]
    assert [(row.expected, row.cells, row.total) for row in analysis.matrix] == [("signalement", [2, 1, 1], 4)]


def test_decision_confusions_read_the_key_of_answer_time(group):
    """An editor later makes « IP » the right decision: the table still counts the old
    answers against the key the learners were graded on."""
    from quizzes.models import DecisionQuestion

    before = [(c.expected, c.chosen, c.count) for c in reports.item_analysis(group.cohort).confusions]
    question = DecisionQuestion.objects.get(quiz=group.scenario)
    question.options.update(is_correct=False)
    question.options.filter(decision="ip").update(is_correct=True)
    assert [(c.expected, c.chosen, c.count) for c in reports.item_analysis(group.cohort).confusions] == before


def test_item_analysis_leaves_the_before_after_tests_out(group):
    """The pre-test, expected to be failed, never tops « les questions les plus ratées »."""
    analysis = reports.item_analysis(group.cohort)
    assert {item.quiz_title for item in analysis.items} & {"Test avant", "Test après"} == set()
    assert all(item.quiz_title not in {"Test avant", "Test après"} for item in analysis.hardest)


def test_learner_rows_give_progress_scores_and_activity(group):
    rows = {r.first_name: r for r in (reports.to_learner_row(v, group.shape)
                                      for v in reports.learner_rows(group.cohort, group.shape))}
    alice, emma, bruno, david = rows["Alice"], rows["Emma"], rows["Bruno"], rows["David"]
    assert (alice.lessons_done, alice.quizzes_passed, alice.progress, alice.mean_score) == (4, 6, 1.0, 1.0)
    assert alice.has_certificate and not emma.has_certificate
    assert (emma.lessons_done, emma.quizzes_passed, emma.final_score) == (4, 4, 0.0)
    assert (bruno.lessons_done, bruno.quizzes_passed) == (2, 2)
    assert bruno.mean_score == pytest.approx((1 + 1 + 0.375) / 3)
    assert david.progress == 0 and david.last_activity is None and david.mean_score is None
    assert alice.last_activity is not None and alice.profession_label == "CPE"


def test_learner_table_sorts_and_filters(group):
    """Sorting by progress puts the most advanced first; filters keep one profession or département."""
    def names(**params):
        query = reports.LearnerQuery.from_params(params)
        return [v["user__first_name"] for v in reports.learner_rows(group.cohort, group.shape, query)]

    assert names() == ["Alice", "Bruno", "Chloé", "David", "Emma"]
    assert names(tri="-nom") == ["Emma", "David", "Chloé", "Bruno", "Alice"]
    assert names(tri="-progression") == ["Alice", "Emma", "Bruno", "Chloé", "David"]
    assert names(tri="score") == ["Emma", "Bruno", "Alice", "Chloé", "David"]
    assert names(tri="-activite") == ["Emma", "Chloé", "Alice", "Bruno", "David"]
    assert names(profession="cpe") == ["Alice", "Bruno"]
    assert names(departement="93", tri="-progression") == ["Alice", "Emma", "Chloé"]
    assert names(profession="inconnue", tri="n'importe quoi") == names()


def test_learner_page_is_one_page_of_the_sorted_table(group, monkeypatch):
    monkeypatch.setattr(reports, "PAGE_SIZE", 2)
    query = reports.LearnerQuery.from_params({"tri": "-progression"})
    rows, page = reports.learner_page(group.cohort, group.shape, query, "2")
    assert [row.first_name for row in rows] == ["Bruno", "Chloé"]
    assert (page.number, page.paginator.num_pages, page.paginator.count) == (2, 3, 5)
    rows, page = reports.learner_page(group.cohort, group.shape, query, "pas un nombre")
    assert page.number == 1 and [row.first_name for row in rows] == ["Alice", "Emma"]


def test_organisation_overview_has_one_row_per_cohort(group):
    empty = make_cohort(group.org, "Groupe C (vide)")
    summaries = {s.cohort.pk: s for s in reports.organisation_overview(group.org, group.shape)}
    assert set(summaries) == {group.cohort.pk, group.other.pk, empty.pk}
    a, b = summaries[group.cohort.pk], summaries[group.other.pk]
    assert (a.funnel.joined, a.funnel.started, a.funnel.complete, a.funnel.certified) == (5, 4, 1, 1)
    assert (b.funnel.joined, b.funnel.started, b.funnel.complete) == (1, 1, 0)
    assert a.final_pass_rate == 0.5 and b.mean_score == 0.0
    assert summaries[empty.pk].funnel.joined == 0 and summaries[empty.pk].mean_score is None
    totals = reports.organisation_totals(group.org)
    assert (totals.joined, totals.started) == (6, 5)


def test_reports_without_any_course_are_empty():
    """A fresh site (no course loaded) shows empty reports, not an error."""
    cohort = make_cohort(make_org())
    enrol(make_user(), cohort)
    shape = course_shape()
    assert reports.cohort_funnel(cohort, shape).joined == 1
    assert reports.quiz_stats(cohort, shape) == []
    assert reports.item_analysis(cohort).items == []
    rows, page = reports.learner_page(cohort, shape, reports.LearnerQuery(), 1)
    assert len(rows) == 1 and rows[0].progress == 0


# --- Query counts: fixed, whatever the size of the group -------------------------------------


def populate(cohort, n, scenario, checks):
    for i in range(n):
        user = make_user(f"l{cohort.pk}-{i}@example.test", last_name=f"Nom {i:03d}",
                         profession="enseignant" if i % 2 else "cpe")
        enrol(user, cohort)
        if i % 3:
            answer_quiz(user, scenario, wrong=bool(i % 2))
            answer_quiz(user, checks[0])


def count_queries(func, *args, **kwargs):
    with CaptureQueriesContext(connection) as context:
        func(*args, **kwargs)
    return len(context.captured_queries)


REPORT_QUERIES = {
    # course_shape: the shared course structure (course, modules, lessons, quizzes); 0 in
    # production while the process's copy is fresh (the suite runs with that cache off).
    "course_shape": 4, "cohort_funnel": 1, "quiz_stats": 1, "skill_gains": 1, "learner_page": 2,
    "item_analysis": 5, "organisation_overview": 3,
}
# Session, user, trainer check, cohort, then the reports above: course shape, funnel (the
# group's counters), quiz statistics, skill gains, learner page (its rows; the number of
# learners is the funnel's, so it is counted only when the table is filtered).
DASHBOARD_QUERIES = 4 + 4 + 1 + 1 + 1 + 1
FILTERED_DASHBOARD_QUERIES = DASHBOARD_QUERIES + 1
ITEMS_QUERIES = 4 + 5
# The overview also reads which groups of the page the user may open (only those are links)
# and the totals of every group.
OVERVIEW_QUERIES = 4 + 4 + 3 + 1 + 1


@pytest.mark.parametrize("size", [3, 30])
def test_each_report_runs_in_a_fixed_number_of_queries(size):
    course, modules, _ = build_course()
    scenario = build_scenario_quiz(modules[-1])
    checks = list(Quiz.objects.filter(kind=Quiz.Kind.LESSON_CHECK))
    org = make_org()
    cohort = make_cohort(org)
    populate(cohort, size, scenario, checks)
    shape = course_shape()
    query = reports.LearnerQuery.from_params({"tri": "-progression"})
    counts = {
        "course_shape": count_queries(course_shape),
        "cohort_funnel": count_queries(reports.cohort_funnel, cohort, shape),
        "quiz_stats": count_queries(reports.quiz_stats, cohort, shape),
        "skill_gains": count_queries(reports.skill_gains, cohort),
        "learner_page": count_queries(lambda: reports.learner_page(cohort, shape, query, 1)[1].paginator.count),
        "item_analysis": count_queries(reports.item_analysis, cohort),
        "organisation_overview": count_queries(reports.organisation_overview, org, shape),
    }
    assert counts == REPORT_QUERIES


@pytest.mark.parametrize("size", [3, 30])
def test_trainer_pages_query_counts_do_not_grow_with_the_group(size, django_assert_num_queries):
    """Kolibri's class summary once issued 985 queries; ours stays at a fixed handful."""
    course, modules, _ = build_course()
    scenario = build_scenario_quiz(modules[-1])
    checks = list(Quiz.objects.filter(kind=Quiz.Kind.LESSON_CHECK))
    org = make_org()
    cohort = make_cohort(org)
    populate(cohort, size, scenario, checks)
    client = Client()
    client.force_login(make_trainer(org))
    with django_assert_num_queries(FILTERED_DASHBOARD_QUERIES):
        assert client.get(f"/formation/groupes/{cohort.pk}/?tri=-activite&profession=cpe").status_code == 200
    with django_assert_num_queries(DASHBOARD_QUERIES):
        assert client.get(f"/formation/groupes/{cohort.pk}/").status_code == 200
    with django_assert_num_queries(ITEMS_QUERIES):
        assert client.get(f"/formation/groupes/{cohort.pk}/questions/").status_code == 200
    with django_assert_num_queries(OVERVIEW_QUERIES):
        assert client.get(f"/formation/organisation/{org.pk}/").status_code == 200


def test_reports_for_a_course_without_quizzes():
    """Lessons only (quizzes not yet published): completion is the lessons, nothing breaks."""
    from elearning.models import Course, Lesson, Module

    course = Course.objects.create(slug="c", title="C")
    module = Module.objects.create(course=course, slug="m", title="M")
    lesson = Lesson.objects.create(module=module, slug="l", title="L", body="Texte.")
    cohort = make_cohort(make_org())
    learner = make_user()
    enrol(learner, cohort)
    mark_lesson_done(user=learner, lesson=lesson)
    shape = course_shape()
    funnel = reports.cohort_funnel(cohort, shape)
    assert (funnel.joined, funnel.started, funnel.lessons_done, funnel.complete) == (1, 1, 1, 1)
    rows, _ = reports.learner_page(cohort, shape, reports.LearnerQuery.from_params({"tri": "-finale"}), 1)
    assert rows[0].progress == 1.0 and rows[0].final_score is None
    assert reports.quiz_stats(cohort, shape) == []


@pytest.mark.parametrize("size", [1, 6])
def test_my_groups_page_query_count_does_not_grow_with_cohorts(size, django_assert_num_queries):
    """Session, user, trainer check, organisations, cohorts with their head counts."""
    org = make_org()
    for n in range(size):
        cohort = make_cohort(org, f"Groupe {n}")
        enrol(make_user(f"g{n}@example.test"), cohort)
    client = Client()
    client.force_login(make_trainer(org))
    with django_assert_num_queries(5):
        assert client.get("/formation/groupes/").status_code == 200
