"""The findings IMY makes again and again (issue 19), each rule on both sides of its boundary."""

import datetime

import pytest
from django.utils import timezone

from gdpr.forms import ProcessingActivityForm
from gdpr.gaps import RULES, find_gaps
from gdpr.gaps.lawfulness import names_a_provision
from gdpr.models import ProcessingActivity, ProcessingActivityService
from portfolio.services import save_form
from tests.factories import (
    ApplicationFactory,
    ContractFactory,
    DpiaFactory,
    ProcessingActivityFactory,
    ProcessorSecurityReviewFactory,
    VendorFactory,
)

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 12, 4)


def codes(code: str, **kwargs) -> list:
    return [f for f in find_gaps(codes=[code], today=kwargs.pop("today", TODAY)) if f.code == code]


def test_every_new_rule_has_an_article_a_severity_and_a_fix():
    for code in (
        "LEGAL_BASIS_PROVISION_MISSING",
        "DATA_SUBJECTS_NOT_INFORMED",
        "MONITORING_SCOPE_UNLIMITED",
        "DPIA_INADEQUATE",
        "PROCESSOR_SECURITY_NOT_REVIEWED",
    ):
        rule = RULES[code]
        assert str(rule.basis).startswith("Art.") and rule.severity and str(rule.fix)


#
# LEGAL_BASIS_PROVISION_MISSING (art. 6.3)
#


@pytest.mark.parametrize(
    "law",
    [
        "skollagen (2010:800) 29 kap. 14 §",
        "skollagen (2010:800) 7 kap. 17–19 §§",
        "Skollagen 10 kap",
        "lag (2018:218) 2 kap. 2 §",
        "förordning (EU) 2016/679 art. 9.2 h",
        "skolförordningen (2011:185) 6 kap. 19 § första stycket",
    ],
)
def test_a_provision_with_chapter_section_or_article_passes(law):
    assert names_a_provision(law)
    ProcessingActivityFactory(legal_basis="c", legal_basis_law=law)
    assert codes("LEGAL_BASIS_PROVISION_MISSING") == []


@pytest.mark.parametrize(
    "law",
    ["skollagen", "skollagen (2010:800)", "SFS 2010:800", "kamerabevakningslagen (2018:1200)", "Lagrum"],
)
def test_public_task_citing_only_a_whole_law_is_a_finding_naming_the_law(law):
    activity = ProcessingActivityFactory(legal_basis="e", legal_basis_law=law)
    [finding] = codes("LEGAL_BASIS_PROVISION_MISSING")
    assert finding.target_id == activity.pk and law in finding.explanation
    assert finding.field == "legal_basis_law" and finding.severity == "high"


def test_legal_obligation_without_any_provision_is_a_finding():
    ProcessingActivityFactory(legal_basis="c", legal_basis_law="  ")
    [finding] = codes("LEGAL_BASIS_PROVISION_MISSING")
    assert "ingen bestämmelse" in finding.explanation


@pytest.mark.parametrize("basis", ["a", "b", "d", "f", ""])
def test_bases_other_than_obligation_and_public_task_need_no_provision(basis):
    ProcessingActivityFactory(legal_basis=basis, legal_basis_law="")
    assert codes("LEGAL_BASIS_PROVISION_MISSING") == []


#
# DATA_SUBJECTS_NOT_INFORMED (art. 13–14)
#


def test_information_recorded_after_the_last_change_passes():
    ProcessingActivityFactory(
        information_updated_on=datetime.date(2026, 3, 1), content_changed_on=datetime.date(2026, 3, 1)
    )
    assert codes("DATA_SUBJECTS_NOT_INFORMED") == []


def test_no_information_reference_is_a_finding():
    ProcessingActivityFactory(information_reference="")
    [finding] = codes("DATA_SUBJECTS_NOT_INFORMED")
    assert finding.field == "information_reference"


def test_information_without_a_date_is_a_finding():
    ProcessingActivityFactory(information_updated_on=None)
    [finding] = codes("DATA_SUBJECTS_NOT_INFORMED")
    assert finding.field == "information_updated_on" and "datum" in finding.explanation


def test_information_older_than_a_change_of_the_processing_is_a_finding_by_one_day():
    ProcessingActivityFactory(
        information_updated_on=datetime.date(2026, 3, 1), content_changed_on=datetime.date(2026, 3, 2)
    )
    [finding] = codes("DATA_SUBJECTS_NOT_INFORMED")
    assert "2026-03-01" in finding.explanation and "2026-03-02" in finding.explanation


