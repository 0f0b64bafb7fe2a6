"""Large scale from the evidence: measured pupils or most schools make a processing large scale."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from discovery.evidence import PROVIDER
from gdpr.gaps import find_gaps
from gdpr.models import ProcessingActivityService
from portfolio import evidence
from tests.discovery.evidence_data import measured
from tests.factories import ApplicationFactory, ProcessingActivityFactory, SchoolUnitFactory

pytestmark = pytest.mark.django_db


def dpia_findings():
    return [f for f in find_gaps() if f.code == "DPIA_REQUIRED_NOT_DONE"]


def pupils_activity(*services):
    """A pupils' record, no checkbox ticked: one DPIA criterion (vulnerable data subjects)."""
    activity = ProcessingActivityFactory(name="Quiz i undervisningen")
    for service in services:
        ProcessingActivityService.objects.create(processing_activity=activity, service=service)
    return activity


def test_more_measured_pupils_than_the_threshold_make_the_processing_large_scale():
    schools = [SchoolUnitFactory() for _ in range(4)]
    service = ApplicationFactory(name="Kahoot")
    pupils_activity(service)
    measured(service, schools[0], 2000, group="elever")
    measured(service, schools[0], 300, group="personal")
    measured(service, schools[1], 1200, group="elever")

    [finding] = dpia_findings()

    assert "storskalig behandling (uppmätt: 3\u00a0200 elever i Kahoot via Entra ID i november" in (
        finding.explanation
    )
    assert "på 2 av 4 skolor" in finding.explanation


def test_few_pupils_at_few_schools_leave_the_checkbox_in_charge():
    schools = [SchoolUnitFactory() for _ in range(4)]
    service = ApplicationFactory()
    pupils_activity(service)
    measured(service, schools[0], 900, group="elever")
    measured(service, schools[1], 900, group="personal")

    assert dpia_findings() == []


def test_use_at_most_schools_is_large_scale_however_few_the_pupils():
    schools = [SchoolUnitFactory() for _ in range(4)]
    service = ApplicationFactory()
    pupils_activity(service)
    for school in schools[:3]:
        measured(service, school, 20, group="elever")

    [finding] = dpia_findings()

    assert "på 3 av 4 skolor" in finding.explanation


def test_the_threshold_is_a_setting(settings):
    settings.GDPR_LARGE_SCALE_PUPILS = 5000
    schools = [SchoolUnitFactory() for _ in range(4)]
    service = ApplicationFactory()
    pupils_activity(service)
    measured(service, schools[0], 3200, group="elever")

    assert dpia_findings() == []


def test_without_evidence_only_the_checkbox_counts():
    schools = [SchoolUnitFactory() for _ in range(4)]
    service = ApplicationFactory()
    pupils_activity(service)
    measured(service, schools[0], 3200, group="elever")
    evidence.unregister_provider(PROVIDER)
    try:
        assert dpia_findings() == []
    finally:
        evidence.register_provider(PROVIDER)


def _queries() -> int:
    with CaptureQueriesContext(connection) as queries:
        find_gaps()
    return len(queries)


def test_the_evidence_costs_the_same_queries_at_any_size():
    def build(n):
        for _ in range(n):
            school = SchoolUnitFactory()
            service = ApplicationFactory()
            pupils_activity(service)
            measured(service, school, 1500, group="elever")

    build(2)
    small = _queries()
    build(6)
    assert _queries() == small


def test_gdpr_gaps_help_names_the_large_scale_thresholds_and_the_prior_consultation_rule(settings):
    from gdpr.management.commands.gdpr_gaps import rules_epilog

    settings.GDPR_LARGE_SCALE_PUPILS = 1200
    text = rules_epilog()
    assert "GDPR_LARGE_SCALE_PUPILS elever (nu 1200)" in text and "GDPR_LARGE_SCALE_SCHOOL_SHARE" in text
    assert "DPIA_HIGH_RISK_NO_CONSULTATION [high] Art. 36" in text


def test_the_article_30_register_says_a_dpia_is_missing_where_the_measured_scale_requires_one():
    from gdpr.ropa import ropa_rows

    schools = [SchoolUnitFactory() for _ in range(4)]
    service = ApplicationFactory(name="Kahoot")
    activity = pupils_activity(service)

    def dpia_column():
        return next(row["dpia"] for row in ropa_rows() if row["name"] == activity.name)

    assert dpia_column() == "Krävs inte"  # one criterion on the checkboxes: pupils
    measured(service, schools[0], 2000, group="elever")
    measured(service, schools[1], 1200, group="elever")
    assert dpia_column() == "Saknas"  # 3,200 measured pupils: large scale, the second criterion
