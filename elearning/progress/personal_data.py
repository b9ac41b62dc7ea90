"""A learner's own data: the export they may download (right of access) and the deletion of
their account (right to erasure). Both read or write every row about one person, nothing
about anyone else."""
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.db import transaction

from elearning import throttle
from elearning.models import Certificate, ConfidenceRating
from quizzes.models import Attempt


def export_user_data(*, user) -> dict:
    """Every row about `user`, nothing about anyone else."""
    attempts = Attempt.objects.filter(user=user).prefetch_related("answers__options").select_related("quiz")
    return {
        "profil": {
            "email": user.email, "prenom": user.first_name, "nom": user.last_name,
            "profession": user.profession, "departement": user.departement,
            "inscrit_le": user.date_joined.isoformat(),
            "derniere_connexion": user.last_login.isoformat() if user.last_login else None,
            "rappels_par_email": user.email_reminders,
        },
        "rappels_envoyes": [
            {"type": r.get_kind_display(), "groupe": r.cohort.name, "etat": r.get_status_display(),
             "envoye_le": r.sent_at.isoformat() if r.sent_at else None}
            for r in user.scheduled_emails.select_related("cohort")
        ],
        "appartenances": [
            {"organisation": m.organisation.name, "role": m.get_role_display(), "depuis": m.created_at.isoformat()}
            for m in user.memberships.select_related("organisation").order_by("created_at")
        ],
        # Failed logins are kept only while they count towards a lock (AXES_COOLOFF_HOURS).
        "connexions_echouees_recentes": [
            {"le": a.attempt_time.isoformat(), "adresse_ip": a.ip_address, "navigateur": a.user_agent,
             "echecs": a.failures_since_start}
            for a in AccessAttempt.objects.filter(username__iexact=user.email)
        ],
        "groupes": [
            {"groupe": e.cohort.name, "organisation": e.cohort.organisation.name, "rejoint_le": e.joined_at.isoformat(),
             "echeance": e.cohort.deadline.isoformat() if e.cohort.deadline else None}
            for e in user.enrolments.select_related("cohort__organisation")
        ],
        "lecons_terminees": [
            {"lecon": c.lesson.slug, "terminee_le": c.completed_at.isoformat()}
            for c in user.lesson_completions.select_related("lesson")
        ],
        "auto_positionnement": [
            {"phase": r.phase, "competence": r.skill, "niveau": r.value}
            for r in ConfidenceRating.objects.filter(user=user)
        ],
        "tentatives": [
            {
                "quiz": a.quiz.slug, "envoyee_le": a.submitted_at.isoformat(), "score": a.score,
                "seuil": a.pass_mark, "reussie": a.passed,
                "reponses": [
                    {"question": ans.title, "score": ans.score,
                     "choix": [o.text for o in ans.options.all() if o.chosen]}
                    for ans in a.answers.all()
                ],
            }
            for a in attempts
        ],
        "attestations": [
            {"code": c.code, "cours": c.course_title, "terminee_le": c.completed_on.isoformat()}
            for c in Certificate.objects.filter(user=user)
        ],
    }


@transaction.atomic
def delete_account(*, user) -> None:
    """Delete the person and every row that names them. Their attempts stay, anonymised
    (user → NULL, cohort kept), so group statistics stay right. Certificates name the
    person: they go; so do the login-failure records and rate-limit counts for their address."""
    Certificate.objects.filter(user=user).delete()
    for model in (AccessAttempt, AccessLog, AccessFailureLog):
        model.objects.filter(username__iexact=user.email).delete()
    throttle.forget_address(email=user.email)
    user.delete()
