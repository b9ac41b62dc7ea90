"""`make bench`: time the trainer pages on synthetic data, in a separate SQLite database.

What it does:
1. re-runs itself in a child process whose settings point at var/bench/bench.sqlite3 (the
   default database is never opened);
2. builds the data there with bulk inserts: the real lessons of fixtures/course/, 40 synthetic
   questions (self-assessment before and after, three scenario quizzes, the final), one
   organisation of 1 000 cohorts: a cohort of 100 learners, one of 100 000, and 998 cohorts
   of 100 learners of the big one (each learner is then in two groups). Every learner has
   one attempt on every quiz (40 answers, copied in SQL from 40 graded model attempts per
   quiz), lessons done, confidence ratings and, when complete, a certificate. The progress
   rows are then built by `rebuild_progress` (timed);
3. runs a random mix of events through the real write paths (attempts, lessons, ratings,
   removals, a deleted account, a lesson added then unpublished), then compares the stored
   rows and counters with a full recount (`recount_equal`);
4. measures with Django's test Client against the real URLs (median of several runs),
   counts queries with CaptureQueriesContext, and follows the process's memory while the
   CSV export streams; prints `name: value` lines.

A benchmark, not a test: figures depend on the machine. Targets (2-core machine):
dashboard_growth ≤ 2, queries equal for 100 and 100 000 learners, organisation overview ≤
2 × the trivial view + 1 ms per cohort shown, recount_equal 1, lesson_vs_trivial ≤ 2,
csv_rss_growth_mb < 50.
"""
import gc
import json
import os
import random
import statistics
import subprocess
import sys
import time
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

from elearning.cohorts import remove_learner
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
from elearning.progress import rows as progress_rows
from elearning.progress.certificates import CourseNotComplete, issue_certificate
from elearning.progress.completion import mark_lesson_done
from elearning.progress.personal_data import delete_account
from elearning.progress.selfassessment import record_confidence
from elearning.training import reports
from quizzes.attempts import load_quiz, submit
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
SMALL, BIG = 100, 100_000
FILLER_COHORTS = 998
PATTERNS = 40
CHUNK = 2000
SEED = 20260101