def test_editing_a_substantive_fact_through_the_form_dates_the_change_but_a_note_does_not(
    data_protection_coordinator,
):
    activity = ProcessingActivityFactory(content_changed_on=datetime.date(2025, 1, 1))
    data = {
        name: value
        for name, value in ProcessingActivityForm(instance=activity).initial.items()
        if value not in (None, "")
    }
    data["internal_notes"] = "Bara en anteckning."
    form = ProcessingActivityForm(data=data, instance=activity)
    assert form.is_valid(), form.errors
    save_form(form, user=data_protection_coordinator)
    activity.refresh_from_db()
    assert activity.content_changed_on == datetime.date(2025, 1, 1)

    data["purposes"] = "Ett nytt ändamål: uppföljning av närvaro per lektion."
    form = ProcessingActivityForm(data=data, instance=activity)
    assert form.is_valid(), form.errors
    save_form(form, user=data_protection_coordinator)
    activity.refresh_from_db()
    assert activity.content_changed_on == timezone.localdate()


def test_linking_a_new_system_through_the_form_is_a_change_of_the_processing(data_protection_coordinator):
    activity = ProcessingActivityFactory(content_changed_on=datetime.date(2025, 1, 1))
    data = {
        name: value
        for name, value in ProcessingActivityForm(instance=activity).initial.items()
        if value not in (None, "")
    }
    data["applications"] = [ApplicationFactory().pk]
    form = ProcessingActivityForm(data=data, instance=activity)
    assert form.is_valid(), form.errors
    save_form(form, user=data_protection_coordinator)
    activity.refresh_from_db()
    assert activity.content_changed_on == timezone.localdate()


#
# MONITORING_SCOPE_UNLIMITED (art. 5.1 c, kamerabevakningslagen)
#

LIMITED = {
    "systematic_monitoring": True,
    "monitoring_areas": "Entréer och skolgård",
    "monitoring_hours": "Vardagar 18–06 samt helger",
    "monitoring_access": "Säkerhetssamordnaren, inspelat material efter incident",
    "monitoring_retention_days": 7,
}


def test_monitoring_with_areas_hours_access_and_retention_passes():
    ProcessingActivityFactory(**LIMITED)
    assert codes("MONITORING_SCOPE_UNLIMITED") == []


@pytest.mark.parametrize(
    ("blank", "value", "field"),
    [
        ("monitoring_areas", "", "monitoring_areas"),
        ("monitoring_hours", "", "monitoring_hours"),
        ("monitoring_access", "", "monitoring_access"),
        ("monitoring_retention_days", None, "monitoring_retention_days"),
    ],
)
def test_monitoring_missing_one_limit_is_a_finding_pointing_at_it(blank, value, field):
    ProcessingActivityFactory(**{**LIMITED, blank: value})
    [finding] = codes("MONITORING_SCOPE_UNLIMITED")
    assert finding.field == field


def test_zero_days_of_retention_is_a_limit_not_a_gap():
    ProcessingActivityFactory(**{**LIMITED, "monitoring_retention_days": 0})
    assert codes("MONITORING_SCOPE_UNLIMITED") == []


def test_recording_around_the_clock_of_pupils_needs_a_reason():
    ProcessingActivityFactory(**{**LIMITED, "monitoring_hours": "", "monitoring_around_the_clock": True})
    [finding] = codes("MONITORING_SCOPE_UNLIMITED")
    assert "skoltid" in finding.explanation and finding.field == "monitoring_around_the_clock_reason"


def test_recording_around_the_clock_with_a_stated_reason_passes():
    ProcessingActivityFactory(
        **{
            **LIMITED,
            "monitoring_hours": "",
            "monitoring_around_the_clock": True,
            "monitoring_around_the_clock_reason": "Serverhall utan personal; ingen elevvistelse.",
        }
    )
    assert codes("MONITORING_SCOPE_UNLIMITED") == []


def test_a_record_without_monitoring_needs_no_monitoring_scope():
    ProcessingActivityFactory(systematic_monitoring=False)
    assert codes("MONITORING_SCOPE_UNLIMITED") == []


#
# DPIA_INADEQUATE (art. 35.2, 35.7, 35.11)
#


def test_a_completed_dpia_with_every_part_after_the_last_change_passes():
    DpiaFactory(processing_activity=ProcessingActivityFactory(content_changed_on=datetime.date(2025, 3, 1)))
    assert codes("DPIA_INADEQUATE") == []


@pytest.mark.parametrize(
    "part",
    ["processing_description", "necessity_assessment", "risk_assessment", "risk_measures", "dpo_opinion"],
)
def test_a_completed_dpia_lacking_one_required_part_is_a_finding(part):
    DpiaFactory(**{part: ""})
    [finding] = codes("DPIA_INADEQUATE")
    assert finding.form == "dpia" and "saknar" in finding.explanation


def test_a_dpia_completed_before_the_processing_changed_is_a_finding_by_one_day():
    activity = ProcessingActivityFactory(content_changed_on=datetime.date(2025, 3, 2))
    DpiaFactory(processing_activity=activity, completed_on=datetime.date(2025, 3, 1))
    [finding] = codes("DPIA_INADEQUATE")
    assert "2025-03-02" in finding.explanation


