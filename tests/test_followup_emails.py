"""Invitations, group deadlines and reminder e-mails: French, with the support numbers, an
unsubscribe link that works in one click, and a reminder job that never sends twice."""
import datetime
from io import StringIO

import pytest
from django.core import mail as outbox
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from elearning import mail
from elearning.followup import reminders
from elearning.followup.models import Invitation, ScheduledEmail
from elearning.models import CourseCompletion, User
from elearning.progress import followup
from elearning.progress.completion import course_progress
from quizzes.models import Question, Quiz
from tests.conftest import (
    answer_quiz,
    build_course,
    client_for,
    enrol,
    make_cohort,
    make_org,
    make_trainer,
    make_user,
)
from tests.test_progress import complete_everything

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2027, 3, 1)


def at(day: datetime.date, hour=9):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


@pytest.fixture
def group():
    build_course(n_modules=1, lessons_per_module=1)
    org = make_org()
    cohort = make_cohort(org)
    trainer = make_trainer(org)
    learners = [make_user(f"apprenant{i}@example.test", first_name=f"Léa{i}") for i in range(3)]
    for learner in learners:
        enrol(learner, cohort)
    return {"cohort": cohort, "trainer": trainer, "client": client_for(trainer), "learners": learners, "org": org}


def test_a_trainer_invites_a_pasted_list_with_a_line_by_line_report(group, django_capture_on_commit_callbacks):
    """Valid addresses get the join link by e-mail; invalid ones and duplicates are reported
    and kept in the form to be corrected."""
    url = reverse("followup_invitations", args=[group["cohort"].pk])
    text = "nadia@example.test\npas-une-adresse\nNADIA@example.test; karim@example.test\napprenant0@example.test"
    with django_capture_on_commit_callbacks(execute=True):
        response = group["client"].post(url, {"emails": text})
    html = response.content.decode()
    assert response.status_code == 200
    assert "adresse e-mail invalide" in html and "en double dans la liste" in html and "déjà inscrit·e" in html
    assert sorted(m.to[0] for m in outbox.outbox) == ["karim@example.test", "nadia@example.test"]
    message = outbox.outbox[0]
    assert message.subject.startswith("[Repères] Invitation au groupe")
    assert group["cohort"].get_join_url() in message.body and "119" in message.body
    assert message.alternatives and "119" in message.alternatives[0][0]
    assert "pas-une-adresse" in html.split("<textarea", 1)[1]  # kept for correction
    assert Invitation.objects.filter(cohort=group["cohort"]).count() == 2
    assert Invitation.objects.filter(sent_at__isnull=False).count() == 2


def test_invited_then_joined_is_shown(group, django_capture_on_commit_callbacks):
    url = reverse("followup_invitations", args=[group["cohort"].pk])
    with django_capture_on_commit_callbacks(execute=True):
        group["client"].post(url, {"emails": "nadia@example.test"})
    assert "pas encore" in group["client"].get(url).content.decode()
    enrol(make_user("Nadia@example.test"), group["cohort"])
    html = group["client"].get(url).content.decode()
    assert "<td>oui</td>" in html


def test_more_than_200_addresses_are_refused_whole(group):
    url = reverse("followup_invitations", args=[group["cohort"].pk])
    response = group["client"].post(url, {"emails": "\n".join(f"p{i}@example.test" for i in range(201))})
    assert response.status_code == 400 and "200 au plus" in response.content.decode()
    assert not Invitation.objects.exists()


def test_deadline_is_set_shown_to_learners_and_late_learners_listed(group):
    url = reverse("followup_deadline", args=[group["cohort"].pk])
    response = group["client"].post(url, {"deadline": "2027-03-08"})
    assert response.status_code == 302
    group["cohort"].refresh_from_db()
    assert group["cohort"].deadline == datetime.date(2027, 3, 8)
    learner_page = client_for(group["learners"][0]).get(reverse("dashboard")).content.decode()
    assert "8 mars 2027" in learner_page
    bad = group["client"].post(url, {"deadline": "32/13/2027"})
    assert bad.status_code == 400 and "date valide" in bad.content.decode()
    group["cohort"].deadline = timezone.localdate() - datetime.timedelta(days=1)
    group["cohort"].save()
    html = group["client"].get(url).content.decode()
    assert "En retard : 3 apprenant·es" in html


def _run(day):
    outbox.outbox.clear()
    return reminders.run(at(day))


