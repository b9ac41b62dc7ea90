"""Live session pages: the trainer's control and projection views (under the cohort), the
participants' page (`/direct/`), and the JSON state that a small script polls every 2 s.

Without JavaScript, every page shows the current state when reloaded; with it,
`static/js/live.js` polls the state with `If-None-Match` and reloads when the trainer moves
on. The projection view never shows who chose what."""
import segno
from django.contrib import messages
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from elearning import svg
from elearning.access import cohort_for_trainer, trainer_required
from elearning.csv_export import csv_response, percent_cell
from elearning.live.forms import JoinForm, StartForm
from elearning.live.models import LiveSession, Participant, Vote
from elearning.live.sessions import (
    ACTION_LABELS,
    ACTIONS,
    LiveRefused,
    cast_vote,
    distribution,
    drive,
    find_session,
    join,
    public_state,
    start_session,
    summary,
)
from quizzes.models import Question

SESSION_KEY = "live_participants"  # session id -> participant id, in the visitor's Django session


def _percent(value: float) -> str:
    return f"{round(value * 100)} %"


def _chart(rows, chart_id: str, title: str) -> str:
    return svg.bar_chart(
        [svg.Bar(r.option.text, r.share, f"{r.count} ({_percent(r.share)})") for r in rows],
        chart_id=chart_id, title=title,
    )


def _question(session: LiveSession):
    qid = session.current_question_id
    return Question.objects.get(pk=qid) if qid else None


def _session_for_trainer(request, cohort_id, session_id) -> LiveSession:
    cohort = cohort_for_trainer(request.user, cohort_id)
    return get_object_or_404(LiveSession.objects.select_related("cohort"), pk=session_id, cohort=cohort)


def _join_url(request, session: LiveSession) -> str:
    return request.build_absolute_uri(reverse("live_room", args=[session.code]))


def _qr_svg(url: str) -> str:
    # segno writes presentation attributes only (no style attribute): the CSP stays strict.
    return mark_safe(segno.make(url, error="m").svg_inline(scale=6, title="QR code pour rejoindre la session"))


def _live_context(session: LiveSession, state_url: str, *, trainer: bool = False) -> dict:
    """The room sees the distribution once revealed; the trainer as soon as the vote closes."""
    question = _question(session)
    context = {
        "session": session, "question": question, "state": public_state(session), "state_url": state_url,
        "Phase": LiveSession.Phase,
    }
    shown = {LiveSession.Phase.REVEALED, LiveSession.Phase.CLOSED} if trainer else {LiveSession.Phase.REVEALED}
    if question and session.phase in shown:
        rows, voters = distribution(session, question.id)
        context.update(rows=rows, voters=voters, chart=_chart(
            rows, f"repartition-{question.id}", f"Répartition des réponses : {voters} participant·e(s)"))
    return context


# --- Trainer ----------------------------------------------------------------------------------


@trainer_required
def session_list(request, cohort_id):
    """Start a session on a quiz, and the cohort's past sessions with their summaries."""
    cohort = cohort_for_trainer(request.user, cohort_id)
    form = StartForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            session = start_session(cohort=cohort, quiz=form.cleaned_data["quiz"], trainer=request.user)
        except LiveRefused as refusal:
            form.add_error("quiz", str(refusal))
        else:
            return redirect("live_control", cohort.pk, session.pk)
    sessions = cohort.live_sessions.all()[:50]
    return render(request, "live/session_list.html", {
        "cohort": cohort, "form": form, "sessions": sessions, "nav_is_trainer": True,
    }, status=400 if form.errors else 200)


@trainer_required
def control(request, cohort_id, session_id):
    """The trainer's remote: the current question with its key, and the next possible actions."""
    session = _session_for_trainer(request, cohort_id, session_id)
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            drive(session=session, action=action)
        except LiveRefused as refusal:
            messages.error(request, str(refusal))
        return redirect("live_control", cohort_id, session_id)
    context = _live_context(session, reverse("live_state", args=[session.code]), trainer=True)
    over = session.is_over()
    context.update(
        cohort=session.cohort, nav_is_trainer=True, over=over, join_url=_join_url(request, session),
        actions=[] if over else [(name, ACTION_LABELS[name]) for name, (allowed, _) in ACTIONS.items()
                                 if session.phase in allowed],
        options=list(context["question"].options.order_by("order", "id")) if context["question"] else [],
    )
    return render(request, "live/control.html", context)


@trainer_required
def projection(request, cohort_id, session_id):
    """What the room sees: the code, the QR code, the question, then the distribution."""
    session = _session_for_trainer(request, cohort_id, session_id)
    join_url = _join_url(request, session)
    context = _live_context(session, reverse("live_state", args=[session.code]))
    context.update(cohort=session.cohort, join_url=join_url, qr=_qr_svg(join_url), nav_is_trainer=True,
                   over=session.is_over(),
                   options=list(context["question"].options.order_by("order", "id")) if context["question"] else [])
    return render(request, "live/projection.html", context)


