"""Per-learner progress rows: every write path keeps them, in its transaction, and they always
equal a full recount from the attempts (`rebuild_progress`)."""
import random
import uuid

import pytest
from django.core.management import CommandError, call_command

from elearning.cohorts import remove_learner
from elearning.models import Lesson, Phase, Status
from elearning.progress.certificates import issue_certificate
from elearning.progress.completion import mark_lesson_done
from elearning.progress.models import (
    CohortCounts,
    CohortProgress,
    CohortSkillGain,
    LearnerProgress,
    QuizScoreCount,
)
from elearning.progress.personal_data import delete_account
from elearning.progress.rows import differences
from elearning.progress.selfassessment import record_confidence
from quizzes.attempts import load_quiz, submit
from quizzes.models import Quiz, SingleChoiceQuestion
from tests.conftest import (
    add_options,
    answer_quiz,
    build_course,
    build_scenario_quiz,
    enrol,
    make_cohort,
    make_org,
    make_user,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    course, modules, lessons = build_course()
    scenario = build_scenario_quiz(modules[-1])
    checks = list(Quiz.objects.filter(kind=Quiz.Kind.LESSON_CHECK).order_by("slug"))
    org = make_org()
    cohort = make_cohort(org, "Groupe A")
    learner = make_user("alice@example.test", first_name="Alice", last_name="Martin")
    enrol(learner, cohort)
    return dict(course=course, modules=modules, lessons=lessons, scenario=scenario, checks=checks, org=org,
                cohort=cohort, learner=learner)


def self_test(kind, slug):
    quiz = Quiz.objects.create(slug=slug, title=slug, kind=kind, pass_mark=0)
    question = SingleChoiceQuestion.objects.create(quiz=quiz, slug=f"{slug}-q", title="?", prompt="?",
                                                   skill="reperer")
    add_options(question, [("Oui", True, {}), ("Non", False, {})])
    return quiz


def complete_everything(w, user):
    for lesson in w["lessons"]:
        mark_lesson_done(user=user, lesson=lesson)
    for quiz in [*w["checks"], w["scenario"]]:
        answer_quiz(user, quiz)


def mine(w, user=None):
    user = user or w["learner"]
    return (LearnerProgress.objects.get(user=user), CohortProgress.objects.get(user=user, cohort=w["cohort"]),
            CohortCounts.objects.get(cohort=w["cohort"]))


def test_joining_a_group_gives_a_row_and_counts_one_more_learner(world):
    """A new learner appears in the group's table and funnel at once."""
    _, row, counts = mine(world)
    assert row.enrolled and not row.started and (counts.joined, counts.started) == (1, 0)
    assert (row.last_name_key, row.first_name_key) == ("martin", "alice")


def test_a_lesson_done_updates_the_rows(world):
    """Marking a lesson done moves the learner's own progress and the group's funnel."""
    mark_lesson_done(user=world["learner"], lesson=world["lessons"][0])
    learner, row, counts = mine(world)
    assert (learner.lessons_done, learner.started_at is not None) == (1, True)
    assert (row.lessons_done, row.steps_done, row.started) == (1, 1, True)
    assert counts.started == 1


def test_an_attempt_updates_the_rows_and_the_quiz_statistics(world):
    """A failed then passed quiz: the best score counts, once, for the learner and the group."""
    answer_quiz(world["learner"], world["scenario"], wrong=True)
    answer_quiz(world["learner"], world["scenario"])
    learner, row, _ = mine(world)
    assert learner.quizzes_passed == 1 and row.quizzes_passed == 1 and row.mean_score == 1.0
    buckets = list(QuizScoreCount.objects.filter(cohort=world["cohort"], quiz=world["scenario"], learners__gt=0)
                   .values_list("best_score", "passed", "learners"))
    assert buckets == [(1.0, True, 1)]


def test_the_self_assessment_updates_the_before_after_sums(world):
    """Both tests and both ratings: the learner joins the group's before/after comparison."""
    before, after = self_test(Quiz.Kind.SELF_BEFORE, "avant"), self_test(Quiz.Kind.SELF_AFTER, "apres")
    user = world["learner"]
    record_confidence(user=user, phase=Phase.BEFORE, ratings={"reperer": 1, "decider": 2, "dire": 2})
    answer_quiz(user, before, wrong=True)
    assert not CohortSkillGain.objects.filter(cohort=world["cohort"], paired__gt=0).exists()
    answer_quiz(user, after)
    record_confidence(user=user, phase=Phase.AFTER, ratings={"reperer": 3, "decider": 4, "dire": 2})
    gain = CohortSkillGain.objects.get(cohort=world["cohort"], skill="reperer")
    assert (gain.paired, gain.before_sum, gain.after_sum, gain.rated_paired) == (1, 0.0, 1.0, 1)
    assert (gain.confidence_before_sum, gain.confidence_after_sum) == (1, 3)
    learner = LearnerProgress.objects.get(user=user)
    assert (learner.before_score, learner.after_score) == (0.0, 1.0)


def test_the_certificate_updates_the_rows(world):
    """Complete, then certified: the funnel's last two steps move with the learner's row."""
    complete_everything(world, world["learner"])
    learner, row, counts = mine(world)
    assert learner.complete and row.complete and (counts.complete, counts.certified) == (1, 0)
    issue_certificate(user=world["learner"])
    learner, row, counts = mine(world)
    assert learner.certified_at is not None and row.certified and counts.certified == 1


def test_a_content_change_recounts_every_row(world):
    """A lesson added makes a complete learner incomplete again; unpublished, complete again;
    a quiz made required (published) likewise. The rows follow, counters too."""
    complete_everything(world, world["learner"])
    extra = Lesson.objects.create(module=world["modules"][0], slug="nouvelle", title="Nouvelle", order=9, body="x")
    learner, row, counts = mine(world)
    assert not learner.complete and not row.complete and counts.complete == 0
    extra.status = Status.DRAFT
    extra.save()
    learner, row, counts = mine(world)
    assert learner.complete and row.complete and counts.complete == 1
    final = Quiz.objects.create(slug="finale", title="Finale", kind=Quiz.Kind.FINAL, module=world["modules"][-1],
                                pass_mark=0.5, order=20, status=Status.DRAFT)
    question = SingleChoiceQuestion.objects.create(quiz=final, slug="f-q", title="?", prompt="?", skill="decider")
    add_options(question, [("Oui", True, {}), ("Non", False, {})])
    assert mine(world)[2].complete == 1
    final.status = Status.PUBLISHED
    final.save()
    learner, row, counts = mine(world)
    assert not learner.complete and counts.complete == 0
    assert differences() == []


def test_a_learner_removed_from_the_group_leaves_the_funnel_but_not_the_statistics(world):
    """Removed: out of the table and funnel; the best score they made there stays counted."""
    answer_quiz(world["learner"], world["scenario"])
    remove_learner(enrolment=world["learner"].enrolments.get())
    counts = CohortCounts.objects.get(cohort=world["cohort"])
    assert (counts.joined, counts.started) == (0, 0)
    assert not CohortProgress.objects.filter(cohort=world["cohort"], enrolled=True).exists()
    assert QuizScoreCount.objects.get(cohort=world["cohort"], quiz=world["scenario"]).learners == 1
    assert LearnerProgress.objects.get(user=world["learner"]).quizzes_passed == 1
    assert differences() == []


def test_a_deleted_account_leaves_rows_and_funnel_but_not_the_quiz_statistics(world):
    """Deleted: no row names the person; their anonymised best score stays in the statistics."""
    before, after = self_test(Quiz.Kind.SELF_BEFORE, "avant"), self_test(Quiz.Kind.SELF_AFTER, "apres")
    answer_quiz(world["learner"], before)
    answer_quiz(world["learner"], after)
    complete_everything(world, world["learner"])
    issue_certificate(user=world["learner"])
    delete_account(user=world["learner"])
    counts = CohortCounts.objects.get(cohort=world["cohort"])
    assert (counts.joined, counts.started, counts.complete, counts.certified) == (0, 0, 0, 0)
    assert not LearnerProgress.objects.exists() and not CohortProgress.objects.exists()
    assert QuizScoreCount.objects.get(cohort=world["cohort"], quiz=world["scenario"]).learners == 1
    assert not CohortSkillGain.objects.filter(paired__gt=0).exists()
    assert differences() == []


def test_a_new_name_moves_the_learner_in_the_table(world):
    """The table's name order follows a corrected name."""
    user = world["learner"]
    user.last_name = "Zola"
    user.save()
    assert CohortProgress.objects.get(user=user).last_name_key == "zola"
    # Removed from the group, their row kept for the statistics is no longer listed by name.
    answer_quiz(user, world["scenario"])
    remove_learner(enrolment=user.enrolments.get())
    user.last_name = "Abadie"
    user.save()
    assert CohortProgress.objects.get(user=user).last_name_key == ""
    assert differences() == []


def test_rows_equal_a_full_recount_after_a_random_mix_of_events(world):
    """Two groups, a dozen learners, 150 random events (lessons, attempts failed and passed,
    replayed submissions, ratings, certificates, moves between groups, removals, a deletion,
    lessons added and unpublished, a quiz made required): the stored rows and counters are
    exactly what `rebuild_progress` recounts."""
    rng = random.Random(16)
    other = make_cohort(world["org"], "Groupe B")
    before, after = self_test(Quiz.Kind.SELF_BEFORE, "avant"), self_test(Quiz.Kind.SELF_AFTER, "apres")
    people = [world["learner"]] + [make_user(f"p{i}@example.test", last_name=f"Nom {i}") for i in range(11)]
    for i, person in enumerate(people[1:]):
        enrol(person, world["cohort"] if i % 2 else other)
    quizzes = [*world["checks"], world["scenario"], before, after]
    extra_lessons = []
    for step in range(150):
        person = rng.choice(people)
        event = rng.choice(["lesson", "quiz", "quiz", "quiz", "replay", "rating", "certificate", "move",
                            "remove", "content"])
        if event == "lesson":
            mark_lesson_done(user=person, lesson=rng.choice(world["lessons"] + extra_lessons))
        elif event == "quiz":
            answer_quiz(person, rng.choice(quizzes), wrong=rng.random() < 0.4)
        elif event == "replay":
            content = load_quiz(world["scenario"])
            chosen = {q.id: {content.options[q.id][0].id} for q in content.questions}
            key = uuid.uuid4()
            first = submit(user=person, content=content, chosen=chosen, submission_key=key)
            assert submit(user=person, content=content, chosen=chosen, submission_key=key) == first
        elif event == "rating":
            record_confidence(user=person, phase=rng.choice([Phase.BEFORE, Phase.AFTER]),
                              ratings={"reperer": rng.randint(1, 4), "decider": rng.randint(1, 4),
                                       "dire": rng.randint(1, 4)})
        elif event == "certificate":
            try:
                issue_certificate(user=person)
            except Exception:  # not complete: refused, nothing written
                pass
        elif event == "move":
            enrol(person, rng.choice([world["cohort"], other]))
        elif event == "remove":
            enrolment = person.enrolments.order_by("?").first()
            if enrolment:
                remove_learner(enrolment=enrolment)
        elif event == "content":
            if extra_lessons and rng.random() < 0.5:
                lesson = extra_lessons.pop()
                lesson.status = Status.DRAFT
                lesson.save()
            else:
                extra_lessons.append(Lesson.objects.create(
                    module=world["modules"][0], slug=f"extra-{step}", title="En plus", order=20 + step, body="x"))
        if step == 100:
            delete_account(user=people.pop(3))
    assert differences() == []
    assert CohortCounts.objects.filter(joined__gt=0).exists() and QuizScoreCount.objects.exists()


def test_rebuild_progress_repairs_and_verifies(world, capsys):
    """`rebuild_progress --verifier` finds a wrong counter; `rebuild_progress` repairs it."""
    answer_quiz(world["learner"], world["scenario"])
    call_command("rebuild_progress", "--verifier")
    CohortCounts.objects.filter(cohort=world["cohort"]).update(started=7)
    with pytest.raises(CommandError):
        call_command("rebuild_progress", "--verifier")
    call_command("rebuild_progress")
    call_command("rebuild_progress", "--verifier")
    assert CohortCounts.objects.get(cohort=world["cohort"]).started == 1
