"""On the demo municipality, every planted GDPR defect is found and the clean records give nothing."""

import pytest

from gdpr.gaps import find_gaps
from integrations.demo import build_demo

pytestmark = pytest.mark.django_db

#: rule code → the manifest field naming what it must find (by target name, or activity name).
PLANTED = {
    "NO_LEGAL_BASIS": "activities_without_legal_basis",
    "AUTHORITY_LEGITIMATE_INTEREST": "activities_legitimate_interest",
    "CONSENT_IMBALANCE": "activities_consent_from_pupils",
    "SPECIAL_CATEGORY_NO_CONDITION": "activities_special_categories_without_condition",
    "DPIA_REQUIRED_NOT_DONE": "activities_dpia_required_not_done",
    "DPIA_HIGH_RISK_NO_CONSULTATION": "activities_high_risk_without_consultation",
    "BIOMETRIC_OR_MONITORING_PUPILS": "activities_biometric_or_monitoring_pupils",
    "SCC_NO_TIA": "activities_scc_without_tia",
    "PROCESSOR_NO_DPA": "vendors_without_dpa",
    "SUBPROCESSORS_UNKNOWN": "vendors_without_subprocessors",
    "PROTECTED_IDENTITY_NO_ROUTINE": "activities_protected_identity_without_routine",
    "NO_RETENTION": "activities_without_retention",
    "NO_SECURITY_MEASURES": "activities_without_security_measures",
    "AUTOMATED_DECISION_NO_ASSESSMENT": "activities_automated_without_assessment",
    "JOINT_CONTROLLER_NO_ARRANGEMENT": "activities_joint_controller_without_arrangement",
    "SYSTEM_WITHOUT_RECORD": "services_without_record",
    "PERSONNUMMER_WITHOUT_NEED": "activities_personnummer_without_need",
    "MISSING_PURPOSE": "activities_without_purpose",
    "MISSING_CATEGORIES": "activities_without_categories",
    "MISSING_RECIPIENTS": "activities_without_recipients",
    "LEGAL_BASIS_PROVISION_MISSING": "activities_legal_basis_provision_missing",
    "DATA_SUBJECTS_NOT_INFORMED": "activities_data_subjects_not_informed",
    "MONITORING_SCOPE_UNLIMITED": "activities_monitoring_unlimited",
    "DPIA_INADEQUATE": "activities_dpia_inadequate",
    "PROCESSOR_SECURITY_NOT_REVIEWED": "vendors_security_not_reviewed",
}


def test_every_planted_gdpr_defect_is_found_and_clean_records_give_nothing():
    manifest = build_demo(scale=1, seed=1)
    findings = find_gaps()
    by_target: dict[str, set[str]] = {}
    by_activity: dict[str, set[str]] = {}
    for f in findings:
        by_target.setdefault(f.code, set()).add(f.target_name)
        by_activity.setdefault(f.code, set()).add(f.activity_name or f.target_name)
    for code, field in PLANTED.items():
        assert set(getattr(manifest, field)) <= by_target.get(code, set()), code
    exact = (
        "SYSTEM_WITHOUT_RECORD",
        "PROCESSOR_NO_DPA",
        "NO_LEGAL_BASIS",
        "DPIA_REQUIRED_NOT_DONE",
        "LEGAL_BASIS_PROVISION_MISSING",
        "DATA_SUBJECTS_NOT_INFORMED",
        "MONITORING_SCOPE_UNLIMITED",
        "DPIA_INADEQUATE",
        "PROCESSOR_SECURITY_NOT_REVIEWED",
    )
    for code in exact:
        assert by_target[code] == set(getattr(manifest, PLANTED[code])), code
    assert by_target["RECORD_STALE"] == set(manifest.activities_stale) | set(
        manifest.activities_never_reviewed
    )
    assert by_target["MISSING_CONTROLLER"] == (
        set(manifest.activities_without_controller) | set(manifest.activities_of_boards_without_dpo)
    )
    assert set(manifest.activities_dpf_vendor_not_listed) <= by_activity["DPF_NOT_LISTED"]
    assert (
        set(manifest.activities_us_processor_without_transfer)
        | set(manifest.activities_transfer_without_mechanism)
    ) == by_activity["TRANSFER_NO_MECHANISM"]
    clean = set(manifest.clean_activities)
    assert clean
    assert not [f for f in findings if f.activity_name in clean or f.target_name in clean]


def test_the_demo_year_of_breaches_gives_exactly_its_planted_breach_findings():
    manifest = build_demo(scale=1, seed=1)
    by_target: dict[str, set[str]] = {}
    for f in find_gaps():
        if f.target_type == "breach":
            by_target.setdefault(f.code, set()).add(f.target_name)
    assert by_target["BREACH_NOT_NOTIFIED_IN_TIME"] == {
        *manifest.breaches_notified_late,
        manifest.breach_clock_running,
    }
    assert by_target["BREACH_SUBJECTS_NOT_INFORMED"] == set(manifest.breaches_subjects_not_informed)
    assert by_target["BREACH_UNDOCUMENTED_FIELDS"] == set(manifest.breaches_undocumented)
    assert len(manifest.breaches) == 6
