"""A group's settings (rename, archive, co-trainers) and the list of archived groups.

Every page looks the group up through `cohort_for_trainer` (elearning.access), the one
access check of every group page; the writes live in `elearning.cohorts` and
`elearning.memberships`.
"""
from django.contrib import messages
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render

from elearning import cohorts as cohort_actions
from elearning import memberships
from elearning.access import cohort_for_trainer, cohorts_for, trainer_required
from elearning.models import Membership, User
from elearning.training.team_forms import CotrainerForm, RenameForm


def _render(request, template, context):
    return render(request, template, {"nav_is_trainer": True, **context})


def _candidates(cohort):
    """Trainers of the group's organisation who do not train it yet."""
    return (
        User.objects.filter(memberships__organisation_id=cohort.organisation_id,
                            memberships__role=Membership.Role.TRAINER)
        .exclude(trained_cohorts=cohort).order_by("last_name", "first_name", "email")
    )


@trainer_required
def cohort_settings(request, cohort_id):
    """Rename the group (POST here), archive it, and list or add its co-trainers."""
    cohort = cohort_for_trainer(request.user, cohort_id)
    rename_form = RenameForm(request.POST or None, initial={"name": cohort.name})
    if request.method == "POST" and rename_form.is_valid():
        old_name = cohort.name
        try:
            cohort_actions.rename_cohort(cohort=cohort, name=rename_form.cleaned_data["name"])
        except cohort_actions.CohortNameTaken:
            rename_form.add_error("name", "Un groupe porte déjà ce nom dans cette organisation : choisissez-en un autre.")
        else:
            messages.success(request, f"Le groupe « {old_name} » s'appelle maintenant « {cohort.name} ».")
            return redirect("trainer_cohort_settings", cohort_id=cohort.pk)
    return _render(request, "trainer/cohort_settings.html", {
        "cohort": cohort,
        "here": "Réglages",
        "rename_form": rename_form,
        "trainers": list(cohort.trainers.order_by("last_name", "first_name", "email")),
        "cotrainer_form": CotrainerForm(_candidates(cohort)),
    })


@trainer_required
def cohort_archive(request, cohort_id):
    """Archive the group or bring it back (POST; a GET goes back to the settings)."""
    cohort = cohort_for_trainer(request.user, cohort_id)
    if request.method == "POST":
        archive = request.POST.get("action") != "restaurer"
        cohort_actions.set_archived(cohort=cohort, archived=archive)
        if archive:
            messages.success(request, f"Groupe « {cohort.name} » archivé : il quitte la liste de vos groupes, ses "
                                      "données restent, consultables dans « Groupes archivés ». Son code d'inscription "
                                      "est fermé.")
            return redirect("trainer_archived")
        messages.success(request, f"Groupe « {cohort.name} » de retour dans vos groupes. Son code d'inscription reste "
                                  "fermé : rouvrez-le si de nouvelles personnes doivent le rejoindre.")
        return redirect("trainer_cohort", cohort_id=cohort.pk)
    return redirect("trainer_cohort_settings", cohort_id=cohort.pk)


@trainer_required
def cotrainer_add(request, cohort_id):
    """Add a colleague trainer of the same organisation to the group (POST)."""
    cohort = cohort_for_trainer(request.user, cohort_id)
    if request.method == "POST":
        form = CotrainerForm(_candidates(cohort), request.POST)
        if form.is_valid():
            colleague = form.cleaned_data["user"]
            memberships.add_cotrainer(cohort=cohort, user=colleague)
            messages.success(request, f"{colleague.display_name} suit maintenant le groupe « {cohort.name} » avec vous.")
        else:
            messages.error(request, form.errors["user"][0])
    return redirect("trainer_cohort_settings", cohort_id=cohort.pk)


@trainer_required
def cotrainer_remove(request, cohort_id, trainer_id):
    """Take a trainer off the group (POST); the last one stays."""
    cohort = cohort_for_trainer(request.user, cohort_id)
    colleague = cohort.trainers.filter(pk=trainer_id).first()
    if colleague is None:
        raise Http404("Page introuvable")
    if request.method == "POST":
        try:
            memberships.remove_cotrainer(cohort=cohort, user=colleague)
        except memberships.MembershipError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"{colleague.display_name} ne suit plus le groupe « {cohort.name} ».")
            if colleague == request.user and not cohorts_for(request.user).filter(pk=cohort.pk).exists():
                return redirect("trainer_cohorts")
    return redirect("trainer_cohort_settings", cohort_id=cohort.pk)


@trainer_required
def archived_list(request):
    """« Groupes archivés » : the archived groups the user may open, newest first."""
    archived = (
        cohorts_for(request.user).filter(archived_at__isnull=False).select_related("organisation")
        .annotate(learners=Count("enrolments")).order_by("-archived_at", "pk")
    )
    return _render(request, "trainer/archived_list.html", {"cohorts": archived})
