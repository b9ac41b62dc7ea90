"""The shipped assessment measures what it claims: no blind strategy passes a graded quiz,
neither an option's length nor its position tells the right answer, and every item applies
the same decision rule (IP / signalement / 17) in the same words.

Options are taken in fixture order (`Option.order`): a learner who is shown them in that order
must not be able to pass by position alone, whatever a shuffle adds on top; and on the orders
learners are actually shown (shuffled per attempt), position gives nothing away either."""
from dataclasses import dataclass
from itertools import product

import pytest

from quizzes.attempts import QuizContent, as_shown, grade_all, load_quiz, reaches
from quizzes.content_io import FIXTURES_DIR
from quizzes.models import Decision, DecisionQuestion, Option, Question, Quiz, SignalQuestion

pytestmark = pytest.mark.django_db

SHIPPED_QUIZZES = sorted(path.stem for path in (FIXTURES_DIR / "quizzes").glob("*.json"))


@pytest.fixture
def shipped(shipped_content, db):
    return None


def fixture_order_content(slug: str) -> QuizContent:
    """The quiz as the fixtures list it: live questions, options in their stored order."""
    quiz = Quiz.objects.get(slug=slug)
    questions = list(Question.objects.filter(quiz=quiz, archived=False).order_by("order", "id"))
    options: dict[int, list[Option]] = {q.id: [] for q in questions}
    for option in Option.objects.filter(question_id__in=options).order_by("order", "key"):
        options[option.question_id].append(option)
    return QuizContent(quiz=quiz, questions=questions, options=options)


# --- naive strategies ------------------------------------------------------------------------


def by_length(options: list[Option]) -> list[Option]:
    """Longest first; the first in fixture order on a tie."""
    return sorted(options, key=lambda option: -len(option.text))


ONE_ANSWER_STRATEGIES = {
    "toujours la première": lambda options: {options[0].id},
    "toujours la dernière": lambda options: {options[-1].id},
    "toujours la plus longue": lambda options: {by_length(options)[0].id},
    # Cues a rewrite can create while removing "the longest": the runner-up and the shortest.
    "toujours la deuxième plus longue": lambda options: {by_length(options)[min(1, len(options) - 1)].id},
    "toujours la plus courte": lambda options: {by_length(options)[-1].id},
}


def tick_box_strategies(content: QuizContent) -> dict:
    widest = max((len(content.options[q.id]) for q in content.questions if q.input_type == "checkbox"), default=0)
    strategies = {
        "aucune case": lambda options: set(),
        "toutes les cases": lambda options: {o.id for o in options},
    }
    for k in range(1, widest + 1):
        strategies[f"les {k} premières cases"] = lambda options, k=k: {o.id for o in options[:k]}
    return strategies


def blind_scores(content: QuizContent) -> dict[str, float]:
    """Score of every combination of a one-answer strategy and a tick-box strategy."""
    scores = {}
    for (one_name, one), (tick_name, tick) in product(
        ONE_ANSWER_STRATEGIES.items(), tick_box_strategies(content).items()
    ):
        chosen = {
            q.id: (tick if q.input_type == "checkbox" else one)(content.options[q.id]) for q in content.questions
        }
        scores[f"{one_name} / {tick_name}"] = grade_all(content, chosen)[0]
    return scores


def bar_of(quiz: Quiz) -> float:
    """The quiz's pass mark; the self-assessments have none (0), and measure the same skills
    as the final evaluation, so they are held to its pass mark."""
    return quiz.pass_mark or Quiz.objects.get(kind=Quiz.Kind.FINAL).pass_mark


@pytest.mark.parametrize("slug", SHIPPED_QUIZZES)
def test_no_blind_strategy_reaches_the_pass_mark(shipped, slug):
    """First, last or longest option; the first k boxes, every box or none: none of these
    answers, given without reading, passes any shipped quiz."""
    content = fixture_order_content(slug)
    assert content.questions, slug
    bar = bar_of(content.quiz)
    passing = {name: round(score, 3) for name, score in blind_scores(content).items() if reaches(score, bar)}
    assert passing == {}, f"{slug} (seuil {bar:.0%})"


