"""Overlap and standardisation candidates: what to keep, what it saves, why it ranks there."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portfolio.analysis import StandardisationWeights, consolidation_outcome, standardisation_report
from portfolio.analysis.duplicates import TIER_FAMILY, TIER_SAME_PRODUCT, ClusterMember, DuplicateCluster
from portfolio.choices import AuthenticationMethod, CostKind
from portfolio.models import ServiceCapability, ServiceUsage
from tests.factories import (
    ApplicationFactory,
    CapabilityFactory,
    ContractFactory,
    CostFactory,
    LearningResourceFactory,
    ProcessingActivityFactory,
    ProcessorSecurityReviewFactory,
    SchoolUnitFactory,
    VendorFactory,
)

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 6, 15)


def serve(app, capability, *uses):
    ServiceCapability.objects.create(service=app, capability=capability)
    for organisation, users in uses:
        ServiceUsage.objects.create(service=app, organisation=organisation, users=users)


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
    small = ApplicationFactory(name="Untis", authentication=AuthenticationMethod.LOCAL, identity_provider="")
    tiny = ApplicationFactory(name="Schemapusslet")
    serve(big, capability, (north, 800), (south, 400))
    serve(small, capability, (east, 300))
    serve(tiny, capability, (south, 20))
    CostFactory(application=small, year=2025, kind=CostKind.OUTCOME, amount=Decimal("150000"))
    CostFactory(application=small, year=2026, kind=CostKind.BUDGET, amount=Decimal("999999"))
    CostFactory(application=tiny, year=2026, kind=CostKind.BUDGET, amount=Decimal("50000"))
    CostFactory(application=big, year=2025, kind=CostKind.OUTCOME, amount=Decimal("400000"))
    return capability, big, small, tiny


def test_overlap_lists_each_service_with_organisations_accounts_and_cost(schedule_overlap):
    _capability, big, small, tiny = schedule_overlap
    report = standardisation_report(today=TODAY)
    [overlap] = report.overlaps
    assert overlap.capability == "Schemaläggning"
    rows = {s.name: s for s in overlap.services}
    assert rows["Skola24 Schema"].organisations == ["Norra", "Södra"]
    assert rows["Skola24 Schema"].accounts == 1200
    assert (rows["Untis"].yearly_cost, rows["Untis"].cost_source) == (
        Decimal("150000"),
        "utfall 2025",
    )
    assert (rows["Schemapusslet"].yearly_cost, rows["Schemapusslet"].cost_source) == (
        Decimal("50000"),
        "budget 2026",
    )
    assert "3 tjänster" in overlap.explanation


def test_candidate_keeps_the_most_used_and_counts_saving_schools_accounts_and_risk(schedule_overlap):
    report = standardisation_report(today=TODAY)
    [candidate] = report.candidates
    assert candidate.keep.name == "Skola24 Schema"
    assert {s.name for s in candidate.phase_out} == {"Untis", "Schemapusslet"}
    assert candidate.yearly_saving == Decimal("200000")
    assert candidate.schools_moving == ["Östra"]  # Södra already uses the kept system
    assert candidate.accounts_moving == 320
    assert candidate.services_outside_sso_removed == 1
    assert "utanför single sign-on" in candidate.risk_removed
    # 2.0 (saving) + 2.0 (one outside SSO) − 0.16 (320 accounts)
    assert candidate.score == pytest.approx(3.84)
    assert candidate.why.startswith("Plats 1.") and "flest konton (1\u00a0200 konton)" in candidate.why
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


def test_a_duplicate_cluster_is_a_candidate_that_folds_the_registrations_without_moving_anyone():
    school = SchoolUnitFactory()
    first = ApplicationFactory(name="InfoMentor")
    second = LearningResourceFactory(name="Infomentor AB")
    ServiceUsage.objects.create(service=first, organisation=school, users=500)
    CostFactory(
        learning_resource=second, application=None, year=2025, kind=CostKind.OUTCOME, amount=Decimal("80000")
    )
    [candidate] = standardisation_report(today=TODAY).candidates
    assert candidate.kind == "duplicate"
    assert candidate.keep.name == "InfoMentor" and [s.name for s in candidate.folded] == ["Infomentor AB"]
    # One product: nothing is phased out, no account changes system, and the licence stays.
    assert candidate.phase_out == [] and candidate.accounts_moving == 0
    assert candidate.yearly_saving == 0 and candidate.schools_moving == []
    assert "samma produkt" in candidate.why and "räknas in i den" in candidate.why


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
        ServiceCapability.objects.create(service=resource, capability=capability)


def test_query_count_does_not_grow_with_rows():
    _build(3)
    with CaptureQueriesContext(connection) as small:
        standardisation_report(today=TODAY)
    _build(9)
    with CaptureQueriesContext(connection) as large:
        report = standardisation_report(today=TODAY)
    assert len(report.overlaps) == 2
    assert len(small) == len(large) <= 13  # landscape 9, duplicates with catalogue and decisions 4


def test_a_service_that_also_serves_another_capability_is_not_counted_as_a_saving(schedule_overlap):
    _capability, big, small, tiny = schedule_overlap
    ServiceCapability.objects.create(service=small, capability=CapabilityFactory(name="Lokalbokning"))
    [candidate] = standardisation_report(today=TODAY).candidates
    assert candidate.yearly_saving == Decimal("50000")  # only Schemapusslet can go entirely
    assert "Untis används även för förmågor" in candidate.why


#
# One product registered twice is one product (issue 14, item 4)
#


@pytest.fixture
def response_tools():
    """Real names as a register holds them: Mentimeter twice (once with its vendor in brackets), Kahoot!."""
    capability = CapabilityFactory(name="Responsverktyg")
    north, south, east = (
        SchoolUnitFactory(name="Norra skolan"),
        SchoolUnitFactory(name="Södra skolan"),
        SchoolUnitFactory(name="Östra skolan"),
    )
    vendor = VendorFactory(name="Mentimeter AB")
    menti = ApplicationFactory(name="Mentimeter", vendor=vendor, url="https://www.mentimeter.com")
    menti_ab = ApplicationFactory(
        name="Mentimeter (Mentimeter AB)", vendor=vendor, url="https://www.mentimeter.com/app"
    )
    kahoot = ApplicationFactory(
        name="Kahoot!", vendor=VendorFactory(name="Kahoot! ASA", country="NO"), url="https://kahoot.com"
    )
    serve(menti, capability, (north, 900))
    serve(menti_ab, capability, (south, 200))
    serve(kahoot, capability, (east, 400), (north, 50))
    CostFactory(application=menti, year=2025, kind=CostKind.OUTCOME, amount=Decimal("60000"))
    CostFactory(application=menti_ab, year=2025, kind=CostKind.OUTCOME, amount=Decimal("30000"))
    CostFactory(application=kahoot, year=2025, kind=CostKind.OUTCOME, amount=Decimal("50000"))
    return capability, menti, menti_ab, kahoot


def _capability_candidate(report):
    [candidate] = [c for c in report.candidates if c.kind == "capability"]
    return candidate


def test_registrations_of_the_product_kept_are_folded_into_it_not_phased_out(response_tools):
    _capability, _menti, _menti_ab, _kahoot = response_tools
    report = standardisation_report(today=TODAY)
    candidate = _capability_candidate(report)
    assert candidate.keep.name == "Mentimeter"
    assert [s.name for s in candidate.folded] == ["Mentimeter (Mentimeter AB)"]
    assert [s.name for s in candidate.phase_out] == ["Kahoot!"]
    # Only Kahoot!'s accounts move, only Östra leaves (Norra already uses Mentimeter), only Kahoot! is saved.
    assert candidate.accounts_moving == 450
    assert candidate.schools_moving == ["Östra skolan"]
    assert candidate.yearly_saving == Decimal("50000")
    assert "Mentimeter (Mentimeter AB) är samma produkt som Mentimeter" in candidate.why
    [overlap] = report.overlaps
    assert overlap.product_count == 2 and len(overlap.services) == 3
    assert "2 produkter (3 registreringar)" in overlap.explanation


def test_keeping_the_other_product_phases_out_every_registration_of_the_first(response_tools):
    _capability, _menti, menti_ab, kahoot = response_tools
    report = standardisation_report(today=TODAY)
    candidate = _capability_candidate(report)
    chosen = _capability_candidate(report.choose({candidate.key: f"application:{kahoot.pk}"}))
    assert chosen.keep.name == "Kahoot!" and chosen.folded == []
    assert {s.name for s in chosen.phase_out} == {"Mentimeter", "Mentimeter (Mentimeter AB)"}
    assert chosen.accounts_moving == 1100
    assert chosen.schools_moving == ["Södra skolan"]  # Norra already uses Kahoot!
    assert chosen.yearly_saving == Decimal("90000")
    assert (
        chosen.rank == candidate.rank
        and "enligt ert val" in chosen.why
        and "föreslår Mentimeter" in chosen.why
    )
    # Naming a folded registration chooses its product, with the same outcome as the recommendation.
    again = _capability_candidate(report.choose({candidate.key: f"application:{menti_ab.pk}"}))
    assert again is candidate


def test_the_recommendation_is_the_outcome_function_applied_to_the_recommended_keep(response_tools):
    candidate = _capability_candidate(standardisation_report(today=TODAY))
    outcome = consolidation_outcome(candidate.options, candidate.recommended)
    assert (outcome.keep.main, outcome.phase_out, outcome.folded) == (
        candidate.keep,
        candidate.phase_out,
        candidate.folded,
    )
    assert (outcome.yearly_saving, outcome.accounts_moving, outcome.score) == (
        candidate.yearly_saving,
        candidate.accounts_moving,
        candidate.score,
    )


def test_one_product_registered_twice_in_a_capability_is_not_an_overlap(response_tools):
    _capability, _menti, _menti_ab, kahoot = response_tools
    kahoot.delete()
    report = standardisation_report(today=TODAY)
    assert report.overlaps == []
    assert [c.kind for c in report.candidates] == ["duplicate"]


#
# The product kept: its own SSO and GDPR standing is weighed
#


def test_a_keep_without_processor_agreement_is_named_and_an_alternative_without_is_preferred(
    response_tools,
):
    _capability, menti, menti_ab, kahoot = response_tools
    # Kahoot! is now the most used, but its vendor processes pupils' data without a PUB-avtal.
    ServiceUsage.objects.filter(service=kahoot).update(users=2000)
    facts = {("application", kahoot.pk): {"open_gaps": 1, "without_processor_agreement": True}}
    candidate = _capability_candidate(standardisation_report(gdpr_facts=facts, today=TODAY))
    assert candidate.keep.name == "Mentimeter"
    assert candidate.why.count("Kahoot! har flest konton") == 1
    assert "men Kahoot! saknar personuppgiftsbiträdesavtal; därför föreslås Mentimeter" in candidate.why
    assert candidate.gdpr_gaps_removed == 1 and candidate.keep_risks == []
    # Chosen anyway, the risk is stated and weighed: -3 points for keeping it.
    report = standardisation_report(gdpr_facts=facts, keep=[("application", kahoot.pk)], today=TODAY)
    kept = _capability_candidate(report)
    assert kept.keep_risks == ["Kahoot! saknar personuppgiftsbiträdesavtal"]
    assert "den som behålls saknar personuppgiftsbiträdesavtal (-3,0)" in kept.why
    without_risk = _capability_candidate(
        standardisation_report(keep=[("application", kahoot.pk)], today=TODAY)
    )
    assert kept.score == pytest.approx(without_risk.score - 3.0)


def test_a_keep_outside_sso_gives_way_to_an_alternative_behind_sso(response_tools):
    _capability, menti, menti_ab, _kahoot = response_tools
    menti_ab.authentication = AuthenticationMethod.LOCAL
    menti_ab.identity_provider = ""
    menti_ab.save()
    candidate = _capability_candidate(standardisation_report(today=TODAY))
    assert candidate.keep.name == "Kahoot!"
    expected = "Mentimeter har flest konton (1\u00a0100 konton), men Mentimeter (Mentimeter AB) ligger"
    assert expected in candidate.why
    # Keeping Kahoot! removes the login outside SSO.
    assert candidate.services_outside_sso_removed == 1


def test_when_every_option_carries_a_risk_the_most_used_is_kept_and_the_risk_stated(response_tools):
    _capability, menti, _menti_ab, kahoot = response_tools
    facts = {
        ("application", menti.pk): {"open_gaps": 2, "serious_gaps": 2},
        ("application", kahoot.pk): {"open_gaps": 1, "serious_gaps": 1},
    }
    candidate = _capability_candidate(standardisation_report(gdpr_facts=facts, today=TODAY))
    assert candidate.keep.name == "Mentimeter"
    assert candidate.keep_risks == ["Mentimeter har 2 allvarliga dataskyddsbrister"]
    assert "observera: Mentimeter har 2 allvarliga dataskyddsbrister" in candidate.why
    assert "den som behålls har 2 allvarliga dataskyddsbrister (-2,0)" in candidate.why


def test_gdpr_facts_from_the_gap_rules_steer_the_recommendation(response_tools):
    """The composition the faces use: the gap rules' findings as plain facts, weighed here."""
    from gdpr.gaps import gdpr_facts_by_service
    from gdpr.models import ProcessingActivityService

    _capability, menti, menti_ab, kahoot = response_tools
    ServiceUsage.objects.filter(service=kahoot).update(users=2000)
    for app in (menti, menti_ab, kahoot):
        activity = ProcessingActivityFactory(name=f"Responsverktyg i undervisningen ({app.name})")
        ProcessingActivityService.objects.create(processing_activity=activity, service=app)
    ContractFactory(vendor=menti.vendor, dpa_signed_on=datetime.date(2024, 1, 2), subprocessors="AWS (IE)")
    for app in (menti, kahoot):  # security reviewed (Art. 28.1, 32): not what is weighed here
        ProcessorSecurityReviewFactory(vendor=app.vendor)
    facts = gdpr_facts_by_service()
    # The missing agreement is its own fact, not also a serious gap: it is weighed once.
    assert facts[("application", kahoot.pk)] == {
        "open_gaps": 1,
        "serious_gaps": 0,
        "without_processor_agreement": True,
        "breaches_last_year": 0,
    }
    assert not facts.get(("application", menti.pk), {}).get("without_processor_agreement")
    candidate = _capability_candidate(standardisation_report(gdpr_facts=facts, today=TODAY))
    assert candidate.keep.name == "Mentimeter"


