"""PM3 gaps: where förvaltning has holes — missing roles, plans, outcomes, notice and approval.

The rules follow the pattern of the GDPR gap rules (``gdpr.gaps``): each is a small class in
:data:`PM3_RULES` with its stable ``code``, ``title``, ``severity`` and ``fix``, and a ``check``
that yields its gaps from a :class:`Pm3Context` loaded once (one query per model), so the whole
catalogue runs in a fixed number of queries whatever the number of rules. A gap names its
object, what is missing, how serious it is, why, and the one thing to do about it. The rules and
their conditions are listed in docs/analysis.md ("PM3 gaps"), which a test keeps complete, and
by ``manage.py pm3_gaps --help``.

To add a rule: subclass :class:`Pm3Rule`, set its attributes, write ``check``, decorate it with
:func:`register` and add its line to docs/analysis.md.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.db import models
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portfolio.choices import ApprovalStatus, CostKind, LifecycleStatus, PlanStatus, RoleChoices, Severity
from portfolio.periods import valid_on

from .shapes import attr, derived, shape

__all__ = ["PM3_RULES", "Pm3Context", "Pm3Gap", "Pm3Rule", "Severity", "pm3_gaps", "register"]

IN_USE = (LifecycleStatus.IN_USE, LifecycleStatus.PHASING_OUT)


@shape(export_first=("severity_label",), command_first=("severity",))
@dataclass
class Pm3Gap:
    """One hole in PM3 förvaltning."""

    code: str = attr(help="Regelns stabila kod, t.ex. MO_NO_OWNER.", export=False)
    title: str = attr(gettext_lazy("Brist"), "Regelns rubrik.")
    severity: str = attr(help="Allvarlighetsgrad: critical, high, medium eller low.")

    @derived(str, gettext_lazy("Allvarlighet"), "Allvarlighetsgraden på svenska.", command=False)
    def severity_label(self) -> str:
        return str(Severity(self.severity).label)

    target_type: str = attr(
        help=(
            "Vad bristen gäller: management_object, application, learning_resource, role_assignment "
            "eller contract."
        ),
        export=False,
    )
    target_id: int = attr(help="Objektets primärnyckel.", export=False)
    target_name: str = attr(gettext_lazy("Gäller"), "Objektets namn.")
    missing: str = attr(gettext_lazy("Saknas"), "Vad som saknas.")
    explanation: str = attr(gettext_lazy("Förklaring"), "Bristen i ord.")
    fix: str = attr(gettext_lazy("Åtgärd"), "Vad man bör göra.")
    field: str = attr(help="Fältet eller relationen som åtgärdar bristen.", default="", export=False)


@dataclass
class Pm3Context:
    """Everything the rules read, loaded once by :func:`pm3_gaps` (plain ``values()`` rows)."""

    today: datetime.date
    #: förvaltningsobjekt pk → name.
    objects: dict[int, str]
    apps: list[dict]
    resources: list[dict]
    roles: list[dict]
    plans: list[dict]
    #: (förvaltningsobjekt pk, year) with an outcome cost, and with a budget cost, on the object.
    outcome_years: set[tuple[int, int]]
    budget_years: set[tuple[int, int]]
    #: Contracts that have not ended.
    contract_rows: list[dict]
    #: (target type, pk) → roles held now by an active person.
    current_roles: dict[tuple[str, int], set[str]] = field(default_factory=dict)
    role_labels: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        current: dict[tuple[str, int], set[str]] = defaultdict(set)
        for row in self.roles:
            if valid_on(row, self.today) and row["person__active"]:
                current[_role_target(row)].add(row["role"])
        self.current_roles = current
        self.role_labels = dict(RoleChoices.choices)

    def role_label(self, role: str) -> str:
        return str(self.role_labels.get(role, role)).lower()

    def objects_by_name(self) -> list[tuple[int, str]]:
        return sorted(self.objects.items(), key=lambda item: item[1].casefold())

    def held(self, target_type: str, pk: int) -> set[str]:
        return self.current_roles.get((target_type, pk), set())


class Pm3Rule:
    """One PM3 rule: its stable code, title, severity and fix, and the gaps it finds.

    ``severity`` is the rule's usual severity (a gap may be graver: see ``graver``); ``field`` is
    the form field or relation that closes the gap; ``target_type`` what the gap is about.
    """

    code: str = ""
    title: str | Promise = ""
    severity: str = Severity.MEDIUM
    #: A graver severity some of the rule's gaps take, said in the docs ("rejected: high").
    graver: str = ""
    fix: str | Promise = ""
    field: str = ""
    target_type: str = ""

    def check(self, ctx: Pm3Context) -> Iterator[Pm3Gap]:
        raise NotImplementedError

    def gap(self, **values) -> Pm3Gap:
        """A gap of this rule: the rule's code, title, severity, fix and field unless given."""
        defaults = {
            "code": self.code,
            "title": str(self.title),
            "severity": self.severity,
            "target_type": self.target_type,
            "fix": str(self.fix),
            "field": self.field,
        }
        return Pm3Gap(**{**defaults, **values})