def test_right_answers_are_earned_not_guessed_on_a_known_item(shipped):
    """The strategies are not toothless: answering by the key scores 100 % on a quiz whose
    blind scores all stay under its pass mark."""
    content = fixture_order_content("evaluation-finale")
    keyed = {q.id: {o.id for o in content.options[q.id] if o.is_correct} for q in content.questions}
    for question in content.questions:
        if question.input_type == "radio":
            keyed[question.id] = set(list(keyed[question.id])[:1])
    assert grade_all(content, keyed)[0] == pytest.approx(1.0)
    assert max(blind_scores(content).values()) < content.quiz.pass_mark


# --- cues in length and position -------------------------------------------------------------


def one_answer_items(content: QuizContent) -> list[list[Option]]:
    return [content.options[q.id] for q in content.questions if q.input_type == "radio"]


@pytest.mark.parametrize("slug", SHIPPED_QUIZZES)
def test_the_right_option_is_rarely_the_longest(shipped, slug):
    """In at most a third of a bank's one-answer items is a right option the longest (a tie
    counts as longest): length gives nothing away."""
    items = one_answer_items(fixture_order_content(slug))
    longest_right = [
        options for options in items
        if any(o.is_correct and len(o.text) == max(len(x.text) for x in options) for o in options)
    ]
    assert len(longest_right) <= len(items) / 3, (
        f"{slug} : la bonne réponse est la plus longue dans {len(longest_right)} items sur {len(items)}"
    )


@pytest.mark.parametrize("slug", SHIPPED_QUIZZES)
def test_no_position_holds_the_right_answer_too_often(shipped, slug):
    """No position (1st, 2nd…) holds a right option in more than about 40 % of a bank's
    one-answer items (at least one item per position is always allowed)."""
    items = one_answer_items(fixture_order_content(slug))
    limit = max(1, int(0.4 * len(items)))
    per_position: dict[int, int] = {}
    for options in items:
        for position, option in enumerate(options, start=1):
            if option.is_correct:
                per_position[position] = per_position.get(position, 0) + 1
    crowded = {position: count for position, count in per_position.items() if count > limit}
    assert crowded == {}, f"{slug} : {len(items)} items, au plus {limit} par position"


# --- one decision rule, one vocabulary -------------------------------------------------------

# What the words of an outcome must be, wherever an item recommends it.
OUTCOME_WORDS = {
    Decision.IP: ("information préoccupante", "CRIP"),
    Decision.MESURE: ("ASE", "juge des enfants"),
    Decision.SIGNALEMENT: ("signalement", "procureur"),
    Decision.URGENCE: ("17", "signalement"),
    Decision.NONE: (),
}
ADVICE_MARK = "Décision conseillée :"


def advice_of(question) -> str:
    """The « Que faire ? » part of a signal item's explanation."""
    text = question.explanation
    return text[text.index("Que faire"):] if "Que faire" in text else ""


def test_every_signal_item_states_its_advice_in_the_decision_vocabulary(shipped):
    """Each signal item of the scenario banks, the final evaluation and the self-assessments
    carries a structured advised decision; wherever an item gives « Que faire ? » advice, the
    advice says that decision once, with the decision items' own label and the words of that
    outcome."""
    problems = []
    for question in SignalQuestion.objects.filter(archived=False):
        advised = question.advised_decision
        if not advised:
            if question.quiz.kind != Quiz.Kind.LESSON_CHECK or advice_of(question):
                problems.append((question.slug, "sans décision conseillée"))
            continue
        advice = advice_of(question)
        if not advice:
            continue
        if advice.count(ADVICE_MARK) != 1:
            problems.append((question.slug, f"« {ADVICE_MARK} » absent ou répété"))
        elif f"{ADVICE_MARK} {Decision(advised).label}".lower() not in advice.lower():
            problems.append((question.slug, f"l'explication ne dit pas « {Decision(advised).label} »"))
        missing = [word for word in OUTCOME_WORDS[Decision(advised)] if word.lower() not in advice.lower()]
        if missing:
            problems.append((question.slug, f"mots attendus absents : {missing}"))
    assert problems == []


