"""Trainers and the writing exercises: they review their group's texts item by item, the
learner sees the review, the group's most-forgotten elements are counted; texts stay
private (another organisation's trainer: 404; never in a CSV export)."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from elearning.training.writing import writing_item_analysis
from quizzes.models import ReviewStatus, WritingComment, WrittenAnswer
from tests.conftest import client_for, enrol, make_cohort, make_org, make_trainer, make_user
from tests.test_trainer_learner import LEARNER_PAGE_QUERIES
from tests.writing_builders import MODEL_IP, POOR_IP, answer_writing, build_writing_quiz

pytestmark = pytest.mark.django_db


@pytest.fixture
def group(course):
    _, modules, _ = course
    quiz = build_writing_quiz(modules[-1])
    org = make_org()
    cohort = make_cohort(org)
    trainer = make_trainer(org, cohorts=[cohort])
    learner = make_user("lea@example.test", first_name="Léa", last_name="Martin")
    enrol(learner, cohort)
    written = answer_writing(learner, quiz, POOR_IP).answers.get().written
    return {"quiz": quiz, "cohort": cohort, "trainer": trainer, "learner": learner, "written": written}


def review_url(group, written=None):
    return f"/formation/groupes/{group['cohort'].pk}/ecrits/{(written or group['written']).pk}/"


def test_a_trainer_reviews_item_by_item_and_the_learner_sees_it(group):
    """Comment per item + « à reprendre »: the learner reads them on the attempt and the dashboard."""
    trainer_client = client_for(group["trainer"])
    page = trainer_client.get(review_url(group)).content.decode()
    assert "je pense qu" in page and "Pas d&#x27;interprétation ni de jugement" in page
    response = trainer_client.post(review_url(group), {
        "status": ReviewStatus.REDO, "comment": "Reprenez les faits datés.",
        "item-interpretation": "Décrivez ce que vous avez vu, sans supposer.",
    })
    assert response.status_code == 302
    written = WrittenAnswer.objects.get(pk=group["written"].pk)
    assert written.review_status == ReviewStatus.REDO and written.reviewed_by == group["trainer"]
    assert WritingComment.objects.get(written=written, code="interpretation").text.startswith("Décrivez")

    learner_client = client_for(group["learner"])
    attempt_page = learner_client.get(written.answer.attempt.get_absolute_url()).content.decode()
    assert "À reprendre" in attempt_page and "Décrivez ce que vous avez vu, sans supposer." in attempt_page
    assert "Reprenez les faits datés." in attempt_page
    dashboard = learner_client.get("/mon-parcours/").content.decode()
    assert "Retours sur vos écrits" in dashboard and "À reprendre" in dashboard


def test_a_review_needs_a_decision(group):
    """Without « validé » or « à reprendre »: a French message, the comments typed are kept."""
    response = client_for(group["trainer"]).post(review_url(group), {"item-paroles": "Citez ses mots."})
    html = response.content.decode()
    assert response.status_code == 400 and "Choisissez « Validé » ou « À reprendre »." in html
    assert "Citez ses mots." in html and not WritingComment.objects.exists()


def test_another_organisations_trainer_gets_404_on_a_text(group):
    """A trainer of another organisation, even with their own group in the address, opens nothing."""
    other_org = make_org("org-b", "Organisation B")
    other_cohort = make_cohort(other_org, "Groupe B")
    other_trainer = make_trainer(other_org, "autre@example.test", cohorts=[other_cohort])
    client = client_for(other_trainer)
    assert client.get(review_url(group)).status_code == 404
    assert client.get(f"/formation/groupes/{other_cohort.pk}/ecrits/{group['written'].pk}/").status_code == 404
    assert client.post(review_url(group), {"status": ReviewStatus.VALIDATED}).status_code == 404
    assert WrittenAnswer.objects.get(pk=group["written"].pk).review_status == ""


def test_another_learner_cannot_read_a_text(group):
    """A text's attempt page belongs to its author only."""
    stranger = make_user("autre-apprenante@example.test")
    enrol(stranger, group["cohort"])
    attempt = group["written"].answer.attempt
    assert client_for(stranger).get(attempt.get_absolute_url()).status_code == 404


def test_texts_never_appear_in_csv_exports(group):
    """The group's CSV exports (learners, items) never hold a learner's text."""
    client = client_for(group["trainer"])
    for path in ("export.csv", "questions.csv"):
        response = client.get(f"/formation/groupes/{group['cohort'].pk}/{path}")
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert response.status_code == 200 and "je pense qu" not in body.decode()


def test_item_analysis_counts_what_the_group_leaves_out_in_one_query(group):
    """Most-missed elements first, over each learner's best attempt, in one query whatever the group size."""
    for n in range(3):
        learner = make_user(f"l{n}@example.test")
        enrol(learner, group["cohort"])
        answer_writing(learner, group["quiz"], MODEL_IP if n else POOR_IP)
    with CaptureQueriesContext(connection) as queries:
        analysis = writing_item_analysis(group["cohort"])
    assert len(queries) == 1
    [question] = analysis
    items = {item["label"]: item for item in question["items"]}
    assert items["Pas d'interprétation ni de jugement"]["missed"] == 2
    assert items["Pas d'interprétation ni de jugement"]["total"] == 4
    assert question["items"][0]["rate"] >= question["items"][-1]["rate"]
    page = client_for(group["trainer"]).get(f"/formation/groupes/{group['cohort'].pk}/ecrits/").content.decode()
    assert "Les éléments les plus souvent oubliés" in page and "Léa Martin" in page


def test_the_learner_page_links_to_the_text_in_the_same_number_of_queries(group, django_assert_num_queries):
    """The trainer's page for one learner shows the writing exercise and a link to review it."""
    client = client_for(group["trainer"])
    url = f"/formation/groupes/{group['cohort'].pk}/apprenants/{group['learner'].pk}/"
    with django_assert_num_queries(LEARNER_PAGE_QUERIES):
        html = client.get(url).content.decode()
    assert review_url(group) in html and "Lire l'écrit et le relire" in html
