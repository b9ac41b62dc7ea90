"""When an editor changes the right answer of a question learners have already answered,
the version they answered is archived and the edited one replaces it.

The past is safe either way (each attempt keeps its snapshot and its score); archiving keeps
the statistics honest: the answers given under the old key stay with an archived copy of the
old version, so item analyses never mix two answer keys under one question, and the edited
question (same id, same slug, so the fixtures still match it) starts without answers.
"""
from dataclasses import dataclass

from django.db import transaction

from quizzes.models import Answer, AnswerOption, Option, Question

ARCHIVED_REASON = "Version archivée : la bonne réponse a changé après des réponses d'apprenant·es"


@dataclass
class AnsweredVersion:
    """A question as learners answered it, read before an edit is saved."""

    question: Question  # the subclass instance, as stored
    options: list[Option]

    @property
    def right_keys(self) -> set[str]:
        return {option.key for option in self.options if option.is_correct}


def answered_version(*, question: Question) -> AnsweredVersion | None:
    """The stored version of `question` when learners have answered it, else None."""
    if question.pk is None or not Answer.objects.filter(question_id=question.pk).exists():
        return None
    stored = type(question)._default_manager.get(pk=question.pk)
    return AnsweredVersion(question=stored, options=list(Option.objects.filter(question_id=question.pk)))


def answered_versions() -> dict[int, AnsweredVersion]:
    """Every live question learners have answered, as stored now, by id (a fixed number of
    queries: one per question type, one for the options)."""
    ids = set(Answer.objects.values_list("question_id", flat=True).distinct())
    options: dict[int, list[Option]] = {}
    for option in Option.objects.filter(question_id__in=ids):
        options.setdefault(option.question_id, []).append(option)
    return {
        question.pk: AnsweredVersion(question=question, options=options.get(question.pk, []))
        for question in Question.objects.filter(pk__in=ids, archived=False)
    }


def changed_right_answers(versions: dict[int, AnsweredVersion]) -> list[AnsweredVersion]:
    """Those of `versions` whose options marked right are no longer the same (one query)."""
    now: dict[int, set[str]] = {}
    for question_id, key in Option.objects.filter(question_id__in=versions, is_correct=True).values_list(
            "question_id", "key"):
        now.setdefault(question_id, set()).add(key)
    return [version for question_id, version in versions.items() if now.get(question_id, set()) != version.right_keys]


def right_answer_changed(*, before: AnsweredVersion, question: Question) -> bool:
    """Whether the options marked right now differ from those learners were graded on."""
    now = {option.key for option in Option.objects.filter(question_id=question.pk, is_correct=True)}
    return now != before.right_keys


def archived_message(copy: Question) -> str:
    """What the editor is told after an archive (French)."""
    return (f"La bonne réponse a changé alors que des apprenant·es avaient déjà répondu : la version "
            f"qu'elles et ils ont vue est archivée (« {copy.slug} ») avec leurs réponses et leurs scores, "
            "qui ne changent pas. La question modifiée repart sans réponses.")


def _free_slug(slug: str) -> str:
    for number in range(1, 1000):
        candidate = f"{slug[:64]}-archivee-{number}"
        if not Question.objects.filter(slug=candidate).exists():
            return candidate
    raise RuntimeError("no free slug for an archived version")


@transaction.atomic
def archive_answered_version(*, before: AnsweredVersion, user) -> Question:
    """Store `before` as an archived question holding every answer given so far (their
    snapshot options point to the copy's options, by key). Returns the archived copy."""
    copy = before.question
    live_id = copy.pk
    # A new row of the same type (multi-table inheritance: clear both keys).
    copy.pk = copy.id = None
    copy._state.adding = True
    copy.slug = _free_slug(copy.slug)
    copy.archived = True
    copy._history_user = user
    copy._change_reason = ARCHIVED_REASON
    copy.save()
    new_ids = {}
    for option in before.options:
        option.pk = None
        option._state.adding = True
        option.question = copy
        option._history_user = user
        option._change_reason = ARCHIVED_REASON
        option.save()
        new_ids[option.key] = option.pk
    answers = Answer.objects.filter(question_id=live_id)
    answer_ids = list(answers.values_list("id", flat=True))
    answers.update(question=copy)
    for key, option_id in new_ids.items():
        AnswerOption.objects.filter(answer_id__in=answer_ids, key=key).update(option_id=option_id)
    return copy