def test_every_decision_option_is_worded_as_the_decision_it_stands_for(shipped):
    """A decision item's options use the same vocabulary as the signal items' advice: an
    option marked « IP » speaks of an information préoccupante to the CRIP, and so on."""
    problems = []
    for option in Option.objects.filter(question__in=DecisionQuestion.objects.filter(archived=False)):
        missing = [w for w in OUTCOME_WORDS[Decision(option.decision)] if w.lower() not in option.text.lower()]
        if missing:
            problems.append((option.question.slug, option.key, missing))
    assert problems == []


@dataclass(frozen=True)
class Facts:
    """What a vignette establishes, as a trainer reads it."""

    immediate_danger: bool = False
    offence_revealed_or_established: bool = False  # even when it is over or in the past
    worrying_signals_or_risk: bool = False  # signals without a revelation, or a risk only
    under_protection_measure: bool = False  # placement or AEMO already ordered


DANGER = Facts(immediate_danger=True, offence_revealed_or_established=True)
OFFENCE = Facts(offence_revealed_or_established=True)
WORRY = Facts(worrying_signals_or_risk=True)
WORRY_UNDER_MEASURE = Facts(worrying_signals_or_risk=True, under_protection_measure=True)
OFFENCE_UNDER_MEASURE = Facts(offence_revealed_or_established=True, under_protection_measure=True)
NOTHING = Facts()


def the_rule(facts: Facts) -> str:
    """The course's one decision rule (lessons « Information préoccupante » and « Signalement »):
    immediate danger first, then an offence (even past), then worry; a young person already
    under a measure is followed by the ASE service in charge and the juge des enfants."""
    if facts.immediate_danger:
        return Decision.URGENCE
    if facts.offence_revealed_or_established:
        return Decision.SIGNALEMENT
    if facts.worrying_signals_or_risk:
        return Decision.MESURE if facts.under_protection_measure else Decision.IP
    return Decision.NONE


# Every signal and decision item of the scenario banks, the final evaluation and the two
# self-assessments, classified by what its vignette establishes. A new item must be added here:
# its key then has to follow the rule.
FACTS = {
    # Repérer les signaux (the advised decision)
    "sig-01": WORRY, "sig-02": WORRY_UNDER_MEASURE, "sig-03": OFFENCE, "sig-04": OFFENCE,
    "sig-05": WORRY_UNDER_MEASURE, "sig-06": OFFENCE, "sig-07": OFFENCE, "sig-08": WORRY,
    "sig-09": OFFENCE_UNDER_MEASURE, "sig-10": OFFENCE_UNDER_MEASURE, "sig-11": WORRY_UNDER_MEASURE,
    "sig-12": WORRY, "sig-13": OFFENCE, "sig-14": WORRY,
    # IP ou signalement ?
    "dec-01": WORRY, "dec-02": OFFENCE_UNDER_MEASURE, "dec-03": DANGER, "dec-04": WORRY, "dec-05": OFFENCE,
    "dec-06": NOTHING, "dec-07": WORRY, "dec-08": DANGER, "dec-09": OFFENCE, "dec-10": WORRY,
    "dec-11": OFFENCE, "dec-12": DANGER, "dec-13": WORRY, "dec-14": OFFENCE_UNDER_MEASURE,
    "dec-15": OFFENCE,  # over for eight months: still a signalement
    "dec-16": WORRY,  # only a risk: nothing has happened yet
    "dec-17": WORRY_UNDER_MEASURE,  # back from running away, placed, nothing revealed
    "dec-18": OFFENCE_UNDER_MEASURE,  # AEMO, proxénétisme revealed
    # Évaluation finale
    "final-01": WORRY_UNDER_MEASURE, "final-02": OFFENCE, "final-05": WORRY, "final-06": DANGER,
    "final-09": OFFENCE_UNDER_MEASURE, "final-10b": OFFENCE,
    # Self-assessments, before and after
    "avant-1": WORRY, "avant-2": OFFENCE_UNDER_MEASURE, "avant-3": OFFENCE_UNDER_MEASURE,
    "avant-4": DANGER, "avant-5": OFFENCE, "avant-6": WORRY,
    "apres-1": WORRY, "apres-2": OFFENCE_UNDER_MEASURE, "apres-3": OFFENCE_UNDER_MEASURE,
    "apres-4": DANGER, "apres-5": OFFENCE, "apres-6": WORRY,
    # Follow-up checks at +30 and +90 days
    "s30-01": WORRY, "s30-02": OFFENCE,  # over since September: still a signalement
    "s30-04": OFFENCE,  # images of a child solicited, none sent
    "s90-01": WORRY_UNDER_MEASURE, "s90-02": WORRY_UNDER_MEASURE, "s90-05": DANGER,
}

