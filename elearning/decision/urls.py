from django.urls import path

from elearning.decision import views

app_name = "decision"

urlpatterns = [
    path("", views.aid, name="aid"),
    path("issue/<slug:slug>/", views.outcome_detail, name="outcome"),
    path("issue/<slug:slug>/fiche.pdf", views.outcome_pdf, name="outcome_pdf"),
]
