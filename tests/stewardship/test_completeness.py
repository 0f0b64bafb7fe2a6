"""Completeness: which expected facts a record has, weighted; per object, owner and controller; over time."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from gdpr.completeness import ACTIVITY_FACTS, activity_completeness, by_controller
from portfolio.analysis.completeness import (
    APPLICATION_FACTS,
    application_completeness,
    by_management_object,
    by_owner,
    learning_resource_completeness,
    management_object_completeness,
    month_ends,
)
from portfolio.choices import RoleChoices
from portfolio.models import Application, ContractService, ServiceCapability, ServiceUsage
from tests.factories import (
    ApplicationFactory,
    BoardFactory,
    CapabilityFactory,
    ContractFactory,
    LearningResourceFactory,
    ManagementObjectFactory,
    ManagementPlanFactory,
    PersonFactory,
    ProcessingActivityFactory,
    RoleAssignmentFactory,
    SchoolUnitFactory,
)

pytestmark = pytest.mark.django_db


def complete_application(**kwargs) -> Application:
    app = ApplicationFactory(
        description="Elevregister",
        hosting="saas",
        data_location="SE",
        time_classification="invest",
        management_object=kwargs.pop("management_object", None) or ManagementObjectFactory(),
        **kwargs,
    )
    RoleAssignmentFactory(application=app, role=RoleChoices.SYSTEM_OWNER)
    ServiceUsage.objects.create(service=app, organisation=SchoolUnitFactory(), users=10)
    ServiceCapability.objects.create(service=app, capability=CapabilityFactory())
    contract = ContractFactory(vendor=app.vendor, dpa_signed_on=datetime.date(2024, 1, 1))
    ContractService.objects.create(contract=contract, service=app)
    return app


def only(results, pk):
    return next(r for r in results if r.target_id == pk)


def test_a_system_with_every_fact_is_complete():
    app = complete_application()
    result = only(application_completeness(), app.pk)
    assert result.missing == []
    assert result.percent == 100
    assert result.possible == sum(f.weight for f in APPLICATION_FACTS)


def test_a_system_without_owner_says_so_and_loses_the_owner_weight():
    app = complete_application()
    app.roles.all().delete()
    result = only(application_completeness(), app.pk)
    owner_weight = next(f.weight for f in APPLICATION_FACTS if f.code == "owner")
    assert result.missing == ["saknar systemägare"]
    assert result.score == result.possible - owner_weight
    assert result.owners == []


def test_an_ended_role_does_not_count_as_an_owner():
    app = complete_application()
    app.roles.update(ends_on=timezone.localdate() - datetime.timedelta(days=1))
    assert "saknar systemägare" in only(application_completeness(), app.pk).missing


def test_personal_data_facts_apply_only_to_services_processing_personal_data():
    bare = ApplicationFactory(processes_personal_data=False)
    with_data = ApplicationFactory(processes_personal_data=True)
    results = application_completeness()
    assert "saknar personuppgiftsbiträdesavtal" not in only(results, bare.pk).missing
    assert "saknar land för datalagring" not in only(results, bare.pk).missing
    assert "saknar personuppgiftsbiträdesavtal" in only(results, with_data.pk).missing
    assert only(results, bare.pk).possible < only(results, with_data.pk).possible


def test_a_contract_without_processor_agreement_leaves_the_agreement_missing():
    app = complete_application()
    ContractService.objects.filter(service=app).delete()
    ContractService.objects.create(contract=ContractFactory(vendor=app.vendor), service=app)
    assert only(application_completeness(), app.pk).missing == ["saknar personuppgiftsbiträdesavtal"]


def test_learning_resource_lists_its_missing_teaching_facts():
    resource = LearningResourceFactory(kind="app", subjects="Matematik", school_year_from=4, school_year_to=6)
    result = only(learning_resource_completeness(), resource.pk)
    assert "saknar ämnen" not in result.missing
    assert "saknar årskurser" not in result.missing
    assert "saknar licensmodell" in result.missing
    assert "saknar systemägare" in result.missing


def test_management_object_needs_owner_lead_systems_and_this_years_plan():
    today = timezone.localdate()
    obj = ManagementObjectFactory(description="Elevadministration")
    bare = ManagementObjectFactory()
    RoleAssignmentFactory(management_object=obj, application=None, role=RoleChoices.OBJECT_OWNER)
    RoleAssignmentFactory(management_object=obj, application=None, role=RoleChoices.MANAGEMENT_LEAD)
    ApplicationFactory(management_object=obj)
    ManagementPlanFactory(management_object=obj, year=today.year)
    ManagementPlanFactory(management_object=bare, year=today.year - 1)
    results = management_object_completeness(today=today)
    assert only(results, obj.pk).percent == 100
    assert only(results, bare.pk).missing == [
        "saknar objektägare",
        "saknar förvaltningsledare",
        "saknar beskrivning",
        "saknar system",
        "saknar förvaltningsplan för året",
    ]


def test_processing_activity_without_retention_says_saknar_gallringsfrist():
    activity = ProcessingActivityFactory(retention_period="")
    result = only(activity_completeness(), activity.pk)
    assert "saknar gallringsfrist" in result.missing
    assert result.percent < 100


def test_conditional_gdpr_facts_apply_only_when_their_condition_holds():
    plain = ProcessingActivityFactory()
    sensitive = ProcessingActivityFactory(special_categories=["halsa"], personal_identity_numbers=True)
    results = activity_completeness()
    assert "saknar undantag enligt art. 9.2" not in only(results, plain.pk).missing
    assert "saknar undantag enligt art. 9.2" in only(results, sensitive.pk).missing
    assert "saknar motivering för personnummer" in only(results, sensitive.pk).missing
    assert only(results, sensitive.pk).possible > only(results, plain.pk).possible


def test_legal_basis_law_is_expected_only_for_obligation_and_public_task():
    consent = ProcessingActivityFactory(legal_basis="a", legal_basis_law="")
    task = ProcessingActivityFactory(legal_basis="e", legal_basis_law="")
    results = activity_completeness()
    law = "saknar författning för den rättsliga grunden"
    assert law not in only(results, consent.pk).missing
    assert law in only(results, task.pk).missing


def test_retired_activities_are_left_out_and_weights_are_declared_once():
    ProcessingActivityFactory(status="avslutad")
    assert activity_completeness() == []
    assert len({f.code for f in ACTIVITY_FACTS}) == len(ACTIVITY_FACTS)


def test_aggregates_per_management_object_owner_and_controller():
    obj = ManagementObjectFactory(name="Elevadministration")
    good = complete_application(management_object=obj)
    bad = ApplicationFactory(management_object=obj)
    loose = ApplicationFactory()
    results = application_completeness()
    groups = {g.key: g for g in by_management_object(results)}
    assert groups[obj.pk].records == 2
    assert groups[obj.pk].label == "Elevadministration"
    assert groups[None].records == 1
    good_result, bad_result = only(results, good.pk), only(results, bad.pk)
    assert groups[obj.pk].score == good_result.score + bad_result.score
    owner = good.roles.get().person
    owners = {g.key: g for g in by_owner(results)}
    assert owners[owner.pk].records == 1 and owners[owner.pk].percent == 100
    assert owners[None].records == 2
    assert loose.pk in {r.target_id for r in results}

    board = BoardFactory(name="Barn- och utbildningsnämnden")
    ProcessingActivityFactory(controller=board)
    ProcessingActivityFactory(controller=board, retention_period="")
    per_controller = {g.key: g for g in by_controller(activity_completeness())}
    assert per_controller[board.pk].records == 2
    assert per_controller[board.pk].missing_counts == {
        "saknar gallringsfrist": 1,
        "saknar ansvarig": 2,
        "saknar kopplade system eller lärresurser": 2,
    }


def _build(n: int) -> None:
    obj = ManagementObjectFactory()
    for _i in range(n):
        complete_application(management_object=obj)
        LearningResourceFactory()
        RoleAssignmentFactory(management_object=obj, application=None, role=RoleChoices.OBJECT_OWNER)
        ProcessingActivityFactory(responsible=PersonFactory())


def _count(func) -> int:
    with CaptureQueriesContext(connection) as ctx:
        func()
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "func",
    [
        application_completeness,
        learning_resource_completeness,
        management_object_completeness,
        activity_completeness,
    ],
)
def test_completeness_query_count_does_not_grow_with_the_register(func):
    _build(2)
    small = _count(func)
    _build(8)
    assert _count(func) == small


def test_month_ends_end_with_today_and_go_back_month_by_month():
    assert month_ends(3, datetime.date(2026, 3, 15)) == [
        datetime.date(2026, 1, 31),
        datetime.date(2026, 2, 28),
        datetime.date(2026, 3, 15),
    ]


def test_docs_name_every_fact_and_its_weight():
    from pathlib import Path

    from portfolio.analysis.completeness import LEARNING_RESOURCE_FACTS, MANAGEMENT_OBJECT_FACTS

    text = (Path(__file__).resolve().parents[2] / "docs" / "completeness.md").read_text()
    for fact in (*APPLICATION_FACTS, *LEARNING_RESOURCE_FACTS, *MANAGEMENT_OBJECT_FACTS, *ACTIVITY_FACTS):
        assert f"| `{fact.code}` | {fact.weight} | {fact.missing} |" in text
