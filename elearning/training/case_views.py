"""Trainer page: the paths a group took through one case (« situation évolutive »)."""
from django.shortcuts import render

from elearning import svg
from elearning.access import cohort_for_trainer, trainer_required
from elearning.templatetags.reperes import percent
from elearning.training import case_paths


@trainer_required
def case_paths_page(request, cohort_id, question_id):
    """Counts per scene and choice, endings reached, and where most turned wrong; as tables
    and an SVG chart. Another organisation's group, or an id that is not a case: 404."""
    cohort = cohort_for_trainer(request.user, cohort_id)
    case = case_paths.cohort_case(question_id)
    report = case_paths.case_paths(cohort, case)
    bars = [
        svg.Bar(f"{scene.key} · {choice.key} — {choice.text}", choice.share,
                f"{percent(choice.share)} ({choice.count} sur {scene.visits})")
        for scene in report.scenes if scene.visits for choice in scene.choices
    ]
    return render(request, "trainer/case_paths.html", {
        "nav_is_trainer": True, "cohort": cohort, "case": case, "report": report,
        "chart": svg.bar_chart(bars, chart_id="parcours-cas",
                               title=f"Choix faits à chaque scène du cas « {case.title} »") if bars else "",
    })
