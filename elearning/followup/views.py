"""Trainer pages for a group's deadline and invitations; the one-click unsubscribe page."""
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from elearning import mail
from elearning.access import cohort_for_trainer, trainer_required
from elearning.followup.forms import DeadlineForm, InvitationForm
from elearning.followup.invitations import invitation_rows, invite, parse
from elearning.followup.reminders import late_learners
from elearning.models import User
from elearning.progress.followup import retention, retention_charts
from quizzes.models import Attempt


@trainer_required
def deadline(request, cohort_id):
    """Set the group's target date; after it, who has not finished."""
    cohort = cohort_for_trainer(request.user, cohort_id)
    form = DeadlineForm(request.POST or None, instance=cohort)
    if request.method == "POST" and form.is_valid():
        form.save()
        if cohort.deadline:
            messages.success(request, f"Échéance fixée au {cohort.deadline:%d/%m/%Y} : les apprenant·es qui n'ont pas "
                                      "terminé recevront un rappel 7 jours puis 1 jour avant.")
        else:
            messages.success(request, "Échéance retirée : plus aucun rappel ne sera envoyé.")
        return redirect("followup_deadline", cohort.pk)
    today = timezone.localdate()
    return render(request, "followup/deadline.html", {
        "cohort": cohort, "form": form, "late": late_learners(cohort, today), "today": today, "nav_is_trainer": True,
    }, status=400 if form.errors else 200)


@trainer_required
def invitations(request, cohort_id):
    """Paste up to 200 addresses; each gets the group's join link; invited / joined."""
    cohort = cohort_for_trainer(request.user, cohort_id)
    form = InvitationForm(request.POST or None)
    report = None
    if request.method == "POST" and form.is_valid():
        entries, error = parse(form.cleaned_data["emails"])
        if error:
            form.add_error("emails", error)
        elif not cohort.join_open:
            form.add_error(None, "Les inscriptions de ce groupe sont fermées : rouvrez-les avant d'inviter.")
        else:
            report = invite(cohort=cohort, entries=entries, by=request.user,
                            join_url=request.build_absolute_uri(cohort.get_join_url()))
            form = InvitationForm(initial={"emails": "\n".join(t for n, t, msg, ok in report.lines if not ok)})
    return render(request, "followup/invitations.html", {
        "cohort": cohort, "form": form, "report": report, "rows": invitation_rows(cohort), "nav_is_trainer": True,
    }, status=400 if form.errors else 200)


@trainer_required
def cohort_retention(request, cohort_id):
    """The group's retention: before → after → +30 → +90 days per skill, first attempts."""
    cohort = cohort_for_trainer(request.user, cohort_id)
    rows = retention(Attempt.objects.filter(user__enrolments__cohort=cohort))
    return render(request, "followup/retention.html", {
        "cohort": cohort, "rows": rows, "charts": retention_charts(rows, f"groupe-{cohort.pk}"), "show_people": True,
        "nav_is_trainer": True,
    })


@csrf_exempt  # the signed token is the authorisation; mail clients post here (RFC 8058)
def unsubscribe(request, token):
    """One click (or one button) stops reminders; the link in every reminder leads here."""
    user_id = mail.user_id_from_token(token)
    user = User.objects.filter(pk=user_id).first() if user_id else None
    if user is None:
        return render(request, "followup/unsubscribe.html", {"invalid": True}, status=404)
    done = False
    if request.method == "POST":
        User.objects.filter(pk=user.pk).update(email_reminders=False)
        done = True
    return render(request, "followup/unsubscribe.html", {"done": done, "already": not user.email_reminders and not done})
