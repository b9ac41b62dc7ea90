"""Demo data for `make run`: two organisations, their trainers, cohorts and learners with
varied progress. Idempotent; refused when DEBUG is off unless --force."""
import random
import uuid

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from elearning import accounts
from elearning.editors import ensure_editors_group
from elearning.models import Cohort, Departement, Lesson, Membership, Organisation, Profession, Skill, User
from elearning.progress.completion import mark_lesson_done
from elearning.progress.selfassessment import record_confidence
from quizzes.attempts import load_quiz, submit
from quizzes.models import Quiz

PASSWORD = "Demo-Reperes-2026!"
ORGS = [
    ("demo-nord", "Démo Nord", Organisation.Kind.CHILD_PROTECTION, "formatrice.nord@demo.test", "Claire", "Nordin", "nord", "Groupe Nord 2026", "93"),
    ("demo-sud", "Démo Sud", Organisation.Kind.SCHOOL, "formateur.sud@demo.test", "Marc", "Sudre", "sud", "Groupe Sud 2026", "91"),
]
FIRST_NAMES = ["Amina", "Bastien", "Chloé", "David", "Emma", "Farid", "Gaëlle", "Hugo", "Inès", "Julien", "Karima", "Louis"]


class Command(BaseCommand):
    help = "Crée les comptes et données de démonstration (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Autoriser même quand DEBUG est désactivé.")

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError("seed_demo est refusé quand DEBUG est désactivé (ajoutez --force si vous êtes sûr·e).")
        with transaction.atomic():
            self._seed()
        self.stdout.write(self.style.SUCCESS(f"Données de démonstration prêtes. Comptes (mot de passe « {PASSWORD} ») :"))
        for line in [
            "  admin@demo.test (superutilisateur)", "  editrice@demo.test (éditrice de contenu)",
            "  formatrice.nord@demo.test, formateur.sud@demo.test (formateur·rices et responsables d'équipe)",
            "  apprenant1.nord@demo.test … apprenant12.nord@demo.test",
            "  apprenant1.sud@demo.test … apprenant12.sud@demo.test",
        ]:
            self.stdout.write(line)

    def _user(self, email, **fields):
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(email=email, password=PASSWORD, **fields)
        return user

    def _seed(self):
        admin = self._user("admin@demo.test", first_name="Admin", last_name="Démo", is_staff=True, is_superuser=True)
        editor = self._user("editrice@demo.test", first_name="Élise", last_name="Éditrice", is_staff=True)
        editor.groups.add(ensure_editors_group())
        del admin
        quizzes = list(Quiz.objects.published().filter(module__isnull=False).order_by("module__order", "order"))
        lessons = []

        lessons = list(Lesson.objects.published().order_by("module__order", "order"))
        professions = Profession.values
        for slug, name, kind, trainer_email, first, last, suffix, cohort_name, dep in ORGS:
            org, _ = Organisation.objects.get_or_create(slug=slug, defaults={"name": name, "kind": kind})
            trainer = self._user(trainer_email, first_name=first, last_name=last, departement=dep)
            Membership.objects.get_or_create(user=trainer, organisation=org, role=Membership.Role.TRAINER)
            # The demo trainers also manage their organisation's team (page « Équipe de formation »).
            Membership.objects.get_or_create(user=trainer, organisation=org, role=Membership.Role.MANAGER)
            cohort = Cohort.objects.filter(organisation=org, name=cohort_name).first()
            if cohort is None:
                cohort = Cohort.objects.create(organisation=org, name=cohort_name, created_by=trainer)
            cohort.trainers.add(trainer)
            rng = random.Random(slug)
            for i in range(1, 13):
                email = f"apprenant{i}.{suffix}@demo.test"
                exists = User.objects.filter(email=email).exists()
                learner = self._user(
                    email, first_name=FIRST_NAMES[i - 1], last_name=f"Démo {name.split()[-1]}",
                    profession=professions[(i - 1) % len(professions)],
                    departement=[dep, rng.choice(Departement.values[:-1])][i % 2],
                )
                accounts.join_cohort(user=learner, cohort=cohort)
                if exists:
                    continue  # progress only seeded once: re-running changes nothing
                self._progress(learner, lessons, quizzes, share=(i - 1) / 11, rng=rng)

    def _progress(self, user, lessons, quizzes, *, share, rng):
        """Learner i has done roughly i/12 of the course, with some failed first tries."""

        done = int(len(lessons) * share)
        if done:
            user.content_notice_seen_at = timezone.now()
            user.save(update_fields=["content_notice_seen_at"])
        for lesson in lessons[:done]:
            mark_lesson_done(user=user, lesson=lesson)
        done_ids = {lesson.id for lesson in lessons[:done]}
        # Self-assessment: everyone who started took the "before" test; those near the end
        # also took the "after" one, with more confidence and a better score.
        self_tests = {q.kind: q for q in Quiz.objects.published().filter(kind__in=["avant", "apres"])}
        to_take = []
        if done and "avant" in self_tests:
            record_confidence(user=user, phase="avant", ratings={s: rng.choice([1, 2, 2, 3]) for s in Skill.values})
            to_take.append((self_tests["avant"], 0.45))
        for quiz in quizzes:
            if quiz.lesson_id and quiz.lesson_id not in done_ids:
                continue
            if not quiz.lesson_id and share < 0.9:
                continue
            to_take.append((quiz, 0.45 + 0.5 * share))
        if share >= 0.9 and "apres" in self_tests:
            record_confidence(user=user, phase="apres", ratings={s: rng.choice([3, 3, 4]) for s in Skill.values})
            to_take.append((self_tests["apres"], 0.9))
        for quiz, skill in to_take:
            self._answer(user, quiz, skill=skill, rng=rng)

    def _answer(self, user, quiz, *, skill, rng):
        content = load_quiz(quiz)
        if not content.questions:
            return
        chosen = {}
        for question in content.questions:
            options = content.options[question.id]
            if question.input_type == "case":  # a path: the best choice, or not, at each scene
                picks = [f"{key}:{(max(own, key=lambda c: c.points) if rng.random() < skill else rng.choice(own)).key}"
                         for key, own in question.graph.choices.items()]
                chosen[question.id] = question.read_response(picks, options)
                continue
            right = [o.id for o in options if o.is_correct]
            wrong = [o.id for o in options if not o.is_correct]
            good = rng.random() < skill
            if question.input_type == "text":
                # A writing exercise: the model text, or its first half (dates and words missing).
                text = question.model_answer
                chosen[question.id] = text if good else text[: max(len(text) // 2, 400)]
                continue
            if question.input_type == "checkbox":
                pick = set(right) if good else set(right[: max(1, len(right) // 2)]) | set(wrong[:1])
            else:
                pick = {right[0]} if good or not wrong else {rng.choice(wrong)}
            chosen[question.id] = pick
        submit(user=user, content=content, chosen=chosen, submission_key=uuid.uuid4())