def test_a_product_with_a_breach_in_the_last_year_is_weighed_and_gives_way(response_tools):
    """Breaches reach standardisation through the plain facts: the service's processing activities."""
    from gdpr.gaps import gdpr_facts_by_service
    from gdpr.models import BreachProcessingActivity, ProcessingActivityService
    from tests.factories import BreachFactory

    _capability, menti, _menti_ab, kahoot = response_tools
    activity = ProcessingActivityFactory(name="Responsverktyg i undervisningen")
    ProcessingActivityService.objects.create(processing_activity=activity, service=menti)
    for title in ("Resultat synliga för fel klass", "Export till fel mottagare"):
        breach = BreachFactory(title=title)
        BreachProcessingActivity.objects.create(breach=breach, processing_activity=activity)
    facts = gdpr_facts_by_service()
    assert facts[("application", menti.pk)]["breaches_last_year"] == 2
    assert facts.get(("application", kahoot.pk), {}).get("breaches_last_year", 0) == 0
    # Weighed alone (the fixture's other gaps aside): the breaches make Mentimeter give way.
    facts = {("application", menti.pk): {"breaches_last_year": 2}}
    candidate = _capability_candidate(standardisation_report(gdpr_facts=facts, today=TODAY))
    assert candidate.keep.name == "Kahoot!"
    assert "Mentimeter har haft 2 personuppgiftsincidenter det senaste året" in candidate.why
    kept = _capability_candidate(
        standardisation_report(gdpr_facts=facts, keep=[("application", menti.pk)], today=TODAY)
    )
    assert "den som behålls har haft 2 personuppgiftsincidenter det senaste året (-2,0)" in kept.why


