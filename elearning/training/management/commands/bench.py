"""`make bench`: time the trainer pages on synthetic data, in a separate SQLite database.

What it does:
1. re-runs itself in a child process whose settings point at var/bench/bench.sqlite3 (the
   default database is never opened);
2. builds the data there with bulk_create: the real lessons of fixtures/course/, 40 synthetic
   questions (self-assessment before and after, three scenario quizzes, the final), one
   cohort of 10 learners and one of 10,000, each learner with one attempt on every quiz
   (40 answers), lessons done, confidence ratings and, when complete, a certificate;
3. measures with Django's test Client against the real URLs (median of several runs), counts
   queries with CaptureQueriesContext, runs the dashboard's aggregates as hand-written SQL
   (the floor), and follows the process's memory while the CSV export streams;
4. prints `name: value` lines.

A benchmark, not a test: figures depend on the machine. Targets (2-core machine):
dashboard_vs_sql_floor ≤ 2, dashboard_queries_10 = dashboard_queries_10000 ≤ 15,
lesson_vs_trivial ≤ 2, csv_rss_growth_mb < 50.
"""
import gc
import json
import os
import random
import statistics
import subprocess
import sys
import time
import tracemalloc
import uuid
from datetime import timedelta
from pathlib import Path

import psutil
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import Count, Max
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from elearning.models import (
    Certificate,
    Cohort,
    ConfidenceRating,
    Course,
    Departement,
    Enrolment,
    Lesson,
    LessonCompletion,
    Membership,
    Module,
    Organisation,
    Profession,
    Status,
    User,
)
from quizzes.attempts import load_quiz
from quizzes.models import (
    Answer,
    AnswerOption,
    Attempt,
    DecisionQuestion,
    MultipleChoiceQuestion,
    Option,
    Question,
    Quiz,
    QuizResult,
    SignalQuestion,
    SingleChoiceQuestion,
    WordingQuestion,
)

BENCH_ENV = "REPERES_BENCH_DB"
DEFAULT_PATH = Path(settings.BASE_DIR) / "var" / "bench" / "bench.sqlite3"
SMALL, BIG = 10, 10_000
CHUNK = 500
SEED = 20260101


class Command(BaseCommand):
    help = "Mesure les pages formateur sur des données synthétiques, dans une base SQLite séparée."
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--path", default=str(DEFAULT_PATH),
                            help="Fichier SQLite du banc d'essai (jamais la base par défaut).")
        parser.add_argument("--learners", type=int, default=BIG, help="Taille du grand groupe (10 000).")
        parser.add_argument("--repeat", type=int, default=7, help="Mesures par page (médiane).")
        parser.add_argument("--reuse", action="store_true",
                            help="Réutiliser la base déjà construite avec les mêmes paramètres.")

    def handle(self, *args, **options):
        path = Path(options["path"]).resolve()
        if os.environ.get(BENCH_ENV) != str(path):
            return self._respawn(path, options)

        if connection.vendor != "sqlite" or Path(connection.settings_dict["NAME"]).resolve() != path:
            raise CommandError("Le banc d'essai doit tourner sur sa propre base SQLite.")
        started = time.perf_counter()
        marker = path.with_suffix(".built.json")
        wanted = {"learners": options["learners"], "small": SMALL, "version": 1}
        if options["reuse"] and marker.exists() and json.loads(marker.read_text()) == wanted:
            build_s = 0.0
            self.stderr.write(f"Base réutilisée : {path}")
        else:
            Builder(self.stderr).build(options["learners"])
            marker.write_text(json.dumps(wanted))
            build_s = time.perf_counter() - started
        results = Measure(self.stderr, repeat=options["repeat"]).run()
        lines = {"learners_big": options["learners"], "learners_small": SMALL, "build_s": round(build_s, 1),
                 **results}
        for name, value in lines.items():
            self.stdout.write(f"{name}: {value}")

    def _respawn(self, path: Path, options):
        """Run again in a child process configured for the bench database only."""
        path.parent.mkdir(parents=True, exist_ok=True)
        env = {
            **os.environ,
            BENCH_ENV: str(path),
            "SQLITE_PATH": str(path),
            "DATABASE_URL": "",
            # Production-like (DEBUG off) with the test-friendly bits: no HTTPS redirect, a
            # throw-away secret key, plain static files storage, the test client's host.
            "DEBUG": "0",
            "TESTING": "1",
            "ALLOWED_HOSTS": "testserver",
        }
        command = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), "bench", "--path", str(path),
                   "--learners", str(options["learners"]), "--repeat", str(options["repeat"])]
        if options["reuse"]:
            command.append("--reuse")
        completed = subprocess.run(command, env=env, check=False)
        if completed.returncode:
            raise CommandError(f"Le banc d'essai a échoué (code {completed.returncode}).")


