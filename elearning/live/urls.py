"""Participants' URLs (public, under /direct/). The trainer's are in `urls_trainer`, under
the cohort: /formation/groupes/<id>/direct/…"""
from django.urls import path

from elearning.live import views

urlpatterns = [
    path("", views.join_view, name="live_join"),
    path("<str:code>/", views.room, name="live_room"),
    path("<str:code>/voter/", views.vote, name="live_vote"),
    path("<str:code>/etat.json", views.state, name="live_state"),
]

trainer_urlpatterns = [
    path("groupes/<int:cohort_id>/direct/", views.session_list, name="live_sessions"),
    path("groupes/<int:cohort_id>/direct/<int:session_id>/", views.control, name="live_control"),
    path("groupes/<int:cohort_id>/direct/<int:session_id>/projection/", views.projection, name="live_projection"),
    path("groupes/<int:cohort_id>/direct/<int:session_id>/bilan/", views.session_summary, name="live_summary"),
    path("groupes/<int:cohort_id>/direct/<int:session_id>/bilan.csv", views.summary_csv, name="live_summary_csv"),
]
