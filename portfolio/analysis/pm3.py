"""PM3 gaps: where förvaltning has holes — missing roles, plans, outcomes, notice and approval.

Each rule is a small function over data loaded once (one query per model), so the whole
catalogue runs in a fixed number of queries. A gap names its object, what is missing, how
serious it is and the one thing to do about it.

| code | condition | severity |
| --- | --- | --- |
| MO_NO_OWNER | förvaltningsobjekt without a current objektägare | high |
| MO_NO_MANAGEMENT_LEAD | … without a current förvaltningsledare | high |
| MO_NO_OBJECT_LEAD | … without objektledare verksamhet or IT | medium |
| MO_NO_APPROVED_PLAN | … without an approved plan for the current year | medium |
| BUDGET_WITHOUT_OUTCOME | a past year's budget on the object (plan or cost), no outcome on it | low |
| APP_NO_MANAGEMENT_OBJECT | system in use in no förvaltningsobjekt | medium |
| APP_NO_SYSTEM_OWNER | system in use without a current systemägare | high |
| ROLE_INACTIVE_PERSON | a current role held by an inactive person | high |
| ROLE_ENDED | a role past its end date, not taken over by anyone | medium |
| CONTRACT_IN_NOTICE_PERIOD | a contract whose last day for notice has passed but which has not ended | high |
| SERVICE_PAST_END_OF_LIFE | a service past its planned end still in use | high |
| LR_NOT_APPROVED | learning resource in use but not approved | medium (rejected: high) |
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db import models
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from portfolio.choices import ApprovalStatus, CostKind, LifecycleStatus, PlanStatus, RoleChoices, Severity

__all__ = ["Pm3Gap", "Severity", "pm3_gaps"]



IN_USE = (LifecycleStatus.IN_USE, LifecycleStatus.PHASING_OUT)


@dataclass
class Pm3Gap:
    """One hole in PM3 förvaltning."""

    code: str
    title: str
    severity: str
    target_type: str  # management_object, application, learning_resource, role_assignment, contract
    target_id: int
    target_name: str
    missing: str
    explanation: str
    fix: str
    field: str = ""

    @property
    def severity_label(self) -> str:
        return str(Severity(self.severity).label)


def _current(row: dict, today: datetime.date) -> bool:
    return (row["starts_on"] is None or row["starts_on"] <= today) and (
        row["ends_on"] is None or row["ends_on"] >= today
    )


def pm3_gaps(
    management_objects: QuerySet | None = None,
    applications: QuerySet | None = None,
    learning_resources: QuerySet | None = None,
    contracts: QuerySet | None = None,
    *,
    today: datetime.date | None = None,
) -> list[Pm3Gap]:
    """Every PM3 gap in the given registers (default: all), most severe first. Eight queries."""
    from portfolio.models import (
        Application,
        Contract,
        Cost,
        LearningResource,
        ManagementObject,
        ManagementPlan,
        RoleAssignment,
        per_kind_ids,
    )

    today = today or timezone.localdate()
    if management_objects is None:
        management_objects = ManagementObject.objects.all()
    if applications is None:
        applications = Application.objects.all()
    if learning_resources is None:
        learning_resources = LearningResource.objects.all()
    if contracts is None:
        contracts = Contract.objects.all()

    objects = {r["pk"]: r["name"] for r in management_objects.values("pk", "name")}
    apps = list(applications.values("pk", "name", "lifecycle_status", "management_object_id", "planned_end"))
    resources = list(
        learning_resources.values("pk", "name", "lifecycle_status", "approval_status", "planned_end")
    )
    roles = list(
        RoleAssignment.objects.filter(
            models.Q(management_object__in=management_objects.values("pk"))
            | models.Q(service__in=applications.values("pk"))
            | models.Q(service__in=learning_resources.values("pk"))
        ).annotate(**per_kind_ids()).values(
            "pk",
            "role",
            "management_object_id",
            "application_id",
            "learning_resource_id",
            "starts_on",
            "ends_on",
            "person__name",
            "person__active",
        )
    )
    plans = list(
        ManagementPlan.objects.filter(management_object__in=management_objects.values("pk")).values(
            "management_object_id", "year", "status", *ManagementPlan.BUDGET_FIELDS.values()
        )
    )
    # The object's own budget is followed up by the object's own outcome; systems' costs are their own.
    outcome_years: set[tuple[int, int]] = set()
    budget_years: set[tuple[int, int]] = set()
    for row in (
        Cost.objects.filter(management_object__in=management_objects.values("pk"))
        .values("management_object_id", "year", "kind")
        .distinct()
    ):
        target = outcome_years if row["kind"] == CostKind.OUTCOME else budget_years
        target.add((row["management_object_id"], row["year"]))
    contract_rows = list(
        contracts.filter(ends_on__gte=today).values("pk", "name", "vendor__name", "ends_on", "notice_months")
    )

    gaps: list[Pm3Gap] = []
    current_roles: dict[tuple[str, int], set[str]] = defaultdict(set)
    for row in roles:
        target = _role_target(row)
        if _current(row, today) and row["person__active"]:
            current_roles[target].add(row["role"])
    role_labels = dict(RoleChoices.choices)

    #
    # Förvaltningsobjekt
    #
    for pk, name in sorted(objects.items(), key=lambda item: item[1].casefold()):
        held = current_roles.get(("management_object", pk), set())
        for role, code, severity in (
            (RoleChoices.OBJECT_OWNER, "MO_NO_OWNER", Severity.HIGH),
            (RoleChoices.MANAGEMENT_LEAD, "MO_NO_MANAGEMENT_LEAD", Severity.HIGH),
        ):
            if role not in held:
                label = str(role_labels[role]).lower()
                gaps.append(
                    Pm3Gap(
                        code=code,
                        title=_("Förvaltningsobjekt utan %(role)s") % {"role": label},
                        severity=severity,
                        target_type="management_object",
                        target_id=pk,
                        target_name=name,
                        missing=label,
                        explanation=_(
                            "Förvaltningsobjektet %(name)s har ingen aktiv %(role)s. Utan den beslutar ingen "
                            "om objektets mål, budget och prioriteringar."
                        )
                        % {"name": name, "role": label}
                        if role == RoleChoices.OBJECT_OWNER
                        else _(
                            "Förvaltningsobjektet %(name)s har ingen aktiv %(role)s som leder det löpande "
                            "förvaltningsarbetet."
                        )
                        % {"name": name, "role": label},
                        fix=_("Utse en %(role)s och registrera rollen på objektet.") % {"role": label},
                        field="roles",
                    )
                )
        missing_leads = [
            str(role_labels[r]).lower()
            for r in (RoleChoices.OBJECT_LEAD_BUSINESS, RoleChoices.OBJECT_LEAD_IT)
            if r not in held
        ]
        if missing_leads:
            what = _(" och ").join(missing_leads)
            gaps.append(
                Pm3Gap(
                    code="MO_NO_OBJECT_LEAD",
                    title=_("Förvaltningsobjekt utan objektledare"),
                    severity=Severity.MEDIUM,
                    target_type="management_object",
                    target_id=pk,
                    target_name=name,
                    missing=what,
                    explanation=_("Förvaltningsobjektet %(name)s saknar %(what)s.")
                    % {"name": name, "what": what},
                    fix=_("Utse %(what)s så att både verksamhetens och IT:s del av förvaltningen leds.")
                    % {"what": what},
                    field="roles",
                )
            )

    budget_fields = tuple(ManagementPlan.BUDGET_FIELDS.values())
    plans_by_object: dict[int, dict[int, dict]] = defaultdict(dict)
    for plan in plans:
        plans_by_object[plan["management_object_id"]][plan["year"]] = plan
    for pk, name in sorted(objects.items(), key=lambda item: item[1].casefold()):
        this_year = plans_by_object[pk].get(today.year)
        if this_year is None or this_year["status"] != PlanStatus.APPROVED:
            state = _("finns ingen plan") if this_year is None else _("är planen inte fastställd")
            gaps.append(
                Pm3Gap(
                    code="MO_NO_APPROVED_PLAN",
                    title=_("Ingen fastställd förvaltningsplan för året"),
                    severity=Severity.MEDIUM,
                    target_type="management_object",
                    target_id=pk,
                    target_name=name,
                    missing=_("fastställd förvaltningsplan %(year)d") % {"year": today.year},
                    explanation=_("För %(name)s %(state)s för %(year)d.")
                    % {"name": name, "state": state, "year": today.year},
                    fix=_("Ta fram förvaltningsplanen för %(year)d och låt objektägaren fastställa den.")
                    % {"year": today.year},
                    field="plans",
                )
            )
        planned_years = {y for y, plan in plans_by_object[pk].items() if any(plan[f] for f in budget_fields)}
        planned_years |= {y for (object_id, y) in budget_years if object_id == pk}
        for year in sorted(planned_years):
            if year < today.year and (pk, year) not in outcome_years:
                gaps.append(
                    Pm3Gap(
                        code="BUDGET_WITHOUT_OUTCOME",
                        title=_("Budget utan redovisat utfall"),
                        severity=Severity.LOW,
                        target_type="management_object",
                        target_id=pk,
                        target_name=name,
                        missing=_("utfall %(year)d") % {"year": year},
                        explanation=_(
                            "%(name)s hade en budget för %(year)d men inget utfall är registrerat, så "
                            "det går inte att följa upp vad förvaltningen kostade."
                        )
                        % {"name": name, "year": year},
                        fix=_("Registrera utfallet för %(year)d som kostnader av typen Utfall.")
                        % {"year": year},
                        field="costs",
                    )
                )

    #
    # Systems
    #
    for app in sorted(apps, key=lambda a: a["name"].casefold()):
        if app["lifecycle_status"] not in IN_USE:
            continue
        if app["management_object_id"] is None:
            gaps.append(
                Pm3Gap(
                    code="APP_NO_MANAGEMENT_OBJECT",
                    title=_("System utan förvaltningsobjekt"),
                    severity=Severity.MEDIUM,
                    target_type="application",
                    target_id=app["pk"],
                    target_name=app["name"],
                    missing=_("förvaltningsobjekt"),
                    explanation=_("Systemet %(name)s är i drift men ingår inte i något förvaltningsobjekt.")
                    % {"name": app["name"]},
                    fix=_("Knyt systemet till det förvaltningsobjekt som ska äga och budgetera det."),
                    field="management_object",
                )
            )
        if RoleChoices.SYSTEM_OWNER not in current_roles.get(("application", app["pk"]), set()):
            gaps.append(
                Pm3Gap(
                    code="APP_NO_SYSTEM_OWNER",
                    title=_("System utan systemägare"),
                    severity=Severity.HIGH,
                    target_type="application",
                    target_id=app["pk"],
                    target_name=app["name"],
                    missing=_("systemägare"),
                    explanation=_("Systemet %(name)s är i drift men har ingen aktiv systemägare.")
                    % {"name": app["name"]},
                    fix=_("Utse en systemägare och registrera rollen på systemet."),
                    field="roles",
                )
            )

    #
    # Roles
    #
    names = {
        "management_object": objects,
        "application": {a["pk"]: a["name"] for a in apps},
        "learning_resource": {r["pk"]: r["name"] for r in resources},
    }
    for row in sorted(roles, key=lambda r: r["pk"]):
        target_type, target_id = _role_target(row)
        target_name = names[target_type].get(target_id, "")
        role_label = str(role_labels.get(row["role"], row["role"])).lower()
        if _current(row, today) and not row["person__active"]:
            gaps.append(
                Pm3Gap(
                    code="ROLE_INACTIVE_PERSON",
                    title=_("Roll innehas av inaktiv person"),
                    severity=Severity.HIGH,
                    target_type="role_assignment",
                    target_id=row["pk"],
                    target_name=f"{role_label}: {row['person__name']} ({target_name})",
                    missing=_("aktiv %(role)s") % {"role": role_label},
                    explanation=_(
                        "%(person)s står som %(role)s för %(target)s men är markerad som inaktiv "
                        "(har t.ex. slutat)."
                    )
                    % {"person": row["person__name"], "role": role_label, "target": target_name},
                    fix=_("Avsluta rolltilldelningen och utse en efterträdare."),
                    field="person",
                )
            )
        elif (
            row["ends_on"] is not None
            and row["ends_on"] < today
            and row["role"] not in current_roles.get((target_type, target_id), set())
        ):
            gaps.append(
                Pm3Gap(
                    code="ROLE_ENDED",
                    title=_("Roll har passerat sitt slutdatum"),
                    severity=Severity.MEDIUM,
                    target_type="role_assignment",
                    target_id=row["pk"],
                    target_name=f"{role_label}: {row['person__name']} ({target_name})",
                    missing=_("aktuell %(role)s") % {"role": role_label},
                    explanation=_(
                        "%(person)s var %(role)s för %(target)s till %(end)s och ingen har tagit över rollen."
                    )
                    % {
                        "person": row["person__name"],
                        "role": role_label,
                        "target": target_name,
                        "end": row["ends_on"].isoformat(),
                    },
                    fix=_("Förläng rolltilldelningen eller registrera en ny person i rollen."),
                    field="ends_on",
                )
            )

    #
    # Contracts
    #
    for row in sorted(contract_rows, key=lambda r: (r["ends_on"], r["pk"])):
        deadline = _notice_deadline(row["ends_on"], row["notice_months"])
        if deadline <= today <= row["ends_on"]:
            gaps.append(
                Pm3Gap(
                    code="CONTRACT_IN_NOTICE_PERIOD",
                    title=_("Avtal inom uppsägningstiden"),
                    severity=Severity.HIGH,
                    target_type="contract",
                    target_id=row["pk"],
                    target_name=f"{row['name']} ({row['vendor__name']})",
                    missing=_("beslut om förlängning eller upphandling"),
                    explanation=_(
                        "Avtalet %(name)s med %(vendor)s löper ut %(end)s; sista dag för uppsägning var "
                        "%(deadline)s (%(months)d månaders uppsägningstid)."
                    )
                    % {
                        "name": row["name"],
                        "vendor": row["vendor__name"],
                        "end": row["ends_on"].isoformat(),
                        "deadline": deadline.isoformat(),
                        "months": row["notice_months"],
                    },
                    fix=_(
                        "Besluta nu om förlängning, ny upphandling eller avveckling och dokumentera beslutet."
                    ),
                    field="ends_on",
                )
            )

    #
    # Services past their end, learning resources not approved
    #
    services = [("application", a) for a in apps] + [("learning_resource", r) for r in resources]
    for service_type, row in sorted(services, key=lambda s: s[1]["name"].casefold()):
        if row["lifecycle_status"] in IN_USE and row["planned_end"] and row["planned_end"] < today:
            gaps.append(
                Pm3Gap(
                    code="SERVICE_PAST_END_OF_LIFE",
                    title=_("I drift efter planerat slut"),
                    severity=Severity.HIGH,
                    target_type=service_type,
                    target_id=row["pk"],
                    target_name=row["name"],
                    missing=_("avveckling eller nytt slutdatum"),
                    explanation=_("%(name)s skulle ha avvecklats %(end)s men är fortfarande i drift.")
                    % {"name": row["name"], "end": row["planned_end"].isoformat()},
                    fix=_("Genomför avvecklingen eller besluta om ett nytt planerat slutdatum."),
                    field="planned_end",
                )
            )
    for row in sorted(resources, key=lambda r: r["name"].casefold()):
        if row["lifecycle_status"] in IN_USE and row["approval_status"] != ApprovalStatus.APPROVED:
            status = str(
                dict(ApprovalStatus.choices).get(row["approval_status"], row["approval_status"])
            ).lower()
            rejected = row["approval_status"] == ApprovalStatus.REJECTED
            gaps.append(
                Pm3Gap(
                    code="LR_NOT_APPROVED",
                    title=_("Lärresurs används utan godkännande"),
                    severity=Severity.HIGH if rejected else Severity.MEDIUM,
                    target_type="learning_resource",
                    target_id=row["pk"],
                    target_name=row["name"],
                    missing=_("godkännande"),
                    explanation=_("Lärresursen %(name)s används men dess godkännandestatus är %(status)s.")
                    % {"name": row["name"], "status": status},
                    fix=_("Sluta använda lärresursen, den är avslagen.")
                    if rejected
                    else _(
                        "Granska lärresursen (dataskydd, tillgänglighet, avtal) och godkänn eller avslå den."
                    ),
                    field="approval_status",
                )
            )

    gaps.sort(key=lambda g: (Severity.rank(g.severity), g.code, g.target_name.casefold(), g.target_id))
    return gaps


def _role_target(row: dict) -> tuple[str, int]:
    for target_type in ("management_object", "application", "learning_resource"):
        if row[f"{target_type}_id"]:
            return (target_type, row[f"{target_type}_id"])
    return ("organisation", 0)


def _notice_deadline(ends_on: datetime.date, months: int) -> datetime.date:
    """The model's own rule (:attr:`Contract.notice_deadline`), applied to loaded values."""
    from portfolio.models import Contract

    return Contract(ends_on=ends_on, notice_months=months).notice_deadline
