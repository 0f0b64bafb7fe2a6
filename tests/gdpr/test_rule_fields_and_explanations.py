"""Where a finding sends the user, and what it says, for rules with more than one way to trip.

A finding names the form field that fixes it and explains which case it is; a rule with two
cases must point at the field of the case at hand (survivors of ``make mutants`` in
gdpr/gaps/retention.py and gdpr/gaps/dpia.py).
"""

import pytest

from gdpr.gaps import find_gaps
from tests.factories import DpiaFactory, ProcessingActivityFactory

pytestmark = pytest.mark.django_db


def only(code: str):
    [finding] = [f for f in find_gaps() if f.code == code]
    return finding


@pytest.mark.parametrize(
    ("fields", "field", "explanation"),
    [
        (
            {"retention_period": "", "retention_criteria": ""},
            "retention_period",
            "Behandlingen anger varken gallringsfrist eller kriterier för gallring.",
        ),
        (
            {"retention_period": "", "retention_criteria": "Efter skolgången", "retention_decision": ""},
            "retention_decision",
            "Behandlingen anger inget gallringsbeslut.",
        ),
        (
            {"retention_period": "3 år", "retention_criteria": "", "retention_decision": ""},
            "retention_decision",
            "Behandlingen anger inget gallringsbeslut.",
        ),
    ],
    ids=["neither period nor criteria", "criteria without decision", "period without decision"],
)
def test_no_retention_points_at_the_missing_field(fields, field, explanation):
    ProcessingActivityFactory(**fields)
    finding = only("NO_RETENTION")
    assert (finding.field, finding.explanation) == (field, explanation)


@pytest.mark.parametrize(
    ("fields", "field", "explanation"),
    [
        (
            {"special_categories": ["biometriska"], "special_category_condition": "g"},
            "special_categories",
            "Elever berörs av biometriska uppgifter.",
        ),
        (
            {"systematic_monitoring": True},
            "systematic_monitoring",
            "Elever berörs av systematisk övervakning.",
        ),
        (
            {
                "special_categories": ["biometriska"],
                "special_category_condition": "g",
                "systematic_monitoring": True,
            },
            "special_categories",
            "Elever berörs av biometriska uppgifter och systematisk övervakning.",
        ),
    ],
    ids=["biometrics", "monitoring", "both"],
)
def test_biometrics_or_monitoring_of_pupils_names_what_and_points_at_it(fields, field, explanation):
    ProcessingActivityFactory(**fields)
    finding = only("BIOMETRIC_OR_MONITORING_PUPILS")
    assert (finding.field, finding.explanation) == (field, explanation)


def test_a_required_dpia_lists_every_criterion_met_in_its_explanation():
    ProcessingActivityFactory(
        data_subject_categories=["personal"], combines_datasets=True, innovative_technology=True
    )
    assert only("DPIA_REQUIRED_NOT_DONE").explanation == (
        "Konsekvensbedömning krävs (matchning eller samkörning av register; ny teknik) men ingen är klar."
    )


def test_high_residual_risk_without_consultation_says_so():
    DpiaFactory(residual_risk="hog", prior_consultation_on=None)
    assert only("DPIA_HIGH_RISK_NO_CONSULTATION").explanation == (
        "Konsekvensbedömningen anger hög kvarvarande risk men inget förhandssamråd med IMY."
    )


def test_automated_decisions_about_pupils_without_an_assessment_says_so():
    ProcessingActivityFactory(automated_decisions=True, automated_decision_assessment="")
    assert only("AUTOMATED_DECISION_NO_ASSESSMENT").explanation == (
        "Elever profileras eller blir föremål för automatiserade beslut utan dokumenterad bedömning."
    )


def test_a_rules_texts_follow_the_active_language_after_another_was_used():
    from django.utils import translation

    from gdpr.gaps import find_gaps
    from gdpr.gaps.base import RULES
    from tests.factories import ProcessingActivityFactory

    ProcessingActivityFactory(legal_basis="")
    with translation.override("sv"):
        swedish = {f.code: (f.title, f.fix) for f in find_gaps()}
    with translation.override("en"):
        english = {f.code: (f.title, f.fix) for f in find_gaps()}
        expected = {code: (str(RULES[code].title), str(RULES[code].fix)) for code in english}
    assert english == expected
    assert set(swedish) == set(english)
    assert any(swedish[code] != english[code] for code in english)
