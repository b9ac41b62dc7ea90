"""Per-learner summary rows (Kolibri's summary logs, Moodle's course completion table): what a
learner has done, evaluated once per event by the write path and stored, so that pages read
narrow rows or cohort counters instead of recounting every attempt. Written only by
`elearning.progress.rows` (and recomputed from the attempts by `rebuild_progress`)."""
from django.conf import settings
from django.db import models
from django.db.models import Q

from elearning.models import Cohort, Course
from quizzes.models import Quiz


class LearnerProgress(models.Model):
    """One learner's state in the course, whatever the groups they worked in: the single place
    where completion is decided (the learner's pages, the certificate, follow-up checks and LTI
    grades read it)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="progress_rows",
                             verbose_name="apprenant·e")
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="+", verbose_name="cours")
    lessons_done = models.PositiveIntegerField("leçons terminées", default=0)
    quizzes_passed = models.PositiveIntegerField("quiz réussis", default=0)
    started_at = models.DateTimeField("commencé le", null=True, blank=True)
    completed_at = models.DateTimeField("terminé le", null=True, blank=True)
    certified_at = models.DateTimeField("attestation délivrée le", null=True, blank=True)
    last_activity_at = models.DateTimeField("dernière activité le", null=True, blank=True)
    before_score = models.FloatField("score au test avant", null=True, blank=True)
    after_score = models.FloatField("score au test après", null=True, blank=True)
    # The course's shape (published lessons and quizzes) the counts were made against: a row
    # with another key is refreshed in the background after a content edit.
    shape_key = models.CharField("version du parcours", max_length=16)

    class Meta:
        verbose_name = "progression"
        verbose_name_plural = "progressions"
        constraints = [models.UniqueConstraint(fields=["user", "course"], name="unique_learner_progress")]
        indexes = [models.Index(fields=["shape_key"], name="learner_progress_shape_idx")]

    def __str__(self):
        return f"{self.user} — {self.lessons_done} leçons, {self.quizzes_passed} quiz"

    @property
    def complete(self) -> bool:
        return self.completed_at is not None


class CohortProgress(models.Model):
    """One learner's state in one group: what they did there (results belong to the group in
    which they were made). Kept while they are enrolled (`enrolled`: the funnel and the
    learner table) and, after they leave, for what they did there that stays in the group's
    statistics (`contribution`: best scores per quiz, before/after per skill)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="cohort_progress_rows",
                             verbose_name="apprenant·e")
    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="progress_rows", verbose_name="groupe")
    # None while the site has no course yet: the learner is counted as enrolled.
    course = models.ForeignKey(Course, null=True, blank=True, on_delete=models.CASCADE, related_name="+",
                               verbose_name="cours")
    enrolled = models.BooleanField("inscrit·e", default=True)
    joined_at = models.DateTimeField("inscrit·e le", null=True, blank=True)
    started = models.BooleanField("a commencé", default=False)
    lessons_done = models.PositiveIntegerField("leçons terminées", default=0)
    quizzes_passed = models.PositiveIntegerField("quiz réussis", default=0)
    steps_done = models.PositiveIntegerField("étapes faites", default=0)
    all_lessons = models.BooleanField("toutes les leçons terminées", default=False)
    complete = models.BooleanField("parcours terminé", default=False)
    certified = models.BooleanField("attestation", default=False)
    mean_score = models.FloatField("score moyen", null=True, blank=True)
    final_score = models.FloatField("score à l'évaluation finale", null=True, blank=True)
    last_activity_at = models.DateTimeField("dernière activité le", null=True, blank=True)
    # Sort keys of the learner table, copied from the account (lower case) so that a page of
    # a 100 000-learner group is read from an index rather than sorted.
    last_name_key = models.CharField("nom (tri)", max_length=150, blank=True)
    first_name_key = models.CharField("prénom (tri)", max_length=150, blank=True)
    # What this learner adds to the group's counters (quiz scores, before/after): the counters
    # move by the difference between the old and the new contribution.
    contribution = models.JSONField("contribution aux statistiques du groupe", default=dict)
    shape_key = models.CharField("version du parcours", max_length=16)

    class Meta:
        verbose_name = "progression dans un groupe"
        verbose_name_plural = "progressions dans les groupes"
        constraints = [models.UniqueConstraint(fields=["user", "cohort"], name="unique_cohort_progress")]
        # The learner table: one partial index per sort key over the enrolled rows of a group,
        # ending on the learner (the tie-break), so that a page is read in index order.
        indexes = [
            models.Index(fields=["cohort", *keys, "user"], condition=Q(enrolled=True), name=name)
            for name, keys in (
                ("cohort_progress_name_idx", ["last_name_key", "first_name_key"]),
                ("cohort_progress_steps_idx", ["steps_done"]),
                ("cohort_progress_score_idx", ["mean_score"]),
                ("cohort_progress_final_idx", ["final_score"]),
                ("cohort_progress_activity_idx", ["last_activity_at"]),
                ("cohort_progress_joined_idx", ["joined_at"]),
            )
        ] + [models.Index(fields=["shape_key"], name="cohort_progress_shape_idx")]

    def __str__(self):
        return f"{self.user} — {self.cohort}"