# Pairs of vignettes whose facts are alike: the course must answer them alike.
COMPARABLE = [
    ("sig-10", "final-10b"),  # an adult "boyfriend" of a girl under 15 (227-25, 222-23-1 CP)
    ("sig-01", "dec-01"),     # gifts, absences, an adult waiting in a car; nothing revealed
    ("sig-09", "avant-3"),    # humiliating sexual relations described now, young person placed
    ("sig-09", "apres-3"),
    ("sig-03", "final-09"),   # an intimate image of a minor circulating
    ("avant-2", "apres-2"),
    ("sig-02", "dec-17"),     # placed, running away, money, nothing revealed
    ("dec-07", "dec-17"),     # back from running away, nothing revealed (at home / placed)
    ("s90-02", "dec-17"),     # placed, running away, money, nothing revealed
    ("s30-02", "dec-15"),     # a situation that is over: still a signalement
]


def keyed_decision(question) -> str:
    if isinstance(question, SignalQuestion):
        return question.advised_decision
    return next(o.decision for o in question.options.all() if o.is_correct)


def classified_items():
    kinds = [Quiz.Kind.SCENARIO, Quiz.Kind.FINAL, Quiz.Kind.SELF_BEFORE, Quiz.Kind.SELF_AFTER,
             Quiz.Kind.FOLLOWUP_30, Quiz.Kind.FOLLOWUP_90]
    return [
        q for q in Question.objects.filter(quiz__kind__in=kinds, archived=False).prefetch_related("options")
        if isinstance(q, (SignalQuestion, DecisionQuestion))
    ]


def test_every_item_follows_the_one_decision_rule(shipped):
    """Signals without a revelation → IP; an offence revealed or established, even past →
    signalement; immediate danger → 17 then signalement: every signal item's advice and every
    decision item's key is what the rule gives for its facts."""
    items = classified_items()
    unclassified = sorted(q.slug for q in items if q.slug not in FACTS)
    assert unclassified == [], "classez ces items dans FACTS"
    wrong = {q.slug: (keyed_decision(q), the_rule(FACTS[q.slug])) for q in items
             if keyed_decision(q) != the_rule(FACTS[q.slug])}
    assert wrong == {}


def test_comparable_facts_get_the_same_answer(shipped):
    """Two vignettes with the same kind of facts never get different decisions: an offence or
    an immediate danger is answered alike whether or not the young person is already followed;
    mere worry differs only by who receives it (the CRIP, or the service in charge of the measure)."""
    items = {q.slug: q for q in classified_items()}
    for first, second in COMPARABLE:
        one, other = FACTS[first], FACTS[second]
        assert (one.immediate_danger, one.offence_revealed_or_established) == (
            other.immediate_danger, other.offence_revealed_or_established), (first, second)
        decisions = {keyed_decision(items[first]), keyed_decision(items[second])}
        if one.immediate_danger or one.offence_revealed_or_established or (
                one.under_protection_measure == other.under_protection_measure):
            assert len(decisions) == 1, (first, second, decisions)
        else:
            assert decisions == {Decision.IP, Decision.MESURE}, (first, second, decisions)


