from django.urls import path

from elearning.followup import views

urlpatterns = [
    path("e-mails/desinscription/<str:token>/", views.unsubscribe, name="unsubscribe"),
]

trainer_urlpatterns = [
    path("groupes/<int:cohort_id>/echeance/", views.deadline, name="followup_deadline"),
    path("groupes/<int:cohort_id>/invitations/", views.invitations, name="followup_invitations"),
    path("groupes/<int:cohort_id>/suivi/", views.cohort_retention, name="followup_retention"),
]
