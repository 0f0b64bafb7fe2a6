"""Completeness names the gaps the demo municipality was planted with."""

import pytest

from stewardship.completeness import records_by_kind

pytestmark = pytest.mark.django_db


def test_completeness_names_every_planted_gap_of_the_demo(demo):
    records = records_by_kind()

    def missing(kind: str) -> dict[str, list[str]]:
        return {r.name: r.missing for r in records[kind]}

    systems, objects, activities = (
        missing("application"),
        missing("management_object"),
        missing("processing_activity"),
    )
    planted = [
        (systems, demo.systems_without_owner, "saknar systemägare"),
        (systems, demo.systems_without_object, "saknar förvaltningsobjekt"),
        (objects, demo.objects_without_owner, "saknar objektägare"),
        (objects, demo.objects_without_management_lead, "saknar förvaltningsledare"),
        (activities, demo.activities_without_legal_basis, "saknar rättslig grund"),
        (activities, demo.activities_without_retention, "saknar gallringsfrist"),
        (
            activities,
            demo.activities_protected_identity_without_routine,
            "saknar rutin för skyddade personuppgifter",
        ),
    ]
    for scored, names, text in planted:
        in_use = [name for name in names if name in scored]  # retired records are not scored
        assert in_use, text
        for name in in_use:
            assert text in scored[name], (name, text)
    clean = [r for r in records["processing_activity"] if r.complete]
    assert clean, "some records of the demo are complete"
