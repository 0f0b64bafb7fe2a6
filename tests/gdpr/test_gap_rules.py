"""Each gap rule of issue 5: a case that trips it and a case that does not, named after the rule."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gdpr.gaps import RULES, Severity, find_gaps, gap_counts_by_service
from gdpr.models import ProcessingActivity, ProcessingActivityService
from tests.factories import (
    ApplicationFactory,
    BoardFactory,
    ContractFactory,
    DpiaFactory,
    LearningResourceFactory,
    ProcessingActivityFactory,
    ProcessorSecurityReviewFactory,
    TransferFactory,
    VendorFactory,
)

pytestmark = pytest.mark.django_db

ISSUE_CATALOGUE = {
    "MISSING_PURPOSE",
    "MISSING_CATEGORIES",
    "MISSING_RECIPIENTS",
    "MISSING_CONTROLLER",
    "NO_LEGAL_BASIS",
    "AUTHORITY_LEGITIMATE_INTEREST",
    "CONSENT_IMBALANCE",
    "SPECIAL_CATEGORY_NO_CONDITION",
    "DPIA_REQUIRED_NOT_DONE",
    "DPIA_HIGH_RISK_NO_CONSULTATION",
    "BIOMETRIC_OR_MONITORING_PUPILS",
    "PROCESSOR_NO_DPA",
    "SUBPROCESSORS_UNKNOWN",
    "TRANSFER_NO_MECHANISM",
    "DPF_NOT_LISTED",
    "SCC_NO_TIA",
    "PROTECTED_IDENTITY_NO_ROUTINE",
    "NO_RETENTION",
    "NO_SECURITY_MEASURES",
    "AUTOMATED_DECISION_NO_ASSESSMENT",
    "JOINT_CONTROLLER_NO_ARRANGEMENT",
    "SYSTEM_WITHOUT_RECORD",
    "RECORD_STALE",
    "PERSONNUMMER_WITHOUT_NEED",
}


def link(activity, *services):
    for service in services:
        if service._meta.model_name == "application":
            ProcessingActivityService.objects.create(processing_activity=activity, service=service)
        else:
            ProcessingActivityService.objects.create(
                processing_activity=activity, service=service
            )
    return activity


def activity_with(**fields):
    activity = ProcessingActivityFactory(**fields)
    return ("processing_activity", activity.pk)


def with_processor(*, dpa: bool, subprocessors: str = "Amazon Web Services (IE)"):
    vendor = VendorFactory()
    app = ApplicationFactory(vendor=vendor)
    link(ProcessingActivityFactory(), app)
    if dpa:
        ContractFactory(vendor=vendor, dpa_signed_on=datetime.date(2024, 1, 2), subprocessors=subprocessors)
    return ("vendor", vendor.pk)


def with_us_vendor(*, transfer: dict | None, listed: bool = False):
    vendor = VendorFactory(country="US", dpf_listed=listed)
    app = ApplicationFactory(vendor=vendor)
    activity = link(ProcessingActivityFactory(), app)
    ContractFactory(vendor=vendor, dpa_signed_on=datetime.date(2024, 1, 2), subprocessors="AWS (US)")
    if transfer is not None:
        TransferFactory(processing_activity=activity, **transfer)
    return activity, app, vendor


def implied_transfer(*, mechanism: str | None):
    activity, app, _vendor = with_us_vendor(
        transfer=None if mechanism is None else {"country": "US", "mechanism": mechanism}
    )
    return ("application", app.pk)


def dpf_transfer(*, listed: bool):
    _activity, _app, vendor = with_us_vendor(transfer={"country": "US", "mechanism": "dpf"}, listed=listed)
    return ("vendor", vendor.pk)


def service_without_record(*, linked: bool):
    resource = LearningResourceFactory()
    if linked:
        link(ProcessingActivityFactory(), resource)
    return ("learning_resource", resource.pk)


def high_risk_dpia(*, consulted: bool):
    dpia = DpiaFactory(
        residual_risk="hog", prior_consultation_on=datetime.date(2025, 4, 1) if consulted else None
    )
    return ("processing_activity", dpia.processing_activity_id)


def dpia_required(*, done: bool):
    activity = ProcessingActivityFactory(large_scale=True)  # pupils + large scale: two criteria
    if done:
        DpiaFactory(processing_activity=activity)
    return ("processing_activity", activity.pk)


STALE = datetime.date.today() - datetime.timedelta(days=400)

#: code → (builder that trips it, builder that does not); each returns the expected target.
CASES = {
    "MISSING_PURPOSE": (lambda: activity_with(purposes="Administration"), lambda: activity_with()),
    "MISSING_CATEGORIES": (
        lambda: activity_with(data_subject_categories=[]),
        lambda: activity_with(data_subject_categories=["personal"]),
    ),
    "MISSING_RECIPIENTS": (
        lambda: activity_with(recipients=""),
        lambda: activity_with(recipients="Skolverket"),
    ),
    "MISSING_CONTROLLER": (
        lambda: activity_with(controller=None, status="utkast"),
        lambda: activity_with(controller=BoardFactory()),
    ),
    "NO_LEGAL_BASIS": (lambda: activity_with(legal_basis=""), lambda: activity_with(legal_basis="c")),
    "AUTHORITY_LEGITIMATE_INTEREST": (
        lambda: activity_with(legal_basis="f"),
        lambda: activity_with(legal_basis="e"),
    ),
    "CONSENT_IMBALANCE": (
        lambda: activity_with(legal_basis="a", data_subject_categories=["vardnadshavare"]),
        lambda: activity_with(legal_basis="a", data_subject_categories=["ovriga"]),
    ),
    "SPECIAL_CATEGORY_NO_CONDITION": (
        lambda: activity_with(special_categories=["halsa"]),
        lambda: activity_with(special_categories=["halsa"], special_category_condition="g"),
    ),
    "DPIA_REQUIRED_NOT_DONE": (lambda: dpia_required(done=False), lambda: dpia_required(done=True)),
    "DPIA_HIGH_RISK_NO_CONSULTATION": (
        lambda: high_risk_dpia(consulted=False),
        lambda: high_risk_dpia(consulted=True),
    ),
    "BIOMETRIC_OR_MONITORING_PUPILS": (
        lambda: activity_with(special_categories=["biometriska"], special_category_condition="g"),
        lambda: activity_with(
            data_subject_categories=["personal"],
            special_categories=["biometriska"],
            special_category_condition="b",
        ),
    ),
    "PROCESSOR_NO_DPA": (lambda: with_processor(dpa=False), lambda: with_processor(dpa=True)),
    "SUBPROCESSORS_UNKNOWN": (
        lambda: with_processor(dpa=True, subprocessors=""),
        lambda: with_processor(dpa=True),
    ),
    "TRANSFER_NO_MECHANISM": (
        lambda: implied_transfer(mechanism=None),
        lambda: implied_transfer(mechanism="scc"),
    ),
    "DPF_NOT_LISTED": (lambda: dpf_transfer(listed=False), lambda: dpf_transfer(listed=True)),
    "SCC_NO_TIA": (
        lambda: ("processing_activity", TransferFactory(tia_done=False).processing_activity_id),
        lambda: ("processing_activity", TransferFactory(tia_done=True).processing_activity_id),
    ),
    "PROTECTED_IDENTITY_NO_ROUTINE": (
        lambda: activity_with(protected_identity=True),
        lambda: activity_with(
            protected_identity=True, protected_identity_routine="Markeras i Procapita; döljs."
        ),
    ),
    "NO_RETENTION": (
        lambda: activity_with(retention_period="", retention_criteria="", retention_decision=""),
        lambda: activity_with(retention_period="", retention_criteria="Ett år efter avslutad skolgång"),
    ),
    "NO_SECURITY_MEASURES": (
        lambda: activity_with(security_measures=" "),
        lambda: activity_with(security_measures="Loggning"),
    ),
    "AUTOMATED_DECISION_NO_ASSESSMENT": (
        lambda: activity_with(profiling=True),
        lambda: activity_with(
            profiling=True, automated_decision_assessment="Läraren beslutar; appen föreslår."
        ),
    ),
    "JOINT_CONTROLLER_NO_ARRANGEMENT": (
        lambda: activity_with(joint_controller="Region Mitt"),
        lambda: activity_with(joint_controller="Region Mitt", joint_arrangement="Regionen svarar för insyn."),
    ),
    "SYSTEM_WITHOUT_RECORD": (
        lambda: service_without_record(linked=False),
        lambda: service_without_record(linked=True),
    ),
    "RECORD_STALE": (lambda: activity_with(last_reviewed_on=STALE), lambda: activity_with()),
    "PERSONNUMMER_WITHOUT_NEED": (
        lambda: activity_with(personal_identity_numbers=True),
        lambda: activity_with(
            personal_identity_numbers=True, personal_identity_number_need="Säker identifiering"
        ),
    ),
}


def findings_for(code):
    return [f for f in find_gaps() if f.code == code]


def test_every_rule_of_the_issue_is_registered_and_tested():
    assert set(RULES) >= ISSUE_CATALOGUE
    assert set(CASES) == ISSUE_CATALOGUE  # rules beyond the issue's catalogue are tested where they live


def test_every_rule_states_title_severity_basis_and_fix():
    for code, rule in RULES.items():
        assert rule.code == code
        assert str(rule.title) and str(rule.basis) and str(rule.fix), code
        assert rule.severity in Severity.values, code


@pytest.mark.parametrize("code", sorted(CASES))
def test_rule_trips(code):
    target = CASES[code][0]()
    findings = findings_for(code)
    assert [(f.target_type, f.target_id) for f in findings] == [target]
    finding = findings[0]
    assert finding.explanation and finding.target_name
    assert finding.severity == RULES[code].severity and finding.basis == str(RULES[code].basis)


@pytest.mark.parametrize("code", sorted(CASES))
def test_rule_does_not_trip(code):
    CASES[code][1]()
    assert findings_for(code) == []


def test_blank_purpose_is_missing():
    ProcessingActivityFactory(purposes="")
    assert len(findings_for("MISSING_PURPOSE")) == 1


def test_controller_without_dpo_contact_is_missing_controller_fixed_on_the_board():
    ProcessingActivityFactory(controller=BoardFactory(dpo_contact=""))
    [finding] = findings_for("MISSING_CONTROLLER")
    assert (finding.form, finding.field) == ("organisation", "dpo_contact")


def test_one_dpia_criterion_does_not_require_a_dpia():
    ProcessingActivityFactory()  # pupils only
    assert findings_for("DPIA_REQUIRED_NOT_DONE") == []


def test_article_35_3_case_requires_a_dpia_even_for_staff():
    ProcessingActivityFactory(
        data_subject_categories=["personal"], large_scale=True, criminal_offence_data=True
    )
    [finding] = findings_for("DPIA_REQUIRED_NOT_DONE")
    assert "35.3 b" in finding.explanation


def test_dpia_in_progress_does_not_satisfy_the_requirement():
    activity = ProcessingActivityFactory(innovative_technology=True)
    DpiaFactory(processing_activity=activity, status="pagar", completed_on=None, residual_risk="")
    assert len(findings_for("DPIA_REQUIRED_NOT_DONE")) == 1


def test_stated_transfer_without_mechanism_names_the_activity():
    transfer = TransferFactory(mechanism="", country="IN", recipient="Outsourcing Ltd")
    [finding] = findings_for("TRANSFER_NO_MECHANISM")
    assert (finding.target_type, finding.target_id) == (
        "processing_activity",
        transfer.processing_activity_id,
    )
    assert "Outsourcing Ltd (IN)" in finding.explanation


def test_data_location_outside_the_eea_implies_a_transfer():
    app = ApplicationFactory(data_location="IN")
    activity = link(ProcessingActivityFactory(), app)
    ContractFactory(vendor=app.vendor, dpa_signed_on=datetime.date(2024, 1, 2), subprocessors="X (IN)")
    [finding] = findings_for("TRANSFER_NO_MECHANISM")
    assert (finding.target_type, finding.target_id, finding.activity_id) == (
        "application",
        app.pk,
        activity.pk,
    )
    assert "IN" in finding.explanation


def test_transfer_to_another_country_does_not_cover_the_vendors_country():
    with_us_vendor(transfer={"country": "GB", "mechanism": "adekvans"})
    assert len(findings_for("TRANSFER_NO_MECHANISM")) == 1


def test_expired_contract_is_no_processor_agreement():
    vendor = VendorFactory()
    link(ProcessingActivityFactory(), ApplicationFactory(vendor=vendor))
    ContractFactory(
        vendor=vendor,
        dpa_signed_on=datetime.date(2020, 1, 2),
        starts_on=datetime.date(2020, 1, 1),
        ends_on=datetime.date(2021, 12, 31),
    )
    assert len(findings_for("PROCESSOR_NO_DPA")) == 1


def test_subprocessor_without_location_is_unknown():
    with_processor(dpa=True, subprocessors="Amazon Web Services (IE)\nEtt hostingbolag")
    [finding] = findings_for("SUBPROCESSORS_UNKNOWN")
    assert "Ett hostingbolag" in finding.explanation


def test_retired_service_needs_no_record():
    LearningResourceFactory(lifecycle_status="avvecklad", retired_on=datetime.date(2024, 6, 30))
    ApplicationFactory(processes_personal_data=False)
    assert findings_for("SYSTEM_WITHOUT_RECORD") == []


def test_retired_records_are_not_examined():
    ProcessingActivityFactory(status="avslutad", purposes="", legal_basis="")
    assert find_gaps() == []


def test_a_complete_record_has_no_findings():
    vendor = VendorFactory()
    ContractFactory(vendor=vendor, dpa_signed_on=datetime.date(2024, 1, 2), subprocessors="Microsoft (IE)")
    ProcessorSecurityReviewFactory(vendor=vendor)
    link(
        ProcessingActivityFactory(), ApplicationFactory(vendor=vendor), LearningResourceFactory(vendor=vendor)
    )
    assert find_gaps() == []


def test_findings_are_sorted_most_severe_first():
    ProcessingActivityFactory(legal_basis="", last_reviewed_on=STALE)
    severities = [Severity.rank(f.severity) for f in find_gaps()]
    assert severities == sorted(severities) and len(severities) == 2


def test_subset_of_activities_skips_register_wide_rules():
    activity = ProcessingActivityFactory(recipients="")
    LearningResourceFactory()
    codes = {f.code for f in find_gaps(ProcessingActivity.objects.filter(pk=activity.pk))}
    assert codes == {"MISSING_RECIPIENTS"}


def test_gap_counts_by_service_count_findings_through_the_activities_using_them():
    vendor = VendorFactory()
    app = ApplicationFactory(vendor=vendor)
    # 2 + PROCESSOR_NO_DPA + PROCESSOR_SECURITY_NOT_REVIEWED
    link(ProcessingActivityFactory(recipients="", security_measures=""), app)
    lonely = LearningResourceFactory()
    counts = gap_counts_by_service()
    assert counts[("application", app.pk)] == 4
    assert counts[("learning_resource", lonely.pk)] == 1


def build_register(size: int) -> None:
    """``size`` records each with a system, a US learning resource, a transfer and a DPIA."""
    for _ in range(size):
        activity = ProcessingActivityFactory(recipients="", large_scale=True, special_categories=["halsa"])
        us = VendorFactory(country="US")
        link(activity, ApplicationFactory(), LearningResourceFactory(vendor=us))
        TransferFactory(processing_activity=activity, mechanism="dpf")
        DpiaFactory(processing_activity=activity, residual_risk="hog")
        ContractFactory(vendor=us, dpa_signed_on=datetime.date(2024, 1, 2))
        ApplicationFactory()


def count_queries(func) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as ctx:
        result = func()
    return len(ctx.captured_queries), result


def test_find_gaps_query_count_does_not_grow_with_rows():
    build_register(2)
    small, small_findings = count_queries(find_gaps)
    build_register(10)
    large, large_findings = count_queries(find_gaps)
    assert small == large
    assert len(large_findings) > len(small_findings) * 4
    assert {f.code for f in large_findings} >= {
        "MISSING_RECIPIENTS",
        "SPECIAL_CATEGORY_NO_CONDITION",
        "DPIA_HIGH_RISK_NO_CONSULTATION",
        "DPF_NOT_LISTED",
        "PROCESSOR_NO_DPA",
        "SYSTEM_WITHOUT_RECORD",
        "SUBPROCESSORS_UNKNOWN",
    }
