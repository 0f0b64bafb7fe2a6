"""Project-wide middleware."""

import json

from django.db import OperationalError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

__all__ = ["DatabaseBusyMiddleware", "is_database_busy"]

RETRY_AFTER_SECONDS = 2


def is_database_busy(exc: BaseException) -> bool:
    """SQLite's answer when another writer held the lock past the timeout (settings: 20 s)."""
    text = str(exc).lower()
    return isinstance(exc, OperationalError) and ("database is locked" in text or "database is busy" in text)


def busy_response(request: HttpRequest) -> HttpResponse:
    message = _(
        "Registret är upptaget av en annan ändring just nu. Försök igen om en stund; inget har sparats."
    )
    accepts_json = "application/json" in request.headers.get("Accept", "")
    wants_json = accepts_json or request.path.startswith("/graphql")
    if wants_json:
        response = HttpResponse(
            json.dumps({"errors": [{"message": message, "extensions": {"code": "BUSY_RETRY"}}]}),
            status=503,
            content_type="application/json",
        )
    else:
        response = HttpResponse(
            render_to_string("busy.html", {"message": message}, request=request), status=503
        )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


class DatabaseBusyMiddleware:
    """Turns a locked SQLite database into "503, busy, retry" instead of a server error.

    Every write runs in ``transaction.atomic``, so a refused write has changed nothing.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if is_database_busy(exception):
            return busy_response(request)
        return None
