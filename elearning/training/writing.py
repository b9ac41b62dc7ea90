"""Trainers and the writing exercises (« rédaction ») of their group: the texts sent in the
group, a review of each (a comment per checked item, « validé » or « à reprendre »), and the
item analysis: which expected elements the group most often leaves out.

Every page goes through `cohort_for_trainer` (another organisation's group → 404) and a text
is found only through the group it was sent in (another group's text → 404). Texts are shown
here and to their author only: never in a CSV export, never in a log."""
from django import forms
from django.contrib import messages
from django.db.models import Count, Max, Min, Q
from django.shortcuts import get_object_or_404, redirect, render

from elearning.access import cohort_for_trainer, trainer_required
from quizzes.models import QuizResult, ReviewStatus, WritingCheck, WrittenAnswer
from quizzes.writing_actions import MAX_COMMENT_LENGTH, annotate_findings, review


def cohort_written_answers(cohort) -> list[WrittenAnswer]:
    """The texts sent in the group, newest first (one query)."""
    return list(
        WrittenAnswer.objects.filter(answer__attempt__cohort=cohort)
        .select_related("user", "answer__attempt")
        .order_by("-answer__attempt__submitted_at")
    )


def writing_item_analysis(cohort) -> list[dict]:
    """Per writing question, how often the group's best attempts miss each counted item,
    most missed first. One query; anonymous (the check rows hold no learner data)."""
    best = QuizResult.objects.filter(cohort=cohort).values("best_attempt_id")
    rows = (
        WritingCheck.objects.filter(answer__attempt_id__in=best, counted=True)
        .values("answer__question_id", "code")
        .annotate(title=Max("answer__title"), label=Max("label"), position=Min("order"),
                  total=Count("id"), missed=Count("id", filter=Q(passed=False)))
        .order_by("answer__question_id", "position")
    )
    questions: dict[int, dict] = {}
    for row in rows:
        question = questions.setdefault(row["answer__question_id"], {"title": row["title"], "items": [], "answers": 0})
        question["answers"] = max(question["answers"], row["total"])
        question["items"].append({"label": row["label"], "missed": row["missed"], "total": row["total"],
                                  "rate": row["missed"] / row["total"] if row["total"] else 0.0})
    for question in questions.values():
        question["items"].sort(key=lambda item: (-item["rate"], item["label"]))
    return list(questions.values())


class ReviewForm(forms.Form):
    """The trainer's review: a status, a general comment, a comment per checked item."""

    status = forms.ChoiceField(label="Décision", choices=ReviewStatus.choices, widget=forms.RadioSelect,
                               error_messages={"required": "Choisissez « Validé » ou « À reprendre »."})
    comment = forms.CharField(label="Commentaire général (facultatif)", required=False, max_length=MAX_COMMENT_LENGTH,
                              widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, checks, **kwargs):
        super().__init__(*args, **kwargs)
        self.checks = checks
        for check in checks:
            self.fields[f"item-{check.code}"] = forms.CharField(
                label=f"Commentaire : {check.label}", required=False, max_length=MAX_COMMENT_LENGTH,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def item_fields(self):
        return [(check, self[f"item-{check.code}"]) for check in self.checks]

    def item_comments(self) -> dict[str, str]:
        return {check.code: self.cleaned_data.get(f"item-{check.code}", "") for check in self.checks}


@trainer_required
def written_list(request, cohort_id):
    cohort = cohort_for_trainer(request.user, cohort_id)
    return render(request, "trainer/writing_list.html", {
        "nav_is_trainer": True, "cohort": cohort, "here": "Écrits (IP et signalements)",
        "written": cohort_written_answers(cohort), "analysis": writing_item_analysis(cohort),
    })


@trainer_required
def written_review(request, cohort_id, written_id):
    cohort = cohort_for_trainer(request.user, cohort_id)
    written = get_object_or_404(
        WrittenAnswer.objects.select_related("user", "answer__attempt").prefetch_related("comments"),
        pk=written_id, answer__attempt__cohort=cohort,
    )
    answer = written.answer
    checks = list(answer.writing_checks.order_by("order"))
    comments = {c.code: c.text for c in written.comments.all()}
    initial = {"status": written.review_status, "comment": written.review_comment,
               **{f"item-{code}": text for code, text in comments.items()}}
    form = ReviewForm(request.POST or None, checks=checks, initial=initial)
    if request.method == "POST" and form.is_valid():
        review(written=written, reviewer=request.user, status=form.cleaned_data["status"],
               comment=form.cleaned_data["comment"], item_comments=form.item_comments())
        messages.success(request, "Relecture enregistrée : l'apprenant·e la voit sur sa tentative et son tableau de bord.")
        return redirect("trainer_writing_review", cohort_id=cohort.pk, written_id=written.pk)
    answer.written = written
    answer._prefetched_objects_cache = {"writing_checks": checks}
    annotate_findings([answer])
    return render(request, "trainer/writing_review.html", {
        "nav_is_trainer": True, "cohort": cohort, "here": "Relire un écrit", "written": written,
        "answer": answer, "form": form,
    }, status=400 if form.errors else 200)
