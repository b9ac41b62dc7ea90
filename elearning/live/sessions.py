"""Live sessions' write paths and read-side rows. One function per event, each in a
transaction that locks the session row, so a vote and the closing of that vote never cross."""
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, OuterRef
from django.utils import timezone

from elearning.live.models import IDLE_LIMIT, LiveSession, Participant, Vote
from elearning.models import Cohort
from quizzes.models import CaseQuestion, Option, Question, Quiz

Phase = LiveSession.Phase

# What each trainer action does: the phases it may start from, and the phase it leads to.
ACTIONS = {
    "afficher": ({Phase.LOBBY}, Phase.SHOWN),
    "ouvrir": ({Phase.SHOWN, Phase.CLOSED}, Phase.OPEN),
    "clore": ({Phase.OPEN}, Phase.CLOSED),
    "reveler": ({Phase.CLOSED}, Phase.REVEALED),
    "suivante": ({Phase.REVEALED, Phase.CLOSED, Phase.SHOWN}, Phase.SHOWN),
    "terminer": ({Phase.LOBBY, Phase.SHOWN, Phase.OPEN, Phase.CLOSED, Phase.REVEALED}, Phase.ENDED),
}
ACTION_LABELS = {
    "afficher": "Afficher la première question",
    "ouvrir": "Ouvrir le vote",
    "clore": "Clore le vote",
    "reveler": "Révéler les réponses",
    "suivante": "Question suivante",
    "terminer": "Terminer la session",
}
LIVE_QUIZ_KINDS = [Quiz.Kind.SCENARIO, Quiz.Kind.LESSON_CHECK, Quiz.Kind.FINAL]


class LiveRefused(Exception):
    """The action or the vote is not possible now; the message says why, in French."""


def live_questions():
    """Questions answered in one vote on a phone: a case that unfolds (« situation
    évolutive ») is played scene by scene on its own pages, never in a live session."""
    return Question.objects.filter(archived=False).not_instance_of(CaseQuestion)


def live_quizzes():
    return (Quiz.objects.published().filter(kind__in=LIVE_QUIZ_KINDS)
            .filter(Exists(live_questions().filter(quiz=OuterRef("pk")))).order_by("order", "title"))


def start_session(*, cohort: Cohort, quiz: Quiz, trainer) -> LiveSession:
    """A new session on `quiz` for `cohort`, its questions fixed as they are now."""
    question_ids = list(live_questions().filter(quiz=quiz).order_by("order", "id").values_list("id", flat=True))
    if not question_ids:
        raise LiveRefused("Ce quiz n'a aucune question : choisissez-en un autre.")
    for _ in range(5):  # a code already taken: draw another
        try:
            with transaction.atomic():
                return LiveSession.objects.create(
                    cohort=cohort, quiz=quiz, quiz_title=quiz.title, question_ids=question_ids, started_by=trainer,
                )
        except IntegrityError:
            continue
    raise LiveRefused("Impossible de créer un code de session : réessayez.")


def _locked(session_id: int) -> LiveSession:
    return LiveSession.objects.select_for_update().get(pk=session_id)


def drive(*, session: LiveSession, action: str) -> LiveSession:
    """The trainer's buttons: show, open, close, reveal, next, end."""
    if action not in ACTIONS:
        raise LiveRefused("Action inconnue.")
    with transaction.atomic():
        locked = _locked(session.pk)
        now = timezone.now()
        if locked.is_over(now):
            raise LiveRefused("Cette session est terminée.")
        allowed, target = ACTIONS[action]
        if locked.phase not in allowed:
            raise LiveRefused(f"« {ACTION_LABELS[action]} » n'est pas possible à cette étape "
                              f"({locked.get_phase_display().lower()}).")
        if action == "suivante":
            if locked.position + 1 >= len(locked.question_ids):
                target = Phase.ENDED
            else:
                locked.position += 1
        locked.phase = target
        if target == Phase.ENDED:
            locked.ended_at = now
        locked.last_activity = now
        locked.version += 1
        locked.save(update_fields=["phase", "position", "ended_at", "last_activity", "version"])
        return locked


