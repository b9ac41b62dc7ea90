"""Trainer pages (built in elearning/training/views.py), under /formation/."""
from django.urls import path

from elearning.training import case_views, groups, learner, team, writing
from elearning.training import views as views_trainer

urlpatterns = [
    path("groupes/", views_trainer.cohort_list, name="trainer_cohorts"),
    path("groupes/archives/", groups.archived_list, name="trainer_archived"),
    path("groupes/<int:cohort_id>/", views_trainer.cohort_dashboard, name="trainer_cohort"),
    path("groupes/<int:cohort_id>/questions/", views_trainer.cohort_items, name="trainer_items"),
    path("groupes/<int:cohort_id>/cas/<int:question_id>/", case_views.case_paths_page, name="trainer_case_paths"),
    path("groupes/<int:cohort_id>/export.csv", views_trainer.export_learners, name="trainer_export_learners"),
    path("groupes/<int:cohort_id>/questions.csv", views_trainer.export_items, name="trainer_export_items"),
    path("groupes/<int:cohort_id>/importer/", views_trainer.import_learners, name="trainer_import_learners"),
    path("groupes/<int:cohort_id>/code/", views_trainer.cohort_code, name="trainer_cohort_code"),
    path("groupes/<int:cohort_id>/apprenants/<int:user_id>/retirer/", views_trainer.remove_learner_view,
         name="trainer_remove_learner"),
    path("groupes/<int:cohort_id>/apprenants/<int:user_id>/", learner.learner_page, name="trainer_learner"),
    path("groupes/<int:cohort_id>/ecrits/", writing.written_list, name="trainer_writing"),
    path("groupes/<int:cohort_id>/ecrits/<int:written_id>/", writing.written_review, name="trainer_writing_review"),
    path("groupes/<int:cohort_id>/reglages/", groups.cohort_settings, name="trainer_cohort_settings"),
    path("groupes/<int:cohort_id>/archiver/", groups.cohort_archive, name="trainer_cohort_archive"),
    path("groupes/<int:cohort_id>/formateurs/", groups.cotrainer_add, name="trainer_cotrainer_add"),
    path("groupes/<int:cohort_id>/formateurs/<int:trainer_id>/retirer/", groups.cotrainer_remove,
         name="trainer_cotrainer_remove"),
    path("organisation/<int:organisation_id>/", views_trainer.organisation_overview, name="trainer_organisation"),
    path("organisation/<int:organisation_id>/equipe/", team.team, name="trainer_team"),
    path("organisation/<int:organisation_id>/equipe/<int:trainer_id>/retirer/", team.team_remove,
         name="trainer_team_remove"),
    path("organisation/<int:organisation_id>/equipe/invitations/<int:invitation_id>/retirer/",
         team.invitation_cancel, name="trainer_invitation_cancel"),
]
