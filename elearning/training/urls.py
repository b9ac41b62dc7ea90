"""Trainer pages (built in elearning/training/views.py), under /formation/."""
from django.urls import path

from elearning.training import views as views_trainer

urlpatterns = [
    path("groupes/", views_trainer.cohort_list, name="trainer_cohorts"),
    path("groupes/<int:cohort_id>/", views_trainer.cohort_dashboard, name="trainer_cohort"),
    path("groupes/<int:cohort_id>/questions/", views_trainer.cohort_items, name="trainer_items"),
    path("groupes/<int:cohort_id>/export.csv", views_trainer.export_learners, name="trainer_export_learners"),
    path("groupes/<int:cohort_id>/questions.csv", views_trainer.export_items, name="trainer_export_items"),
    path("groupes/<int:cohort_id>/importer/", views_trainer.import_learners, name="trainer_import_learners"),
    path("groupes/<int:cohort_id>/code/", views_trainer.cohort_code, name="trainer_cohort_code"),
    path("groupes/<int:cohort_id>/apprenants/<int:user_id>/retirer/", views_trainer.remove_learner_view,
         name="trainer_remove_learner"),
    path("organisation/<int:organisation_id>/", views_trainer.organisation_overview, name="trainer_organisation"),
]
