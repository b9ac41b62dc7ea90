"""French error pages in the site layout (403 CSRF, 404, 500, 503)."""
import sys

from django.http import HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template import loader

from elearning.middleware import is_database_busy


def csrf_failure(request, reason=""):
    # The reason is technical and stays out of the page (and out of the logs).
    return render(request, "403_csrf.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    # Rendered without a request context on purpose: the failure may come from a
    # context processor or the database.

    # A lock that outlasted the timeout outside the view (saving the session after it, say)
    # still deserves "réessayez dans un instant", not "erreur du serveur".
    if is_database_busy(sys.exc_info()[1]):
        response = HttpResponse(loader.get_template("503.html").render(), status=503)
        response["Retry-After"] = "5"
        return response
    template = loader.get_template("500.html")
    return HttpResponseServerError(template.render())


def permission_denied(request, exception=None):
    return render(request, "403.html", status=403)
