"""Turn a database that stays locked into a French "réessayez" page (503), never a 500."""
from django.db import OperationalError
from django.template.response import TemplateResponse

BUSY_MARKERS = ("database is locked", "database table is locked", "could not obtain lock", "lock timeout")


def is_database_busy(exception) -> bool:
    return isinstance(exception, OperationalError) and any(m in str(exception).lower() for m in BUSY_MARKERS)


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