# --- Building the data ------------------------------------------------------------------------

FIRST_NAMES = ["Amina", "Bastien", "Chloé", "David", "Emma", "Farid", "Gaëlle", "Hugo", "Inès", "Julien",
               "Karima", "Louis", "Manon", "Nadia", "Omar", "Pauline", "Rayan", "Sarah", "Thomas", "Yasmine"]
LAST_NAMES = ["Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau",
              "Simon", "Laurent", "Lefèvre", "Michel", "Garcia", "David", "Bertrand", "Roux", "Vincent", "Fournier"]


class Builder:
    def __init__(self, log):
        self.log = log
        self.rng = random.Random(SEED)

    def say(self, text):
        self.log.write(text)

    def build(self, n_big: int):
        path = Path(connection.settings_dict["NAME"])
        connection.close()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        self.say(f"Construction de la base du banc d'essai : {path}")
        call_command("migrate", verbosity=0, interactive=False)
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA synchronous=OFF")
        t0 = time.perf_counter()
        with transaction.atomic():
            self.build_content()
            self.build_people(n_big)
        self.say(f"  données : {time.perf_counter() - t0:.0f} s")
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    # Content: the real lessons, 40 synthetic questions.
    def build_content(self):
        fixtures = sorted((Path(settings.BASE_DIR) / "fixtures" / "course").glob("*.json"))
        if fixtures:
            call_command("loaddata", *map(str, fixtures), verbosity=0)
        if not Lesson.objects.exists():
            course = Course.objects.create(slug="banc", title="Cours du banc d'essai")
            for m in range(1, 4):
                module = Module.objects.create(course=course, slug=f"banc-{m}", title=f"Module {m}", order=m)
                for n in range(1, 4):
                    Lesson.objects.create(module=module, slug=f"banc-{m}-{n}", title=f"Leçon {m}.{n}", order=n,
                                          body=("Un paragraphe de leçon assez long pour être réaliste. " * 40 + "\n\n") * 8)
        modules = list(Module.objects.published().order_by("order"))
        spec = [
            ("banc-avant", Quiz.Kind.SELF_BEFORE, None, [("signal", 2), ("decision", 2), ("wording", 2)]),
            ("banc-apres", Quiz.Kind.SELF_AFTER, None, [("signal", 2), ("decision", 2), ("wording", 2)]),
            ("banc-signaux", Quiz.Kind.SCENARIO, modules[-1], [("signal", 8)]),
            ("banc-decisions", Quiz.Kind.SCENARIO, modules[-1], [("decision", 8)]),
            ("banc-mots", Quiz.Kind.SCENARIO, modules[-1], [("wording", 6)]),
            ("banc-finale", Quiz.Kind.FINAL, modules[-1],
             [("single", 2), ("multiple", 2), ("signal", 1), ("decision", 1)]),
        ]
        lesson = Lesson.objects.filter(module=modules[-1]).first() or Lesson.objects.first()
        for order, (slug, kind, module, parts) in enumerate(spec, start=1):
            quiz = Quiz.objects.create(slug=slug, title=f"Banc : {slug.removeprefix('banc-')}", kind=kind,
                                       module=module, pass_mark=0.7 if module else 0.0, order=100 + order)
            n = 0
            for type_, count in parts:
                for _ in range(count):
                    n += 1
                    make_question(quiz, f"{slug}-{n}", type_, n, lesson)

        assert Question.objects.filter(quiz__slug__startswith="banc-").count() == 40

    def build_people(self, n_big: int):
        org = Organisation.objects.create(slug="banc", name="Organisation du banc d'essai")
        trainer = User.objects.create_user(email="formatrice@banc.invalid", password=None, first_name="Fatou",
                                           last_name="Diallo")
        Membership.objects.create(user=trainer, organisation=org, role=Membership.Role.TRAINER)
        small = Cohort.objects.create(organisation=org, name="Petit groupe (10)", join_code="BANCPTIT")
        big = Cohort.objects.create(organisation=org, name="Grand groupe (10 000)", join_code="BANCGRND")
        trainer.trained_cohorts.add(small, big)
        course = Course.objects.order_by("pk").first()
        lessons = list(Lesson.objects.published().filter(module__status=Status.PUBLISHED, module__course=course)
                       .select_related("module").order_by("module__order", "order"))
        quizzes = [load_quiz(q) for q in Quiz.objects.filter(slug__startswith="banc-").order_by("order")]
        self.state = {
            "course": course, "lessons": lessons, "quizzes": quizzes,
            "course_quiz_ids": {c.quiz.id for c in quizzes if c.quiz.module_id},
            "ids": {}, "now": timezone.now(),
        }
        index = 0
        for cohort, size in ((small, SMALL), (big, n_big)):
            for start in range(0, size, CHUNK):
                count = min(CHUNK, size - start)
                self.build_chunk(cohort, org, index, count)
                index += count
                if cohort is big and (start // CHUNK) % 4 == 3:
                    self.say(f"  {start + count} apprenant·es sur {size}")

    def next_ids(self, model, count):
        ids = self.state["ids"]
        if model not in ids:
            ids[model] = (model.objects.aggregate(m=Max("pk"))["m"] or 0) + 1
        first = ids[model]
        ids[model] += count
        return range(first, first + count)

    def build_chunk(self, cohort, org, first_index, count):
        rng, state = self.rng, self.state
        now, lessons, quizzes = state["now"], state["lessons"], state["quizzes"]
        professions = [p for p in Profession.values if p != "autre"]
        departements = [d for d in Departement.values if d != "autre"]
        users, memberships, enrolments, completions = [], [], [], []
        attempts, answers, options, results, ratings, certificates = [], [], [], [], [], []
        user_ids = self.next_ids(User, count)
        for offset, user_id in enumerate(user_ids):
            i = first_index + offset
            ability = rng.random()
            joined = now - timedelta(days=60) + timedelta(minutes=rng.randrange(0, 60 * 24 * 20))
            users.append(User(
                id=user_id, email=f"apprenant{i}@banc.invalid", password="!", first_name=rng.choice(FIRST_NAMES),
                last_name=rng.choice(LAST_NAMES), profession=rng.choice(professions),
                departement=rng.choice(departements), content_notice_seen_at=joined, date_joined=joined,
            ))
            memberships.append(Membership(user_id=user_id, organisation=org, role=Membership.Role.LEARNER))
            enrolments.append(Enrolment(cohort=cohort, user_id=user_id, joined_at=joined))
            moment = joined
            done = min(len(lessons), int(ability * (len(lessons) + 6)))
            for lesson in lessons[:done]:
                moment += timedelta(minutes=rng.randrange(5, 60))
                completions.append(LessonCompletion(user_id=user_id, lesson=lesson, cohort=cohort,
                                                    completed_at=moment))
            passed_all = True
            final_score = None
            for content in quizzes:
                moment += timedelta(minutes=rng.randrange(5, 90))
                attempt_id = self.next_ids(Attempt, 1)[0]
                scores = []
                for order, question in enumerate(content.questions, start=1):
                    choices = content.options[question.id]
                    chosen = pick(rng, question, choices, ability)
                    grade = question.grade(chosen, choices)
                    scores.append(grade.score)
                    answer_id = self.next_ids(Answer, 1)[0]
                    answers.append(Answer(
                        id=answer_id, attempt_id=attempt_id, question_id=question.id, order=order,
                        question_type=question.type_slug, title=question.title, prompt=question.prompt,
                        explanation=question.explanation, skill=question.skill, score=grade.score,
                        is_correct=grade.is_correct,
                    ))
                    options.extend(
                        AnswerOption(answer_id=answer_id, option_id=fb.option_id, order=position, key=fb.key,
                                     text=fb.text, is_correct=fb.is_correct, chosen=fb.chosen, feedback=fb.feedback,
                                     family=fb.family, decision=fb.decision)
                        for position, fb in enumerate(grade.options, start=1)
                    )
                score = sum(scores) / len(scores)
                quiz = content.quiz
                passed = score >= quiz.pass_mark - 1e-9
                if quiz.id in state["course_quiz_ids"] and not passed:
                    passed_all = False
                if quiz.kind == "final":
                    final_score = score
                attempts.append(Attempt(
                    id=attempt_id, user_id=user_id, quiz=quiz, cohort=cohort, submission_key=uuid.uuid4(),
                    quiz_title=quiz.title, started_at=moment - timedelta(minutes=10), submitted_at=moment,
                    score=score, pass_mark=quiz.pass_mark, passed=passed,
                ))
                results.append(QuizResult(
                    user_id=user_id, quiz=quiz, cohort=cohort, best_attempt_id=attempt_id, best_score=score,
                    passed=passed, attempts_count=1, first_submitted_at=moment, last_submitted_at=moment,
                ))
            for phase, shift in (("avant", 0), ("apres", 1)):
                for skill in ("reperer", "decider", "dire"):
                    value = max(1, min(4, round(1 + ability * 2 + shift * rng.random() * 1.5 + rng.random() - 0.5)))
                    ratings.append(ConfidenceRating(user_id=user_id, cohort=cohort, phase=phase, skill=skill,
                                                    value=value, created_at=moment))
            if done == len(lessons) and passed_all:
                certificates.append(Certificate(
                    user_id=user_id, course=state["course"], learner_name=f"Apprenant·e {i}",
                    course_title=state["course"].title, completed_on=moment.date(), final_score=final_score,
                ))
        for model, rows in ((User, users), (Membership, memberships), (Enrolment, enrolments),
                            (LessonCompletion, completions), (Attempt, attempts), (Answer, answers),
                            (AnswerOption, options), (QuizResult, results), (ConfidenceRating, ratings),
                            (Certificate, certificates)):
            model.objects.bulk_create(rows, batch_size=2000)


def make_question(quiz, slug, type_, order, lesson):
    common = {"quiz": quiz, "slug": slug, "order": order, "title": f"Question {slug}", "lesson": lesson,
              "prompt": "Vignette : une élève de 15 ans arrive avec un nouveau téléphone, s'absente souvent, "
                        "parle d'un « copain » plus âgé qui lui fait des cadeaux. " * 3,
              "explanation": "Ce qu'il fallait voir, et pourquoi."}
    if type_ == "signal":
        question = SignalQuestion.objects.create(skill="reperer", **common)
        specs = [("Cadeaux sans explication", True, "materiel"), ("Fugues répétées", True, "vulnerabilite"),
                 ("Nouveau cercle d'amis plus âgés", True, "relations"), ("Photos retirées des réseaux", True, "reseaux"),
                 ("Aime le football", False, "")]
        rows = [dict(text=t, is_correct=c, family=f) for t, c, f in specs]
    elif type_ == "decision":
        question = DecisionQuestion.objects.create(skill="decider", **common)
        rows = [dict(text=label, is_correct=value == "signalement", decision=value)
                for value, label in [("ip", "IP"), ("signalement", "Signalement"), ("urgence", "17"),
                                     ("aucune", "Rien")]]
    elif type_ == "wording":
        question = WordingQuestion.objects.create(skill="dire", **common)
        rows = [dict(text="« Je te crois, tu n'y es pour rien. »", is_correct=True),
                dict(text="« Pourquoi tu n'as rien dit avant ? »", is_correct=False),
                dict(text="« Tu es sûre de ce que tu dis ? »", is_correct=False)]
    elif type_ == "single":
        question = SingleChoiceQuestion.objects.create(skill="decider", **common)
        rows = [dict(text="Article L226-3 du CASF", is_correct=True), dict(text="Article 338", is_correct=False),
                dict(text="Article 1240", is_correct=False)]
    else:
        question = MultipleChoiceQuestion.objects.create(skill="decider", **common)
        rows = [dict(text="225-12-1", is_correct=True), dict(text="225-7", is_correct=True),
                dict(text="338", is_correct=False), dict(text="1240", is_correct=False)]
    for position, row in enumerate(rows, start=1):
        Option.objects.create(question=question, key=chr(96 + position), order=position,
                              feedback="Explication de l'option.", **row)


def pick(rng, question, options, ability) -> set[int]:
    """What a learner of this ability ticks: better learners are right more often; the first
    wrong option is the most tempting, so the item analysis has something to find."""
    right = [o for o in options if o.is_correct]
    wrong = [o for o in options if not o.is_correct]
    if question.input_type == "checkbox":
        chosen = {o.id for o in right if rng.random() < 0.45 + 0.5 * ability}
        chosen |= {o.id for o in wrong if rng.random() < 0.4 * (1 - ability)}
        return chosen or {right[0].id}
    if rng.random() < 0.35 + 0.6 * ability or not wrong:
        return {right[0].id}
    return {wrong[0].id if rng.random() < 0.6 else rng.choice(wrong).id}


# --- Measuring ---------------------------------------------------------------------------------


class Measure:
    def __init__(self, log, *, repeat: int):
        self.log = log
        self.repeat = repeat

    def run(self) -> dict:
        trainer = User.objects.get(email="formatrice@banc.invalid")
        small = Cohort.objects.get(join_code="BANCPTIT")
        big = Cohort.objects.get(join_code="BANCGRND")
        # A learner half-way through: the lesson page shows their progress.
        learner = (User.objects.filter(enrolments__cohort=big).annotate(done=Count("lesson_completions"))
                   .filter(done__gte=3, done__lt=Lesson.objects.count()).order_by("pk").first())
        lesson = Lesson.objects.published().select_related("module").order_by("module__order", "order")[3]
        trainer_client, learner_client = Client(), Client()
        trainer_client.force_login(trainer)
        learner_client.force_login(learner)

        def timed(client, url, repeat=None):
            for _ in range(2):
                assert client.get(url).status_code == 200, url
            times = []
            for _ in range(repeat or self.repeat):
                start = time.perf_counter()
                response = client.get(url)
                if response.streaming:
                    b"".join(response.streaming_content)
                times.append((time.perf_counter() - start) * 1000)
                assert response.status_code == 200, url
            return statistics.median(times)

        def queries(client, url):
            with CaptureQueriesContext(connection) as context:
                response = client.get(url)
                if response.streaming:
                    b"".join(response.streaming_content)
            return len(context.captured_queries)

        results = {}
        self.log.write("Mesures…")
        results["trivial_view_ms"] = timed(learner_client, "/mentions-legales/", self.repeat * 3)
        results["lesson_page_ms"] = timed(learner_client, lesson.get_absolute_url(), self.repeat * 3)
        results["lesson_vs_trivial"] = results["lesson_page_ms"] / results["trivial_view_ms"]
        results["lesson_queries"] = queries(learner_client, lesson.get_absolute_url())
        dashboard = f"/formation/groupes/{big.pk}/"
        results["dashboard_ms"] = timed(trainer_client, dashboard)
        results["sql_floor_ms"] = self.sql_floor(big)
        results["dashboard_vs_sql_floor"] = results["dashboard_ms"] / results["sql_floor_ms"]
        results["dashboard_queries_10"] = queries(trainer_client, f"/formation/groupes/{small.pk}/")
        results["dashboard_queries_10000"] = queries(trainer_client, dashboard)
        results["dashboard_small_ms"] = timed(trainer_client, f"/formation/groupes/{small.pk}/")
        results["dashboard_sorted_by_progress_ms"] = timed(trainer_client, dashboard + "?tri=-progression")
        results["items_ms"] = timed(trainer_client, f"/formation/groupes/{big.pk}/questions/", 3)
        results["items_queries_10"] = queries(trainer_client, f"/formation/groupes/{small.pk}/questions/")
        results["items_queries_10000"] = queries(trainer_client, f"/formation/groupes/{big.pk}/questions/")
        results["overview_ms"] = timed(trainer_client, f"/formation/organisation/{big.organisation_id}/", 3)

        # Memory while the 10,000-learner CSV streams.
        export = f"/formation/groupes/{big.pk}/export.csv"
        b"".join(trainer_client.get(f"/formation/groupes/{small.pk}/export.csv").streaming_content)
        process = psutil.Process()
        gc.collect()
        before = peak = process.memory_info().rss
        start = time.perf_counter()
        response = trainer_client.get(export)
        lines = 0
        for chunk in response.streaming_content:
            lines += chunk.count(b"\r\n")
            peak = max(peak, process.memory_info().rss)
        results["csv_ms"] = (time.perf_counter() - start) * 1000
        results["csv_rows"] = lines - 1
        results["csv_rss_growth_mb"] = (peak - before) / 2**20
        assert results["csv_rows"] == Enrolment.objects.filter(cohort=big).count()
        # The RSS may not move when freed memory is reused: also trace Python's own peak.
        tracemalloc.start()
        for _ in trainer_client.get(export).streaming_content:
            pass
        results["csv_python_peak_mb"] = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()

        results["targets_met"] = int(
            results["dashboard_vs_sql_floor"] <= 2
            and results["dashboard_queries_10"] == results["dashboard_queries_10000"] <= 15
            and results["lesson_vs_trivial"] <= 2
            and results["csv_rss_growth_mb"] < 50
        )
        return {name: round(value, 2) if isinstance(value, float) else value for name, value in results.items()}

    def sql_floor(self, cohort) -> float:
        """The dashboard's aggregates as hand-written SQL on the same data: course shape,
        funnel, per-quiz statistics with the median, before/after, one page of the table.
        Like the reports, only the rows made in the group count (`cohort_id = e.cohort_id`)."""

        def run():
            with connection.cursor() as cursor:
                cursor.execute("SELECT id FROM elearning_course ORDER BY id LIMIT 1")
                course_id = cursor.fetchone()[0]
                cursor.execute(
                    "SELECT l.id FROM elearning_lesson l JOIN elearning_module m ON m.id = l.module_id "
                    "WHERE l.status = 'published' AND m.status = 'published' AND m.course_id = %s", [course_id])
                lesson_ids = [row[0] for row in cursor.fetchall()]
                cursor.execute(
                    "SELECT q.id, q.kind, q.title, m.title, q.pass_mark FROM quizzes_quiz q "
                    "JOIN elearning_module m ON m.id = q.module_id "
                    "WHERE q.status = 'published' AND m.status = 'published' AND m.course_id = %s", [course_id])
                quizzes = cursor.fetchall()
                quiz_ids = [row[0] for row in quizzes]
                final_ids = [row[0] for row in quizzes if row[1] == "final"] or [0]
                lessons_in = ",".join(str(i) for i in lesson_ids)
                quizzes_in = ",".join(str(i) for i in quiz_ids)
                finals_in = ",".join(str(i) for i in final_ids)
                cursor.execute(f"""
                    SELECT COUNT(*), SUM(started), SUM(started AND lessons >= {len(lesson_ids)}),
                           SUM(started AND lessons >= {len(lesson_ids)} AND passed >= {len(quiz_ids)}), SUM(cert)
                    FROM (
                      SELECT
                        (SELECT COUNT(*) FROM elearning_lessoncompletion c
                          WHERE c.user_id = e.user_id AND c.cohort_id = e.cohort_id AND c.lesson_id IN ({lessons_in})) AS lessons,
                        (SELECT COUNT(*) FROM quizzes_quizresult r
                          WHERE r.user_id = e.user_id AND r.cohort_id = e.cohort_id AND r.quiz_id IN ({quizzes_in}) AND r.passed) AS passed,
                        (EXISTS (SELECT 1 FROM elearning_lessoncompletion c
                                  WHERE c.user_id = e.user_id AND c.cohort_id = e.cohort_id AND c.lesson_id IN ({lessons_in}))
                          OR EXISTS (SELECT 1 FROM quizzes_quizresult r JOIN quizzes_quiz q ON q.id = r.quiz_id
                                  WHERE r.user_id = e.user_id AND r.cohort_id = e.cohort_id
                                    AND (r.quiz_id IN ({quizzes_in}) OR q.kind IN ('avant', 'apres'))))
                          AS started,
                        EXISTS (SELECT 1 FROM elearning_certificate t
                          WHERE t.user_id = e.user_id AND t.course_id = %s) AS cert
                      FROM elearning_enrolment e WHERE e.cohort_id = %s
                    ) AS learners""", [course_id, cohort.pk])
                cursor.fetchall()
                cursor.execute(f"""
                    SELECT quiz_id, best_score, n, mean, passed FROM (
                      SELECT quiz_id, best_score,
                             ROW_NUMBER() OVER (PARTITION BY quiz_id ORDER BY best_score, id) AS position,
                             COUNT(*) OVER (PARTITION BY quiz_id) AS n,
                             AVG(best_score) OVER (PARTITION BY quiz_id) AS mean,
                             SUM(CASE WHEN passed THEN 1 ELSE 0 END) OVER (PARTITION BY quiz_id) AS passed
                      FROM quizzes_quizresult WHERE cohort_id = %s AND quiz_id IN ({quizzes_in})
                    ) AS ranked WHERE position = (n + 1) / 2 OR position = (n + 2) / 2""", [cohort.pk])
                cursor.fetchall()
                cursor.execute("""
                    SELECT q.kind, a.skill, AVG(a.score), COUNT(DISTINCT a.attempt_id)
                    FROM quizzes_quizresult r
                    JOIN quizzes_quiz q ON q.id = r.quiz_id
                    JOIN quizzes_answer a ON a.attempt_id = r.best_attempt_id
                    WHERE r.cohort_id = %s AND q.kind IN ('avant', 'apres') AND a.skill <> ''
                    GROUP BY q.kind, a.skill""", [cohort.pk])
                cursor.fetchall()
                cursor.execute("""
                    SELECT phase, skill, AVG(value), COUNT(*) FROM elearning_confidencerating
                    WHERE cohort_id = %s GROUP BY phase, skill""", [cohort.pk])
                cursor.fetchall()
                cursor.execute("SELECT COUNT(*) FROM elearning_enrolment WHERE cohort_id = %s", [cohort.pk])
                cursor.fetchall()
                cursor.execute(f"""
                    SELECT e.user_id, u.first_name, u.last_name, u.email, u.profession, u.departement, e.joined_at,
                      (SELECT COUNT(*) FROM elearning_lessoncompletion c
                        WHERE c.user_id = e.user_id AND c.cohort_id = e.cohort_id AND c.lesson_id IN ({lessons_in})),
                      (SELECT COUNT(*) FROM quizzes_quizresult r
                        WHERE r.user_id = e.user_id AND r.cohort_id = e.cohort_id AND r.quiz_id IN ({quizzes_in}) AND r.passed),
                      (SELECT AVG(best_score) FROM quizzes_quizresult r
                        WHERE r.user_id = e.user_id AND r.cohort_id = e.cohort_id AND r.quiz_id IN ({quizzes_in})),
                      (SELECT MAX(best_score) FROM quizzes_quizresult r
                        WHERE r.user_id = e.user_id AND r.cohort_id = e.cohort_id AND r.quiz_id IN ({finals_in})),
                      EXISTS (SELECT 1 FROM elearning_certificate t WHERE t.user_id = e.user_id AND t.course_id = %s),
                      MAX(COALESCE((SELECT MAX(last_submitted_at) FROM quizzes_quizresult r WHERE r.user_id = e.user_id AND r.cohort_id = e.cohort_id), ''),
                          COALESCE((SELECT MAX(completed_at) FROM elearning_lessoncompletion c WHERE c.user_id = e.user_id AND c.cohort_id = e.cohort_id), ''))
                    FROM elearning_enrolment e JOIN elearning_user u ON u.id = e.user_id
                    WHERE e.id IN (
                      SELECT e2.id FROM elearning_enrolment e2 JOIN elearning_user u2 ON u2.id = e2.user_id
                      WHERE e2.cohort_id = %s ORDER BY LOWER(u2.last_name), LOWER(u2.first_name), e2.id LIMIT 50)
                    ORDER BY LOWER(u.last_name), LOWER(u.first_name), e.id""", [course_id, cohort.pk])
                cursor.fetchall()

        for _ in range(2):
            run()
        times = []
        for _ in range(self.repeat):
            start = time.perf_counter()
            run()
            times.append((time.perf_counter() - start) * 1000)
        return statistics.median(times)
