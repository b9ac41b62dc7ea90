"""Drafts of questions and quizzes (see elearning/drafts.py): a question's draft carries its
options; the editors' preview loads a quiz as it will be once its drafts are published."""
from elearning.drafts import draft_for, with_draft
from elearning.models import ContentDraft
from quizzes.attempts import QuizContent
from quizzes.models import Option, Question

OPTION_DRAFT_FIELDS = ["key", "order", "pinned", "text", "is_correct", "feedback", "family", "decision"]


def option_draft_rows(formset) -> list[dict]:
    """The options as the editor left them in the form, for the question's draft: kept
    existing options (by id) and new ones (id None); deleted ones are left out."""
    return [
        {"id": form.instance.pk, **{name: getattr(form.instance, name) for name in OPTION_DRAFT_FIELDS}}
        for form in formset.kept_forms()
    ]


def draft_options(question) -> list[Option] | None:
    """The options of the question's draft as unsaved rows (new ones get negative ids so a
    preview can grade them), or None when the draft does not touch the options."""
    draft = getattr(question, "_draft", None)
    if draft is None or "options" not in draft.data:
        return None
    current = {option.pk: option for option in question.options.all()}
    rows = []
    for index, item in enumerate(draft.data["options"], start=1):
        option = current.get(item["id"]) or Option(question_id=question.pk)
        for name in OPTION_DRAFT_FIELDS:
            if name in item:  # a draft kept before a field existed leaves it as it is
                setattr(option, name, item[name])
        if option.pk is None:
            option.id = -index
        rows.append(option)
    return sorted(rows, key=lambda option: (option.order, option.id))


def load_draft_quiz(quiz) -> QuizContent:
    """The quiz as it will be once published: its draft, its questions' drafts (options
    included) and the questions not yet published; archived questions left out."""
    quiz = with_draft(quiz)
    questions = list(
        Question.objects.filter(quiz=quiz, archived=False).select_related("lesson__module").order_by("order", "id")
    )
    pending = {
        draft.object_id: draft
        for draft in ContentDraft.objects.filter(object_id__in=[q.pk for q in questions],
                                                 content_type__app_label="quizzes")
        .exclude(content_type__model="quiz").select_related("content_type")
    }
    options: dict[int, list[Option]] = {q.id: [] for q in questions}
    for option in Option.objects.filter(question_id__in=options).order_by("order", "id"):
        options[option.question_id].append(option)
    for question in questions:
        draft = pending.get(question.pk)
        if draft is not None and draft.content_type.model_class() is type(question):
            with_draft(question, draft)
            rows = draft_options(question)
            if rows is not None:
                options[question.pk] = rows
    questions.sort(key=lambda q: (q.order, q.id))
    return QuizContent(quiz=quiz, questions=questions, options=options)


def question_with_draft(question) -> tuple[Question, list[Option]]:
    question = with_draft(question, draft_for(question))
    rows = draft_options(question)
    return question, rows if rows is not None else list(question.options.order_by("order", "id"))
