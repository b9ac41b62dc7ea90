"""The database itself keeps the rules, whatever path writes: scores between 0 and 1, one
cohort name per organisation whatever its case; and each write path records once."""
import pytest
from django.db import IntegrityError, transaction

from elearning import accounts, cohorts
from elearning.models import Certificate, Cohort
from elearning.progress.certificates import issue_certificate
from elearning.progress.completion import mark_lesson_done
from quizzes.models import Answer, Attempt, QuizResult
from tests.conftest import answer_quiz, build_course, enrol, make_cohort, make_org, make_trainer, make_user

pytestmark = pytest.mark.django_db


def test_cohort_names_are_unique_per_organisation_whatever_the_case():
    """Two trainers typing « CPE 93 » and « cpe 93 » at once still get one group."""
    org = make_org()
    cohorts.create_cohort(organisation=org, name="CPE 93", created_by=None)
    with pytest.raises(IntegrityError):
        cohorts.create_cohort(organisation=org, name="cpe 93", created_by=None)
    other = make_org(slug="org-b", name="Organisation B")
    assert cohorts.create_cohort(organisation=other, name="cpe 93", created_by=None).pk


def test_a_duplicate_cohort_name_slipping_past_the_form_gets_a_french_message(client, monkeypatch):
    """A double submit that beats the form's check shows the form again, never a 500."""
    org = make_org()
    trainer = make_trainer(org)
    client.force_login(trainer)
    Cohort.objects.create(organisation=org, name="Groupe")
    # The form's own check sees nothing (as when the other request commits just after it).
    monkeypatch.setattr("elearning.training.forms.CohortForm.clean", lambda form: form.cleaned_data)
    response = client.post("/formation/groupes/", {"organisation": org.pk, "name": "GROUPE"})
    assert response.status_code == 200
    assert "Un groupe porte déjà ce nom" in response.content.decode()
    assert Cohort.objects.filter(organisation=org).count() == 1


@pytest.mark.parametrize(("model", "field"), [
    (Attempt, "score"), (Attempt, "pass_mark"), (Answer, "score"), (QuizResult, "best_score"),
    (Certificate, "final_score"),
])
def test_stored_scores_stay_between_0_and_1(model, field):
    """A score of 150 % cannot be stored, even by code that skips the grading path."""
    course, modules, lessons = build_course(n_modules=1, lessons_per_module=1)
    learner = make_user()
    enrol(learner, make_cohort(make_org()))
    mark_lesson_done(user=learner, lesson=lessons[0])
    attempt = answer_quiz(learner, modules[0].quizzes.get())
    issue_certificate(user=learner)
    row = model.objects.filter(**({"attempt": attempt} if model is Answer else {})).first()
    setattr(row, field, 1.5)
    with pytest.raises(IntegrityError), transaction.atomic():
        row.save()
    setattr(row, field, 1.0)
    row.save()


def test_content_notice_keeps_the_first_reading():
    """Reading the notice twice keeps the date it was first read."""
    user = make_user(notice_seen=False)
    accounts.acknowledge_content_notice(user=user)
    first = user.content_notice_seen_at
    accounts.acknowledge_content_notice(user=user)
    user.refresh_from_db()
    assert first is not None and user.content_notice_seen_at == first
