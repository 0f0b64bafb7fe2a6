"""PM3 gaps: each rule finds its defect, and a well-kept object has none."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portfolio.analysis import pm3_gaps
from portfolio.choices import ApprovalStatus, CostKind, LifecycleStatus, PlanStatus, RoleChoices
from tests.factories import (
    ApplicationFactory,
    ContractFactory,
    CostFactory,
    LearningResourceFactory,
    ManagementObjectFactory,
    ManagementPlanFactory,
    PersonFactory,
    RoleAssignmentFactory,
)

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 6, 15)
OBJECT_ROLES = (
    RoleChoices.OBJECT_OWNER,
    RoleChoices.MANAGEMENT_LEAD,
    RoleChoices.OBJECT_LEAD_BUSINESS,
    RoleChoices.OBJECT_LEAD_IT,
)


def well_kept(name="Elevadministration"):
    """A förvaltningsobjekt with every role, an approved plan, outcomes, a system and a resource."""
    obj = ManagementObjectFactory(name=name)
    for role in OBJECT_ROLES:
        RoleAssignmentFactory(role=role, management_object=obj, application=None)
    ManagementPlanFactory(management_object=obj, year=2026, status=PlanStatus.APPROVED, approved_on=TODAY)
    ManagementPlanFactory(management_object=obj, year=2025, status=PlanStatus.APPROVED, approved_on=TODAY)
    CostFactory(management_object=obj, application=None, year=2025, kind=CostKind.OUTCOME)
    app = ApplicationFactory(name=f"{name} system", management_object=obj)
    RoleAssignmentFactory(role=RoleChoices.SYSTEM_OWNER, application=app)
    LearningResourceFactory(approval_status=ApprovalStatus.APPROVED)
    ContractFactory(ends_on=datetime.date(2027, 12, 31), notice_months=3)
    return obj, app


def codes(**kwargs):
    return sorted(g.code for g in pm3_gaps(today=TODAY, **kwargs))


def test_well_kept_register_has_no_gaps():
    well_kept()
    assert codes() == []


def test_object_without_owner_lead_or_object_leads():
    obj = ManagementObjectFactory(name="Tomt objekt")
    ManagementPlanFactory(management_object=obj, year=2026, status=PlanStatus.APPROVED, approved_on=TODAY)
    gaps = pm3_gaps(today=TODAY)
    assert sorted(g.code for g in gaps) == ["MO_NO_MANAGEMENT_LEAD", "MO_NO_OBJECT_LEAD", "MO_NO_OWNER"]
    owner = next(g for g in gaps if g.code == "MO_NO_OWNER")
    assert (owner.severity, owner.target_type, owner.target_name) == (
        "high",
        "management_object",
        "Tomt objekt",
    )
    assert "objektägare" in owner.explanation and owner.fix and owner.missing == "objektägare"
    leads = next(g for g in gaps if g.code == "MO_NO_OBJECT_LEAD")
    assert "objektledare verksamhet och objektledare it" in leads.missing


def test_system_outside_any_object_and_without_system_owner():
    well_kept()
    ApplicationFactory(name="Lösryckt")
    assert codes() == ["APP_NO_MANAGEMENT_OBJECT", "APP_NO_SYSTEM_OWNER"]


def test_retired_system_needs_no_owner():
    well_kept()
    ApplicationFactory(lifecycle_status=LifecycleStatus.RETIRED, retired_on=datetime.date(2024, 1, 1))
    assert codes() == []


def test_role_held_by_inactive_person():
    obj, _app = well_kept()
    obj.roles.filter(role=RoleChoices.OBJECT_OWNER).update(person=PersonFactory(active=False))
    assert codes() == ["MO_NO_OWNER", "ROLE_INACTIVE_PERSON"]


def test_role_past_its_end_date_without_successor():
    _obj, app = well_kept()
    app.roles.update(ends_on=datetime.date(2026, 1, 31))
    found = pm3_gaps(today=TODAY)
    assert sorted(g.code for g in found) == ["APP_NO_SYSTEM_OWNER", "ROLE_ENDED"]
    ended = next(g for g in found if g.code == "ROLE_ENDED")
    assert "2026-01-31" in ended.explanation


def test_ended_role_with_a_successor_is_no_gap():
    _obj, app = well_kept()
    app.roles.update(ends_on=datetime.date(2026, 1, 31))
    RoleAssignmentFactory(role=RoleChoices.SYSTEM_OWNER, application=app, starts_on=datetime.date(2026, 2, 1))
    assert codes() == []


def test_object_without_approved_plan_for_the_current_year():
    obj, _app = well_kept()
    obj.plans.filter(year=2026).update(status=PlanStatus.DRAFT, approved_on=None)
    [gap] = pm3_gaps(today=TODAY)
    assert gap.code == "MO_NO_APPROVED_PLAN" and "inte fastställd" in gap.explanation


def test_planned_budget_without_outcome():
    obj, _app = well_kept()
    obj.costs.all().delete()
    [gap] = pm3_gaps(today=TODAY)
    assert (gap.code, gap.severity, gap.missing) == ("BUDGET_WITHOUT_OUTCOME", "low", "utfall 2025")


def test_outcome_on_a_system_does_not_follow_up_the_objects_own_budget():
    obj, app = well_kept()
    obj.costs.all().delete()
    CostFactory(application=app, year=2025, kind=CostKind.OUTCOME, amount=Decimal("1"))
    assert codes() == ["BUDGET_WITHOUT_OUTCOME"]


def test_budget_recorded_as_a_cost_also_needs_an_outcome():
    obj, _app = well_kept()
    CostFactory(management_object=obj, application=None, year=2024, kind=CostKind.BUDGET)
    [gap] = pm3_gaps(today=TODAY)
    assert (gap.code, gap.missing) == ("BUDGET_WITHOUT_OUTCOME", "utfall 2024")


def test_contract_within_its_notice_period():
    well_kept()
    ContractFactory(name="Schemaavtalet", ends_on=datetime.date(2026, 8, 31), notice_months=3)
    ContractFactory(name="Långt kvar", ends_on=datetime.date(2026, 12, 31), notice_months=3)
    [gap] = pm3_gaps(today=TODAY)
    assert gap.code == "CONTRACT_IN_NOTICE_PERIOD" and gap.target_name.startswith("Schemaavtalet")
    assert "2026-05-31" in gap.explanation


def test_service_past_planned_end_still_in_use():
    _obj, app = well_kept()
    type(app).objects.filter(pk=app.pk).update(planned_end=datetime.date(2025, 12, 31))
    [gap] = pm3_gaps(today=TODAY)
    assert (gap.code, gap.target_id) == ("SERVICE_PAST_END_OF_LIFE", app.pk)


def test_learning_resource_in_use_but_not_approved():
    well_kept()
    LearningResourceFactory(name="Ogranskad", approval_status=ApprovalStatus.REQUESTED)
    LearningResourceFactory(name="Avslagen", approval_status=ApprovalStatus.REJECTED)
    found = {g.target_name: g.severity for g in pm3_gaps(today=TODAY)}
    assert found == {"Ogranskad": "medium", "Avslagen": "high"}


def test_gaps_are_ordered_most_severe_first():
    ManagementObjectFactory()
    severities = [g.severity for g in pm3_gaps(today=TODAY)]
    assert severities == sorted(severities, key=["critical", "high", "medium", "low"].index)


def test_query_count_does_not_grow_with_rows():
    well_kept("A")
    ManagementObjectFactory()
    with CaptureQueriesContext(connection) as small:
        first = pm3_gaps(today=TODAY)
    for name in "BCD":
        well_kept(name)
        ManagementObjectFactory()
        ApplicationFactory()
    with CaptureQueriesContext(connection) as large:
        second = pm3_gaps(today=TODAY)
    assert len(second) > len(first)
    assert len(small) == len(large) <= 8
