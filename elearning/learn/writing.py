"""Writing exercises (« rédaction ») on the quiz page: save a draft and come back to it.

Sending the text is the quiz's own submission (elearning/learn/quiz.py); a draft is saved
from the same form (the button « Enregistrer le brouillon »). A session that expired while
the learner was typing loses nothing: the text travels through the login page
(`login_required_keeping_post`) and comes back in the form, to be saved or sent again."""
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.debug import sensitive_post_parameters

from elearning.learn.quiz import (
    followup_closed,
    get_quiz,
    kept_or_new_token,
    quiz_context,
    shown,
)
from elearning.resume import login_required_keeping_post
from quizzes.attempts import load_quiz, parse_choices
from quizzes.writing import MAX_LENGTH, clean_text
from quizzes.writing_actions import DraftTooLong, save_drafts, writing_questions


# The text is learner data: never in an error report (sensitive_post_parameters hides it).
@sensitive_post_parameters()
@login_required_keeping_post(lambda slug: reverse("quiz", args=[slug]))
def draft_save(request, slug):
    """POST: keep the texts typed in the quiz's writing questions. GET: back to the quiz."""
    if request.method != "POST":
        return redirect("quiz", slug=slug)
    quiz = get_quiz(slug)
    if closed := followup_closed(request, quiz):
        return closed
    content = load_quiz(quiz)
    chosen = parse_choices(content, request.POST)
    texts = {q.id: chosen[q.id] for q in writing_questions(content)}
    token, seed = kept_or_new_token(request.POST.get("token", ""), user=request.user, quiz=quiz)
    try:
        kept = save_drafts(user=request.user, content=content, texts=texts)
    except DraftTooLong:
        errors = {qid: (f"Votre texte dépasse la limite de {MAX_LENGTH} caractères : le brouillon n'a pas été "
                        "enregistré. Raccourcissez-le ; rien n'a été effacé.")
                  for qid, text in texts.items() if len(clean_text(text)) > MAX_LENGTH}
        context = quiz_context(quiz, shown(content, seed), token=token, chosen=chosen,
                               missing=[q for q in content.questions if q.id in errors], errors=errors)
        return render(request, "quizzes/quiz_detail.html", context, status=400)
    if any(clean_text(text) != text.replace("\r\n", "\n") for text in texts.values()):
        messages.warning(request, "Des caractères invisibles (caractère nul ou de contrôle) ont été retirés de "
                                  "votre texte avant l'enregistrement.")
    when = timezone.localtime().strftime("%H:%M")
    if kept:
        messages.success(request, f"Brouillon enregistré à {when}. Il vous attend sur cette page, même après "
                                  "déconnexion ; il disparaît quand vous envoyez votre texte.")
    else:
        messages.info(request, "Aucun texte à enregistrer : le brouillon est vide.")
    anchor = f"#question-{next(iter(texts))}" if texts else ""
    return redirect(reverse("quiz", args=[slug]) + anchor)