# --- the same strategies on the orders learners are shown --------------------------------------
# Learners see each attempt's options shuffled (pinned options in place, `quizzes.attempts`).
# A blind learner who always takes the first option, or ticks the first k boxes, then scores
# what chance gives: on average far under the pass mark, and a blind pass stays rare. A
# three-question lesson check (2 of 3 right to pass at 60 %) is passed by chance in about one
# blind attempt in eight whatever the order (measured 4.7 to 16.7 %, 300 shuffles): it is a
# formative check, retried freely; the quizzes the certificate rests on allow one in twenty.
SHUFFLES = 300
RARE = {Quiz.Kind.LESSON_CHECK: 0.20}
RARE_OTHERWISE = 0.05


def positional_strategies(content: QuizContent) -> dict:
    """The strategies whose answer depends on where options are shown."""
    strategies = {
        "toujours la première": lambda options: {options[0].id},
        "toujours la dernière": lambda options: {options[-1].id},
    }
    widest = max((len(content.options[q.id]) for q in content.questions if q.input_type == "checkbox"), default=0)
    for k in range(1, widest + 1):
        strategies[f"les {k} premières cases"] = lambda options, k=k: {o.id for o in options[:k]}
    return strategies


def shuffled_blind_scores(content: QuizContent, shuffles: int = SHUFFLES) -> dict[str, list[float]]:
    """Each positional strategy's score on `shuffles` attempts, each shown as a learner sees
    it (`as_shown`, seeded: the same numbers on every run). One-answer items take the
    one-answer strategy; tick-box items the tick-box one."""
    strategies = positional_strategies(content)
    one_answer = {name: fn for name, fn in strategies.items() if name.startswith("toujours")}
    ticks = {name: fn for name, fn in strategies.items() if not name.startswith("toujours")}
    ticks = ticks or {"": lambda options: set()}
    scores: dict[str, list[float]] = {}
    for seed in range(shuffles):
        shown = as_shown(content, seed=f"test-{seed}")
        for (one_name, one), (tick_name, tick) in product(one_answer.items(), ticks.items()):
            chosen = {q.id: (tick if q.input_type == "checkbox" else one)(shown.options[q.id]) for q in shown.questions}
            scores.setdefault(f"{one_name} / {tick_name}", []).append(grade_all(shown, chosen)[0])
    return scores


def blind_passes(content: QuizContent) -> dict[str, tuple[float, float]]:
    """Strategies whose mean score reaches half the pass mark, or that pass blind more often
    than the quiz allows: name -> (mean score, share of attempts passed)."""
    bar = bar_of(content.quiz)
    rare = RARE.get(content.quiz.kind, RARE_OTHERWISE)
    flagged = {}
    for name, scores in shuffled_blind_scores(content).items():
        mean = sum(scores) / len(scores)
        share = sum(reaches(score, bar) for score in scores) / len(scores)
        if mean >= bar / 2 or share > rare:
            flagged[name] = (round(mean, 3), round(share, 3))
    return flagged


@pytest.mark.parametrize("slug", SHIPPED_QUIZZES)
def test_no_blind_strategy_passes_on_the_shuffled_orders(shipped, slug):
    """On the orders learners are actually shown (shuffled per attempt), always the first or
    the last option, or the first k boxes, scores on average under half the pass mark, and
    passes blind at most once in twenty attempts (lesson checks: what chance gives three
    questions)."""
    content = load_quiz(Quiz.objects.get(slug=slug))
    assert blind_passes(content) == {}, f"{slug} (seuil {bar_of(content.quiz):.0%})"


def test_the_shuffled_check_catches_a_quiz_whose_options_are_pinned_right_first(shipped):
    """The check can fail: the final evaluation with every right option moved first and every
    option pinned (so nothing shuffles) is passed blind by « toujours la première »."""
    content = load_quiz(Quiz.objects.get(kind=Quiz.Kind.FINAL))
    for question in content.questions:
        options = sorted(content.options[question.id], key=lambda option: not option.is_correct)
        for option in options:
            option.pinned = True
        content.options[question.id] = options
    flagged = blind_passes(content)
    assert any(name.startswith("toujours la première") for name in flagged), flagged