def _cluster(tier, *apps):
    members = [ClusterMember("application", a.pk, a.name, a.vendor.name, False, "produkt") for a in apps]
    return DuplicateCluster(
        members=members,
        score=80.0,
        reasons=["samma produktfamilj"],
        product_count=len(members),
        test_environment_count=0,
        explanation="",
        fix="",
        tier=tier,
    )


def test_a_product_family_to_review_stays_separate_products_and_is_not_folded():
    """UR Play and UR Skola are one family (tier "family"), not one product: keep one, phase out the other."""
    capability = CapabilityFactory(name="Film och media")
    north, south = SchoolUnitFactory(name="Norra skolan"), SchoolUnitFactory(name="Södra skolan")
    ur = VendorFactory(name="Utbildningsradion")
    play = ApplicationFactory(name="UR Play", vendor=ur)
    skola = ApplicationFactory(name="UR Skola", vendor=ur)
    sli = ApplicationFactory(name="SLI.se", vendor=VendorFactory(name="Filmpedagogerna"))
    serve(play, capability, (north, 700))
    serve(skola, capability, (south, 100))
    serve(sli, capability, (south, 50))
    report = standardisation_report(clusters=[_cluster(TIER_FAMILY, play, skola)], today=TODAY)
    capability_candidate = _capability_candidate(report)
    assert [o.name for o in capability_candidate.options] == ["UR Play", "UR Skola", "SLI.se"]
    assert capability_candidate.folded == []
    assert {s.name for s in capability_candidate.phase_out} == {"UR Skola", "SLI.se"}
    [family] = [c for c in report.candidates if c.kind == "family"]
    assert family.subject == "Produktfamilj att granska: UR Play"
    assert [s.name for s in family.phase_out] == ["UR Skola"] and family.accounts_moving == 100
    # The same pair as one product (tier "same_product") is folded instead.
    same = standardisation_report(clusters=[_cluster(TIER_SAME_PRODUCT, play, skola)], today=TODAY)
    folded = _capability_candidate(same)
    assert [s.name for s in folded.folded] == ["UR Skola"] and [s.name for s in folded.phase_out] == [
        "SLI.se"
    ]