#: code → rule, in the order they run (the order of the docs' table).
PM3_RULES: dict[str, Pm3Rule] = {}


def register(cls: type[Pm3Rule]) -> type[Pm3Rule]:
    """Add one instance of ``cls`` to :data:`PM3_RULES`; codes are unique."""
    rule = cls()
    if rule.code in PM3_RULES:
        raise ValueError(f"PM3 rule {rule.code} is registered twice")
    PM3_RULES[rule.code] = rule
    return cls


#
# Förvaltningsobjekt
#


class _ObjectWithoutRole(Pm3Rule):
    """A förvaltningsobjekt without a current, active holder of ``role``."""

    role: str = ""
    severity = Severity.HIGH
    field = "roles"
    target_type = "management_object"

    @property
    def title(self) -> str:  # type: ignore[override]
        return _("Förvaltningsobjekt utan %(role)s") % {
            "role": str(dict(RoleChoices.choices)[self.role]).lower()
        }

    @property
    def fix(self) -> str:  # type: ignore[override]
        return _("Utse en %(role)s och registrera rollen på objektet.") % {
            "role": str(dict(RoleChoices.choices)[self.role]).lower()
        }

    def explain(self, name: str, role: str) -> str:
        raise NotImplementedError

    def check(self, ctx):
        label = ctx.role_label(self.role)
        for pk, name in ctx.objects_by_name():
            if self.role not in ctx.held("management_object", pk):
                yield self.gap(
                    target_id=pk, target_name=name, missing=label, explanation=self.explain(name, label)
                )


@register
class ObjectWithoutOwner(_ObjectWithoutRole):
    code = "MO_NO_OWNER"
    role = RoleChoices.OBJECT_OWNER

    def explain(self, name, role):
        return _(
            "Förvaltningsobjektet %(name)s har ingen aktiv %(role)s. Utan den beslutar ingen "
            "om objektets mål, budget och prioriteringar."
        ) % {"name": name, "role": role}


@register
class ObjectWithoutManagementLead(_ObjectWithoutRole):
    code = "MO_NO_MANAGEMENT_LEAD"
    role = RoleChoices.MANAGEMENT_LEAD

    def explain(self, name, role):
        return _(
            "Förvaltningsobjektet %(name)s har ingen aktiv %(role)s som leder det löpande "
            "förvaltningsarbetet."
        ) % {"name": name, "role": role}


@register
class ObjectWithoutObjectLead(Pm3Rule):
    code = "MO_NO_OBJECT_LEAD"
    title = gettext_lazy("Förvaltningsobjekt utan objektledare")
    severity = Severity.MEDIUM
    #: Each gap says it for its own year or roles.
    fix = gettext_lazy(
        "Utse de objektledare som saknas så att både verksamhetens och IT:s del av förvaltningen leds."
    )
    field = "roles"
    target_type = "management_object"

    def check(self, ctx):
        for pk, name in ctx.objects_by_name():
            held = ctx.held("management_object", pk)
            missing_leads = [
                ctx.role_label(r)
                for r in (RoleChoices.OBJECT_LEAD_BUSINESS, RoleChoices.OBJECT_LEAD_IT)
                if r not in held
            ]
            if missing_leads:
                what = _(" och ").join(missing_leads)
                yield self.gap(
                    target_id=pk,
                    target_name=name,
                    missing=what,
                    explanation=_("Förvaltningsobjektet %(name)s saknar %(what)s.")
                    % {"name": name, "what": what},
                    fix=_("Utse %(what)s så att både verksamhetens och IT:s del av förvaltningen leds.")
                    % {"what": what},
                )


@register
class ObjectWithoutApprovedPlan(Pm3Rule):
    code = "MO_NO_APPROVED_PLAN"
    title = gettext_lazy("Ingen fastställd förvaltningsplan för året")
    severity = Severity.MEDIUM
    #: Each gap says it for its own year or roles.
    fix = gettext_lazy("Ta fram årets förvaltningsplan och låt objektägaren fastställa den.")
    field = "plans"
    target_type = "management_object"

    def check(self, ctx):
        year = ctx.today.year
        this_year = {p["management_object_id"]: p for p in ctx.plans if p["year"] == year}
        for pk, name in ctx.objects_by_name():
            plan = this_year.get(pk)
            if plan is not None and plan["status"] == PlanStatus.APPROVED:
                continue
            state = _("finns ingen plan") if plan is None else _("är planen inte fastställd")
            yield self.gap(
                target_id=pk,
                target_name=name,
                missing=_("fastställd förvaltningsplan %(year)d") % {"year": year},
                explanation=_("För %(name)s %(state)s för %(year)d.")
                % {"name": name, "state": state, "year": year},
                fix=_("Ta fram förvaltningsplanen för %(year)d och låt objektägaren fastställa den.")
                % {"year": year},
            )


