from django.urls import path

from elearning.learn import cases, writing
from elearning.learn import quiz as views

urlpatterns = [
    path("<slug:slug>/", views.quiz_detail, name="quiz"),
    path("<slug:slug>/envoyer/", views.quiz_submit, name="quiz_submit"),
    path("<slug:slug>/brouillon/", writing.draft_save, name="quiz_writing_draft"),
    path("<slug:slug>/resultat/<int:attempt_id>/", views.quiz_result, name="quiz_result"),
    path("<slug:slug>/cas/<int:question_id>/", cases.case_play, name="quiz_case"),
    path("<slug:slug>/cas/<int:question_id>/choisir/", cases.case_choose, name="quiz_case_choose"),
    path("<slug:slug>/cas/<int:question_id>/recommencer/", cases.case_restart, name="quiz_case_restart"),
]
