from django.urls import path

from elearning.learn import quiz as views
from elearning.learn import writing

urlpatterns = [
    path("<slug:slug>/", views.quiz_detail, name="quiz"),
    path("<slug:slug>/envoyer/", views.quiz_submit, name="quiz_submit"),
    path("<slug:slug>/brouillon/", writing.draft_save, name="quiz_writing_draft"),
    path("<slug:slug>/resultat/<int:attempt_id>/", views.quiz_result, name="quiz_result"),
]
