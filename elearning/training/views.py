"""Trainer pages: cohorts, their join code, and what a group has understood.

Every page is behind `trainer_required` (anyone else gets a 404), and every group in a URL
is looked up through `elearning.access.cohort_for_trainer` (the group's co-trainers and the
organisation's managers): another organisation's cohort, learner or export answers 404,
exactly like an id that does not exist. The aggregates live in `elearning.training.reports`;
views check access, call, and render.
"""
from django.contrib import messages
from django.db import IntegrityError
from django.db.models import Count, Exists, OuterRef
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode

from elearning import roster, svg
from elearning.access import (
    cohort_for_trainer,
    cohorts_for,
    organisation_for_staff,
    staff_organisations,
    trainer_required,
)
from elearning.cohorts import create_cohort, regenerate_join_code, remove_learner, set_join_open
from elearning.csv_export import csv_response, dated_filename, percent_cell
from elearning.models import Cohort, Membership
from elearning.progress.completion import course_shape
from elearning.templatetags.reperes import decimal_fr, percent, points
from elearning.training import reports
from elearning.training.forms import CodeActionForm, CohortForm, LearnerFilterForm, RosterImportForm

# --- Access ---------------------------------------------------------------------------------------


def _cohort_or_404(request, cohort_id) -> Cohort:
    return cohort_for_trainer(request.user, cohort_id)


def _join_link(request, cohort: Cohort) -> str:
    return request.build_absolute_uri(cohort.get_join_url())


def _render(request, template, context):
    # The user is a trainer (checked by the decorator): spare the menu its own query.
    return render(request, template, {"nav_is_trainer": True, **context})


# --- Pages ----------------------------------------------------------------------------------------


