"""The writes of the writing exercises (« rédaction »), one function per event: a learner saves
a draft; a trainer reviews a sent text. Recording the sent text itself is part of the attempt
(`quizzes.attempts.submit` → `WritingQuestion.after_recorded`).

Texts are learner data: these functions never log them."""
from django.db import transaction
from django.utils import timezone

from quizzes.attempts import QuizContent
from quizzes.models import ReviewStatus, WritingComment, WritingDraft, WritingQuestion, WrittenAnswer
from quizzes.writing import MAX_LENGTH, check_text, clean_text

MAX_COMMENT_LENGTH = 4_000


def writing_questions(content: QuizContent) -> list[WritingQuestion]:
    return [q for q in content.questions if isinstance(q, WritingQuestion)]


def saved_drafts(*, user, content: QuizContent) -> dict[int, str]:
    """The learner's saved texts for the quiz's writing questions (one query; none without any)."""
    questions = writing_questions(content)
    if not questions:
        return {}
    return dict(WritingDraft.objects.filter(user=user, question__in=questions).values_list("question_id", "text"))


class DraftTooLong(Exception):
    """A text over the length limit: nothing was saved."""


def save_drafts(*, user, content: QuizContent, texts: dict[int, str]) -> int:
    """Keep the learner's unsent texts (control characters removed); an empty text drops its
    draft. Returns how many drafts are kept. Raises `DraftTooLong` (nothing saved)."""
    questions = {q.id: q for q in writing_questions(content)}
    cleaned = {qid: clean_text(text) for qid, text in texts.items() if qid in questions}
    if any(len(text) > MAX_LENGTH for text in cleaned.values()):
        raise DraftTooLong
    kept = 0
    with transaction.atomic():
        for question_id, text in cleaned.items():
            if text.strip():
                WritingDraft.objects.update_or_create(user=user, question_id=question_id, defaults={"text": text})
                kept += 1
            else:
                WritingDraft.objects.filter(user=user, question_id=question_id).delete()
    return kept


def review(*, written: WrittenAnswer, reviewer, status: str, comment: str, item_comments: dict[str, str]) -> None:
    """A trainer's review: a status (« validé » or « à reprendre »), a general comment and a
    comment per checked item (an empty one removes it). The learner sees them on the attempt
    and on their dashboard."""
    if status not in ReviewStatus.values:
        raise ValueError(status)
    codes = set(written.answer.writing_checks.values_list("code", flat=True))
    with transaction.atomic():
        written.review_status = status
        written.review_comment = clean_text(comment)[:MAX_COMMENT_LENGTH]
        written.reviewed_by = reviewer
        written.reviewed_at = timezone.now()
        written.save(update_fields=["review_status", "review_comment", "reviewed_by", "reviewed_at"])
        for code, text in item_comments.items():
            if code not in codes:
                continue
            text = clean_text(text).strip()[:MAX_COMMENT_LENGTH]
            if text:
                WritingComment.objects.update_or_create(written=written, code=code,
                                                        defaults={"text": text, "author": reviewer})
            else:
                WritingComment.objects.filter(written=written, code=code).delete()


def annotate_findings(answers) -> None:
    """On each checked item of the written answers, what the check found in the text
    (`check.found`: dates, quotations, words to revise, data to remove) and the trainer's
    comment (`check.comment`). Read again from the stored text: the check rows themselves
    hold no learner text, since they outlive the account."""
    for answer in answers:
        written = getattr(answer, "written", None) if hasattr(answer, "writing_checks") else None
        if written is None:
            continue
        found = {item.code: item.found for item in check_text(written.text, task=written.task,
                                                              case_file=written.allowed_text).items}
        comments = {c.code: c.text for c in written.comments.all()} if written.pk else {}
        for check in answer.writing_checks.all():
            check.found = found.get(check.code, ())
            check.comment = comments.get(check.code, "")


def personal_writing_data(user) -> dict:
    """The learner's texts, the reviews of them and their drafts, for their data export."""
    written = (WrittenAnswer.objects.filter(user=user).select_related("answer__attempt__quiz")
               .prefetch_related("comments").order_by("answer__attempt__submitted_at"))
    return {
        "ecrits": [
            {
                "quiz": w.answer.attempt.quiz.slug, "question": w.answer.title,
                "envoye_le": w.answer.attempt.submitted_at.isoformat(), "ecrit": w.get_task_display(),
                "texte": w.text, "score": w.answer.score, "relecture": w.get_review_status_display() or None,
                "commentaire_general": w.review_comment,
                "commentaires": {c.code: c.text for c in w.comments.all()},
            }
            for w in written
        ],
        "brouillons_ecrits": [
            {"question": d.question.title, "enregistre_le": d.updated_at.isoformat(), "texte": d.text}
            for d in WritingDraft.objects.filter(user=user).select_related("question")
        ],
    }


def reviewed_for(user, *, limit: int = 5) -> list[WrittenAnswer]:
    """The learner's latest reviewed texts, for their dashboard (one query)."""
    return list(
        WrittenAnswer.objects.filter(user=user).exclude(review_status="")
        .select_related("answer__attempt__quiz").order_by("-reviewed_at")[:limit]
    )