@register
class BudgetWithoutOutcome(Pm3Rule):
    code = "BUDGET_WITHOUT_OUTCOME"
    title = gettext_lazy("Budget utan redovisat utfall")
    severity = Severity.LOW
    #: Each gap says it for its own year or roles.
    fix = gettext_lazy("Registrera årets utfall som kostnader av typen Utfall.")
    field = "costs"
    target_type = "management_object"

    def check(self, ctx):
        from portfolio.models import ManagementPlan

        budget_fields = tuple(ManagementPlan.BUDGET_FIELDS.values())
        planned: dict[int, set[int]] = defaultdict(set)
        for plan in ctx.plans:
            if any(plan[f] for f in budget_fields):
                planned[plan["management_object_id"]].add(plan["year"])
        for object_id, year in ctx.budget_years:
            planned[object_id].add(year)
        for pk, name in ctx.objects_by_name():
            for year in sorted(planned[pk]):
                if year < ctx.today.year and (pk, year) not in ctx.outcome_years:
                    yield self.gap(
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
                    )


#
# Systems
#


def _apps_in_use(ctx: Pm3Context) -> list[dict]:
    return [
        a for a in sorted(ctx.apps, key=lambda a: a["name"].casefold()) if a["lifecycle_status"] in IN_USE
    ]


@register
class SystemWithoutManagementObject(Pm3Rule):
    code = "APP_NO_MANAGEMENT_OBJECT"
    title = gettext_lazy("System utan förvaltningsobjekt")
    severity = Severity.MEDIUM
    fix = gettext_lazy("Knyt systemet till det förvaltningsobjekt som ska äga och budgetera det.")
    field = "management_object"
    target_type = "application"

    def check(self, ctx):
        for app in _apps_in_use(ctx):
            if app["management_object_id"] is None:
                yield self.gap(
                    target_id=app["pk"],
                    target_name=app["name"],
                    missing=_("förvaltningsobjekt"),
                    explanation=_("Systemet %(name)s är i drift men ingår inte i något förvaltningsobjekt.")
                    % {"name": app["name"]},
                )


@register
class SystemWithoutOwner(Pm3Rule):
    code = "APP_NO_SYSTEM_OWNER"
    title = gettext_lazy("System utan systemägare")
    severity = Severity.HIGH
    fix = gettext_lazy("Utse en systemägare och registrera rollen på systemet.")
    field = "roles"
    target_type = "application"

    def check(self, ctx):
        for app in _apps_in_use(ctx):
            if RoleChoices.SYSTEM_OWNER not in ctx.held("application", app["pk"]):
                yield self.gap(
                    target_id=app["pk"],
                    target_name=app["name"],
                    missing=_("systemägare"),
                    explanation=_("Systemet %(name)s är i drift men har ingen aktiv systemägare.")
                    % {"name": app["name"]},
                )


#
# Roles
#


class _RoleRule(Pm3Rule):
    target_type = "role_assignment"

    def rows(self, ctx: Pm3Context) -> Iterator[tuple[dict, str, int, str, str]]:
        """(row, target type, target id, target name, role label) per assignment, by pk."""
        names = {
            "management_object": ctx.objects,
            "application": {a["pk"]: a["name"] for a in ctx.apps},
            "learning_resource": {r["pk"]: r["name"] for r in ctx.resources},
        }
        for row in sorted(ctx.roles, key=lambda r: r["pk"]):
            target_type, target_id = _role_target(row)
            yield (
                row,
                target_type,
                target_id,
                names[target_type].get(target_id, ""),
                ctx.role_label(row["role"]),
            )


@register
class RoleHeldByInactivePerson(_RoleRule):
    code = "ROLE_INACTIVE_PERSON"
    title = gettext_lazy("Roll innehas av inaktiv person")
    severity = Severity.HIGH
    fix = gettext_lazy("Avsluta rolltilldelningen och utse en efterträdare.")
    field = "person"

    def check(self, ctx):
        for row, _type, _id, target_name, role_label in self.rows(ctx):
            if valid_on(row, ctx.today) and not row["person__active"]:
                yield self.gap(
                    target_id=row["pk"],
                    target_name=f"{role_label}: {row['person__name']} ({target_name})",
                    missing=_("aktiv %(role)s") % {"role": role_label},
                    explanation=_(
                        "%(person)s står som %(role)s för %(target)s men är markerad som inaktiv "
                        "(har t.ex. slutat)."
                    )
                    % {"person": row["person__name"], "role": role_label, "target": target_name},
                )