class CohortCounts(models.Model):
    """A group's funnel, kept up to date by the write paths (sums of its enrolled rows)."""

    cohort = models.OneToOneField(Cohort, on_delete=models.CASCADE, primary_key=True, related_name="counts",
                                  verbose_name="groupe")
    joined = models.IntegerField("inscrit·es", default=0)
    started = models.IntegerField("ont commencé", default=0)
    lessons_done = models.IntegerField("toutes les leçons terminées", default=0)
    complete = models.IntegerField("parcours terminé", default=0)
    certified = models.IntegerField("attestation obtenue", default=0)
    last_activity_at = models.DateTimeField("dernière activité le", null=True, blank=True)

    class Meta:
        verbose_name = "compteurs d'un groupe"
        verbose_name_plural = "compteurs des groupes"

    def __str__(self):
        return f"{self.cohort} — {self.joined} inscrit·es"


class QuizScoreCount(models.Model):
    """How many learners of a group have this best score (and pass state) on this quiz: the
    quiz statistics (participants, pass rate, mean, exact median) read these few rows, one per
    distinct score, however many learners the group has."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="+", verbose_name="groupe")
    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="+", verbose_name="quiz")
    best_score = models.FloatField("meilleur score")
    passed = models.BooleanField("réussi")
    learners = models.IntegerField("apprenant·es", default=0)

    class Meta:
        verbose_name = "répartition des scores"
        verbose_name_plural = "répartitions des scores"
        constraints = [models.UniqueConstraint(fields=["cohort", "quiz", "best_score", "passed"],
                                               name="unique_quiz_score_count")]

    def __str__(self):
        return f"{self.quiz} — {round(self.best_score * 100)} % × {self.learners}"


class CohortSkillGain(models.Model):
    """A group's before/after sums for one skill, over the learners who took both tests
    (scores: their first attempts' answers) or rated themselves both times (confidence)."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="+", verbose_name="groupe")
    skill = models.CharField("compétence", max_length=20)
    paired = models.IntegerField("apprenant·es ayant fait les deux tests", default=0)
    before_sum = models.FloatField("somme des scores avant", default=0)
    before_n = models.IntegerField("réponses avant", default=0)
    after_sum = models.FloatField("somme des scores après", default=0)
    after_n = models.IntegerField("réponses après", default=0)
    rated_paired = models.IntegerField("apprenant·es positionné·es deux fois", default=0)
    confidence_before_sum = models.IntegerField("somme des niveaux avant", default=0)
    confidence_after_sum = models.IntegerField("somme des niveaux après", default=0)

    class Meta:
        verbose_name = "avant/après d'un groupe"
        verbose_name_plural = "avant/après des groupes"
        constraints = [models.UniqueConstraint(fields=["cohort", "skill"], name="unique_cohort_skill_gain")]

    def __str__(self):
        return f"{self.cohort} — {self.skill}"
