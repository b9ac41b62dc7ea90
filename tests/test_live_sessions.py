"""Live sessions: a trainer runs a quiz with the room, participants vote from their phones,
the room sees an anonymous distribution, and nothing of it touches anyone's progress."""
import datetime
from html import unescape

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from elearning.live.models import IDLE_LIMIT, LiveSession, Participant, Vote
from elearning.live.sessions import LiveRefused, cast_vote, drive, find_session, join, start_session
from quizzes.models import Attempt, Question, QuizResult
from tests.conftest import (
    build_course,
    build_scenario_quiz,
    client_for,
    enrol,
    make_cohort,
    make_org,
    make_trainer,
    make_user,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup():
    _, modules, _ = build_course(n_modules=1, lessons_per_module=1)
    quiz = build_scenario_quiz(modules[0])
    org = make_org()
    cohort = make_cohort(org)
    trainer = make_trainer(org)
    return {"quiz": quiz, "org": org, "cohort": cohort, "trainer": trainer, "client": client_for(trainer)}


def _start(setup):
    client, cohort = setup["client"], setup["cohort"]
    response = client.post(reverse("live_sessions", args=[cohort.pk]), {"quiz": setup["quiz"].pk})
    assert response.status_code == 302
    return LiveSession.objects.get(cohort=cohort)


def _drive(setup, session, action, expect_ok=True):
    response = setup["client"].post(reverse("live_control", args=[setup["cohort"].pk, session.pk]), {"action": action},
                                    follow=True)
    assert response.status_code == 200
    text = unescape(response.content.decode())
    assert ("n'est pas possible" not in text) == expect_ok, action
    session.refresh_from_db()
    return text


def _participant(session, pseudonym=""):
    client = Client()
    response = client.post(reverse("live_join"), {"code": session.code.lower(), "pseudonym": pseudonym})
    assert response.status_code == 302 and response.url == reverse("live_room", args=[session.code])
    return client


def _options(session):
    question = Question.objects.get(pk=session.current_question_id)
    return question, list(question.options.order_by("order", "id"))


def test_a_trainer_starts_a_session_and_projects_the_code_and_qr_code(setup):
    """From the cohort page to a projection view with a short code, a join link and a QR code."""
    dashboard = setup["client"].get(reverse("trainer_cohort", args=[setup["cohort"].pk])).content.decode()
    assert reverse("live_sessions", args=[setup["cohort"].pk]) in dashboard
    session = _start(setup)
    assert len(session.code) == 6 and session.code.isupper()
    html = setup["client"].get(reverse("live_projection", args=[setup["cohort"].pk, session.pk])).content.decode()
    assert session.code in html
    assert "<svg" in html and "segno" in html
    assert f"/direct/{session.code}/" in html
    assert 'style="' not in html.split("<svg", 1)[1].split("</svg>", 1)[0]  # CSP: no inline style


def test_the_trainer_drives_the_session_step_by_step(setup):
    """show → open → close → reveal → next, and an action out of order gets a French message."""
    session = _start(setup)
    _drive(setup, session, "ouvrir", expect_ok=False)  # nothing shown yet
    for action, phase in [("afficher", "question"), ("ouvrir", "vote"), ("clore", "clos"), ("reveler", "resultats"),
                          ("suivante", "question")]:
        _drive(setup, session, action)
        assert session.phase == phase
    assert session.position == 1
    _drive(setup, session, "terminer")
    assert session.phase == "termine" and session.ended_at is not None


def test_participants_vote_once_and_may_change_while_open(setup):
    """A vote can be changed while the vote is open, never doubled; closed means closed."""
    session = _start(setup)
    _drive(setup, session, "afficher")
    _drive(setup, session, "ouvrir")
    phone = _participant(session, "Camille")
    question, options = _options(session)
    room = reverse("live_room", args=[session.code])
    vote_url = reverse("live_vote", args=[session.code])
    phone.post(vote_url, {"question": question.pk, "choix": [options[0].pk]})
    phone.post(vote_url, {"question": question.pk, "choix": [options[1].pk, options[2].pk]})
    assert Vote.objects.count() == 1
    assert set(Vote.objects.get().options.values_list("pk", flat=True)) == {options[1].pk, options[2].pk}
    _drive(setup, session, "clore")
    response = phone.post(vote_url, {"question": question.pk, "choix": [options[3].pk]}, follow=True)
    assert "Le vote n'est pas ouvert" in unescape(response.content.decode())
    assert set(Vote.objects.get().options.values_list("pk", flat=True)) == {options[1].pk, options[2].pk}
    assert "votre choix" in phone.get(room).content.decode()


def test_a_tampered_vote_is_refused_with_a_message(setup):
    """Options of another question, two answers to a one-answer question, or garbage: refused."""
    session = _start(setup)
    _drive(setup, session, "afficher")
    _drive(setup, session, "suivante")  # the decision question (one answer)
    _drive(setup, session, "ouvrir")
    phone = _participant(session)
    question, options = _options(session)
    other = Question.objects.exclude(pk=question.pk).first().options.first()
    vote_url = reverse("live_vote", args=[session.code])
    for data in [{"question": question.pk, "choix": [other.pk]},
                 {"question": question.pk, "choix": [options[0].pk, options[1].pk]},
                 {"question": "x", "choix": ["y"]},
                 {"question": other.question_id, "choix": [other.pk]}]:
        response = phone.post(vote_url, data, follow=True)
        assert response.status_code == 200
        assert 'class="message message-error"' in response.content.decode()
    assert Vote.objects.count() == 0


def test_the_room_never_sees_who_chose_what(setup):
    """Pseudonyms never reach the projection, the summary or the state; counts do."""
    session = _start(setup)
    _drive(setup, session, "afficher")
    _drive(setup, session, "ouvrir")
    question, options = _options(session)
    for name, option in [("Zéphyrine", options[0]), ("Barnabé", options[0]), ("Ysolde", options[2])]:
        phone = _participant(session, name)
        phone.post(reverse("live_vote", args=[session.code]), {"question": question.pk, "choix": [option.pk]})
    _drive(setup, session, "clore")
    _drive(setup, session, "reveler")
    cohort = setup["cohort"]
    pages = [reverse("live_projection", args=[cohort.pk, session.pk]), reverse("live_control", args=[cohort.pk, session.pk]),
             reverse("live_summary", args=[cohort.pk, session.pk]), reverse("live_summary_csv", args=[cohort.pk, session.pk]),
             reverse("live_state", args=[session.code])]
    for url in pages:
        response = setup["client"].get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        text = body.decode("utf-8-sig")
        for name in ("Zéphyrine", "Barnabé", "Ysolde"):
            assert name not in text, url
    projection = setup["client"].get(pages[0]).content.decode()
    assert "2 (67 %)" in projection and "1 (33 %)" in projection


def test_the_state_endpoint_answers_304_when_nothing_changed(setup, django_assert_num_queries):
    """Polling every 2 s costs a 304 until the trainer acts or someone votes."""
    session = _start(setup)
    client = Client()
    url = reverse("live_state", args=[session.code])
    with django_assert_num_queries(2):  # the session, the participants (no question yet)
        first = client.get(url)
    assert first.status_code == 200 and first.json()["phase"] == "accueil"
    etag = first["ETag"]
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    drive(session=session, action="afficher")
    with django_assert_num_queries(3):  # and the votes on the question shown
        changed = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed.json()["version"] == 1


def test_wrong_expired_or_ended_codes_get_a_clear_message(setup):
    """A wrong code keeps the form with a French message; an idle or ended session is over."""
    response = Client().post(reverse("live_join"), {"code": "ZZZZZZ", "pseudonym": "Léa"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Aucune session en cours avec ce code" in html and 'value="Léa"' in html
    session = _start(setup)
    LiveSession.objects.filter(pk=session.pk).update(last_activity=timezone.now() - IDLE_LIMIT - datetime.timedelta(minutes=1))
    assert find_session(session.code) is None
    assert Client().get(reverse("live_room", args=[session.code])).status_code == 404
    assert Client().get(reverse("live_room", args=["\x00ABC"])).status_code == 404
    assert Client().get(reverse("live_state", args=["NOPE00"])).status_code == 404


def test_a_pseudonym_with_invisible_characters_is_refused(setup):
    session = _start(setup)
    response = Client().post(reverse("live_join"), {"code": session.code, "pseudonym": "Léa\u202eXX"})
    assert response.status_code == 400
    assert "caractères invisibles" in response.content.decode()


def test_live_answers_are_not_attempts_and_change_no_progress(setup):
    """A signed-in learner who votes live has no attempt and no result afterwards."""
    learner = make_user("apprenante.direct@example.test")
    enrol(learner, setup["cohort"])
    session = start_session(cohort=setup["cohort"], quiz=setup["quiz"], trainer=setup["trainer"])
    drive(session=session, action="afficher")
    drive(session=session, action="ouvrir")
    participant = join(session=session, user=learner)
    session.refresh_from_db()
    question = Question.objects.get(pk=session.current_question_id)
    cast_vote(participant=participant, question_id=question.pk, option_ids={question.options.first().pk})
    assert Attempt.objects.count() == 0
    assert QuizResult.objects.filter(user=learner).count() == 0


def test_a_participant_cannot_drive_and_other_organisations_get_404(setup):
    """Trainer URLs answer 404 to a learner, to a participant and to another organisation's trainer."""
    session = _start(setup)
    other_org = make_org("org-b", "Organisation B")
    outsider = client_for(make_trainer(other_org, "autre.formatrice@example.test"))
    learner = make_user("apprenant.x@example.test")
    enrol(learner, setup["cohort"])
    cohort = setup["cohort"]
    urls = [reverse(name, args=[cohort.pk, session.pk]) for name in
            ("live_control", "live_projection", "live_summary", "live_summary_csv")]
    urls.append(reverse("live_sessions", args=[cohort.pk]))
    for client in (outsider, client_for(learner)):
        for url in urls:
            assert client.get(url).status_code == 404, url
        assert client.post(urls[0], {"action": "terminer"}).status_code == 404
    phone = _participant(session)
    assert phone.post(urls[0], {"action": "terminer"}).status_code == 302  # to the login page
    session.refresh_from_db()
    assert session.phase == "accueil"


def test_summary_lists_each_question_and_exports_csv(setup):
    """After the session, the cohort page keeps a per-question distribution, also as CSV."""
    session = _start(setup)
    drive(session=session, action="afficher")
    drive(session=session, action="ouvrir")
    session.refresh_from_db()
    question = Question.objects.get(pk=session.current_question_id)
    option = question.options.order_by("order").first()
    for _ in range(2):
        cast_vote(participant=join(session=session), question_id=question.pk, option_ids={option.pk})
    drive(session=session, action="terminer")
    cohort = setup["cohort"]
    html = setup["client"].get(reverse("live_summary", args=[cohort.pk, session.pk])).content.decode()
    assert "2 participant·es" in html and "2 réponses" in html
    listing = setup["client"].get(reverse("live_sessions", args=[cohort.pk])).content.decode()
    assert "terminée" in listing
    response = setup["client"].get(reverse("live_summary_csv", args=[cohort.pk, session.pk]))
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "Question;Titre;Réponses;Option" in text.splitlines()[0]
    assert f"1;{question.title};2;{option.text};oui;2;100" in text


def test_a_vote_refused_by_the_domain_names_the_reason(setup):
    session = start_session(cohort=setup["cohort"], quiz=setup["quiz"], trainer=setup["trainer"])
    participant = join(session=session)
    with pytest.raises(LiveRefused, match="pas ouvert"):
        cast_vote(participant=participant, question_id=session.question_ids[0], option_ids={1})
    assert Participant.objects.count() == 1
