"""The demo municipality's färdplan: a plan the nämnd decided eight months ago, halfway through.

Its actions come from the demo's planted findings (``DemoManifest``): a duplicate registration
phased out (done, but the registration is still used: the follow-up shows it), a standardisation
candidate replaced (running), a large service outside SSO to move behind it (overdue), a vendor
without a processor agreement and a processing activity without its DPIA (the
dataskyddssamordnare's, running and planned), and an equity hole to fill (planned). Its goals are
set on the same figures. Every row is written with history by the demo's user and dated as the
plan lived: created before the decision, actions marked klar on the day they were done.

``build_demo`` runs :func:`add_demo_plan` after the rest of the demo is built and back-dated
(``integrations.demo.builder.DEMO_EXTRAS``; integrations may not import planning).
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone

from gdpr.models import ProcessingActivity
from integrations.demo import CHANGE_REASON
from integrations.demo.manifest import DemoManifest
from portfolio.choices import SchoolForm, Severity
from portfolio.models import Capability, Contract, Organisation, Person, Service

from .choices import ActionKind, ActionStatus, Comparison, DecidedBy, FindingKind, Metric, PlanStatus
from .models import Action, ActionSchool, Goal, Plan

__all__ = ["DEMO_PLAN_NAME", "add_demo_plan"]

DEMO_PLAN_NAME = "Färdplan för skolans digitala stöd 2026–2027"

TARGET_STATE = (
    "Varje elev och medarbetare loggar in en gång, med kommunens konto, i de tjänster skolan "
    "använder. Varje förmåga stöds av en tjänst i stället för flera, alla grundskolor har samma "
    "digitala stöd och varje tjänst med personuppgifter har ett biträdesavtal och, där det krävs, "
    "en konsekvensbedömning."
)


def _at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


def _service(name: str) -> Service | None:
    return Service.objects.filter(name=name).order_by("pk").first()


def _save(obj, user, when: datetime.datetime) -> None:
    """Save with a history row by ``user``, dated ``when`` (the demo's history is back-dated)."""
    if user is not None:
        obj._history_user = user
    obj._change_reason = CHANGE_REASON
    obj.save()
    obj.history.filter(history_date__gte=timezone.now() - datetime.timedelta(hours=1)).update(
        history_date=when
    )


def add_demo_plan(manifest: DemoManifest, *, user=None, today: datetime.date | None = None) -> Plan | None:
    """Write the demo plan from the planted findings in ``manifest``; None if they are missing."""
    today = today or timezone.localdate()
    decided_on = today - datetime.timedelta(days=240)
    created_on = decided_on - datetime.timedelta(days=45)
    owner = Person.objects.order_by("pk").first()
    plan = Plan(
        name=DEMO_PLAN_NAME,
        owner=owner,
        horizon=today + datetime.timedelta(days=240),
        status=PlanStatus.DRAFT,
        target_state=TARGET_STATE,
    )
    _save(plan, user, _at(created_on))
    plan.status, plan.decided_by, plan.decided_on = PlanStatus.IN_PROGRESS, DecidedBy.BOARD, decided_on
    plan.diarienummer = "BUN 2026/142"
    _save(plan, user, _at(decided_on, 15))

    shown: dict[str, list[str]] = {}

    def add(kind, service, *, name, end, status=ActionStatus.PLANNED, done_on=None, schools=(), **fields):
        if service is None and kind != ActionKind.FIX_GDPR_GAP:  # a gap fix may concern a record only
            return None
        action = Action(
            plan=plan,
            kind=kind,
            service=service,
            name=name,
            planned_start=decided_on + datetime.timedelta(days=30),
            planned_end=end,
            responsible=owner,
            **fields,
        )
        _save(action, user, _at(decided_on, 16))
        for school in schools:
            link = ActionSchool(action=action, organisation=school)
            _save(link, user, _at(decided_on, 16))
        if status != ActionStatus.PLANNED:
            action.status = status
            action.completed_on = done_on
            when = done_on or decided_on + datetime.timedelta(days=40)
            _save(action, user, _at(when, 11))
        label = {ActionStatus.DONE: "done", ActionStatus.RUNNING: "running"}.get(status, "planned")
        if status not in (ActionStatus.DONE, ActionStatus.STOPPED) and end < today:
            label = "overdue"
        shown.setdefault(label, []).append(name)
        return action

    # A duplicate registration phased out: marked klar, but the registration is still used.
    group = next((g for g in manifest.duplicate_groups if len(g) >= 2), None)
    if group:
        add(
            ActionKind.PHASE_OUT,
            _service(group[1]),
            name=f"Avveckla dubbelregistreringen {group[1]}",
            end=today - datetime.timedelta(days=60),
            status=ActionStatus.DONE,
            done_on=today - datetime.timedelta(days=70),
            finding_kind=FindingKind.DUPLICATE_CLUSTER,
            finding_ref=" | ".join(group),
            finding_label=f"Dubbletter: {', '.join(group)}",
        )
    # A standardisation candidate: the second service of an overlapping capability replaced by the first.
    capability_name, overlapping = next(iter(manifest.overlapping_capabilities.items()), ("", []))
    capability = Capability.objects.filter(name=capability_name).order_by("pk").first()
    if len(overlapping) >= 2:
        kept, replaced = _service(overlapping[0]), _service(overlapping[1])
        add(
            ActionKind.REPLACE,
            replaced,
            replacement=kept,
            name=f"Ersätt {replaced} med {kept}",
            end=today + datetime.timedelta(days=120),
            status=ActionStatus.RUNNING,
            yearly_cost_effect=Decimal("-180000"),
            one_off_cost=Decimal("60000"),
            finding_kind=FindingKind.STANDARDISATION,
            finding_ref=f"capability-{capability.pk}" if capability else "",
            finding_label=f"Flera tjänster för {capability_name}",
        )
    # A large service outside SSO: should have been behind it two months ago.
    if manifest.outside_sso_large:
        name = manifest.outside_sso_large[0]
        add(
            ActionKind.MOVE_BEHIND_SSO,
            _service(name),
            name=f"Flytta {name} bakom kommunens inloggning",
            end=today - datetime.timedelta(days=60),
            status=ActionStatus.RUNNING,
            one_off_cost=Decimal("25000"),
            finding_kind=FindingKind.OUTSIDE_SSO,
            finding_label=f"{name} ligger utanför SSO",
        )
    # A vendor without a processor agreement (the dataskyddssamordnare's action).
    contract = Contract.objects.filter(name__in=manifest.contracts_without_dpa).order_by("pk").first()
    linked = contract.services.order_by("pk").first() if contract else None
    if linked is not None:
        add(
            ActionKind.PROCESSOR_AGREEMENT,
            linked,
            contract=contract,
            name=f"Teckna biträdesavtal med {contract.vendor}",
            end=today + datetime.timedelta(days=45),
            status=ActionStatus.RUNNING,
            finding_kind=FindingKind.GDPR_GAP,
            finding_ref=f"PROCESSOR_NO_DPA:vendor:{contract.vendor_id}",
            finding_label=f"Biträdesavtal saknas med {contract.vendor}",
        )
    # A processing activity whose DPIA is required but not done.
    activity = ProcessingActivity.objects.filter(name__in=manifest.activities_dpia_required_not_done).first()
    assessed = activity.services.order_by("pk").first() if activity else None
    if assessed is not None:
        add(
            ActionKind.DPIA,
            assessed,
            name=f"Konsekvensbedömning av {activity.name}",
            end=today + datetime.timedelta(days=150),
            finding_kind=FindingKind.GDPR_GAP,
            finding_ref=f"DPIA_REQUIRED_NOT_DONE:processing_activity:{activity.pk}",
            finding_label=f"Konsekvensbedömning krävs för {activity.name}",
        )
    # A record with no legal basis (a critical gap): the dataskyddssamordnare has it written down.
    unlawful = (
        ProcessingActivity.objects.filter(name__in=manifest.activities_without_legal_basis).order_by("pk").first()
    )
    if unlawful is not None:
        add(
            ActionKind.FIX_GDPR_GAP,
            None,
            name=f"Fastställ rättslig grund för {unlawful.name}",
            end=today + datetime.timedelta(days=90),
            status=ActionStatus.RUNNING,
            finding_kind=FindingKind.GDPR_GAP,
            finding_ref=f"NO_LEGAL_BASIS:processing_activity:{unlawful.pk}",
            finding_label=f"Rättslig grund saknas för {unlawful.name}",
        )
    # An equity hole: the schools lacking a capability get its main service.
    hole, lacking = next(iter(manifest.schools_lacking_capability.items()), ("", []))
    hole_capability = Capability.objects.filter(name=hole).order_by("pk").first()
    if hole_capability is not None and lacking:
        main = (
            Service.objects.filter(capabilities=hole_capability)
            .in_use()
            .filter(~Q(usages__organisation__name__in=lacking))
            .order_by("pk")
            .first()
        )
        schools = list(Organisation.objects.school_units().filter(name__in=lacking))
        add(
            ActionKind.INTRODUCE,
            main,
            name=f"Inför {main} vid skolor som saknar {hole}",
            end=today + datetime.timedelta(days=200),
            schools=schools,
            yearly_cost_effect=Decimal("40000"),
            finding_kind=FindingKind.EQUITY_HOLE,
            finding_ref=f"capability:{hole_capability.pk}",
            finding_label=f"Skolor saknar {hole}",
        )

    goals = [
        Goal(
            plan=plan,
            name="SSO-täckning räknat på användare minst 95 %",
            metric=Metric.SSO_COVERAGE_USERS,
            comparison=Comparison.AT_LEAST,
            target_value=Decimal("95"),
            target_date=plan.horizon,
        ),
        Goal(
            plan=plan,
            name="Inga öppna kritiska dataskyddsbrister",
            metric=Metric.OPEN_GDPR_GAPS,
            comparison=Comparison.AT_MOST,
            target_value=Decimal("0"),
            target_date=plan.horizon,
            severity=Severity.CRITICAL,
        ),
        Goal(
            plan=plan,
            name="Registret minst 90 % fullständigt",
            metric=Metric.COMPLETENESS,
            comparison=Comparison.AT_LEAST,
            target_value=Decimal("90"),
            target_date=today - datetime.timedelta(days=30),
        ),
    ]
    if capability is not None:
        goals.append(
            Goal(
                plan=plan,
                name=f"Högst en tjänst för {capability_name}",
                metric=Metric.SERVICES_PER_CAPABILITY,
                comparison=Comparison.AT_MOST,
                target_value=Decimal("1"),
                target_date=plan.horizon,
                capability=capability,
            )
        )
    if hole_capability is not None:
        goals.append(
            Goal(
                plan=plan,
                name=f"Varje grundskola har {hole}",
                metric=Metric.EQUITY_SHARE,
                comparison=Comparison.AT_LEAST,
                target_value=Decimal("100"),
                target_date=plan.horizon,
                capability=hole_capability,
                school_form=SchoolForm.COMPULSORY,
            )
        )
    for goal in goals:
        _save(goal, user, _at(decided_on, 14))

    manifest.plan = plan.name
    manifest.plan_actions = shown
    return plan
