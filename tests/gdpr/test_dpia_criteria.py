"""Every DPIA criterion counts, alone and on the two-criteria boundary (Art. 35, EDPB WP248).

A record meeting two criteria needs a completed impact assessment; one is not enough. Each
criterion is tested on its own: alone it is named and does not require a DPIA; with one other
criterion that is not an Art. 35(3) case it does. Dropping any criterion from the rule makes the
pair fall below the threshold, and its test fails.
"""

from __future__ import annotations

import pytest

from gdpr.gaps import find_gaps
from gdpr.gaps.dpia import article_35_3_cases, dpia_criteria
from tests.factories import DpiaFactory, ProcessingActivityFactory

pytestmark = pytest.mark.django_db

#: A record about staff that meets no criterion: every test adds exactly what it is about.
NO_CRITERION = {"data_subject_categories": ["personal"], "involves_children": False}

#: criterion → (the fields that meet it, a fragment of the name the finding gives it)
CRITERIA = {
    "profiling": ({"profiling": True}, "profilering"),
    "automated_decisions": ({"automated_decisions": True}, "automatiserade beslut"),
    "systematic_monitoring": ({"systematic_monitoring": True}, "systematisk övervakning"),
    "special_categories": ({"special_categories": ["halsa"], "special_category_condition": "g"}, "känsliga"),
    "criminal_offence_data": ({"criminal_offence_data": True}, "känsliga"),
    "large_scale": ({"large_scale": True}, "storskalig"),
    "combines_datasets": ({"combines_datasets": True}, "samkörning av register"),
    "pupils": ({"data_subject_categories": ["elever"]}, "barn och elever"),
    "involves_children": ({"involves_children": True}, "barn och elever"),
    "innovative_technology": ({"innovative_technology": True}, "ny teknik"),
}

#: A second criterion for each that forms no Art. 35(3) case with it.
PARTNER = {name: "innovative_technology" for name in CRITERIA}
PARTNER["innovative_technology"] = "combines_datasets"


def activity(*criteria: str):
    fields = dict(NO_CRITERION)
    for name in criteria:
        fields.update(CRITERIA[name][0])
    return ProcessingActivityFactory(**fields)


def dpia_findings() -> list:
    return [f for f in find_gaps() if f.code == "DPIA_REQUIRED_NOT_DONE"]


def test_the_baseline_record_meets_no_criterion():
    record = activity()
    assert dpia_criteria(record) == [] and article_35_3_cases(record) == []
    assert dpia_findings() == []


@pytest.mark.parametrize("criterion", CRITERIA)
def test_one_criterion_alone_is_named_and_does_not_require_a_dpia(criterion):
    record = activity(criterion)
    [met] = dpia_criteria(record)
    assert CRITERIA[criterion][1] in met
    assert article_35_3_cases(record) == []
    assert dpia_findings() == []


@pytest.mark.parametrize("criterion", CRITERIA)
def test_the_criterion_with_one_other_requires_a_dpia_and_is_named(criterion):
    record = activity(criterion, PARTNER[criterion])
    assert len(dpia_criteria(record)) == 2
    [finding] = dpia_findings()
    assert finding.target_id == record.pk
    assert CRITERIA[criterion][1] in finding.explanation


@pytest.mark.parametrize("criterion", CRITERIA)
def test_a_completed_dpia_satisfies_the_two_criteria(criterion):
    record = activity(criterion, PARTNER[criterion])
    DpiaFactory(processing_activity=record)
    assert dpia_findings() == []


@pytest.mark.parametrize(
    ("criteria", "case"),
    [
        (("profiling", "automated_decisions"), "35.3 a"),
        (("large_scale", "special_categories"), "35.3 b"),
        (("large_scale", "criminal_offence_data"), "35.3 b"),
        (("large_scale", "systematic_monitoring"), "35.3 c"),
    ],
)
def test_each_article_35_3_case_is_named_as_the_reason(criteria, case):
    record = activity(*criteria)
    [named] = article_35_3_cases(record)
    assert case in named
    [finding] = dpia_findings()
    assert case in finding.explanation


@pytest.mark.parametrize(
    ("criteria", "missing"),
    [
        (("profiling",), "automated_decisions"),
        (("automated_decisions",), "profiling"),
        (("special_categories",), "large_scale"),
        (("systematic_monitoring",), "large_scale"),
    ],
)
def test_half_an_article_35_3_case_is_not_one(criteria, missing):
    assert article_35_3_cases(activity(*criteria)) == []
