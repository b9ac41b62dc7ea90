from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from elearning.followup import urls as followup_urls
from elearning.learn import dashboard, views
from elearning.live import urls as live_urls
from elearning.training import team

handler400 = "elearning.views_errors.bad_request"
handler404 = "elearning.views_errors.page_not_found"
handler500 = "elearning.views_errors.server_error"
handler403 = "elearning.views_errors.permission_denied"

admin.site.site_header = "Repères — administration du contenu"
admin.site.site_title = "Repères"
admin.site.index_title = "Contenus du parcours"

urlpatterns = [
    path("", views.home, name="home"),
    path("parcours/", views.course_overview, name="course_overview"),
    path("avertissement/", views.content_notice, name="content_notice"),
    path("cours/<slug:module_slug>/<slug:lesson_slug>/", views.lesson_detail, name="lesson"),
    path("cours/<slug:module_slug>/<slug:lesson_slug>/terminer/", views.lesson_complete, name="lesson_complete"),
    path("qui-contacter/", views.directory, name="directory"),
    path("mon-parcours/", dashboard.dashboard, name="dashboard"),
    path("mon-parcours/suivi/", dashboard.retention_view, name="retention"),
    path("auto-evaluation/bilan/", dashboard.self_assessment_report, name="self_report"),
    path("auto-evaluation/<str:phase>/", dashboard.self_assessment, name="self_assessment"),
    path("auto-evaluation/<str:phase>/envoyer/", dashboard.self_assessment_submit, name="self_assessment_submit"),
    path("mon-attestation/", dashboard.certificate, name="certificate"),
    path("mon-attestation/pdf/", dashboard.certificate_download, name="certificate_pdf"),
    path("attestation/<str:code>/", dashboard.certificate_verify, name="certificate_verify"),
    path("mon-compte/", views.account, name="account"),
    path("mon-compte/donnees.json", dashboard.data_export, name="data_export"),
    path("mon-compte/supprimer/", dashboard.account_delete, name="account_delete"),
    path("comptes/inscription/", views.signup, name="signup"),
    path("comptes/inscription/envoyee/", views.signup_sent, name="signup_sent"),
    path("comptes/inscription/<str:code>/", views.signup, name="signup_with_code"),
    path("comptes/activer/<str:token>/", views.activate, name="activate"),
    path("rejoindre/<str:code>/", views.join, name="join"),
    path("comptes/invitation/<str:token>/", team.accept_invitation, name="accept_invitation"),
    path("comptes/connexion/", views.LoginView.as_view(), name="login"),
    path("comptes/deconnexion/", views.LogoutView.as_view(), name="logout"),
    path("comptes/mot-de-passe/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("comptes/mot-de-passe/modifie/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("comptes/mot-de-passe-oublie/", views.ThrottledPasswordResetView.as_view(), name="password_reset"),
    path("comptes/mot-de-passe-oublie/envoye/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("comptes/reinitialiser/<uidb64>/<token>/", auth_views.PasswordResetConfirmView.as_view(),
         name="password_reset_confirm"),
    path("comptes/reinitialiser/termine/", auth_views.PasswordResetCompleteView.as_view(),
         name="password_reset_complete"),
    path("glossaire/", views.glossary_page, name="glossary"),
    path("accessibilite/", views.static_page, {"template": "accessibilite"}, name="accessibility"),
    path("confidentialite/", views.static_page, {"template": "confidentialite"}, name="privacy"),
    path("mentions-legales/", views.static_page, {"template": "mentions_legales"}, name="legal"),
    path("prendre-soin-de-soi/", views.static_page, {"template": "prendre_soin"}, name="self_care"),
    path("quiz/", include("elearning.learn.quiz_urls")),
    path("que-faire/", include("elearning.decision.urls")),
    path("formation/", include("elearning.training.urls")),
    path("formation/", include(live_urls.trainer_urlpatterns)),
    path("direct/", include("elearning.live.urls")),
    path("lti/", include("elearning.lti.urls")),
    path("formation/", include(followup_urls.trainer_urlpatterns)),
    path("", include(followup_urls.urlpatterns)),
    path("apercu/", include("elearning.preview.urls")),
    path("admin/", admin.site.urls),
]
