"""Playing a case (« situation évolutive ») of a quiz, scene by scene.

A quiz holds its cases like other questions. Each case is played on its own pages before
the quiz is sent: the learner reads a scene, chooses (POST), sees the feedback of that
choice with the next scene, and so on to an ending and its debrief. The progress lives on
the server (`quizzes.case_runs`): a reload, the back button, a second tab or a double click
record nothing twice, and a choice sent after the session expired comes back, ticked, after
signing in. Back on the quiz page, a finished case counts as answered; sending the quiz
grades its path and stores it in the attempt's snapshot.
"""
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from elearning.learn.quiz import followup_closed, get_quiz
from elearning.resume import login_required_keeping_post, resumed_post
from quizzes import case_runs
from quizzes.models import CaseQuestion, Quiz

POINT_LABELS = {
    2: "Le choix le plus protecteur",
    1: "Acceptable, mais incomplet",
    0: "À éviter",
}


class CaseStepForm(forms.Form):
    """One choice in one scene: where the learner stands (position, scene) travels with it, so
    that an old page sent again is recognised and records nothing."""

    position = forms.IntegerField(min_value=0, max_value=1000)
    scene = forms.SlugField(max_length=20)
    choice = forms.CharField(max_length=8, required=False)


def _case_or_404(quiz: Quiz, question_id: int) -> CaseQuestion:
    """A live case of this quiz; any other id (another quiz's, archived, a draft) is a 404."""
    return get_object_or_404(
        CaseQuestion.objects.filter(quiz=quiz, archived=False, status="published"), pk=question_id,
    )


def _open(request, slug, question_id):
    quiz = get_quiz(slug)
    if quiz.kind in (Quiz.Kind.SELF_BEFORE, Quiz.Kind.SELF_AFTER):
        raise Http404("Page introuvable")
    return quiz, _case_or_404(quiz, question_id)


def play_url(quiz: Quiz, case: CaseQuestion) -> str:
    return reverse("quiz_case", args=[quiz.slug, case.pk])


@login_required
def case_play(request, slug, question_id):
    """The scene to play (with the feedback of the choice just made), or the ending."""
    quiz, case = _open(request, slug, question_id)
    if closed := followup_closed(request, quiz):
        return closed
    state = case_runs.run_state(user=request.user, case=case)
    resumed = resumed_post(request)
    chosen = ""
    if resumed is not None and resumed.get("position") == str(state.position):
        chosen = resumed.get("choice", "")
    return _render(request, quiz, case, state, chosen=chosen)


def _render(request, quiz, case, state, *, chosen="", error="", status=200):
    if state.stale:
        messages.info(request, "Ce cas a été modifié depuis votre dernier passage : il reprend à la première scène.")
    last = state.last_step
    return render(request, "quizzes/case_play.html", {
        "quiz": quiz, "case": case, "state": state, "last": last,
        "last_label": POINT_LABELS.get(last.points, "") if last else "",
        "choices": case.graph.choices.get(state.scene.key, []) if state.scene else [],
        "chosen": chosen, "error": error,
        "scene_number": state.position + 1,
    }, status=status)


@login_required_keeping_post(lambda slug, question_id: reverse("quiz_case", args=[slug, question_id]))
def case_choose(request, slug, question_id):
    """POST: record the choice made in the current scene, once; then show what follows."""
    if request.method != "POST":
        return redirect("quiz_case", slug=slug, question_id=question_id)
    quiz, case = _open(request, slug, question_id)
    if closed := followup_closed(request, quiz):
        return closed
    form = CaseStepForm(request.POST)
    if not form.is_valid():
        state = case_runs.run_state(user=request.user, case=case)
        return _render(request, quiz, case, state, status=400,
                       error="Le formulaire a expiré ou a été modifié : choisissez de nouveau votre réponse.")
    outcome, state = case_runs.choose(
        user=request.user, case=case, position=form.cleaned_data["position"],
        scene_key=form.cleaned_data["scene"], choice_key=form.cleaned_data["choice"],
    )
    if outcome is case_runs.Outcome.INVALID:
        return _render(request, quiz, case, state, status=400,
                       error="Choisissez une des réponses proposées pour continuer.")
    if outcome is case_runs.Outcome.ALREADY:
        messages.info(request, "Ce choix avait déjà été enregistré (page rechargée ou revenue en arrière) : "
                               "voici où vous en êtes.")
    return redirect("quiz_case", slug=quiz.slug, question_id=case.pk)


@login_required
def case_restart(request, slug, question_id):
    """POST: play the case again from its first scene (before the quiz is sent)."""
    if request.method != "POST":
        return redirect("quiz_case", slug=slug, question_id=question_id)
    quiz, case = _open(request, slug, question_id)
    case_runs.restart(user=request.user, case=case)
    messages.info(request, "Le cas reprend à la première scène.")
    return redirect("quiz_case", slug=quiz.slug, question_id=case.pk)
