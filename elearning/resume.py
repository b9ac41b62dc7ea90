"""Nothing a learner sent is lost when their session has expired.

A form sent without a session (it expired while the learner was answering) would be answered
by the login page, then by nothing: the answers gone. Here the fields of that POST travel,
signed and short-lived, in the `next` address given to the login page; after signing in, the
learner is back on the form with their answers filled in, and sends it again. The submission
key of a quiz travels with them, so a quiz already recorded is never recorded twice.

The value is signed (a third party cannot forge answers for someone) and holds only the form's
fields, never the CSRF token; it expires after `MAX_AGE_SECONDS`. Fields too long for an
address (a written IP runs to pages; gunicorn refuses request lines over 4 KB) stay in the
visitor's own session, which signing in keeps, and the address carries a signed reference.
"""
import secrets
from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core import signing
from django.http import QueryDict
from django.utils.http import urlencode

PARAM = "reprise"
MAX_AGE_SECONDS = 2 * 60 * 60
_SALT = "elearning.resume"
_NOT_KEPT = {"csrfmiddlewaretoken"}
# Longest value put in the address; longer fields go to the session.
MAX_URL_VALUE = 1_500
RESUMED_MESSAGE = ("Votre session avait expiré : vos réponses ont été gardées. Vérifiez-les, "
                   "puis envoyez-les de nouveau.")


def login_required_keeping_post(page_url: Callable[..., str] | None = None):
    """Like `login_required`, but an anonymous POST keeps its fields: the login page leads back
    to the form's page (`page_url(**view kwargs)`, the requested address by default) with them."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.user.is_authenticated:
                return view(request, *args, **kwargs)
            target = page_url(**kwargs) if page_url else request.path
            fields = {key: request.POST.getlist(key) for key in request.POST if key not in _NOT_KEPT}
            if request.method == "POST" and fields:
                value = signing.dumps({"path": target, "post": fields}, salt=_SALT, compress=True)
                if len(value) > MAX_URL_VALUE:
                    reference = secrets.token_urlsafe(12)
                    request.session[f"{PARAM}:{reference}"] = fields
                    value = signing.dumps({"path": target, "session": reference}, salt=_SALT)
                target = f"{target}?{urlencode({PARAM: value})}"
            return redirect_to_login(target)

        return wrapper

    return decorator


def resumed_post(request) -> QueryDict | None:
    """The fields kept for this page, when the learner comes back after signing in; None
    otherwise (no value, another page's, tampered with or too old). Tells the learner."""
    value = request.GET.get(PARAM)
    if not value:
        return None
    try:
        data = signing.loads(value, salt=_SALT, max_age=MAX_AGE_SECONDS)
    except signing.BadSignature:
        return None
    if isinstance(data, dict) and isinstance(data.get("session"), str):
        data["post"] = request.session.get(f"{PARAM}:{data['session']}")
    if not isinstance(data, dict) or data.get("path") != request.path or not isinstance(data.get("post"), dict):
        return None
    post = QueryDict(mutable=True)
    for key, values in data["post"].items():
        post.setlist(str(key), [str(v) for v in values] if isinstance(values, list) else [])
    messages.info(request, RESUMED_MESSAGE)
    return post
