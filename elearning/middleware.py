"""Request guards and response rules for every page:

- a database that stays locked becomes a French "réessayez" page (503), never a 500;
- NUL and other control characters in a path or query string are refused (400) before any
  view or query sees them (PostgreSQL rejects NUL in text: a 500 otherwise);
- Django's empty 405 (`require_POST`…) becomes the French page in the site's layout;
- pages seen signed in are never stored by a browser or a proxy cache.
"""
import re

from django.db import OperationalError
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseNotAllowed
from django.template import loader
from django.template.response import TemplateResponse
from django.utils.cache import patch_cache_control

from elearning.context_processors import SUPPORT_NUMBERS

BUSY_MARKERS = ("database is locked", "database table is locked", "could not obtain lock", "lock timeout")
# C0 controls (NUL included) and DEL: never part of a real address or filter value.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")


def is_database_busy(exception) -> bool:
    return isinstance(exception, OperationalError) and any(m in str(exception).lower() for m in BUSY_MARKERS)


def bad_request_page() -> HttpResponse:
    """The French 400 page, rendered without the request: the request itself is what is wrong
    (a disallowed host, a body too large to read, a control character), and a context
    processor touching it could fail again."""
    return HttpResponseBadRequest(loader.get_template("400.html").render({"SUPPORT_NUMBERS": SUPPORT_NUMBERS}))


def has_control_characters(request) -> bool:
    if CONTROL_CHARACTERS.search(request.path_info):
        return True
    return any(
        CONTROL_CHARACTERS.search(key) or any(CONTROL_CHARACTERS.search(value) for value in values)
        for key, values in request.GET.lists()
    )


class RejectControlCharactersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if has_control_characters(request):
            return bad_request_page()
        return self.get_response(request)


class MethodNotAllowedPageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if isinstance(response, HttpResponseNotAllowed) and not response.content:
            page = TemplateResponse(request, "405.html", status=405).render()
            page["Allow"] = response["Allow"]
            return page
        return response


class PrivatePagesMiddleware:
    """`Cache-Control: private, no-store` on every response to a signed-in person (their
    pages, the data export): a shared computer's back button or a proxy keeps nothing."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, private=True, no_store=True)
        return response


class DatabaseBusyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if is_database_busy(exception):
            response = TemplateResponse(request, "503.html", status=503)
            response["Retry-After"] = "5"
            return response.render()
        return None