def find_session(code: str) -> LiveSession | None:
    """The running session with this code, or None (unknown, ended, or idle too long)."""
    code = (code or "").strip().upper()
    if len(code) != 6 or not code.isalnum() or not code.isascii():
        return None
    session = LiveSession.objects.filter(code=code).first()
    if session is None or session.is_over():
        return None
    return session


def join(*, session: LiveSession, user=None, pseudonym: str = "") -> Participant:
    return Participant.objects.create(
        session=session, user=user if user and user.is_authenticated else None, pseudonym=pseudonym.strip()[:40],
    )


def cast_vote(*, participant: Participant, question_id: int, option_ids: set[int]) -> Vote:
    """Record (or change) a participant's vote on the open question. Refused when the vote is
    not open, for another question, or with options of another question."""
    with transaction.atomic():
        session = _locked(participant.session_id)
        now = timezone.now()
        if session.is_over(now):
            raise LiveRefused("Cette session est terminée.")
        if session.phase != Phase.OPEN or session.current_question_id != question_id:
            raise LiveRefused("Le vote n'est pas ouvert pour cette question : votre réponse n'a pas été enregistrée.")
        question = Question.objects.get(pk=question_id)
        valid = set(Option.objects.filter(question_id=question_id).values_list("id", flat=True))
        option_ids = set(option_ids) & valid
        if not option_ids:
            raise LiveRefused("Choisissez une réponse avant de voter.")
        if question.input_type == "radio" and len(option_ids) > 1:
            raise LiveRefused("Une seule réponse est possible pour cette question.")
        vote, _ = Vote.objects.get_or_create(session=session, participant=participant, question_id=question_id)
        vote.options.set(option_ids)
        vote.save(update_fields=["updated_at"])
        if now - session.last_activity > IDLE_LIMIT / 8:  # keep the session alive, without a write per vote
            LiveSession.objects.filter(pk=session.pk).update(last_activity=now)
        return vote


# --- Read side ----------------------------------------------------------------------------


def public_state(session: LiveSession) -> dict:
    """What any screen may know: never who voted for what. Two queries."""
    question_id = session.current_question_id
    votes = Vote.objects.filter(session=session, question_id=question_id).count() if question_id else 0
    return {
        "version": session.version,
        "phase": session.phase,
        "position": session.position + 1 if question_id else 0,
        "total": session.question_count,
        "votes": votes,
        "participants": session.participants.count(),
        "ended": session.is_over(),
    }


@dataclass
class OptionCount:
    option: Option
    count: int
    share: float


def distribution(session: LiveSession, question_id: int) -> tuple[list[OptionCount], int]:
    """Each option of the question with the number of participants who chose it, and the
    number of voters. Two queries."""
    options = list(Option.objects.filter(question_id=question_id).order_by("order", "id"))
    counts = dict(
        Vote.options.through.objects.filter(vote__session=session, vote__question_id=question_id)
        .values_list("option_id").annotate(n=Count("id"))
    )
    voters = Vote.objects.filter(session=session, question_id=question_id).count()
    return [OptionCount(o, counts.get(o.id, 0), counts.get(o.id, 0) / voters if voters else 0.0) for o in options], voters


def summary(session: LiveSession) -> list[dict]:
    """Per question: its title, voters, and each option's count. A fixed number of queries."""
    questions = {q.id: q for q in Question.objects.non_polymorphic().filter(pk__in=session.question_ids)}
    options: dict[int, list[Option]] = {}
    for option in Option.objects.filter(question_id__in=session.question_ids).order_by("order", "id"):
        options.setdefault(option.question_id, []).append(option)
    counts = dict(
        ((row[0], row[1]), row[2]) for row in
        Vote.options.through.objects.filter(vote__session=session)
        .values_list("vote__question_id", "option_id").annotate(n=Count("id"))
    )
    voters = dict(
        Vote.objects.filter(session=session).values_list("question_id").annotate(n=Count("id"))
    )
    rows = []
    for rank, qid in enumerate(session.question_ids, 1):
        question = questions.get(qid)
        if question is None:
            continue
        n = voters.get(qid, 0)
        rows.append({
            "rank": rank, "question": question, "voters": n,
            "options": [OptionCount(o, counts.get((qid, o.id), 0), counts.get((qid, o.id), 0) / n if n else 0.0)
                        for o in options.get(qid, [])],
        })
    return rows