@trainer_required
def cohort_list(request):
    """« Mes groupes » : the active groups the user trains (all of them for a manager), by
    organisation, and a form to create one."""
    organisations = staff_organisations(request.user).annotate(
        managed=Exists(Membership.objects.filter(user=request.user, organisation=OuterRef("pk"),
                                                 role=Membership.Role.MANAGER))
    ).order_by("name")
    form = CohortForm(organisations, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            cohort = create_cohort(organisation=form.cleaned_data["organisation"], name=form.cleaned_data["name"],
                                   created_by=request.user)
        except IntegrityError:  # the same name was created in between (double submit)
            form.add_error("name", CohortForm.DUPLICATE_NAME)
        else:
            messages.success(request, f"Groupe « {cohort.name} » créé. Partagez son code ou son lien d'inscription.")
            return redirect("trainer_cohort", cohort_id=cohort.pk)
    organisation_list = form.organisations
    cohorts = (
        cohorts_for(request.user).filter(organisation__in=[o.pk for o in organisation_list])
        .annotate(learners=Count("enrolments"))
        .order_by("name", "pk")
    )
    by_organisation = {o.pk: [] for o in organisation_list}
    has_archived = False
    for cohort in cohorts:  # archived groups are fetched too (same query), only to offer their list
        if cohort.is_archived:
            has_archived = True
            continue
        cohort.join_link = _join_link(request, cohort)
        by_organisation[cohort.organisation_id].append(cohort)
    return _render(request, "trainer/cohort_list.html", {
        "organisations": [(o, by_organisation[o.pk]) for o in organisation_list],
        "form": form,
        "has_archived": has_archived,
    })


@trainer_required
def cohort_dashboard(request, cohort_id):
    """The cohort dashboard: funnel, quizzes, before/after, and the learner table."""
    cohort = _cohort_or_404(request, cohort_id)
    shape = course_shape()
    query = reports.LearnerQuery.from_params(request.GET)
    funnel = reports.cohort_funnel(cohort, shape)
    quizzes = reports.quiz_stats(cohort, shape)
    gains = reports.skill_gains(cohort)
    rows, page = reports.learner_page(cohort, shape, query, request.GET.get("page"), funnel=funnel)
    cohort.join_link = _join_link(request, cohort)
    return _render(request, "trainer/cohort_dashboard.html", {
        "cohort": cohort,
        "shape": shape,
        "funnel": funnel,
        "funnel_chart": svg.bar_chart(
            [svg.Bar(step.label, step.rate, f"{step.count} ({percent(step.rate)})") for step in funnel.steps],
            chart_id="entonnoir", title="Progression du groupe, du nombre d'inscrit·es à l'attestation",
        ),
        "quizzes": quizzes,
        "quiz_chart": svg.bar_chart(
            [svg.Bar(s.quiz.title, s.pass_rate, f"{percent(s.pass_rate)} de réussite ({s.participants})")
             for s in quizzes],
            chart_id="quiz", title="Taux de réussite par quiz (meilleure tentative de chaque apprenant·e)",
        ) if quizzes else "",
        "gains_paired": max((g.paired for g in gains), default=0),
        "gains": [
            {"gain": g, "score_gain": points(g.score_gain), "confidence_gain": _signed(g.confidence_gain),
             "confidence_before": _confidence(g.confidence_before), "confidence_after": _confidence(g.confidence_after)}
            for g in gains
        ],
        "gain_chart": svg.paired_bar_chart(
            [svg.Bar(g.label, g.score_before, percent(g.score_before), g.score_after, percent(g.score_after))
             for g in gains],
            chart_id="avant-apres", title="Score moyen par compétence, au test avant et au test après le parcours",
        ),
        "confidence_chart": svg.paired_bar_chart(
            [svg.Bar(g.label, _scale(g.confidence_before), _confidence(g.confidence_before),
                     _scale(g.confidence_after), _confidence(g.confidence_after)) for g in gains],
            chart_id="confiance", title="Confiance moyenne déclarée par compétence (de 1 à 4), avant et après",
        ),
        "rows": rows,
        "page": page,
        "query": query,
        "filter_form": LearnerFilterForm(initial={"profession": query.profession, "departement": query.departement,
                                                  "recherche": query.search}),
        "columns": _sort_columns(query),
        "page_params": _params(query),
        "export_url": reverse("trainer_export_learners", args=[cohort.pk]) + "?" + _params(query),
    })


def _scale(confidence):
    """A mean confidence (1 to 4) as a fraction of the bar: 1 is an empty bar."""
    return None if confidence is None else (confidence - 1) / 3


def _confidence(value) -> str:
    return "—" if value is None else decimal_fr(value) + " / 4"


def _signed(gain) -> str:
    if gain is None:
        return "—"
    text = decimal_fr(abs(gain))
    return ("+" if text != "0,0" and gain > 0 else "−" if text != "0,0" and gain < 0 else "") + text


SORT_COLUMNS = [
    ("nom", "Apprenant·e"),
    ("progression", "Progression"),
    ("score", "Score moyen aux quiz"),
    ("finale", "Évaluation finale"),
    ("activite", "Dernière activité"),
    ("inscription", "Inscription"),
]


def _params(query: reports.LearnerQuery, **overrides) -> str:
    values = {"tri": query.sort_param, "profession": query.profession, "departement": query.departement,
              "recherche": query.search}
    values.update(overrides)
    return urlencode({key: value for key, value in values.items() if value})


def _sort_columns(query: reports.LearnerQuery) -> list[dict]:
    """Header links: a click sorts by the column, a second click reverses the order."""
    columns = []
    for key, label in SORT_COLUMNS:
        current = query.sort == key
        descending_first = key in {"progression", "score", "finale", "activite"}
        if current:
            next_sort = key if query.descending else f"-{key}"
        else:
            next_sort = f"-{key}" if descending_first else key
        columns.append({
            "label": label,
            "url": "?" + _params(query, tri=next_sort),
            "aria_sort": ("descending" if query.descending else "ascending") if current else "",
        })
    return columns


@trainer_required
def cohort_items(request, cohort_id):
    """Item analysis: per question, what the group gets right and wrong."""
    cohort = _cohort_or_404(request, cohort_id)
    analysis = reports.item_analysis(cohort)
    return _render(request, "trainer/cohort_items.html", {
        "cohort": cohort,
        "analysis": analysis,
        "hardest_chart": svg.bar_chart(
            [svg.Bar(item.title, item.success_rate, f"{percent(item.success_rate)} ({item.answered})")
             for item in analysis.hardest],
            chart_id="plus-ratees", title="Taux de réussite des questions les plus ratées",
        ) if analysis.hardest else "",
        "family_chart": svg.bar_chart(
            [svg.Bar(f.label, f.rate, f"{percent(f.rate)} manqués ({f.missed} sur {f.shown})")
             for f in analysis.families],
            chart_id="familles", title="Part des signaux manqués, par famille de signaux",
        ) if analysis.families else "",
    })


@trainer_required
def export_learners(request, cohort_id):
    """The learner table as CSV (same filters and order as the page), streamed."""
    cohort = _cohort_or_404(request, cohort_id)
    shape = course_shape()
    query = reports.LearnerQuery.from_params(request.GET)
    header = [
        "Nom", "Prénom", "E-mail", "Profession", "Département", "Inscription", "Progression (%)",
        f"Leçons terminées (sur {shape.n_lessons})", f"Quiz réussis (sur {shape.n_quizzes})",
        "Score moyen aux quiz (%)", "Évaluation finale (%)", "Attestation", "Dernière activité",
        *[f"{quiz.title} (%)" for quiz in shape.quizzes],
    ]
    values = reports.learner_rows(cohort, shape, query, quiz_columns=True).iterator(chunk_size=2000)

    def rows():
        for value in values:
            row = reports.to_learner_row(value, shape)
            yield [
                row.last_name, row.first_name, row.email, row.profession_label, row.departement_label,
                row.joined_at, percent_cell(row.progress), row.lessons_done, row.quizzes_passed,
                percent_cell(row.mean_score), percent_cell(row.final_score), row.has_certificate,
                row.last_activity, *[percent_cell(score) for score in row.quiz_scores],
            ]

    return csv_response(header, rows(), filename=dated_filename(cohort.name, "apprenants"))


@trainer_required
def export_items(request, cohort_id):
    """The item analysis as CSV, one row per question."""
    cohort = _cohort_or_404(request, cohort_id)
    analysis = reports.item_analysis(cohort)
    header = ["Quiz", "Question", "Type", "Compétence", "Réponses", "Réussite (%)", "Score moyen (%)",
              "Mauvaise réponse la plus choisie", "Choisie par (%)"]
    rows = (
        [item.quiz_title, item.title, item.type_label, item.skill_label, item.answered,
         percent_cell(item.success_rate), percent_cell(item.mean_score),
         item.top_wrong.text if item.top_wrong else "", percent_cell(item.top_wrong.rate) if item.top_wrong else None]
        for item in analysis.items
    )
    return csv_response(header, rows, filename=dated_filename(cohort.name, "questions"))


@trainer_required
def remove_learner_view(request, cohort_id, user_id):
    """Confirm (GET), then take the learner out of the cohort (POST)."""
    cohort = _cohort_or_404(request, cohort_id)
    enrolment = reports.cohort_learner(cohort, user_id)
    if enrolment is None:
        raise Http404("Page introuvable")
    if request.method == "POST":
        name = enrolment.user.display_name
        remove_learner(enrolment=enrolment)
        messages.success(request, f"{name} ne fait plus partie du groupe « {cohort.name} ».")
        return redirect("trainer_cohort", cohort_id=cohort.pk)
    return _render(request, "trainer/remove_learner.html", {"cohort": cohort, "learner": enrolment.user})


@trainer_required
def cohort_code(request, cohort_id):
    """Close, reopen or renew the join code (POST; a GET goes to the group's page; the cohort
    is checked first, so another organisation's id answers 404 whatever the method)."""
    cohort = _cohort_or_404(request, cohort_id)
    if request.method != "POST":
        return redirect("trainer_cohort", cohort_id=cohort.pk)
    form = CodeActionForm(request.POST)
    if form.is_valid():
        action = form.cleaned_data["action"]
        if action == CodeActionForm.CLOSE:
            set_join_open(cohort=cohort, is_open=False)
            messages.success(request, f"Inscriptions fermées pour « {cohort.name} » : le code et le lien ne "
                                      "fonctionnent plus. Les apprenant·es déjà inscrit·es gardent leur accès.")
        elif action == CodeActionForm.OPEN:
            set_join_open(cohort=cohort, is_open=True)
            messages.success(request, f"Inscriptions rouvertes pour « {cohort.name} » avec le code {cohort.join_code}.")
        elif not request.POST.get("confirme"):
            # Renewing breaks the link already shared: say so, and ask first.
            return _render(request, "trainer/code_renew_confirm.html", {
                "cohort": cohort, "retour": form.cleaned_data.get("retour") or "groupe",
            })
        else:
            code = regenerate_join_code(cohort=cohort)
            messages.success(request, f"Nouveau code pour « {cohort.name} » : {code}. L'ancien code et l'ancien "
                                      "lien ne fonctionnent plus.")
    else:
        messages.error(request, "Action inconnue : rien n'a été modifié.")
    if form.is_valid() and form.cleaned_data.get("retour") == "liste":
        return redirect("trainer_cohorts")
    return redirect("trainer_cohort", cohort_id=cohort.pk)


@trainer_required
def organisation_overview(request, organisation_id):
    """All the cohorts of one organisation, side by side."""
    organisation = organisation_for_staff(request.user, organisation_id)
    shape = course_shape()
    page = reports.overview_page(organisation, request.GET.get("page"))
    summaries = reports.organisation_overview(organisation, shape, page=page)
    return _render(request, "trainer/organisation_overview.html", {
        "organisation": organisation,
        # Every group's figures are shown; only the groups the user may open are links.
        "visible_ids": set(cohorts_for(request.user).filter(organisation=organisation,
                                                            pk__in=[s.cohort.pk for s in summaries])
                           .values_list("pk", flat=True)),
        "summaries": summaries,
        "page": page,
        "totals": reports.organisation_totals(organisation),
        "has_final": bool(shape.final_quiz_ids),
        "chart": svg.bar_chart(
            [svg.Bar(s.cohort.name, s.funnel.steps[3].rate,
                     f"{s.funnel.complete} sur {s.funnel.joined} ({percent(s.funnel.steps[3].rate)})")
             for s in summaries],
            chart_id="groupes", title="Part des apprenant·es ayant terminé le parcours, par groupe",
        ) if summaries else "",
    })


@trainer_required
def import_learners(request, cohort_id):
    """Enrol learners from a CSV file; the report says what happened to each line."""
    cohort = _cohort_or_404(request, cohort_id)
    form = RosterImportForm(request.POST or None, request.FILES or None)
    report, refused = None, ""
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["fichier"]
        try:
            report = roster.enrol_from_csv(cohort=cohort, data=upload.read(roster.MAX_BYTES + 1))
        except roster.ImportRefused as error:
            refused = str(error)
    failed = bool(refused or form.errors or (report and not report.imported))
    return render(request, "trainer/cohort_import.html", {
        "nav_is_trainer": True, "cohort": cohort, "form": form, "report": report, "refused": refused,
    }, status=400 if failed else 200)
