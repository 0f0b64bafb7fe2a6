"""The landscape out: one workbook a strategist can take to a meeting.

Every system and learning resource with its key facts, owners, login (SSO or not), costs per
year and open GDPR findings; then the findings themselves, the costs per förvaltningsobjekt and
PM3 part, and the totals per PM3 part. The GDPR side comes from ``gdpr.gaps.find_gaps`` and the
portfolio side from the register; this module composes them (``integrations`` may import both).
Every sheet is written by ``portfolio.spreadsheets`` so that formulas in stored text are
neutralised. The number of queries does not grow with the size of the register.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal
from typing import Any

import pandas as pd
from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from gdpr.gaps import Severity, find_gaps
from gdpr.gaps.breaches import visible_findings
from portfolio.choices import CostKind, Pm3Part, RoleChoices
from portfolio.models import (
    Application,
    Cost,
    LearningResource,
    ManagementObject,
    ManagementPlan,
    RoleAssignment,
    ServiceUsage,
)
from portfolio.spreadsheets import xlsx_bytes

__all__ = ["build_landscape", "landscape_xlsx"]


def _yes(value: bool) -> str:
    return _("ja") if value else _("nej")


def _owners(role: str, target: str, today: datetime.date) -> dict[int, list[str]]:
    owners: dict[int, list[str]] = defaultdict(list)
    rows = (
        RoleAssignment.objects.current(today)
        .filter(role=role, **{f"{target}__isnull": False})
        .values_list(f"{target}_id", "person__name")
        .order_by("person__name")
    )
    for target_id, name in rows:
        owners[target_id].append(name)
    return owners


def _cost_totals(target: str) -> dict[int, dict[tuple[int, str], Decimal]]:
    totals: dict[int, dict[tuple[int, str], Decimal]] = defaultdict(dict)
    rows = (
        Cost.objects.filter(**{f"{target}__isnull": False})
        .values_list(f"{target}_id", "year", "kind")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    for target_id, year, kind, total in rows:
        totals[target_id][(year, kind)] = total
    return totals


def _usage(kind: str) -> dict[int, tuple[int, int]]:
    rows = (
        ServiceUsage.objects.filter(service__kind=kind)
        .values("service_id")
        .annotate(users=Sum("users"), places=Count("pk"))
        .order_by()
    )
    return {row["service_id"]: (row["users"] or 0, row["places"]) for row in rows}


def _cost_columns(years: list[int]) -> list[tuple[int, str, str]]:
    columns = []
    for year in years:
        for kind, label in CostKind.choices:
            columns.append((year, kind, f"{_('Kostnad')} {year} ({str(label).lower()}, kr)"))
    return columns


def _service_rows(services, *, kind: str, today, findings_by_service, years) -> list[dict[str, Any]]:
    system_owners = _owners(RoleChoices.SYSTEM_OWNER, "service", today)
    object_owners = _owners(RoleChoices.OBJECT_OWNER, "management_object", today)
    costs = _cost_totals("service")
    usage = _usage(kind)
    cost_columns = _cost_columns(years)
    rows = []
    for service in services:
        findings = findings_by_service.get((kind, service.pk), [])
        users, places = usage.get(service.pk, (0, 0))
        row: dict[str, Any] = {
            _("Namn"): service.name,
            _("Leverantör"): service.vendor.name if service.vendor_id else "",
            _("Produkt"): service.product,
            _("Livscykelstatus"): service.get_lifecycle_status_display(),
        }
        if kind == "application":
            mo = service.management_object
            row[_("Förvaltningsobjekt")] = mo.name if mo else ""
            row[_("Objektägare")] = ", ".join(object_owners.get(mo.pk, [])) if mo else ""
            row[_("TIME-klassning")] = service.get_time_classification_display()
        else:
            row[_("Typ")] = service.get_kind_display()
            row[_("Licensmodell")] = service.get_licence_model_display()
            row[_("Godkännandestatus")] = service.get_approval_status_display()
            row[_("Årskurser")] = (
                f"{service.school_year_from}–{service.school_year_to}"
                if service.school_year_from is not None and service.school_year_to is not None
                else ""
            )
        row.update(
            {
                _("Systemägare"): ", ".join(system_owners.get(service.pk, [])),
                _("Användargrupper"): ", ".join(
                    type(service)._meta.get_field("user_groups").labels(service.user_groups)
                ),
                _("Används av (organisationer)"): places,
                _("Antal användare"): users,
                _("Inloggningsmetod"): service.get_authentication_display(),
                _("Identitetsleverantör"): service.get_identity_provider_display(),
                _("Enkel inloggning (SSO)"): _yes(service.is_sso),
                _("Federation"): service.get_federation_display(),
                _("Flerfaktorsinloggning"): service.get_mfa_display(),
                _("Driftform"): service.get_hosting_display(),
                _("Datalagring (land)"): str(service.data_location.name) if service.data_location else "",
                _("Behandlar personuppgifter"): _yes(service.processes_personal_data),
            }
        )
        for year, cost_kind, header in cost_columns:
            row[header] = costs.get(service.pk, {}).get((year, cost_kind), Decimal(0))
        row[_("Öppna GDPR-brister")] = len(findings)
        worst = min((Severity.rank(f.severity) for f in findings), default=None)
        row[_("Allvarligaste brist")] = list(Severity)[worst].label if worst is not None else ""
        row[_("GDPR-brister")] = "; ".join(sorted({f.title for f in findings}))
        row[_("Externt id")] = service.external_id
        rows.append(row)
    return rows


def _frame(rows: list[dict[str, Any]], columns: list[str] | None = None) -> pd.DataFrame:
    if rows:
        return pd.DataFrame(rows)
    return pd.DataFrame(columns=columns or [])


def build_landscape(*, user=None, today: datetime.date | None = None) -> dict[str, pd.DataFrame]:
    """The landscape's sheets as DataFrames, in workbook order.

    ``user`` limits the services to those the user may see (``visible_to``); None is the whole
    register (commands).
    """
    today = today or timezone.localdate()
    applications = Application.objects.select_related("vendor", "management_object").order_by("name", "pk")
    resources = LearningResource.objects.select_related("vendor").order_by("name", "pk")
    if user is not None:
        applications = applications.visible_to(user)
        resources = resources.visible_to(user)
    years = sorted(set(Cost.objects.values_list("year", flat=True).distinct()))

    findings = find_gaps(today=today)
    if user is not None:
        findings = visible_findings(findings, user)
    findings_by_service: dict[tuple[str, int], list] = defaultdict(list)
    for finding in findings:
        for key in set(finding.services):
            findings_by_service[key].append(finding)

    app_rows = _service_rows(
        applications, kind="application", today=today, findings_by_service=findings_by_service, years=years
    )
    resource_rows = _service_rows(
        resources, kind="learning_resource", today=today, findings_by_service=findings_by_service, years=years
    )
    visible = {("application", a[0]) for a in applications.values_list("pk")} | {
        ("learning_resource", r[0]) for r in resources.values_list("pk")
    }
    names = {("application", pk): name for pk, name in applications.values_list("pk", "name")}
    names.update({("learning_resource", pk): name for pk, name in resources.values_list("pk", "name")})
    finding_rows = []
    for finding in findings:
        for key in sorted(set(finding.services) & visible):
            finding_rows.append(
                {
                    _("Tjänst"): names[key],
                    _("System eller lärresurs"): _("System") if key[0] == "application" else _("Lärresurs"),
                    _("Brist"): finding.title,
                    _("Allvarlighet"): finding.severity_label,
                    _("Grund"): finding.basis,
                    _("Behandling"): finding.activity_name
                    or (finding.target_name if finding.target_type == "processing_activity" else ""),
                    _("Förklaring"): finding.explanation,
                    _("Åtgärd"): finding.fix,
                    _("Kod"): finding.code,
                }
            )

    return {
        _("System"): _frame(app_rows),
        _("Lärresurser"): _frame(resource_rows),
        _("GDPR-brister per tjänst"): _frame(finding_rows, [_("Tjänst"), _("Brist")]),
        _("Kostnad per förvaltningsobjekt"): _frame(_object_cost_rows(), [_("Förvaltningsobjekt"), _("År")]),
        _("Kostnad per PM3-del"): _frame(_pm3_rows(), [_("År"), _("PM3-del")]),
    }


def _object_cost_rows() -> list[dict[str, Any]]:
    """Per förvaltningsobjekt, year and PM3 part: the plan's budget and the recorded costs.

    A cost recorded on a system counts towards the system's förvaltningsobjekt; costs on
    learning resources belong to no object and are left out here (they are in the PM3 sheet).
    """
    part_labels = dict(Pm3Part.choices)
    figures: dict[tuple[int, int, str], dict[str, Decimal]] = defaultdict(
        lambda: {"plan": Decimal(0), CostKind.BUDGET: Decimal(0), CostKind.OUTCOME: Decimal(0)}
    )
    for plan in ManagementPlan.objects.all():
        for part, field in ManagementPlan.BUDGET_FIELDS.items():
            figures[(plan.management_object_id, plan.year, part)]["plan"] += getattr(plan, field)
    direct = Cost.objects.filter(management_object__isnull=False).values_list(
        "management_object_id", "year", "pm3_part", "kind"
    )
    via_system = Cost.objects.filter(service__management_object__isnull=False).values_list(
        "service__management_object_id", "year", "pm3_part", "kind"
    )
    for rows in (direct, via_system):
        for object_id, year, part, kind, total in rows.annotate(total=Sum("amount")).order_by():
            figures[(object_id, year, part)][kind] += total
    objects = dict(ManagementObject.objects.values_list("pk", "name"))
    result = []
    for (object_id, year, part), amounts in sorted(
        figures.items(), key=lambda item: (objects.get(item[0][0], ""), item[0][1], item[0][2])
    ):
        result.append(
            {
                _("Förvaltningsobjekt"): objects.get(object_id, ""),
                _("År"): year,
                _("PM3-del"): str(part_labels.get(part, _("Ej angiven"))),
                _("Budget i förvaltningsplan (kr)"): amounts["plan"],
                _("Kostnader, budget (kr)"): amounts[CostKind.BUDGET],
                _("Kostnader, utfall (kr)"): amounts[CostKind.OUTCOME],
            }
        )
    return result


def _pm3_rows() -> list[dict[str, Any]]:
    """Per year and PM3 part: planned budget and every recorded cost, whatever it is on."""
    part_labels = dict(Pm3Part.choices)
    figures: dict[tuple[int, str], dict[str, Decimal]] = defaultdict(
        lambda: {"plan": Decimal(0), CostKind.BUDGET: Decimal(0), CostKind.OUTCOME: Decimal(0)}
    )
    for plan in ManagementPlan.objects.all():
        for part, field in ManagementPlan.BUDGET_FIELDS.items():
            figures[(plan.year, part)]["plan"] += getattr(plan, field)
    for year, part, kind, total in (
        Cost.objects.values_list("year", "pm3_part", "kind").annotate(total=Sum("amount")).order_by()
    ):
        figures[(year, part)][kind] += total
    return [
        {
            _("År"): year,
            _("PM3-del"): str(part_labels.get(part, _("Ej angiven"))),
            _("Budget i förvaltningsplaner (kr)"): amounts["plan"],
            _("Kostnader, budget (kr)"): amounts[CostKind.BUDGET],
            _("Kostnader, utfall (kr)"): amounts[CostKind.OUTCOME],
        }
        for (year, part), amounts in sorted(figures.items())
    ]


def landscape_xlsx(*, user=None, today: datetime.date | None = None) -> bytes:
    """The landscape workbook as bytes (for a download or a file)."""
    return xlsx_bytes(build_landscape(user=user, today=today))