@trainer_required
def session_summary(request, cohort_id, session_id):
    session = _session_for_trainer(request, cohort_id, session_id)
    rows = summary(session)
    for row in rows:
        row["chart"] = _chart(row["options"], f"bilan-{row['rank']}", f"Question {row['rank']} : {row['voters']} réponse(s)")
    return render(request, "live/summary.html", {
        "session": session, "cohort": session.cohort, "rows": rows, "nav_is_trainer": True,
        "participants": session.participants.count(),
    })


@trainer_required
def summary_csv(request, cohort_id, session_id):
    session = _session_for_trainer(request, cohort_id, session_id)
    header = ["Question", "Titre", "Réponses", "Option", "Bonne réponse", "Choisie par", "Part (%)"]

    def rows():
        for row in summary(session):
            for item in row["options"]:
                yield [row["rank"], row["question"].title, row["voters"], item.option.text,
                       item.option.is_correct, item.count, percent_cell(item.share)]

    return csv_response(header, rows(), filename=f"session-{session.code}-{session.started_at:%Y-%m-%d}.csv")


# --- Participants ----------------------------------------------------------------------------


def _participant(request, session: LiveSession) -> Participant | None:
    participant_id = request.session.get(SESSION_KEY, {}).get(str(session.pk))
    if participant_id is None:
        return None
    return Participant.objects.filter(pk=participant_id, session=session).first()


def _remember(request, participant: Participant) -> None:
    joined = dict(request.session.get(SESSION_KEY, {}))
    joined[str(participant.session_id)] = participant.pk
    request.session[SESSION_KEY] = joined


def join_view(request):
    """`/direct/`: type the code (or come from the QR code), optionally a pseudonym."""
    form = JoinForm(request.POST or None, initial={"code": request.GET.get("code", "")[:12]})
    if request.method == "POST" and form.is_valid():
        session = find_session(form.cleaned_data["code"])
        if session is None:
            form.add_error("code", "Aucune session en cours avec ce code : vérifiez-le à l'écran "
                                   "(la session est peut-être terminée).")
        else:
            participant = _participant(request, session) or join(
                session=session, user=request.user, pseudonym=form.cleaned_data["pseudonym"])
            _remember(request, participant)
            return redirect("live_room", session.code)
    return render(request, "live/join.html", {"form": form}, status=400 if form.errors else 200)


def room(request, code):
    """The participant's page: the current question and their own choice."""
    session = find_session(code)
    if session is None:
        return render(request, "live/ended.html", {"code": code[:12]}, status=404)
    participant = _participant(request, session)
    if participant is None:
        form = JoinForm(initial={"code": session.code})
        return render(request, "live/join.html", {"form": form, "session": session})
    context = _live_context(session, reverse("live_state", args=[session.code]))
    question = context["question"]
    mine = set()
    if question:
        vote = Vote.objects.filter(participant=participant, question=question).first()
        mine = set(vote.options.values_list("id", flat=True)) if vote else set()
    context.update(
        participant=participant, mine=mine,
        options=list(question.options.order_by("order", "id")) if question else [],
    )
    return render(request, "live/room.html", context)


@require_POST
def vote(request, code):
    session = find_session(code)
    if session is None:
        messages.error(request, "Cette session est terminée : votre réponse n'a pas été enregistrée.")
        return redirect("live_join")
    participant = _participant(request, session)
    if participant is None:
        return redirect("live_room", session.code)
    try:
        question_id = int(request.POST.get("question", ""))
        option_ids = {int(v) for v in request.POST.getlist("choix")}
    except ValueError:
        messages.error(request, "Réponse illisible : choisissez une réponse dans la liste.")
        return redirect("live_room", session.code)
    try:
        cast_vote(participant=participant, question_id=question_id, option_ids=option_ids)
    except LiveRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, "Votre réponse est enregistrée. Vous pouvez la modifier tant que le vote est ouvert.")
    return redirect("live_room", session.code)


def state(request, code):
    """The JSON state polled by every screen; 304 when nothing changed (ETag)."""
    session = find_session(code)
    if session is None:
        ended = LiveSession.objects.filter(code=(code or "")[:12].upper()).exists()
        if not ended:
            raise Http404("Session inconnue")
        return JsonResponse({"ended": True, "version": -1})
    data = public_state(session)
    etag = f'"{data["version"]}-{data["votes"]}-{data["participants"]}"'
    if etag in [tag.strip() for tag in request.headers.get("If-None-Match", "").split(",")]:
        response = HttpResponse(status=304)
    else:
        response = JsonResponse(data)
    response["ETag"] = etag
    response["Cache-Control"] = "no-cache"
    return response
