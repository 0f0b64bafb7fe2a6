"""What the insights app adds to the register's detail pages (``DETAIL_CONTEXT_HOOKS``).

``portfolio``'s detail pages cannot import ``gdpr`` (dependencies point down,
docs/architecture.md), so the GDPR part of a system's or a vendor's page (findings, transfers,
recent breaches) is supplied from here
and registered once, in ``InsightsConfig.ready()``.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from gdpr.gaps.breaches import visible_findings
from gdpr.models import Breach, Transfer
from insights.links import finding_url
from portfolio.models import Application, LearningResource, Service, Vendor
from portfolio.views_generic import DETAIL_CONTEXT_HOOKS, Column, Section
from stewardship.analyses import Analyses

__all__ = ["breaches_in_last_year", "register_detail_hooks", "service_findings", "vendor_transfers"]


def service_findings(request: HttpRequest, obj) -> dict[str, Any]:
    """The open GDPR findings that concern a system or a learning resource."""
    service_type = getattr(obj, "kind", None) if isinstance(obj, Service) else None
    if service_type is None or not request.user.has_perm("gdpr.view_processingactivity"):
        return {}
    key = (service_type, obj.pk)
    findings = [
        f
        for f in visible_findings(Analyses().gaps(), request.user)
        if key in f.services or (f.target_type == service_type and f.target_id == obj.pk)
    ]
    return {
        "findings": [
            {
                "severity": f.severity,
                "severity_label": f.severity_label,
                "title": f.title,
                "basis": f.basis,
                "target_name": f.activity_name or f.target_name,
                "explanation": f.explanation,
                "url": finding_url(f, request.user),
                # What "Lägg till i färdplan" names as the finding behind an action.
                "code": f.code,
                "target_type": f.target_type,
                "target_id": f.target_id,
            }
            for f in findings
        ]
    }


def vendor_transfers(request: HttpRequest, obj) -> dict[str, Any]:
    """Third-country transfers in the processing activities that use a vendor's services."""
    if not isinstance(obj, Vendor) or not request.user.has_perm("gdpr.view_transfer"):
        return {}
    transfers = (
        Transfer.objects.filter(
            Q(processing_activity__services__vendor=obj)
        )
        .select_related("processing_activity")
        .distinct()
        .order_by("processing_activity__name", "pk")
    )
    return {
        "extra_sections": [
            Section(
                _("Tredjelandsöverföringar i behandlingar som använder leverantörens tjänster"),
                transfers,
                [
                    Column("processing_activity", _("Behandling")),
                    Column("recipient", _("Mottagare")),
                    Column("country", _("Land"), value=lambda t: t.country.name),
                    Column("mechanism", _("Överföringsmekanism")),
                    Column("tia_done", _("TIA gjord")),
                ],
                _("Inga tredjelandsöverföringar registrerade."),
            )
        ]
    }


def breaches_in_last_year(request: HttpRequest, obj) -> dict[str, Any]:
    """A service or processor with breaches in the last year is flagged on its page (not to a läsare)."""
    if not request.user.has_perm("gdpr.view_breach"):
        return {}
    recent = Breach.objects.in_last_year()
    if isinstance(obj, Vendor):
        breaches = recent.filter(vendor=obj)
    else:
        service_type = {Application: "application", LearningResource: "learning_resource"}.get(type(obj))
        if service_type is None:
            return {}
        breaches = recent.affecting_service(service_type, obj.pk)
    rows = list(breaches.order_by("-discovered_at", "-pk"))
    if not rows:
        return {}
    title = ngettext(
        "%(n)d personuppgiftsincident det senaste året",
        "%(n)d personuppgiftsincidenter det senaste året",
        len(rows),
    ) % {"n": len(rows)}
    return {
        "extra_sections": [
            Section(
                title,
                rows,
                [
                    Column("title", _("Rubrik"), link=True),
                    Column("discovered_at", _("Upptäcktes")),
                    Column("risk", _("Riskbedömning")),
                    Column("status", _("Status")),
                ],
            )
        ]
    }


def register_detail_hooks() -> None:
    """Add this app's hooks to the detail pages, once however often it is called."""
    for hook in (service_findings, vendor_transfers, breaches_in_last_year):
        if hook not in DETAIL_CONTEXT_HOOKS:
            DETAIL_CONTEXT_HOOKS.append(hook)