@register
class RoleEnded(_RoleRule):
    code = "ROLE_ENDED"
    title = gettext_lazy("Roll har passerat sitt slutdatum")
    severity = Severity.MEDIUM
    fix = gettext_lazy("Förläng rolltilldelningen eller registrera en ny person i rollen.")
    field = "ends_on"

    def check(self, ctx):
        for row, target_type, target_id, target_name, role_label in self.rows(ctx):
            if valid_on(row, ctx.today) and not row["person__active"]:
                continue  # ROLE_INACTIVE_PERSON says it
            if (
                row["ends_on"] is not None
                and row["ends_on"] < ctx.today
                and row["role"] not in ctx.held(target_type, target_id)
            ):
                yield self.gap(
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
                )


#
# Contracts
#


@register
class ContractInNoticePeriod(Pm3Rule):
    code = "CONTRACT_IN_NOTICE_PERIOD"
    title = gettext_lazy("Avtal inom uppsägningstiden")
    severity = Severity.HIGH
    fix = gettext_lazy("Besluta nu om förlängning, ny upphandling eller avveckling och dokumentera beslutet.")
    field = "ends_on"
    target_type = "contract"

    def check(self, ctx):
        for row in sorted(ctx.contract_rows, key=lambda r: (r["ends_on"], r["pk"])):
            deadline = _notice_deadline(row["ends_on"], row["notice_months"])
            if deadline <= ctx.today <= row["ends_on"]:
                yield self.gap(
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
                )


#
# Services past their end, learning resources not approved
#


@register
class ServicePastEndOfLife(Pm3Rule):
    code = "SERVICE_PAST_END_OF_LIFE"
    title = gettext_lazy("I drift efter planerat slut")
    severity = Severity.HIGH
    fix = gettext_lazy("Genomför avvecklingen eller besluta om ett nytt planerat slutdatum.")
    field = "planned_end"

    def check(self, ctx):
        services = [("application", a) for a in ctx.apps] + [("learning_resource", r) for r in ctx.resources]
        for service_type, row in sorted(services, key=lambda s: s[1]["name"].casefold()):
            if row["lifecycle_status"] in IN_USE and row["planned_end"] and row["planned_end"] < ctx.today:
                yield self.gap(
                    target_type=service_type,
                    target_id=row["pk"],
                    target_name=row["name"],
                    missing=_("avveckling eller nytt slutdatum"),
                    explanation=_("%(name)s skulle ha avvecklats %(end)s men är fortfarande i drift.")
                    % {"name": row["name"], "end": row["planned_end"].isoformat()},
                )


@register
class LearningResourceNotApproved(Pm3Rule):
    code = "LR_NOT_APPROVED"
    title = gettext_lazy("Lärresurs används utan godkännande")
    severity = Severity.MEDIUM
    graver = Severity.HIGH  # a rejected learning resource still in use
    fix = gettext_lazy("Granska lärresursen (dataskydd, tillgänglighet, avtal) och godkänn eller avslå den.")
    field = "approval_status"
    target_type = "learning_resource"

    def check(self, ctx):
        statuses = dict(ApprovalStatus.choices)
        for row in sorted(ctx.resources, key=lambda r: r["name"].casefold()):
            if row["lifecycle_status"] not in IN_USE or row["approval_status"] == ApprovalStatus.APPROVED:
                continue
            status = str(statuses.get(row["approval_status"], row["approval_status"])).lower()
            rejected = row["approval_status"] == ApprovalStatus.REJECTED
            yield self.gap(
                severity=self.graver if rejected else self.severity,
                target_id=row["pk"],
                target_name=row["name"],
                missing=_("godkännande"),
                explanation=_("Lärresursen %(name)s används men dess godkännandestatus är %(status)s.")
                % {"name": row["name"], "status": status},
                fix=_("Sluta använda lärresursen, den är avslagen.") if rejected else str(self.fix),
            )


#
# Running the rules
#


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

    ctx = Pm3Context(
        today=today,
        objects=objects,
        apps=apps,
        resources=resources,
        roles=roles,
        plans=plans,
        outcome_years=outcome_years,
        budget_years=budget_years,
        contract_rows=contract_rows,
    )
    gaps = [gap for rule in PM3_RULES.values() for gap in rule.check(ctx)]
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
