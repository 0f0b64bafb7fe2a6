"""What discovery adds to a service's page (``portfolio.views_generic.DETAIL_CONTEXT_HOOKS``).

``portfolio`` may not import ``discovery`` (docs/architecture.md), so the evidence on a system's
or a learning resource's page is supplied from here and registered in ``DiscoveryConfig.ready()``:
the applications the identity providers know it as, how people sign in to it as they observe it
(with the source and the date), and the measured users per school and user group for the latest
period beside the hand-entered figure — both shown, each marked "uppmätt" or "angiven".
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import Q
from django.http import HttpRequest
from django.utils.translation import gettext as _

from portfolio.evidence import observed_sso
from portfolio.formats import whole_number
from portfolio.models import Service, ServiceUsage
from portfolio.views_generic import DETAIL_CONTEXT_HOOKS, Column, Section

from .choices import Decision, MeasuredUserGroup, SignOnMode
from .models import DiscoveredApplication, MeasuredUsage

__all__ = ["register_detail_hooks", "service_evidence"]

_GROUPS = [MeasuredUserGroup.PUPILS, MeasuredUserGroup.STAFF, MeasuredUserGroup.UNKNOWN]


def _usage_rows(service: Service) -> tuple[list[dict], tuple | None]:
    """Per school: the measured users of each user group in the latest period, and the declared figure.

    The latest period is taken per directory (Entra ID and Google may be read for different
    months) and the directories are added, as ``discovery.evidence`` does. Two queries.
    """
    measured = list(
        MeasuredUsage.objects.filter(
            Q(service=service)
            | Q(application__service=service) & ~Q(application__decision=Decision.NOT_A_SERVICE)
        ).values(
            "directory",
            "organisation_id",
            "organisation__name",
            "user_group",
            "users",
            "period_start",
            "period_end",
        )
    )
    latest: dict[str, Any] = {}
    for row in measured:
        latest[row["directory"]] = max(latest.get(row["directory"], row["period_end"]), row["period_end"])
    schools: dict[int | None, dict] = {}
    period = None
    for row in measured:
        if row["period_end"] != latest[row["directory"]]:
            continue
        entry = schools.setdefault(
            row["organisation_id"],
            {
                "name": row["organisation__name"] or _("Okänd skola"),
                "groups": defaultdict(int),
                "declared": None,
            },
        )
        entry["groups"][row["user_group"]] += row["users"]
        start, end = row["period_start"], row["period_end"]
        period = (min(period[0], start), max(period[1], end)) if period else (start, end)
    for organisation_id, name, users in ServiceUsage.objects.filter(service=service).values_list(
        "organisation_id", "organisation__name", "users"
    ):
        entry = schools.setdefault(
            organisation_id, {"name": name, "groups": defaultdict(int), "declared": None}
        )
        entry["declared"] = users
    rows = []
    for entry in sorted(
        schools.values(), key=lambda e: (e["name"] == _("Okänd skola"), e["name"].casefold())
    ):
        groups = entry["groups"]
        rows.append(
            {
                "school": entry["name"],
                **{group.value: groups.get(group.value) for group in _GROUPS},
                "measured": sum(groups.values()) if groups else None,
                "declared": entry["declared"],
            }
        )
    return rows, period


def _figure(value, basis: str) -> str:
    return "–" if value is None else f"{whole_number(value)} ({basis})"


def service_evidence(request: HttpRequest, obj) -> dict[str, Any]:
    """The identity providers' evidence on a service's page, for whoever may read discovery."""
    if not isinstance(obj, Service) or not request.user.has_perm("discovery.view_discoveredapplication"):
        return {}
    applications = list(DiscoveredApplication.objects.filter(service=obj).order_by("directory", "name", "pk"))
    observed = observed_sso([obj.pk]).get(obj.pk)
    usage, period = _usage_rows(obj)
    if not applications and observed is None and not any(row["measured"] is not None for row in usage):
        return {}
    sections = [
        Section(
            _("Upptäckt hos identitetsleverantörer"),
            applications,
            [
                Column("name", _("Applikation"), link=True),
                Column("directory", _("Katalog")),
                Column("sign_on_mode", _("Inloggningssätt")),
                Column("last_seen", _("Senast inloggning")),
                Column(
                    "decision",
                    _("Beslut"),
                    value=lambda a: a.get_decision_display() if a.decision else a.get_match_display(),
                ),
            ],
            _("Ingen upptäckt applikation är kopplad till tjänsten."),
        )
    ]
    if observed is not None:
        mode = SignOnMode(observed.mode).label if observed.mode in SignOnMode.values else observed.mode
        declared = obj.get_authentication_display() or _("ej angiven")
        sections.append(
            Section(
                _("Inloggning: observerad och angiven"),
                [observed],
                [
                    Column(
                        "mode",
                        _("Observerat inloggningssätt (uppmätt)"),
                        value=lambda o: (
                            f"{mode} – "
                            + (
                                _("single sign-on")
                                if o.federated
                                else _("inte federation, räknas inte som SSO")
                            )
                        ),
                    ),
                    Column("source", _("Källa")),
                    Column("observed_at", _("Observerad")),
                    Column("sign_ins", _("Inloggningar"), numeric=True),
                    Column("declared", _("Registrerad inloggning (angiven)"), value=lambda o: declared),
                ],
            )
        )
    if period is not None:
        title = _("Användare per skola %(start)s – %(end)s: uppmätt och angiven") % {
            "start": period[0].isoformat(),
            "end": period[1].isoformat(),
        }
    else:
        title = _("Användare per skola: uppmätt och angiven")
    measured_label = _("uppmätt")
    sections.append(
        Section(
            title,
            usage,
            [
                Column("school", _("Skola"), value=lambda r: r["school"]),
                *[
                    Column(
                        group.value,
                        f"{group.label} ({measured_label})",
                        numeric=True,
                        value=lambda r, g=group.value: "–" if r[g] is None else r[g],
                    )
                    for group in _GROUPS
                ],
                Column(
                    "measured",
                    _("Totalt"),
                    numeric=True,
                    value=lambda r: _figure(r["measured"], _("uppmätt")),
                ),
                Column(
                    "declared",
                    _("Angivet"),
                    numeric=True,
                    value=lambda r: _figure(r["declared"], _("angiven")),
                ),
            ],
            _("Ingen uppmätt användning."),
        )
    )
    return {"extra_sections": sections}


def register_detail_hooks() -> None:
    """Add this app's hook to the detail pages, once however often it is called."""
    if service_evidence not in DETAIL_CONTEXT_HOOKS:
        DETAIL_CONTEXT_HOOKS.append(service_evidence)