def test_reminders_go_seven_days_then_one_day_before_and_never_twice(group):
    cohort = group["cohort"]
    cohort.deadline = TODAY + datetime.timedelta(days=7)
    cohort.save()
    assert _run(TODAY - datetime.timedelta(days=1)).sent == 0  # 8 days before: nothing
    report = _run(TODAY)
    assert report.sent == 3 and len(outbox.outbox) == 3
    message = outbox.outbox[0]
    assert "dans 7 jours" in message.body and "119" in message.body
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert _run(TODAY).sent == 0 and outbox.outbox == []  # rerun: nothing twice
    assert _run(TODAY + datetime.timedelta(days=3)).sent == 0  # still in the J-7 window: already sent
    report = _run(TODAY + datetime.timedelta(days=6))
    assert report.sent == 3 and "demain" in outbox.outbox[0].body
    assert _run(TODAY + datetime.timedelta(days=8)).sent == 0  # past the deadline


def test_opted_out_or_deleted_learners_get_no_reminder(group):
    cohort = group["cohort"]
    cohort.deadline = TODAY + datetime.timedelta(days=1)
    cohort.save()
    first, second, third = group["learners"]
    User.objects.filter(pk=first.pk).update(email_reminders=False)
    third.delete()
    report = _run(TODAY)
    assert [m.to[0] for m in outbox.outbox] == [second.email]
    assert report.skipped == 1


def test_an_interrupted_run_loses_nothing_and_duplicates_nothing(group, monkeypatch):
    """The transport fails after the first message: the others wait; the next run sends them."""
    cohort = group["cohort"]
    cohort.deadline = TODAY + datetime.timedelta(days=7)
    cohort.save()
    real_send = mail.send
    calls = {"n": 0}

    def flaky(**kwargs):
        calls["n"] += 1
        return real_send(**kwargs) if calls["n"] == 1 else False

    monkeypatch.setattr(mail, "send", flaky)
    report = _run(TODAY)
    assert report.sent == 1 and report.failed == 2
    monkeypatch.setattr(mail, "send", real_send)
    report = _run(TODAY)
    assert report.sent == 2
    assert ScheduledEmail.objects.filter(status=ScheduledEmail.Status.SENT).count() == 3
    assert _run(TODAY).sent == 0


def test_a_skipped_seven_day_reminder_when_the_job_starts_late(group):
    """If the job first runs the day before the deadline, only the J-1 reminder goes."""
    cohort = group["cohort"]
    cohort.deadline = TODAY + datetime.timedelta(days=1)
    cohort.save()
    _run(TODAY)
    assert all("demain" in m.body for m in outbox.outbox) and len(outbox.outbox) == 3


def test_one_click_unsubscribe(group):
    learner = group["learners"][0]
    token = mail.unsubscribe_token(learner)
    url = reverse("unsubscribe", args=[token])
    client = Client(enforce_csrf_checks=True)
    assert "Ne plus recevoir de rappels" in client.get(url).content.decode()
    learner.refresh_from_db()
    assert learner.email_reminders is True  # a GET (link preview) changes nothing
    assert client.post(url).status_code == 200  # RFC 8058 one-click POST, no CSRF token
    learner.refresh_from_db()
    assert learner.email_reminders is False
    assert Client().get(reverse("unsubscribe", args=["faux-jeton"])).status_code == 404


def test_the_command_accepts_a_clock_and_is_documented_in_french(group):
    group["cohort"].deadline = TODAY + datetime.timedelta(days=7)
    group["cohort"].save()
    out = StringIO()
    call_command("send_reminders", "--maintenant", f"{TODAY.isoformat()}T08:00", stdout=out)
    assert "3 envoyé(s)" in out.getvalue()
    assert len(outbox.outbox) == 3


def test_another_organisation_gets_404_on_the_new_pages(group):
    outsider = client_for(make_trainer(make_org("org-b", "B"), "autre@example.test"))
    learner = client_for(group["learners"][0])
    for name in ("followup_deadline", "followup_invitations"):
        url = reverse(name, args=[group["cohort"].pk])
        assert outsider.get(url).status_code == 404
        assert outsider.post(url, {"emails": "x@example.test", "deadline": "2027-01-01"}).status_code == 404
        assert learner.get(url).status_code == 404


def test_the_learner_can_turn_reminders_off_in_the_account_and_export_says_so(group):
    learner = group["learners"][0]
    client = client_for(learner)
    data = {"first_name": "Léa", "last_name": "X", "profession": "", "departement": ""}
    client.post(reverse("account"), data)  # the box unticked
    learner.refresh_from_db()
    assert learner.email_reminders is False
    export = client.get(reverse("data_export")).json()
    assert export["profil"]["rappels_par_email"] is False