def test_with_the_duplicate_finder_real_names_alone_decide_what_is_folded():
    """No vendor or address in common: the finder's tiers on the names as registers spell them decide.

    "Mentimeter (Mentimeter AB)" is Mentimeter (owner in brackets) and "Flipgrid" is Flip (renamed):
    folded. "Canva for Education" is Canva's family, to review: a separate option, phased out.
    """
    capability = CapabilityFactory(name="Undervisning › Interaktiva verktyg")
    schools = [SchoolUnitFactory(name=f"Skola {n}") for n in range(6)]
    named = {}
    for name, school, users in (
        ("Mentimeter", 0, 900),
        ("Mentimeter (Mentimeter AB)", 1, 200),
        ("Flip", 2, 300),
        ("Flipgrid", 3, 100),
        ("Canva", 4, 250),
        ("Canva for Education", 5, 50),
    ):
        named[name] = ApplicationFactory(name=name)
        serve(named[name], capability, (schools[school], users))
    report = standardisation_report(today=TODAY)
    candidate = _capability_candidate(report)
    assert [(o.name, sorted(r.name for r in o.registrations)) for o in candidate.options] == [
        ("Mentimeter", ["Mentimeter", "Mentimeter (Mentimeter AB)"]),
        ("Flip", ["Flip", "Flipgrid"]),
        ("Canva", ["Canva"]),
        ("Canva for Education", ["Canva for Education"]),
    ]
    assert candidate.keep.name == "Mentimeter"
    assert [s.name for s in candidate.folded] == ["Mentimeter (Mentimeter AB)"]
    assert {s.name for s in candidate.phase_out} == {"Flip", "Flipgrid", "Canva", "Canva for Education"}
    assert candidate.accounts_moving == 700
    kinds = sorted((c.kind, c.subject) for c in report.candidates if c.kind != "capability")
    assert kinds == [
        ("duplicate", "Dubblett: Flip"),
        ("duplicate", "Dubblett: Mentimeter"),
        ("family", "Produktfamilj att granska: Canva"),
    ]
