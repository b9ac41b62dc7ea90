"""Editor previews (built in elearning/preview/views.py), mounted at /apercu/."""
from django.urls import path

from elearning.preview import views as views_preview

app_name = "preview"

urlpatterns = [
    path("lecon/<int:pk>/", views_preview.lesson_preview, name="lesson"),
    path("question/<int:pk>/", views_preview.question_preview, name="question"),
    path("quiz/<int:pk>/", views_preview.quiz_preview, name="quiz"),
]
