"""Project-wide middleware."""

import json

from django.conf import settings
from django.db import OperationalError
from django.http import HttpRequest, HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

__all__ = ["DatabaseBusyMiddleware", "SwedishFirstLocaleMiddleware", "is_database_busy"]

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


class SwedishFirstLocaleMiddleware(LocaleMiddleware):
    """Swedish unless the user chose English with the language switch.

    Django's LocaleMiddleware follows the browser's Accept-Language, so a municipal employee with an
    English-language browser would get an English UI they never asked for. Here only the language
    cookie set by the switch (``/i18n/setlang/``) overrides the site language (``LANGUAGE_CODE``).
    """

    def process_request(self, request: HttpRequest) -> None:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
