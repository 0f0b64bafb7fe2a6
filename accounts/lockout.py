"""Login throttling (django-axes): who is asking, and what a locked-out person is told.

django-axes counts failed logins per username and per client address
(``AXES_LOCKOUT_PARAMETERS``); past ``AXES_FAILURE_LIMIT`` failures the username or the address
is locked for ``AXES_COOLOFF_TIME``, on the site's login page and on the admin's alike, even with
the right password. An administrator sees the locks in the admin (*Access attempts*) and lifts one
by deleting it, or with ``manage.py axes_reset_username <name>``. API tokens are not logins: they
are checked by :mod:`accounts.authentication` and are never locked out.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.forms.utils import ErrorDict
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import ngettext

__all__ = ["client_ip", "lockout_message", "lockout_response"]


def client_ip(request: HttpRequest) -> str | None:
    """The address a login attempt is counted against.

    ``REMOTE_ADDR`` unless the site runs behind ``TRUSTED_PROXY_COUNT`` reverse proxies of its own:
    then the address the outermost of them saw, read from the right of ``X-Forwarded-For`` (entries
    further left are the client's to write, and would let an attacker pick a fresh address per try).
    """
    proxies = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if proxies > 0:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR")


def _cooloff_minutes() -> int:
    cooloff = settings.AXES_COOLOFF_TIME
    if isinstance(cooloff, datetime.timedelta):
        return max(1, round(cooloff.total_seconds() / 60))
    return max(1, round(float(cooloff or 0) * 60))  # axes reads a number as hours


def lockout_message() -> str:
    """What the login page says to a locked-out username or address (in the request's language)."""
    minutes = _cooloff_minutes()
    return ngettext(
        "För många misslyckade inloggningsförsök. Inloggningen är spärrad i %(minutes)s minut; "
        "försök igen senare eller be en administratör häva spärren.",
        "För många misslyckade inloggningsförsök. Inloggningen är spärrad i %(minutes)s minuter; "
        "försök igen senare eller be en administratör häva spärren.",
        minutes,
    ) % {"minutes": minutes}


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: dict | None = None
) -> HttpResponse:
    """The login page the person was on, with the lock-out message in place of the form's error.

    ``AXES_LOCKOUT_CALLABLE``: the site's login view and the admin's are both Django's
    ``LoginView``, so the page is their own template and context again, answered with 429.
    """
    message = lockout_message()
    context = getattr(original_response, "context_data", None)
    form = (context or {}).get("form")
    if form is None or not isinstance(original_response, TemplateResponse):
        return HttpResponse(message, status=429, content_type="text/plain; charset=utf-8")
    form._errors = ErrorDict()
    form.cleaned_data = {}
    form.add_error(None, message)
    response = TemplateResponse(
        request, original_response.template_name, context, status=429, using=original_response.using
    )
    return response.render()

