"""Two hard negatives the labelled pairs of the first release caught when the catalogue came in.

Real products differ by one changed letter, and directories list one service per country; both
must stay apart, while a letter missing, a letter too many or two swapped letters in a catalogued
name is still a typo to review. Names are real (the 2FA directory in ../shared/data and the
labelled pairs in tests/analysis/data).
"""

import pytest

from portfolio.analysis.duplicates import ServiceRecord, cluster_records
from portfolio.analysis.names import region_tag


def together(*names: str) -> bool:
    records = [ServiceRecord("application", i, name) for i, name in enumerate(names)]
    return len(cluster_records(records, include_singletons=True)) == 1


@pytest.mark.parametrize(
    ("a", "b"),
    [("Remind", "Rewind"), ("Clever", "Clover"), ("Norton", "Notion"), ("Canva", "Canvas")],
)
def test_products_one_changed_letter_apart_stay_apart(a, b):
    assert not together(a, b)


@pytest.mark.parametrize(("typo", "product"), [("Skoolon", "Skolon"), ("Unkium", "Unikum")])
def test_a_letter_too_many_or_two_swapped_in_a_catalogued_name_is_a_typo_to_review(typo, product):
    records = [ServiceRecord("application", 1, typo), ServiceRecord("application", 2, product)]
    [cluster] = [c for c in cluster_records(records) if len(c.members) == 2]
    assert cluster.tier == "family"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Santander [PL]", "Santander [PT]"),
        ("Vodafone [AU]", "Vodafone [UK]"),
        ("Barclays [UK]", "Barclays [US]"),
    ],
)
def test_one_service_per_country_in_square_brackets_stays_apart(a, b):
    assert region_tag(a) and region_tag(b) and region_tag(a) != region_tag(b)
    assert not together(a, b)


def test_a_region_tag_is_not_an_acronym_that_joins_other_brands():
    assert not together("Barclays [UK]", "Vodafone [UK]", "Virgin Media [UK]")


def test_a_tagged_service_still_meets_its_untagged_registration():
    assert together("Santander [PL]", "Santander")
