"""Measured evidence about services, read through a seam the higher apps fill.

Whether a service is behind single sign-on and how many people at a school use it are typed by
hand in the register; the identity providers know them (issue 17). The ``discovery`` app reads
their logs, but ``portfolio`` and ``gdpr`` sit below it and may not import it
(docs/architecture.md, "The apps and which may import which"). So ``portfolio`` declares here what
measured evidence looks like and asks whichever :class:`EvidenceProvider` is registered;
``discovery`` registers its provider in ``DiscoveryConfig.ready()`` — the pattern of the
detail-page hooks. With no provider registered every function answers "nothing measured", and
the register's own (declared) figures are used unchanged.

Each function makes a constant number of queries: one or two per provider, whatever the number
of services asked about.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, NamedTuple, Protocol

from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.translation import gettext as _

__all__ = [
    "EffectiveUsers",
    "EvidenceProvider",
    "MeasuredUsers",
    "ObservedSso",
    "effective_users",
    "fingerprint_sql",
    "measured_users",
    "measured_users_by_service",
    "observed_sso",
    "period_in_words",
    "providers",
    "register_provider",
    "set_aside",
    "snapshot",
    "unregister_provider",
]


@dataclass(frozen=True)
class MeasuredUsers:
    """Distinct people of a school who signed in to a service in a period (user groups summed)."""

    users: int
    period_start: datetime.date
    period_end: datetime.date
    source: str  # where the figure comes from, in words ("Microsoft Entra ID")
    pupils: int = 0  # of ``users``, those the membership file places in the group "elever"


@dataclass(frozen=True)
class ObservedSso:
    """How people sign in to a service, as an identity provider reports it.

    ``federated`` is true for SAML, OpenID Connect and Google's OAuth sign-in. Password vaulting
    (``mode == "password"``) is the identity provider typing a stored password into the vendor's
    own login: convenient, but not federation, so ``federated`` is false.
    """

    federated: bool
    mode: str  # saml, oidc, oauth, password, none
    source: str  # the identity provider, in words
    observed_at: datetime.date | None  # the last sign-in seen (or the end of the measured period)
    sign_ins: int  # successful sign-ins in the latest measured period
    period_start: datetime.date | None = None  # the period ``sign_ins`` counts
    period_end: datetime.date | None = None

    @property
    def is_password_vaulting(self) -> bool:
        return self.mode == "password"


class EffectiveUsers(NamedTuple):
    """The users figure an analysis should use for one registered usage row, and whether it is measured."""

    users: int
    measured: bool


class EvidenceProvider(Protocol):
    """What a provider answers; ``service_ids`` None means every service."""

    def measured_users(
        self, service_ids: Iterable[int] | None
    ) -> dict[tuple[int, int | None], MeasuredUsers]: ...

    def observed_sso(self, service_ids: Iterable[int] | None) -> dict[int, ObservedSso]: ...


_PROVIDERS: list[EvidenceProvider] = []


def register_provider(provider: EvidenceProvider) -> None:
    """Add ``provider`` (once: registering it again adds nothing)."""
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)


def unregister_provider(provider: EvidenceProvider) -> None:
    if provider in _PROVIDERS:
        _PROVIDERS.remove(provider)


def providers() -> list[EvidenceProvider]:
    return list(_PROVIDERS)


#: Evidence the caller has set aside: (service ids whose observed sign-on is not to be used,
#: (service id, organisation id) pairs whose measured users are not to be used).
_SET_ASIDE: ContextVar[tuple[frozenset[int], frozenset[tuple[int, int | None]]]] = ContextVar(
    "evidence_set_aside", default=(frozenset(), frozenset())
)


@contextmanager
def set_aside(
    sso_of: Iterable[int] = (), users_at: Iterable[tuple[int, int | None]] = ()
) -> Iterator[None]:
    """Inside the block the evidence about these services and schools is not used.

    The färdplan's future state changes a service's sign-on or moves its schools to another
    service; the identity providers' logs describe the register as it is today, so for what the
    plan changes the register's own (planned) figures must answer instead. Nested blocks add up.
    """
    sso_before, users_before = _SET_ASIDE.get()
    token = _SET_ASIDE.set((sso_before | frozenset(sso_of), users_before | frozenset(users_at)))
    try:
        yield
    finally:
        _SET_ASIDE.reset(token)


def _ids(service_ids: Iterable[int] | None) -> list[int] | None:
    return None if service_ids is None else sorted({int(pk) for pk in service_ids})


#: Above this many services, a provider is asked about every service and the answer narrowed here:
#: an ``IN`` list of thousands of ids (the whole register, at scale) costs more to build and bind
#: than reading the few evidence rows the ids would have left out.
WHOLE_REGISTER_ABOVE = 500

#: Inside :func:`snapshot`: the providers' answers already read, by (provider, method, ids or None).
_SNAPSHOT: ContextVar[dict | None] = ContextVar("evidence_snapshot", default=None)


@contextmanager
def snapshot() -> Iterator[None]:
    """Inside the block each provider is asked each question once; later asks reuse the answer.

    The färdplan's future state reads the same evidence three times (the actions' moves, the
    landscape, the GDPR rules' large-scale test) inside one rolled-back transaction that changes
    the register but never the evidence, and the goal series reads it once per month put back
    from history, which keeps no evidence of its own. Only for such blocks: outside one, every
    call reads afresh. What is set aside (:func:`set_aside`) is still applied per call.
    """
    token = _SNAPSHOT.set({})
    try:
        yield
    finally:
        _SNAPSHOT.reset(token)


def _ask(provider: EvidenceProvider, method: str, ids: list[int] | None) -> dict:
    """One provider's answer about ``ids`` (None: every service), narrowed to ``ids`` here when
    the provider was asked about every service (a long list, or an answer kept by :func:`snapshot`)."""
    asked = None if ids is not None and len(ids) > WHOLE_REGISTER_ABOVE else ids
    memo = _SNAPSHOT.get()
    whole = (id(provider), method, None)
    question = whole if asked is None else (id(provider), method, tuple(asked))
    if memo is not None and (whole in memo or question in memo):
        answer = memo[whole] if whole in memo else memo[question]
    else:
        answer = getattr(provider, method)(asked)
        if memo is not None:
            memo[question] = answer
    if ids is None:
        return answer
    wanted = set(ids)
    if method == "measured_users":
        return {key: value for key, value in answer.items() if key[0] in wanted}
    return {key: value for key, value in answer.items() if key in wanted}


def measured_users(
    service_ids: Iterable[int] | None = None,
) -> dict[tuple[int, int | None], MeasuredUsers]:
    """``{(service id, organisation id): MeasuredUsers}``: the latest measured period per school.

    The organisation is None for people the identity provider saw but no membership file placed
    at a school. The first provider that measured a pair answers for it.
    """
    ids = _ids(service_ids)
    if ids == []:
        return {}
    found: dict[tuple[int, int | None], MeasuredUsers] = {}
    _sso, users_aside = _SET_ASIDE.get()
    for provider in _PROVIDERS:
        for key, value in _ask(provider, "measured_users", ids).items():
            if key not in users_aside:
                found.setdefault(key, value)
    return found


def measured_users_by_service(
    service_ids: Iterable[int] | None = None,
) -> dict[int, MeasuredUsers]:
    """``{service id: MeasuredUsers}``: the schools' latest figures summed per service.

    The period spans the schools' periods; people not placed at a school are included.
    """
    totals: dict[int, MeasuredUsers] = {}
    for (service_id, _organisation), value in measured_users(service_ids).items():
        before = totals.get(service_id)
        if before is None:
            totals[service_id] = value
            continue
        sources = (
            before.source if value.source in before.source.split(", ") else f"{before.source}, {value.source}"
        )
        totals[service_id] = MeasuredUsers(
            users=before.users + value.users,
            period_start=min(before.period_start, value.period_start),
            period_end=max(before.period_end, value.period_end),
            source=sources,
            pupils=before.pupils + value.pupils,
        )
    return totals


def fingerprint_sql() -> list[str]:
    """SQL selects (two columns each) whose answers change whenever the evidence changes.

    The stored analyses are keyed by the register's state (``stewardship.analyses``: the newest
    history row of every table); measured use keeps no history, so its providers say here what
    identifies their state, and the same single query reads it.
    """
    selects: list[str] = []
    for provider in _PROVIDERS:
        method = getattr(provider, "fingerprint_sql", None)
        if method is not None:
            selects.extend(method())
    return selects


def observed_sso(service_ids: Iterable[int] | None = None) -> dict[int, ObservedSso]:
    """``{service id: ObservedSso}`` for the services an identity provider says how people sign in to."""
    ids = _ids(service_ids)
    if ids == []:
        return {}
    found: dict[int, ObservedSso] = {}
    sso_aside, _users = _SET_ASIDE.get()
    for provider in _PROVIDERS:
        for key, value in _ask(provider, "observed_sso", ids).items():
            if key not in sso_aside:
                found.setdefault(key, value)
    return found


def period_in_words(start: datetime.date | None, end: datetime.date | None) -> str:
    """ "i november" for a calendar month (of this or last year), else "1 sep.–30 nov. 2026"."""
    if start is None or end is None:
        return ""
    if (start.year, start.month) == (end.year, end.month) and start.day == 1:
        month = str(MONTHS[start.month]).lower()
        if start.year >= timezone.localdate().year - 1:
            return _("i %(month)s") % {"month": month}
        return _("i %(month)s %(year)d") % {"month": month, "year": start.year}
    return _("under %(start)s–%(end)s") % {"start": start.isoformat(), "end": end.isoformat()}


def _get(row: Any, name: str) -> Any:
    return row[name] if isinstance(row, dict) else getattr(row, name)


def effective_users(usages: Iterable[Any]) -> dict[int, EffectiveUsers]:
    """``{usage pk: (users, measured)}`` for registered ``ServiceUsage`` rows.

    ``usages`` are ServiceUsage instances or ``values()`` dicts with ``pk`` (or ``id``),
    ``service_id``, ``organisation_id`` and ``users``. Where the identity provider measured the
    service at that school the measured figure is used (``measured`` true); otherwise the
    hand-entered ``users``, marked as declared. One query per provider for all rows.
    """
    rows = list(usages)
    measured = measured_users({_get(row, "service_id") for row in rows}) if rows else {}
    result: dict[int, EffectiveUsers] = {}
    for row in rows:
        pk = row.get("pk", row.get("id")) if isinstance(row, dict) else row.pk
        figure = measured.get((_get(row, "service_id"), _get(row, "organisation_id")))
        if figure is not None:
            result[pk] = EffectiveUsers(figure.users, True)
        else:
            result[pk] = EffectiveUsers(_get(row, "users") or 0, False)
    return result
