"""The name-similarity threshold of duplicate detection sits where the labelled data puts it.

``NAME_THRESHOLD`` (88) decides when two differently spelt names are one product. The labelled set
alone does not pin it: precision and recall stay at or above 0.9 for any threshold from 70 to 100.
So this module pins it from both sides with boundary pairs — real names (the SWAMID and
Skolfederation metadata, the 2FA directory, the SSO wall of shame in ../shared/data, and the
labelled set) plus typing variants of Swedish school services — and pins the figures the labelled
set actually reaches at the threshold. Raising the threshold above the weakest same-product pair
(88.02) or lowering it to the strongest different-product pair (84.21) fails here.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from portfolio.analysis.duplicates import NAME_THRESHOLD, ServiceRecord, cluster_records
from portfolio.analysis.names import name_similarity, normalise_name

LABELLED = Path(__file__).parent / "data" / "labelled_pairs.csv"

#: One product spelt two ways, just above the threshold; the similarity measured when pinned.
SAME_ABOVE = [
    ("Umeå University", "Umeå universitet", 88.02),  # SWAMID metadata, 2011
    ("Khan Academy", "Khan Akademy", 88.69),
    ("Uppsala universitet", "Uppsala University", 88.80),
    ("Infomentor", "Infomenter", 90.00),
    ("Karlstads universitet", "Karlstad University", 90.00),
    ("Kunskapsmatrisen", "Kunskapsmatris", 93.33),
    ("Studentlitteratur", "Studentlitteratru", 94.12),
    ("Mentimeter", "Meantimeter", 95.24),
    ("Gleerups Digitala Lärverktyg", "Gleerups Digitala Lärvertyg", 96.46),
]

#: Two products with alike names, just below the threshold (all real names from ../shared/data).
DIFFERENT_BELOW = [
    ("CodeSignal", "OneSignal", 84.21),
    ("Sendcloud", "SoundCloud", 84.21),
    ("Högskolan Dalarna", "Lärarhögskolan", 83.87),
    ("OneDrive", "OverDrive", 82.35),
    ("Icedrive", "Pipedrive", 82.35),
    ("George Mason University", "Georgetown University", 82.00),
    ("Nordea [SE]", "Nordnet [SE]", 80.57),
    ("Carleton University", "Clemson University", 76.58),
    ("Star One Credit Union", "VyStar Credit Union", 73.63),
    ("TestRail Cloud", "Temporal Cloud", 70.54),
    ("Andrews Federal Credit Union", "Partners Federal Credit Union", 70.53),
]

#: What the labelled set reaches at NAME_THRESHOLD, all its names clustered at once (2 decimals),
#: both tiers together. Measured with the catalogue and the family tier: 150 true pairs, 1 false
#: ("Helsingborg Elev" / "Helsingborg Personal", a qualifier sent to review), 0 missed. At 97
#: recall falls to 0.97, at 70 precision to 0.91.
PRECISION, RECALL = 0.99, 1.00


def similarity(a: str, b: str) -> float:
    return name_similarity(normalise_name(a), normalise_name(b))


def clusters_together(a: str, b: str, **options) -> bool:
    records = [ServiceRecord("application", 1, a), ServiceRecord("application", 2, b)]
    return len(cluster_records(records, include_singletons=True, **options)) == 1


def labelled_figures(**options) -> tuple[float, float]:
    with LABELLED.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    names = sorted({r["name_a"] for r in rows} | {r["name_b"] for r in rows})
    records = [ServiceRecord("application", i, name) for i, name in enumerate(names)]
    clusters = cluster_records(records, include_singletons=True, **options)
    cluster = {names[m.service_id]: n for n, c in enumerate(clusters) for m in c.members}
    tp = fp = fn = 0
    for row in rows:
        predicted = cluster[row["name_a"]] == cluster[row["name_b"]]
        same = row["same"] == "1"
        tp += predicted and same
        fp += predicted and not same
        fn += same and not predicted
    return tp / (tp + fp), tp / (tp + fn)


def test_the_threshold_lies_between_the_closest_different_and_the_closest_same_pair():
    strongest_different = max(similarity(a, b) for a, b, _s in DIFFERENT_BELOW)
    weakest_same = min(similarity(a, b) for a, b, _s in SAME_ABOVE)
    assert strongest_different < NAME_THRESHOLD <= weakest_same
    assert (round(strongest_different, 2), round(weakest_same, 2)) == (84.21, 88.02)


@pytest.mark.parametrize(("a", "b", "measured"), SAME_ABOVE, ids=lambda v: str(v))
def test_a_same_product_pair_just_above_the_threshold_is_one_cluster(a, b, measured):
    assert similarity(a, b) == pytest.approx(measured, abs=0.01)
    assert NAME_THRESHOLD <= measured < 97
    assert clusters_together(a, b)


@pytest.mark.parametrize(("a", "b", "measured"), DIFFERENT_BELOW, ids=lambda v: str(v))
def test_a_different_product_pair_just_below_the_threshold_stays_apart(a, b, measured):
    assert similarity(a, b) == pytest.approx(measured, abs=0.01)
    assert 70 <= measured < NAME_THRESHOLD
    assert not clusters_together(a, b)


def test_the_labelled_set_reaches_its_measured_precision_and_recall_at_the_threshold():
    precision, recall = labelled_figures()
    assert (round(precision, 2), round(recall, 2)) == (PRECISION, RECALL)


@pytest.mark.parametrize(
    ("threshold", "worse"),
    [(97, "recall"), (70, "precision")],
)
def test_a_threshold_of_97_loses_recall_and_one_of_70_loses_precision(threshold, worse):
    """Why 88: both neighbours the issue measured are worse on the labelled set."""
    precision, recall = labelled_figures(threshold=threshold)
    figures = {"precision": (precision, PRECISION), "recall": (recall, RECALL)}
    reached, at_threshold = figures[worse]
    assert round(reached, 2) < at_threshold
