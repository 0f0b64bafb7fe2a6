"""The breach rules (Art. 33, 34) on both sides of their boundaries, and the 72-hour clock in real hours."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from gdpr.gaps import RULES, find_gaps
from gdpr.gaps.breaches import clock_text
from gdpr.models import Breach, BreachProcessingActivity, ProcessingActivityService
from tests.factories import (
    ApplicationFactory,
    BreachFactory,
    ProcessingActivityFactory,
    ProcessorSecurityReviewFactory,
    VendorFactory,
)

pytestmark = pytest.mark.django_db

STOCKHOLM = ZoneInfo("Europe/Stockholm")
H = datetime.timedelta(hours=1)
M = datetime.timedelta(minutes=1)


def at(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=STOCKHOLM)


def findings(code: str, now: datetime.datetime | None = None) -> list:
    return [f for f in find_gaps(codes=[code], now=now) if f.code == code]


def late(breach: Breach, now=None) -> list:
    return [f for f in findings("BREACH_NOT_NOTIFIED_IN_TIME", now) if f.target_id == breach.pk]


def test_every_breach_rule_has_an_article_a_severity_and_a_fix():
    for code in ("BREACH_NOT_NOTIFIED_IN_TIME", "BREACH_SUBJECTS_NOT_INFORMED", "BREACH_UNDOCUMENTED_FIELDS"):
        rule = RULES[code]
        assert str(rule.basis).startswith("Art. 3") and rule.severity and str(rule.fix)


#
# BREACH_NOT_NOTIFIED_IN_TIME (art. 33.1): the notification itself
#


@pytest.mark.parametrize(
    ("after", "is_late"),
    [(71 * H + 59 * M, False), (72 * H, False), (72 * H + M, True)],
    ids=["71:59", "72:00", "72:01"],
)
def test_a_notification_is_in_time_up_to_72_hours_after_discovery(after, is_late):
    discovered = at(2026, 5, 12, 9, 30)
    breach = BreachFactory(discovered_at=discovered, imy_notified_at=discovered + after)
    assert breach.notified_in_time is not is_late
    assert bool(late(breach)) is is_late


def test_the_clock_runs_72_real_hours_across_the_spring_change_in_stockholm():
    # Friday 27 March 2026 12:00 (+01); the clocks go forward on Sunday 29 March. 72 real hours end
    # on Monday 30 March at 13:00 (+02), not at 12:00 as three calendar days would say.
    breach = BreachFactory(discovered_at=at(2026, 3, 27, 12, 0), imy_notified_at=None)
    assert breach.notification_deadline == at(2026, 3, 30, 13, 0)
    breach.imy_notified_at = at(2026, 3, 30, 12, 30)
    breach.save()
    assert breach.notified_in_time and late(breach) == []
    breach.imy_notified_at = at(2026, 3, 30, 13, 1)
    breach.save()
    assert not breach.notified_in_time and len(late(breach)) == 1


def test_the_clock_runs_72_real_hours_across_the_autumn_change_in_stockholm():
    # Friday 23 October 2026 12:00 (+02); the clocks go back on Sunday 25 October. 72 real hours end
    # on Monday 26 October at 11:00 (+01): a notification at 11:30 is late although it is before noon.
    breach = BreachFactory(discovered_at=at(2026, 10, 23, 12, 0), imy_notified_at=at(2026, 10, 26, 11, 0))
    assert breach.notified_in_time and late(breach) == []
    breach.imy_notified_at = at(2026, 10, 26, 11, 30)
    breach.save()
    assert not breach.notified_in_time
    [finding] = late(breach)
    assert "72 tim 30 min" in finding.explanation


@pytest.mark.parametrize(
    ("elapsed", "left_text", "overdue"),
    [(71 * H + 59 * M, "0 tim 01 min", False), (72 * H, "0 tim 00 min", False), (72 * H + M, None, True)],
    ids=["71:59", "72:00", "72:01"],
)
def test_an_unnotified_breach_shows_the_hours_left_until_the_clock_runs_out(elapsed, left_text, overdue):
    discovered = at(2026, 3, 28, 20, 0)  # the evening before the spring change
    breach = BreachFactory(discovered_at=discovered, imy_notified_at=None, imy_reference="")
    # In UTC: adding hours to a zoned time adds wall-clock hours, the trap the clock avoids.
    now = discovered.astimezone(datetime.UTC) + elapsed
    [finding] = late(breach, now)
    if overdue:
        assert "gick ut för 0 tim 01 min sedan" in finding.explanation
        assert list(Breach.objects.running_clocks(now)) == []
    else:
        assert f"löper ut om {left_text}" in finding.explanation
        assert list(Breach.objects.running_clocks(now)) == [breach]


def test_the_hours_left_on_the_spring_change_count_real_hours():
    discovered = at(2026, 3, 28, 20, 0)
    breach = BreachFactory(discovered_at=discovered, imy_notified_at=None, imy_reference="")
    # Sunday 29 March 20:00 local is 23 real hours after Saturday 20:00 (02:00 never happened).
    assert breach.hours_left(at(2026, 3, 29, 20, 0)) == pytest.approx(49)
    assert clock_text(breach.hours_left(at(2026, 3, 29, 20, 0))) == "49 tim 00 min"


def test_a_breach_without_risk_needs_no_notification():
    breach = BreachFactory(
        risk="ingen", imy_notified_at=None, imy_reference="", not_notified_reason="Krypterat USB-minne."
    )
    assert late(breach) == []


def test_an_unassessed_breach_runs_the_clock_like_a_risk():
    breach = BreachFactory(risk="", risk_reasoning="", imy_notified_at=None, imy_reference="")
    [finding] = late(breach)
    assert "Risken är ännu inte bedömd." in finding.explanation


def test_a_late_notification_with_its_reasons_recorded_is_no_longer_a_gap():
    discovered = at(2026, 6, 1, 8, 0)
    breach = BreachFactory(discovered_at=discovered, imy_notified_at=discovered + 100 * H)
    assert late(breach)[0].field == "delay_reason"
    breach.delay_reason = "Incidenten upptäcktes hos biträdet som informerade oss först efter tre dagar."
    breach.save()
    assert late(breach) == []


#
# BREACH_SUBJECTS_NOT_INFORMED (art. 34)
#


def test_a_high_risk_breach_not_communicated_is_a_gap():
    breach = BreachFactory(risk="hog")
    [finding] = findings("BREACH_SUBJECTS_NOT_INFORMED")
    assert finding.target_id == breach.pk and finding.target_type == "breach"


def test_a_high_risk_breach_communicated_or_excepted_is_not_a_gap():
    BreachFactory(risk="hog", subjects_informed_at=timezone.now(), subjects_informed_how="Brev till hemmen")
    BreachFactory(risk="hog", communication_exception="a", subjects_not_informed_reason="Krypterat.")
    assert findings("BREACH_SUBJECTS_NOT_INFORMED") == []


def test_a_breach_of_ordinary_risk_need_not_be_communicated():
    BreachFactory(risk="risk")
    assert findings("BREACH_SUBJECTS_NOT_INFORMED") == []


#
# BREACH_UNDOCUMENTED_FIELDS (art. 33.5)
#


def test_a_fully_documented_breach_passes_art_33_5():
    BreachFactory()
    assert findings("BREACH_UNDOCUMENTED_FIELDS") == []


def test_a_breach_just_reported_lacks_the_art_33_5_facts_and_names_them():
    BreachFactory(
        occurred_at=None,
        data_subject_categories=[],
        subjects_approx=None,
        records_approx=None,
        personal_data_categories="",
        consequences="",
        measures="",
        risk="",
        risk_reasoning="",
        imy_notified_at=None,
        imy_reference="",
    )
    [finding] = findings("BREACH_UNDOCUMENTED_FIELDS")
    assert finding.field == "occurred_at"
    for words in ("när den inträffade", "sannolika konsekvenser", "vidtagna åtgärder", "riskbedömning"):
        assert words in finding.explanation


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"risk_reasoning": ""}, "risk_reasoning"),
        ({"imy_reference": ""}, "imy_reference"),
        ({"risk": "ingen", "imy_notified_at": None, "imy_reference": ""}, "not_notified_reason"),
        ({"subjects_informed_at": timezone.now()}, "subjects_informed_how"),
    ],
)
def test_one_missing_fact_is_named(changes, field):
    BreachFactory(**changes)
    [finding] = findings("BREACH_UNDOCUMENTED_FIELDS")
    assert finding.field == field


#
# Breach findings touch the services of their processing activities
#


def test_a_breach_finding_touches_the_services_of_its_processing_activities():
    activity = ProcessingActivityFactory()
    app = ApplicationFactory()
    ProcessingActivityService.objects.create(processing_activity=activity, service=app)
    breach = BreachFactory(risk="hog")
    BreachProcessingActivity.objects.create(breach=breach, processing_activity=activity)
    [finding] = findings("BREACH_SUBJECTS_NOT_INFORMED")
    assert finding.services == (("application", app.pk),)


#
# PROCESSOR_SECURITY_NOT_REVIEWED: an open incident at the processor
#


def _processor_of_pupils_data():
    vendor = VendorFactory()
    activity = ProcessingActivityFactory(involves_children=True, data_subject_categories=["elever"])
    ProcessingActivityService.objects.create(
        processing_activity=activity, service=ApplicationFactory(vendor=vendor)
    )
    ProcessorSecurityReviewFactory(
        vendor=vendor, reviewed_on=timezone.localdate() - datetime.timedelta(days=30)
    )
    return vendor


def _security(vendor) -> list:
    return [f for f in findings("PROCESSOR_SECURITY_NOT_REVIEWED") if f.target_id == vendor.pk]


def test_an_open_breach_at_a_reviewed_processor_counts_against_its_review():
    vendor = _processor_of_pupils_data()
    assert _security(vendor) == []
    breach = BreachFactory(vendor=vendor, title="Betyg exponerade i API")
    [finding] = _security(vendor)
    assert "1 öppen personuppgiftsincident hos biträdet" in finding.explanation
    assert "Betyg exponerade i API" not in finding.explanation  # a läsare reads this finding
    breach.status = "stangd"
    breach.save()
    assert _security(vendor) == []


def test_a_breach_at_another_processor_does_not_count():
    vendor = _processor_of_pupils_data()
    BreachFactory(vendor=VendorFactory())
    assert _security(vendor) == []


def test_a_breach_concerns_the_services_recorded_on_it_and_those_of_its_activities():
    from gdpr.models import BreachService, breach_service_keys

    recorded = ApplicationFactory(name="Schemavisning")
    through_activity = ApplicationFactory(name="Lärplattform")
    activity = ProcessingActivityFactory()
    ProcessingActivityService.objects.create(processing_activity=activity, service=through_activity)
    breach = BreachFactory()
    BreachService.objects.create(breach=breach, service=recorded)
    BreachProcessingActivity.objects.create(breach=breach, processing_activity=activity)
    expected = {("application", recorded.pk), ("application", through_activity.pk)}
    assert breach_service_keys()[breach.pk] == expected
    assert list(recorded.breaches.all()) == [breach]
