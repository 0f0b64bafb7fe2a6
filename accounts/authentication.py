"""Bearer-token authentication for the API: who a request with ``Authorization: Bearer …`` is.

Kept apart from the session: a request that carries a token is judged by the token alone, and a
request that carries both a token and session cookies is refused, so a page in another tab cannot
ride a logged-in session past CSRF protection by adding a header.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import ApiToken

__all__ = ["LAST_USED_RESOLUTION", "BearerResult", "authenticate_bearer", "has_bearer"]

#: How exactly a token's last use is recorded. A tool walking the register page by page would
#: otherwise write to the database on every read — and on SQLite a write waits for the one writer.
LAST_USED_RESOLUTION = timedelta(minutes=1)


@dataclass(frozen=True)
class BearerResult:
    """The outcome of reading a request's bearer token: a token, or an error to show the client."""

    token: ApiToken | None = None
    error: str = ""


def has_bearer(request: HttpRequest) -> bool:
    return bool(request.META.get("HTTP_AUTHORIZATION", "").strip())


def authenticate_bearer(request: HttpRequest) -> BearerResult:
    """Check the request's ``Authorization`` header; never log or echo the token itself."""
    header = request.META.get("HTTP_AUTHORIZATION", "").strip()
    scheme, _sep, credentials = header.partition(" ")
    if scheme.lower() != "bearer" or not credentials.strip():
        return BearerResult(error=str(_("Felaktigt Authorization-huvud: använd ”Bearer <token>”.")))
    if request.COOKIES.get(settings.SESSION_COOKIE_NAME):
        return BearerResult(
            error=str(_("En förfrågan med API-token får inte samtidigt skicka sessionscookies."))
        )
    token = ApiToken.authenticate(credentials.strip())
    if token is None:
        return BearerResult(error=str(_("Ogiltig, utgången eller återkallad API-token.")))
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return BearerResult(token=token)
