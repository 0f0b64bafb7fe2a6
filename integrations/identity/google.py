"""Google Workspace: the Admin SDK Reports API ``activities.list`` for ``token`` and ``saml``.

An export is the API's pages (``{"kind": "admin#reports#activities", "items": [...],
"nextPageToken": ...}``) written one after another, or one activity per line. Each activity has
``id.time``, ``id.applicationName``, ``actor.email`` and ``events``; each event a ``name`` and
``parameters`` (``{"name": ..., "value"|"multiValue"|"intValue"|"boolValue": ...}``).

* ``token``: OAuth grants and use by third-party apps ("Sign in with Google" and API access).
  The events ``authorize``, ``activity`` and ``request`` are use of the app; ``revoke`` is not.
  The app is keyed by ``client_id`` and named by ``app_name``.
* ``saml``: sign-ins to SAML apps with Google as identity provider. ``login_success`` is use,
  ``login_failure`` a failure; the app is keyed and named by ``application_name``.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import IO, Any

from django.utils.translation import gettext as _

from .errors import IdentityFileError
from .jsonstream import iter_documents, sniff
from .records import DiscoveredApp, Source, SsoMode
from .tally import SignInTally

BATCH = 50_000

_APPLICATION = {Source.GOOGLE_TOKEN: "token", Source.GOOGLE_SAML: "saml"}
_USE = {Source.GOOGLE_TOKEN: {"authorize", "activity", "request"}, Source.GOOGLE_SAML: {"login_success"}}
_FAILURE = {Source.GOOGLE_TOKEN: set(), Source.GOOGLE_SAML: {"login_failure"}}


def _activities(stream: IO[bytes], source: Source) -> Iterator[tuple[int, dict[str, Any]]]:
    stream = stream if hasattr(stream, "peek") else io.BufferedReader(stream)
    if sniff(stream) != "json":
        raise IdentityFileError(_("Filen är inte JSON från Google Workspace Reports API."), line=1)
    expected = _APPLICATION[source]
    number = 0
    for document in iter_documents(stream):
        items = document.get("items") if isinstance(document, dict) else None
        if isinstance(document, dict) and document.get("kind") == "admin#reports#activities":
            items = items or []
        elif items is None:
            items = [document]
        for activity in items:
            number += 1
            if not isinstance(activity, dict) or activity.get("kind") != "admin#reports#activity":
                raise IdentityFileError(
                    _("Posten är ingen aktivitet från Google Workspace Reports API (kind saknas)."),
                    line=number,
                )
            application = (activity.get("id") or {}).get("applicationName")
            if application != expected:
                raise IdentityFileError(
                    _("Filen innehåller aktiviteter för %(found)s, inte %(expected)s. Välj rätt källa.")
                    % {"found": application or "?", "expected": expected},
                    line=number,
                )
            yield number, activity


def _parameters(event: dict[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for parameter in event.get("parameters") or ():
        for field in ("value", "multiValue", "intValue", "boolValue"):
            if field in parameter:
                values[parameter.get("name", "")] = parameter[field]
                break
    return values


def _app_of(source: Source, parameters: dict[str, Any]) -> tuple[str, str]:
    if source == Source.GOOGLE_TOKEN:
        key = str(parameters.get("client_id") or "")
        return key, str(parameters.get("app_name") or key)
    name = str(parameters.get("application_name") or "")
    return name, name


def tally_activities(stream: IO[bytes], tally: SignInTally, source: Source) -> int:
    """Feed a ``token`` or ``saml`` activity export to ``tally``; returns the events read."""
    use, failure = _USE[source], _FAILURE[source]
    apps: list[str] = []
    names: list[str] = []
    users: list[str] = []
    days: list[str] = []
    failed_apps: list[str] = []
    failed_names: list[str] = []
    events = 0
    for number, activity in _activities(stream, source):
        user = (activity.get("actor") or {}).get("email") or ""
        day = str((activity.get("id") or {}).get("time") or "")[:10]
        if len(day) != 10:
            raise IdentityFileError(_("Aktiviteten saknar tid (id.time)."), line=number)
        for event in activity.get("events") or ():
            name = event.get("name")
            key, app_name = _app_of(source, _parameters(event))
            if not key:
                continue
            events += 1
            if name in use and user:
                apps.append(key)
                names.append(app_name)
                users.append(user)
                days.append(day)
            elif name in failure:
                failed_apps.append(key)
                failed_names.append(app_name)
        if len(apps) >= BATCH:
            tally.add_batch(apps, names, users, days)
            apps, names, users, days = [], [], [], []
    tally.add_batch(apps, names, users, days)
    tally.add_failures(failed_apps, failed_names)
    return events


def discovered_apps(stream: IO[bytes], source: Source) -> list[DiscoveredApp]:
    """The distinct apps an activity export names, with their OAuth scopes for ``token``."""
    found: dict[str, tuple[str, set[str]]] = {}
    for _number, activity in _activities(stream, source):
        for event in activity.get("events") or ():
            parameters = _parameters(event)
            key, name = _app_of(source, parameters)
            if not key:
                continue
            scopes = parameters.get("scope") or []
            entry = found.setdefault(key, (name, set()))
            entry[1].update(scopes if isinstance(scopes, list) else [scopes])
    mode = SsoMode.OAUTH if source == Source.GOOGLE_TOKEN else SsoMode.SAML
    return [
        DiscoveredApp(source=source, key=key, name=name, sso_mode=mode, scopes=tuple(sorted(scopes)))
        for key, (name, scopes) in sorted(found.items())
    ]
