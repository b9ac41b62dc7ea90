"""Editor previews (built in elearning/views_preview.py)."""

urlpatterns = []