# --- Follow-up checks at +30 and +90 days --------------------------------------------------------


def test_the_day_the_course_is_complete_is_recorded_once(db):
    """Finishing the last lesson or quiz records the completion date, once, in that write path."""
    build_course(n_modules=1, lessons_per_module=2)
    user = make_user()
    assert followup.record_completion(user) is None
    complete_everything(user)
    first = CourseCompletion.objects.get(user=user)
    complete_everything(user)
    assert CourseCompletion.objects.get(user=user).completed_at == first.completed_at


@pytest.fixture
def completed(db):
    call_command("load_course", verbosity=0)
    org = make_org()
    cohort = make_cohort(org)
    learner = make_user("suivi@example.test", first_name="Noor")
    enrol(learner, cohort)
    CourseCompletion.objects.create(user=learner, completed_at=at(TODAY))
    return {"learner": learner, "cohort": cohort, "trainer": make_trainer(org)}


def test_follow_up_checks_open_at_30_and_90_days_with_an_email_each(completed):
    learner = completed["learner"]
    assert _run(TODAY + datetime.timedelta(days=29)).sent == 0
    _run(TODAY + datetime.timedelta(days=30))
    assert len(outbox.outbox) == 1
    message = outbox.outbox[0]
    assert message.to == [learner.email] and "30 jours" in message.subject
    assert "/quiz/suivi-30-jours/" in message.body and "119" in message.body
    assert _run(TODAY + datetime.timedelta(days=31)).sent == 0  # never twice
    _run(TODAY + datetime.timedelta(days=90))
    assert len(outbox.outbox) == 1 and "90 jours" in outbox.outbox[0].subject


def test_no_follow_up_email_to_someone_who_opted_out(completed):
    User.objects.filter(pk=completed["learner"].pk).update(email_reminders=False)
    assert _run(TODAY + datetime.timedelta(days=30)).sent == 0 and outbox.outbox == []


def test_a_check_is_closed_before_its_day_and_open_after(completed):
    learner = completed["learner"]
    CourseCompletion.objects.filter(user=learner).update(completed_at=timezone.now() - datetime.timedelta(days=10))
    client = client_for(learner)
    response = client.get("/quiz/suivi-30-jours/")
    assert response.status_code == 302 and response["Location"] == reverse("dashboard")
    assert "s'ouvrira le" in client.get(reverse("dashboard")).content.decode().replace("&#x27;", "'")
    CourseCompletion.objects.filter(user=learner).update(completed_at=timezone.now() - datetime.timedelta(days=31))
    assert client.get("/quiz/suivi-30-jours/").status_code == 200
    assert client.get("/quiz/suivi-90-jours/").status_code == 302
    assert "ouverte, la faire maintenant" in client.get(reverse("dashboard")).content.decode()


def test_follow_up_checks_stay_out_of_completion(completed):
    """The check banks are not part of the course: the progress counts the same without them."""
    progress = course_progress(completed["learner"])
    assert all(q.quiz.kind not in ("suivi-30", "suivi-90") for m in progress.modules for q in m.quizzes)


def test_retention_for_the_learner_and_the_group(completed):
    """Before → after → +30 → +90 per skill, for the learner and for the trainer's group."""
    learner = completed["learner"]
    CourseCompletion.objects.filter(user=learner).update(completed_at=timezone.now() - datetime.timedelta(days=31))
    answer_quiz(learner, Quiz.objects.get(slug="suivi-30-jours"))
    html = client_for(learner).get(reverse("retention")).content.decode()
    assert "+30 jours" in html and "100\u202f%" in html and "<svg" in html
    trainer_page = client_for(completed["trainer"]).get(
        reverse("followup_retention", args=[completed["cohort"].pk])).content.decode()
    assert "100\u202f% (1)" in trainer_page
    outsider = client_for(make_trainer(make_org("org-z", "Z"), "z@example.test"))
    assert outsider.get(reverse("followup_retention", args=[completed["cohort"].pk])).status_code == 404


def test_the_shipped_check_banks_cover_every_skill_with_five_new_scenarios(completed):
    for slug in ("suivi-30-jours", "suivi-90-jours"):
        questions = list(Question.objects.filter(quiz__slug=slug))
        assert len(questions) == 5
        assert {q.skill for q in questions} >= {"reperer", "decider", "dire"}
        course_titles = set(Question.objects.exclude(quiz__kind__in=["suivi-30", "suivi-90"]).values_list("prompt", flat=True))
        assert not any(q.prompt in course_titles for q in questions)