def test_only_the_latest_completed_dpia_is_judged():
    activity = ProcessingActivityFactory(content_changed_on=datetime.date(2025, 6, 1))
    DpiaFactory(processing_activity=activity, completed_on=datetime.date(2025, 3, 1), dpo_opinion="")
    DpiaFactory(
        processing_activity=activity,
        started_on=datetime.date(2025, 6, 1),
        completed_on=datetime.date(2025, 7, 1),
    )
    assert codes("DPIA_INADEQUATE") == []


def test_an_assessment_in_progress_is_not_judged_for_its_content():
    DpiaFactory(status="pagar", completed_on=None, dpo_opinion="", necessity_assessment="")
    assert codes("DPIA_INADEQUATE") == []


#
# PROCESSOR_SECURITY_NOT_REVIEWED (art. 28.1, 32)
#


def _processor_of_pupils_data():
    vendor = VendorFactory()
    ContractFactory(vendor=vendor, dpa_signed_on=datetime.date(2024, 1, 2), subprocessors="AWS (IE)")
    activity = ProcessingActivityFactory(data_subject_categories=["elever"], involves_children=True)
    ProcessingActivityService.objects.create(
        processing_activity=activity, service=ApplicationFactory(vendor=vendor)
    )
    return vendor


def test_a_processor_of_pupils_data_reviewed_within_twelve_months_passes():
    vendor = _processor_of_pupils_data()
    ProcessorSecurityReviewFactory(vendor=vendor, reviewed_on=datetime.date(2025, 12, 4))
    assert codes("PROCESSOR_SECURITY_NOT_REVIEWED") == []


def test_a_review_one_day_older_than_twelve_months_is_a_finding():
    vendor = _processor_of_pupils_data()
    ProcessorSecurityReviewFactory(vendor=vendor, reviewed_on=datetime.date(2025, 12, 3))
    [finding] = codes("PROCESSOR_SECURITY_NOT_REVIEWED")
    assert finding.target_id == vendor.pk and "2025-12-03" in finding.explanation


def test_a_processor_never_reviewed_is_a_finding_on_the_vendor():
    vendor = _processor_of_pupils_data()
    [finding] = codes("PROCESSOR_SECURITY_NOT_REVIEWED")
    assert finding.target_type == "vendor" and finding.target_name == vendor.name
    assert finding.form == "security_review"


def test_a_recent_review_that_failed_the_processor_counts_as_none():
    vendor = _processor_of_pupils_data()
    ProcessorSecurityReviewFactory(vendor=vendor, reviewed_on=datetime.date(2026, 11, 1), outcome="rejected")
    [finding] = codes("PROCESSOR_SECURITY_NOT_REVIEWED")
    assert "underkände" in finding.explanation


def test_the_latest_review_decides_not_an_older_approval():
    vendor = _processor_of_pupils_data()
    ProcessorSecurityReviewFactory(vendor=vendor, reviewed_on=datetime.date(2026, 1, 1), outcome="approved")
    ProcessorSecurityReviewFactory(vendor=vendor, reviewed_on=datetime.date(2026, 6, 1), outcome="rejected")
    assert len(codes("PROCESSOR_SECURITY_NOT_REVIEWED")) == 1


def test_a_processor_of_staff_data_only_needs_no_yearly_review():
    vendor = VendorFactory()
    activity = ProcessingActivityFactory(data_subject_categories=["personal"], involves_children=False)
    ProcessingActivityService.objects.create(
        processing_activity=activity, service=ApplicationFactory(vendor=vendor)
    )
    assert codes("PROCESSOR_SECURITY_NOT_REVIEWED") == []


def test_a_processor_of_special_categories_of_staff_needs_a_review():
    vendor = VendorFactory()
    activity = ProcessingActivityFactory(
        data_subject_categories=["personal"],
        involves_children=False,
        special_categories=["halsa"],
        special_category_condition="b",
    )
    ProcessingActivityService.objects.create(
        processing_activity=activity, service=ApplicationFactory(vendor=vendor)
    )
    assert len(codes("PROCESSOR_SECURITY_NOT_REVIEWED")) == 1


def test_review_on_29_february_counts_a_year_back_to_28_february():
    vendor = _processor_of_pupils_data()
    ProcessorSecurityReviewFactory(vendor=vendor, reviewed_on=datetime.date(2027, 2, 28))
    assert codes("PROCESSOR_SECURITY_NOT_REVIEWED", today=datetime.date(2028, 2, 29)) == []
    assert len(codes("PROCESSOR_SECURITY_NOT_REVIEWED", today=datetime.date(2028, 3, 1))) == 1


def _queries_of_find_gaps() -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        find_gaps(today=TODAY)
    return len(queries)


def test_the_rules_add_no_query_per_record():
    _processor_of_pupils_data()
    DpiaFactory()
    few = _queries_of_find_gaps()
    for _ in range(6):
        vendor = _processor_of_pupils_data()
        ProcessorSecurityReviewFactory(vendor=vendor)
    DpiaFactory.create_batch(4, dpo_opinion="")
    assert ProcessingActivity.objects.count() == 12
    assert _queries_of_find_gaps() == few
