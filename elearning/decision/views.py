"""« Que faire ? » — public pages: one question per page, then the outcome.

Nothing here writes to the database or opens a session: the answers live in the query
string (GET forms), so the page works without JavaScript, the back button works, and a
trainer can share the link to a path.
"""
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from weasyprint import HTML

from elearning.decision.models import Outcome
from elearning.decision.tree import Walk, load_tree, walk
from elearning.models import IDF_DEPARTEMENTS, Contact, Departement

DEPARTEMENT_PARAM = "dep"
EMPTY_ANSWER = "Choisissez une réponse pour continuer."


def _departement(request, walked: Walk | None = None) -> str:
    """The département answered on the path, else the `dep` parameter if it is a known one."""
    if walked and walked.departement:
        return walked.departement
    value = request.GET.get(DEPARTEMENT_PARAM, "")
    return value if value in IDF_DEPARTEMENTS else ""


def outcome_contacts(outcome: Outcome, departement: str, extra: list[str] = ()) -> tuple[list, list]:
    """(contacts of the département, national and added contacts), in the outcome's order; one query."""
    slugs = [*outcome.national_list, *[s for s in extra if s not in outcome.national_list]]
    condition = Q(slug__in=slugs)
    if departement and outcome.kind_list:
        condition |= Q(departement=departement, kind__in=outcome.kind_list)
    found = list(Contact.objects.filter(condition))
    national = sorted((c for c in found if c.slug in slugs), key=lambda c: slugs.index(c.slug))
    kinds = outcome.kind_list
    local = sorted(
        (c for c in found if c.slug not in slugs),
        key=lambda c: (kinds.index(c.kind) if c.kind in kinds else len(kinds), c.order, c.name),
    )
    return local, national


def _outcome_context(request, outcome: Outcome, walked: Walk | None) -> dict:
    departement = _departement(request, walked)
    local, national = outcome_contacts(outcome, departement, walked.extra_contacts if walked else [])
    labels = dict(Departement.choices)
    return {
        "outcome": outcome,
        "walk": walked,
        "answered": _answered(walked) if walked else [],
        "departement": departement,
        "departement_label": labels.get(departement, ""),
        "departements": [(code, labels[code]) for code in IDF_DEPARTEMENTS],
        "local_contacts": local,
        "national_contacts": national,
        "notes": walked.notes if walked else [],
        "hidden": [(a.step.param, a.choice.value) for a in walked.answers] if walked else [],
        "pdf_url": reverse("decision:outcome_pdf", args=[outcome.slug])
        + (f"?{DEPARTEMENT_PARAM}={departement}" if departement else ""),
    }


def _answered(walked: Walk) -> list[tuple]:
    """Each answer with the link that asks its question again (the answers before it kept)."""
    base = reverse("decision:aid")
    return [(answer, f"{base}?{walked.query(i)}" if i else base) for i, answer in enumerate(walked.answers)]


def aid(request):
    tree = load_tree()
    walked = walk(tree, request.GET)
    if walked.step is None:
        if walked.outcome is None:
            raise Http404("L'aide à la décision n'est pas encore en ligne.")
        return render(request, "decision/outcome.html", _outcome_context(request, walked.outcome, walked))
    error = walked.error
    if not error and walked.step.param in request.GET:
        error = EMPTY_ANSWER  # the form was sent without a choice
    return render(request, "decision/step.html", {
        "step": walked.step,
        "choices": tree.choices.get(walked.step.id, []),
        "number": len(walked.answers) + 1,
        "answered": _answered(walked),
        "hidden": [(a.step.param, a.choice.value) for a in walked.answers],
        "error": error,
    }, status=400 if error else 200)


def outcome_detail(request, slug):
    """An outcome on its own (linked from the lessons), with the contacts of `?dep=`."""
    outcome = get_object_or_404(Outcome, slug=slug)
    return render(request, "decision/outcome.html", _outcome_context(request, outcome, None))


def outcome_pdf(request, slug):
    """The one-page "fiche réflexe" of an outcome for a département: no case data in it."""
    outcome = get_object_or_404(Outcome, slug=slug)
    departement = _departement(request)
    local, national = outcome_contacts(outcome, departement)
    html = render_to_string("decision/outcome_pdf.html", {
        "outcome": outcome,
        "departement": departement,
        "departement_label": dict(Departement.choices).get(departement, ""),
        "local_contacts": local,
        "national_contacts": national,
        "page_url": request.build_absolute_uri(reverse("decision:aid")),
    })
    response = HttpResponse(HTML(string=html).write_pdf(), content_type="application/pdf")
    name = f"fiche-reflexe-{outcome.slug}{'-' + departement if departement else ''}.pdf"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response
