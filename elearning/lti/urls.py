from django.urls import path

from elearning.lti import views

urlpatterns = [
    path("login/", views.oidc_login, name="lti_login"),
    path("launch/", views.launch, name="lti_launch"),
    path("jwks/", views.jwks, name="lti_jwks"),
    path("ressource/", views.deep_link_return, name="lti_deep_link_return"),
]
