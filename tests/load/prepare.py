"""Prepare a database for a load or fault run: migrate, the course, one cohort of learners
already signed in (their session rows are created here, so the run measures lessons and
quizzes, not password hashing), and a JSON file telling the clients what to fetch.

Run by tests/load/harness.py with the server's environment (DATABASE_URL or SQLITE_PATH,
DJANGO_SETTINGS_MODULE=tests.load.server_settings).

    prepare.py --course real|small --learners 100 --out plan.json
"""
import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--course", choices=["real", "small"], default="real")
    parser.add_argument("--learners", type=int, default=100)
    parser.add_argument("--out", required=True)
    parser.add_argument("--live", type=int, default=0, help="participants of a live session (0: none)")
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    if args.course == "real":
        call_command("load_course", verbosity=0)
    else:
        from tests.conftest import build_course, build_scenario_quiz

        _, modules, _ = build_course(n_modules=2, lessons_per_module=2)
        build_scenario_quiz(modules[-1])
    plan = {"learners": make_learners(args.learners), **course_plan()}
    play_cases(plan["spike_quiz_slug"])
    # The learners were inserted in bulk (no write path ran): their progress rows and the
    # group's counters come from a recount, as after a migration.
    call_command("rebuild_progress", verbosity=0)
    if args.live:
        plan["live"] = live_plan(args.live)
    Path(args.out).write_text(json.dumps(plan, ensure_ascii=False, indent=1), encoding="utf-8")


def make_learners(count: int) -> list[dict]:
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.hashers import make_password
    from django.contrib.sessions.backends.db import SessionStore
    from django.utils import timezone
    from django.utils.crypto import get_random_string

    from elearning.models import Cohort, Enrolment, Membership, Organisation, User

    org = Organisation.objects.create(slug="charge", name="Organisation de charge")
    cohort = Cohort.objects.create(organisation=org, name="Groupe de charge")
    password = make_password("Charge-Reperes-2026!")  # hashed once, shared: a test account
    now = timezone.now()
    User.objects.bulk_create([
        User(email=f"apprenant{i}@charge.test", password=password, first_name="Apprenant", last_name=str(i),
             content_notice_seen_at=now)
        for i in range(1, count + 1)
    ])
    users = list(User.objects.filter(email__endswith="@charge.test").order_by("id"))
    Membership.objects.bulk_create([Membership(user=u, organisation=org, role=Membership.Role.LEARNER) for u in users])
    Enrolment.objects.bulk_create([Enrolment(user=u, cohort=cohort) for u in users])
    learners = []
    for user in users:
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        learners.append({
            "email": user.email,
            "cookie": f"{settings.SESSION_COOKIE_NAME}={session.session_key}; "
                      f"{settings.CSRF_COOKIE_NAME}={get_random_string(32)}",
        })
    return learners


def play_cases(quiz_slug: str | None) -> None:
    """The spike's class has played the cases of the quiz it submits (scene by scene, on their
    own pages, days before): each learner's run is finished on the best path, through the
    real write path, so what spikes is the submission itself."""
    from elearning.models import User
    from quizzes import case_runs
    from quizzes.models import CaseQuestion

    if not quiz_slug:
        return
    cases = list(CaseQuestion.objects.filter(quiz__slug=quiz_slug, archived=False))
    for user in User.objects.filter(email__endswith="@charge.test"):
        for case in cases:
            state = case_runs.run_state(user=user, case=case)
            while not state.finished:
                best = case.graph.best_choice(state.scene.key)
                _, state = case_runs.choose(user=user, case=case, position=state.position,
                                            scene_key=state.scene.key, choice_key=best.key)


def _signed_in_cookie(user=None, data: dict | None = None) -> str:
    """A session row created here (signed in as `user` if given, holding `data`), as a cookie."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.utils.crypto import get_random_string

    session = SessionStore()
    if user is not None:
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    for key, value in (data or {}).items():
        session[key] = value
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}; {settings.CSRF_COOKIE_NAME}={get_random_string(32)}"


def live_plan(participants: int) -> dict:
    """A live session on the decisions scenario quiz for the load cohort, its trainer signed
    in, and `participants` phones already joined (no account, as in a training room)."""
    from django.contrib.auth.hashers import make_password
    from django.urls import reverse

    from elearning.live.models import Participant
    from elearning.live.sessions import start_session
    from elearning.live.views import SESSION_KEY as LIVE_KEY
    from elearning.models import Cohort, Membership, User
    from quizzes.models import Option, Quiz

    cohort = Cohort.objects.get(name="Groupe de charge")
    trainer = User.objects.create(email="formatrice@charge.test", password=make_password("Charge-Reperes-2026!"))
    Membership.objects.create(user=trainer, organisation=cohort.organisation, role=Membership.Role.TRAINER)
    cohort.trainers.add(trainer)  # a group's pages open to the trainers it lists
    quiz = Quiz.objects.filter(kind=Quiz.Kind.SCENARIO).order_by("slug").first()
    session = start_session(cohort=cohort, quiz=quiz, trainer=trainer)
    phones = []
    for _ in range(participants):
        participant = Participant.objects.create(session=session)
        phones.append({"cookie": _signed_in_cookie(data={LIVE_KEY: {str(session.pk): participant.pk}})})
    options = {}
    for option in Option.objects.filter(question_id__in=session.question_ids).order_by("order", "id"):
        options.setdefault(str(option.question_id), []).append(option.pk)
    return {
        "code": session.code,
        "control": reverse("live_control", args=[cohort.pk, session.pk]),
        "room": reverse("live_room", args=[session.code]),
        "vote": reverse("live_vote", args=[session.code]),
        "state": reverse("live_state", args=[session.code]),
        "trainer_cookie": _signed_in_cookie(user=trainer),
        "question_ids": session.question_ids,
        "options": options,
        "phones": phones,
    }


def course_plan() -> dict:
    from quizzes.models import Question, Quiz

    steps = []
    for quiz in Quiz.objects.published().filter(lesson__isnull=False).select_related("lesson__module").order_by("id"):
        lesson = quiz.lesson
        steps.append({"lesson": lesson.get_absolute_url(), "quiz": quiz.get_absolute_url(), "slug": quiz.slug})
    scenarios = [q.get_absolute_url() for q in Quiz.objects.published().filter(kind=Quiz.Kind.SCENARIO)]
    # The spike: the whole class submits the final assessment (else the first scenario quiz).
    final = (Quiz.objects.published().filter(kind=Quiz.Kind.FINAL).order_by("id").first()
             or Quiz.objects.published().filter(kind=Quiz.Kind.SCENARIO).order_by("id").first())
    questions = {
        q.slug: Question.objects.non_polymorphic().filter(quiz=q, archived=False).count()
        for q in Quiz.objects.published()
    }
    return {"steps": steps, "scenarios": scenarios, "questions": questions,
            "spike_quiz": final.get_absolute_url() if final else None,
            "spike_quiz_slug": final.slug if final else None}


if __name__ == "__main__":
    main()
