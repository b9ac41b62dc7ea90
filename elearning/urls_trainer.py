"""Trainer pages (built in elearning/views_trainer.py)."""
from django.urls import path

from elearning import views_trainer

urlpatterns = [
    path("groupes/", views_trainer.cohort_list, name="trainer_cohorts"),
]
