"""Overlap and standardisation candidates: what to keep, what it saves, why it ranks there."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portfolio.analysis import StandardisationWeights, standardisation_report
from portfolio.choices import AuthenticationMethod, CostKind
from portfolio.models import ApplicationCapability, ApplicationUsage, LearningResourceCapability
from tests.factories import (
    ApplicationFactory,
    CapabilityFactory,
    CostFactory,
    LearningResourceFactory,
    SchoolUnitFactory,
)

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 6, 15)


def serve(app, capability, *uses):
    ApplicationCapability.objects.create(application=app, capability=capability)
    for organisation, users in uses:
        ApplicationUsage.objects.create(application=app, organisation=organisation, users=users)


@pytest.fixture
def schedule_overlap():
    """Three scheduling systems: one big behind SSO, two small (one with local accounts)."""
    capability = CapabilityFactory(name="Schemaläggning")
    north, south, east = (
        SchoolUnitFactory(name="Norra"),
        SchoolUnitFactory(name="Södra"),
        SchoolUnitFactory(name="Östra"),
    )
    big = ApplicationFactory(name="Skola24 Schema")
    small = ApplicationFactory(
        name="Untis", authentication=AuthenticationMethod.LOCAL, identity_provider=""
    )
    tiny = ApplicationFactory(name="Schemapusslet")
    serve(big, capability, (north, 800), (south, 400))
    serve(small, capability, (east, 300))
    serve(tiny, capability, (south, 20))
    CostFactory(application=small, year=2025, kind=CostKind.OUTCOME, amount=Decimal("150000"))
    CostFactory(application=small, year=2026, kind=CostKind.BUDGET, amount=Decimal("999999"))
    CostFactory(application=tiny, year=2026, kind=CostKind.BUDGET, amount=Decimal("50000"))
    CostFactory(application=big, year=2025, kind=CostKind.OUTCOME, amount=Decimal("400000"))
    return capability, big, small, tiny


def test_overlap_lists_each_service_with_organisations_users_and_cost(schedule_overlap):
    _capability, big, small, tiny = schedule_overlap
    report = standardisation_report(today=TODAY)
    [overlap] = report.overlaps
    assert overlap.capability == "Schemaläggning"
    rows = {s.name: s for s in overlap.services}
    assert rows["Skola24 Schema"].organisations == ["Norra", "Södra"]
    assert rows["Skola24 Schema"].users == 1200
    assert (rows["Untis"].yearly_cost, rows["Untis"].cost_source) == (
        Decimal("150000"),
        "utfall 2025",
    )
    assert (rows["Schemapusslet"].yearly_cost, rows["Schemapusslet"].cost_source) == (
        Decimal("50000"),
        "budget 2026",
    )
    assert "3 tjänster" in overlap.explanation


def test_candidate_keeps_the_most_used_and_counts_saving_schools_users_and_risk(schedule_overlap):
    report = standardisation_report(today=TODAY)
    [candidate] = report.candidates
    assert candidate.keep.name == "Skola24 Schema"
    assert {s.name for s in candidate.phase_out} == {"Untis", "Schemapusslet"}
    assert candidate.yearly_saving == Decimal("200000")
    assert candidate.schools_moving == ["Östra"]  # Södra already uses the kept system
    assert candidate.users_moving == 320
    assert candidate.services_outside_sso_removed == 1
    assert "utanför single sign-on" in candidate.risk_removed
    # 2.0 (saving) + 2.0 (one outside SSO) − 0.16 (320 users)
    assert candidate.score == pytest.approx(3.84)
    assert candidate.why.startswith("Plats 1.") and "flest användare" in candidate.why
    assert "200\u00a0000\u00a0kr" in candidate.why


def test_caller_can_name_the_system_to_keep(schedule_overlap):
    _capability, _big, small, _tiny = schedule_overlap
    [candidate] = standardisation_report(keep=[("application", small.pk)], today=TODAY).candidates
    assert candidate.keep.name == "Untis"
    assert candidate.yearly_saving == Decimal("450000")
    assert "enligt ert val" in candidate.why


def test_open_gdpr_gaps_weigh_in_when_the_caller_supplies_them(schedule_overlap):
    _capability, _big, small, _tiny = schedule_overlap
    without = standardisation_report(today=TODAY).candidates[0]
    with_gaps = standardisation_report(gap_counts={("application", small.pk): 3}, today=TODAY).candidates[0]
    assert with_gaps.gdpr_gaps_removed == 3
    assert with_gaps.score == pytest.approx(without.score + 3.0)
    assert "3 öppna dataskyddsbrister" in with_gaps.risk_removed


def test_weights_are_explicit_and_change_the_ranking():
    cheap_risky = CapabilityFactory(name="Enkäter")
    costly_safe = CapabilityFactory(name="Ekonomi")
    school = SchoolUnitFactory()
    serve(ApplicationFactory(name="Enkät A"), cheap_risky, (school, 50))
    serve(
        ApplicationFactory(name="Enkät B", authentication="lokala_konton", identity_provider=""),
        cheap_risky,
        (school, 10),
    )
    serve(ApplicationFactory(name="Ekonomi A"), costly_safe, (school, 50))
    ekonomi_b = ApplicationFactory(name="Ekonomi B")
    serve(ekonomi_b, costly_safe, (school, 10))
    CostFactory(application=ekonomi_b, year=2025, kind=CostKind.OUTCOME, amount=Decimal("300000"))
    default = [c.subject for c in standardisation_report(today=TODAY).candidates]
    assert default == ["Ekonomi", "Enkäter"]
    sso_first = StandardisationWeights(saving_per_100k=0.1, per_service_outside_sso=5.0)
    assert [c.subject for c in standardisation_report(weights=sso_first, today=TODAY).candidates] == [
        "Enkäter",
        "Ekonomi",
    ]


def test_duplicate_cluster_is_a_candidate_of_its_own():
    school = SchoolUnitFactory()
    first = ApplicationFactory(name="InfoMentor")
    second = LearningResourceFactory(name="Infomentor AB")
    ApplicationUsage.objects.create(application=first, organisation=school, users=500)
    CostFactory(
        learning_resource=second, application=None, year=2025, kind=CostKind.OUTCOME, amount=Decimal("80000")
    )
    [candidate] = standardisation_report(today=TODAY).candidates
    assert candidate.kind == "duplicate"
    assert candidate.keep.name == "InfoMentor" and [s.name for s in candidate.phase_out] == ["Infomentor AB"]
    assert candidate.yearly_saving == Decimal("80000")
    assert "samma produkt" in candidate.why


def test_no_overlap_gives_no_candidates():
    school = SchoolUnitFactory()
    for name in ("Schema", "Frånvaro", "Bibliotek"):
        serve(ApplicationFactory(name=name), CapabilityFactory(name=name), (school, 10))
    report = standardisation_report(today=TODAY)
    assert report.overlaps == [] and report.candidates == []


def _build(n):
    school = SchoolUnitFactory()
    capability = CapabilityFactory()
    for i in range(n):
        app = ApplicationFactory()
        serve(app, capability, (school, i))
        CostFactory(application=app, year=2025)
        resource = LearningResourceFactory()
        LearningResourceCapability.objects.create(learning_resource=resource, capability=capability)


def test_query_count_does_not_grow_with_rows():
    _build(3)
    with CaptureQueriesContext(connection) as small:
        standardisation_report(today=TODAY)
    _build(9)
    with CaptureQueriesContext(connection) as large:
        report = standardisation_report(today=TODAY)
    assert len(report.overlaps) == 2
    assert len(small) == len(large) <= 11


def test_a_service_that_also_serves_another_capability_is_not_counted_as_a_saving(schedule_overlap):
    _capability, big, small, tiny = schedule_overlap
    ApplicationCapability.objects.create(application=small, capability=CapabilityFactory(name="Lokalbokning"))
    [candidate] = standardisation_report(today=TODAY).candidates
    assert candidate.yearly_saving == Decimal("50000")  # only Schemapusslet can go entirely
    assert "Untis används även för förmågor" in candidate.why
