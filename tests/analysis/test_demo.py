"""Every landscape defect planted in the demo is found, and clean demo records produce nothing.

The demo is built once (it takes a while) and every analysis is asserted against its manifest.
"""

from collections import defaultdict
from itertools import combinations

import pytest

from portfolio.analysis import equity_matrix, find_duplicates, pm3_gaps, sso_coverage, standardisation_report

pytestmark = pytest.mark.django_db


def _pairs(groups):
    return {frozenset(p) for group in groups for p in combinations(group, 2)}


def test_analyses_find_every_planted_landscape_defect_and_nothing_on_clean_records(demo):
    # Duplicates: each planted group is one cluster, no cluster joins two groups or clean services.
    clusters = find_duplicates()
    predicted_groups = [[m.name for m in c.members if not m.is_test_environment] for c in clusters]
    predicted = _pairs(predicted_groups)
    planted = _pairs(demo.duplicate_groups)
    true_positives = len(predicted & planted)
    assert true_positives / len(planted) >= 0.9, "recall on the demo's planted duplicates"
    assert true_positives / len(predicted) >= 0.9, "precision on the demo's planted duplicates"
    assert sorted(map(sorted, (g for g in predicted_groups if len(g) > 1))) == sorted(
        map(sorted, demo.duplicate_groups)
    )
    roles = {m.name: (m.role, c) for c in clusters for m in c.members}
    for test_name, product in demo.test_environment_of.items():
        role, cluster = roles[test_name]
        assert role == "testmiljö"
        assert product in {m.name for m in cluster.members}

    # SSO: exactly the planted services outside SSO, the large ones first; federation without entity ID.
    coverage = sso_coverage()
    outside = [s.name for s in coverage.outside_sso]
    assert set(outside) == set(demo.outside_sso)
    assert set(outside[: len(demo.outside_sso_large)]) == set(demo.outside_sso_large)
    assert {f.name for f in coverage.federation_without_entity_id} == set(demo.federation_without_entity_id)
    assert 0 < coverage.share_users < coverage.share_services < 1

    # PM3: each planted gap, and no gap on anything else.
    found = defaultdict(set)
    for gap in pm3_gaps():
        found[gap.code].add(gap.target_name)
    assert found.pop("MO_NO_OWNER") == set(demo.objects_without_owner)
    assert found.pop("MO_NO_MANAGEMENT_LEAD") == set(demo.objects_without_management_lead)
    assert found.pop("MO_NO_OBJECT_LEAD") == set(demo.objects_without_object_lead)
    assert found.pop("APP_NO_MANAGEMENT_OBJECT") == set(demo.systems_without_object)
    assert found.pop("APP_NO_SYSTEM_OWNER") == set(demo.systems_without_owner)
    assert found.pop("MO_NO_APPROVED_PLAN") == set(demo.objects_without_approved_plan)
    assert found.pop("SERVICE_PAST_END_OF_LIFE") == set(demo.systems_past_end_of_life)
    assert found.pop("LR_NOT_APPROVED") == set(demo.resources_in_use_not_approved)
    assert {n.split(" (")[0] for n in found.pop("CONTRACT_IN_NOTICE_PERIOD")} == set(
        demo.contracts_within_notice_period
    )
    inactive = {f"{role}: {person} ({target})" for person, role, target in demo.roles_held_by_inactive_people}
    assert {
        n.replace("systemförvaltare", "systemforvaltare") for n in found.pop("ROLE_INACTIVE_PERSON")
    } == inactive
    ended = {f"{role}: {person} ({target})" for person, role, target in demo.roles_past_end_date}
    assert {n.replace("superanvändare", "superanvandare") for n in found.pop("ROLE_ENDED")} == ended
    assert found.pop("BUDGET_WITHOUT_OUTCOME") == {name for name, _year in demo.budgets_without_outcome}
    assert dict(found) == {}

    # Standardisation: every planted overlapping capability is a ranked candidate.
    report = standardisation_report()
    subjects = {c.subject.split(" › ")[-1] for c in report.candidates if c.kind == "capability"}
    assert set(demo.overlapping_capabilities) <= subjects
    duplicates = [c for c in report.candidates if c.kind == "duplicate"]
    assert len(duplicates) == len(demo.duplicate_groups)
    assert [c.rank for c in report.candidates] == list(range(1, len(report.candidates) + 1))
    assert all(c.why.startswith(f"Plats {c.rank}.") for c in report.candidates)

    # Equity: the schools planted without a capability are reported as lacking it.
    matrix = equity_matrix()
    lacking = defaultdict(set)
    for finding in matrix.findings:
        if finding.kind == "saknas":
            lacking[finding.column.split(" › ")[-1]].add(finding.school)
    for capability, schools in demo.schools_lacking_capability.items():
        assert lacking[capability] == set(schools), capability