class Command(BaseCommand):
    help = "Mesure les pages formateur sur des données synthétiques, dans une base SQLite séparée."
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--path", default=str(DEFAULT_PATH),
                            help="Fichier SQLite du banc d'essai (jamais la base par défaut).")
        parser.add_argument("--learners", type=int, default=BIG, help="Taille du grand groupe (100 000).")
        parser.add_argument("--repeat", type=int, default=7, help="Mesures par page (médiane).")
        parser.add_argument("--reuse", action="store_true",
                            help="Réutiliser la base déjà construite avec les mêmes paramètres.")
        parser.add_argument("--pages-only", action="store_true",
                            help="Avec --reuse : mesurer les pages sans rejouer les événements ni recompter.")

    def handle(self, *args, **options):
        path = Path(options["path"]).resolve()
        if os.environ.get(BENCH_ENV) != str(path):
            return self._respawn(path, options)

        if connection.vendor != "sqlite" or Path(connection.settings_dict["NAME"]).resolve() != path:
            raise CommandError("Le banc d'essai doit tourner sur sa propre base SQLite.")
        started = time.perf_counter()
        marker = path.with_suffix(".built.json")
        wanted = {"learners": options["learners"], "small": SMALL, "version": 2}
        if options["reuse"] and marker.exists() and json.loads(marker.read_text()) == wanted:
            build_s = rebuild_s = 0.0
            self.stderr.write(f"Base réutilisée : {path}")
        else:
            builder = Builder(self.stderr)
            builder.build(options["learners"])
            marker.write_text(json.dumps(wanted))
            build_s = time.perf_counter() - started - builder.rebuild_s
            rebuild_s = builder.rebuild_s
        results = Measure(self.stderr, repeat=options["repeat"], pages_only=options["pages_only"]).run()
        lines = {"learners_big": options["learners"], "learners_small": SMALL, "build_s": round(build_s, 1),
                 "rebuild_progress_s": round(rebuild_s, 1), **results}
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
        if options["pages_only"]:
            command.append("--pages-only")
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
        t0 = time.perf_counter()
        call_command("rebuild_progress", verbosity=0)
        self.rebuild_s = time.perf_counter() - t0
        self.say(f"  lignes de progression (rebuild_progress) : {self.rebuild_s:.0f} s")
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
        Membership.objects.create(user=trainer, organisation=org, role=Membership.Role.MANAGER)
        Membership.objects.create(user=trainer, organisation=org, role=Membership.Role.TRAINER)
        small = Cohort.objects.create(organisation=org, name="Petit groupe (100)", join_code="BANCPTIT")
        big = Cohort.objects.create(organisation=org, name="Grand groupe (100 000)", join_code="BANCGRND")
        fillers = Cohort.objects.bulk_create(
            [Cohort(organisation=org, name=f"Groupe {n:03d}", join_code=f"BANC{n:04d}") for n in range(FILLER_COHORTS)])
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
        self.build_patterns()
        with connection.cursor() as cursor:
            cursor.execute("CREATE TEMP TABLE bench_copy (attempt_id integer PRIMARY KEY, model_id integer)")
        index = 0
        for cohort, size in ((small, SMALL), (big, n_big)):
            for start in range(0, size, CHUNK):
                count = min(CHUNK, size - start)
                self.build_chunk(cohort, org, index, count)
                index += count
                if cohort is big and (start // CHUNK) % 10 == 9:
                    self.say(f"  {start + count} apprenant·es sur {size}")
        t0 = time.perf_counter()
        self.copy_answers()
        self.say(f"  réponses copiées : {time.perf_counter() - t0:.0f} s")
        # The 998 other groups: 100 learners of the big group each (enrolments only).
        big_ids = list(Enrolment.objects.filter(cohort=big).order_by("user_id").values_list("user_id", flat=True))
        joined = self.state["now"] - timedelta(days=1)
        Enrolment.objects.bulk_create(
            [Enrolment(cohort=cohort, user_id=user_id, joined_at=joined)
             for n, cohort in enumerate(fillers) for user_id in big_ids[n * SMALL:(n + 1) * SMALL]],
            batch_size=5000)

    def build_patterns(self):
        """For each quiz, PATTERNS model attempts from learners of increasing ability, graded
        by the real question classes; every learner's attempt copies one of them in SQL."""
        rng, state = self.rng, self.state
        model_user = User.objects.create_user(email="modele@banc.invalid", password=None)
        self.patterns = {}
        answers, options = [], []
        for content in state["quizzes"]:
            for p in range(PATTERNS):
                ability = (p + 0.5) / PATTERNS
                attempt_id = self.next_ids(Attempt, 1)[0]
                scores = []
                for order, question in enumerate(content.questions, start=1):
                    choices = content.options[question.id]
                    grade = question.grade(pick(rng, question, choices, ability), choices)
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
                Attempt.objects.create(
                    id=attempt_id, user=model_user, quiz=quiz, submission_key=uuid.uuid4(), quiz_title=quiz.title,
                    submitted_at=state["now"] - timedelta(days=90), score=score, pass_mark=quiz.pass_mark,
                    passed=score >= quiz.pass_mark - 1e-9)
                self.patterns[(quiz.id, p)] = (attempt_id, score)
        Answer.objects.bulk_create(answers, batch_size=2000)
        AnswerOption.objects.bulk_create(options, batch_size=2000)
        self.pattern_answer_max = Answer.objects.aggregate(m=Max("pk"))["m"]

    def copy_answers(self):
        """Each learner's answers and options: copies of their model attempt's, in two INSERT …
        SELECT statements (far faster than building millions of objects in Python)."""
        answer_columns = ("question_id", '"order"', "question_type", "title", "prompt", "explanation", "extra",
                          "skill", "lesson_title", "lesson_url", "score", "is_correct")
        option_columns = ("option_id", '"order"', "key", "text", "is_correct", "chosen", "feedback", "family",
                          "decision")
        with connection.cursor() as cursor:
            cursor.execute(f"""
                INSERT INTO quizzes_answer (attempt_id, {", ".join(answer_columns)})
                SELECT c.attempt_id, {", ".join("m." + col for col in answer_columns)}
                FROM bench_copy c JOIN quizzes_answer m ON m.attempt_id = c.model_id
                ORDER BY c.attempt_id, m."order" """)
            cursor.execute(f"""
                INSERT INTO quizzes_answeroption (answer_id, {", ".join(option_columns)})
                SELECT a.id, {", ".join("o." + col for col in option_columns)}
                FROM quizzes_answer a
                JOIN bench_copy c ON c.attempt_id = a.attempt_id
                JOIN quizzes_answer m ON m.attempt_id = c.model_id AND m.question_id = a.question_id
                JOIN quizzes_answeroption o ON o.answer_id = m.id
                WHERE a.id > %s
                ORDER BY a.id, o."order" """, [self.pattern_answer_max])

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
        attempts, copies, results, ratings, certificates = [], [], [], [], []
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
                quiz = content.quiz
                pattern = min(PATTERNS - 1, max(0, int((ability + rng.gauss(0, 0.15)) * PATTERNS)))
                model_id, score = self.patterns[(quiz.id, pattern)]
                copies.append((attempt_id, model_id))
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
                            (LessonCompletion, completions), (Attempt, attempts), (QuizResult, results),
                            (ConfidenceRating, ratings), (Certificate, certificates)):
            model.objects.bulk_create(rows, batch_size=2000)
        with connection.cursor() as cursor:
            cursor.executemany("INSERT INTO bench_copy (attempt_id, model_id) VALUES (%s, %s)", copies)


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
    def __init__(self, log, *, repeat: int, pages_only: bool = False):
        self.log = log
        self.repeat = repeat
        self.pages_only = pages_only

    def run(self) -> dict:
        trainer = User.objects.get(email="formatrice@banc.invalid")
        small = Cohort.objects.get(join_code="BANCPTIT")
        big = Cohort.objects.get(join_code="BANCGRND")
        results = {"cohorts": Cohort.objects.filter(organisation=big.organisation).count()}
        # The rows after a random mix of events through the real write paths.
        if not self.pages_only:
            start = time.perf_counter()
            self.mix(big)
            results["events_s"] = time.perf_counter() - start
            results["shape_change_recount_s"] = self.shape_recount_s
            start = time.perf_counter()
            results["recount_equal"] = int(not progress_rows.differences())
            results["recount_s"] = time.perf_counter() - start

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

        self.log.write("Mesures…")
        results["trivial_view_ms"] = timed(learner_client, "/mentions-legales/", self.repeat * 3)
        results["lesson_page_ms"] = timed(learner_client, lesson.get_absolute_url(), self.repeat * 3)
        results["lesson_vs_trivial"] = results["lesson_page_ms"] / results["trivial_view_ms"]
        results["lesson_queries"] = queries(learner_client, lesson.get_absolute_url())
        results["learner_dashboard_ms"] = timed(learner_client, "/mon-parcours/", self.repeat * 3)
        dashboard_small, dashboard_big = f"/formation/groupes/{small.pk}/", f"/formation/groupes/{big.pk}/"
        results["dashboard_ms_100"] = timed(trainer_client, dashboard_small, self.repeat * 3)
        results["dashboard_ms_100000"] = timed(trainer_client, dashboard_big, self.repeat * 3)
        results["dashboard_growth"] = results["dashboard_ms_100000"] / results["dashboard_ms_100"]
        results["queries_dashboard_100"] = queries(trainer_client, dashboard_small)
        results["queries_dashboard_100000"] = queries(trainer_client, dashboard_big)
        for sort in ("-progression", "score", "-activite"):
            results[f"dashboard_ms_100000_sorted_{sort.lstrip('-')}"] = timed(
                trainer_client, f"{dashboard_big}?tri={sort}")
        results["dashboard_ms_100000_page_1000"] = timed(trainer_client, f"{dashboard_big}?page=1000")
        results["dashboard_ms_100000_filtered"] = timed(trainer_client, f"{dashboard_big}?profession=cpe", 3)
        overview = f"/formation/organisation/{big.organisation_id}/"
        results["org_overview_ms_1000_cohorts"] = timed(trainer_client, overview, self.repeat * 3)
        results["queries_org_overview_1000_cohorts"] = queries(trainer_client, overview)
        shown = min(reports.OVERVIEW_PAGE_SIZE, results["cohorts"])
        results["org_overview_budget_ms"] = 2 * results["trivial_view_ms"] + shown
        results["items_ms_100"] = timed(trainer_client, f"{dashboard_small}questions/", 3)
        results["items_ms_100000"] = timed(trainer_client, f"{dashboard_big}questions/", 1)
        results["queries_items_100"] = queries(trainer_client, f"{dashboard_small}questions/")
        results["queries_items_100000"] = queries(trainer_client, f"{dashboard_big}questions/")

        # Memory while the 100,000-learner CSV streams.
        export = f"{dashboard_big}export.csv"
        b"".join(trainer_client.get(f"{dashboard_small}export.csv").streaming_content)
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

        results["targets_met"] = int(
            results["dashboard_growth"] <= 2
            and results["queries_dashboard_100"] == results["queries_dashboard_100000"]
            and results["queries_items_100"] == results["queries_items_100000"]
            and results["org_overview_ms_1000_cohorts"] <= results["org_overview_budget_ms"]
            and results.get("recount_equal", 1) == 1
            and results["lesson_vs_trivial"] <= 2
            and results["csv_rss_growth_mb"] < 50
        )
        return {name: round(value, 2) if isinstance(value, float) else value for name, value in results.items()}

    def mix(self, big, n_events: int = 400):
        """Events through the real write paths on the big group: attempts (failed and passed),
        lessons done, ratings, a certificate, removals, a deleted account, a lesson added and
        then unpublished (its rows recounted in batches)."""
        rng = random.Random(SEED + 1)
        learner_ids = list(Enrolment.objects.filter(cohort=big).values_list("user_id", flat=True))
        contents = [load_quiz(q) for q in Quiz.objects.filter(slug__startswith="banc-").order_by("order")]
        lessons = list(Lesson.objects.published().order_by("pk"))
        settings.PROGRESS_REFRESH_INLINE = True  # no background thread in the bench
        for step in range(n_events):
            user = User.objects.get(pk=rng.choice(learner_ids))
            event = rng.choice(["quiz"] * 5 + ["lesson", "rating", "certificate", "remove"])
            if event == "quiz":
                content = rng.choice(contents)
                chosen = {q.id: pick(rng, q, content.options[q.id], rng.random()) for q in content.questions}
                submit(user=user, content=content, chosen=chosen, submission_key=uuid.uuid4())
            elif event == "lesson":
                mark_lesson_done(user=user, lesson=rng.choice(lessons))
            elif event == "rating":
                record_confidence(user=user, phase=rng.choice(["avant", "apres"]),
                                  ratings={skill: rng.randint(1, 4) for skill in ("reperer", "decider", "dire")})
            elif event == "certificate":
                try:
                    issue_certificate(user=user)
                except CourseNotComplete:
                    pass
            elif event == "remove":
                enrolment = user.enrolments.order_by("?").first()
                if enrolment:
                    remove_learner(enrolment=enrolment)
            if step == n_events // 2:
                learner_ids.remove(user.pk)
                delete_account(user=user)
        # A content edit that changes the course's shape: every row is recounted, in batches.
        start = time.perf_counter()
        lesson = Lesson.objects.published().filter(module__course__isnull=False).order_by("-pk").first()
        lesson.status = Status.DRAFT
        lesson.save()
        self.shape_recount_s = time.perf_counter() - start
        self.log.write(f"  leçon retirée : lignes recomptées en {self.shape_recount_s:.0f} s")
