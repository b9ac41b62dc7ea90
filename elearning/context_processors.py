"""Template context shared by every page."""
from functools import partial

from django.conf import settings

from elearning.access import is_trainer

SUPPORT_NUMBERS = [
    ("119", "Allô enfance en danger", "24 h/24, 7 j/7, gratuit"),
    ("3919", "Violences Femmes Info", "24 h/24, 7 j/7, gratuit"),
    ("3018", "Cyberharcèlement, images intimes diffusées", "7 j/7, 9 h – 23 h, gratuit"),
    ("17", "Police secours, en cas de danger immédiat", "ou 112 ; 114 par SMS"),
]


def site(request):
    user = getattr(request, "user", None)
    return {
        "SITE_NAME": settings.SITE_NAME,
        "SUPPORT_NUMBERS": SUPPORT_NUMBERS,
        # A callable: the template evaluates it (one query) only when it shows the menu.
        "nav_is_trainer": partial(is_trainer, user) if user is not None else False,
    }
