"""The duplicate finder on real school-service names, as registers and app lists spell them.

The whole labelled set (tests/analysis/data/real_service_names.csv, with vendor and address as
the source gives them) is clustered at once, with the shipped catalogue, as a register would be.
A predicted pair is two rows in one cluster; a true pair is two rows with the same hand label.
Pairwise precision and recall are reported per tier, for both tiers together, and on the real
rows alone (``constructed:`` sources left out). The figures reached are pinned in a tight band,
so a change that moves them shows here, and the issue's targets are asserted beside them.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

import pytest

from portfolio.analysis.catalogue import Catalogue
from portfolio.analysis.duplicates import TIER_FAMILY, TIER_SAME_PRODUCT, ServiceRecord, cluster_records

DATA = Path(__file__).parent / "data"


def _rows() -> list[dict[str, str]]:
    with (DATA / "real_service_names.csv").open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _hard_negatives() -> list[dict[str, str]]:
    with (DATA / "hard_negatives.csv").open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@dataclass
class Figures:
    precision: float
    recall: float
    predicted: int

    def __str__(self) -> str:
        return f"P={self.precision:.3f} R={self.recall:.3f} ({self.predicted} pairs)"


@dataclass
class Evaluation:
    both: Figures
    same_product: Figures
    family: Figures
    cluster_of: dict[int, int]
    rows: list[dict[str, str]]


def evaluate(rows: list[dict[str, str]], catalogue: Catalogue | None = None) -> Evaluation:
    records = [
        ServiceRecord("learning_resource", i, row["name"], vendor_name=row["vendor"], url=row["url"])
        for i, row in enumerate(rows)
    ]
    clusters = cluster_records(records, include_singletons=True, catalogue=catalogue)
    cluster_of: dict[int, int] = {}
    tier_of: dict[int, str] = {}
    for number, cluster in enumerate(clusters):
        for member in cluster.members:
            cluster_of[member.service_id] = number
            tier_of[member.service_id] = cluster.tier
    truth: set[tuple[int, int]] = set()
    predicted: dict[str | None, set[tuple[int, int]]] = {
        None: set(), TIER_SAME_PRODUCT: set(), TIER_FAMILY: set()
    }
    for a, b in combinations(range(len(rows)), 2):
        if rows[a]["cluster"] == rows[b]["cluster"]:
            truth.add((a, b))
        if cluster_of[a] == cluster_of[b]:
            predicted[None].add((a, b))
            predicted[tier_of[a]].add((a, b))

    def figures(pairs: set[tuple[int, int]]) -> Figures:
        hits = len(pairs & truth)
        return Figures(hits / len(pairs) if pairs else 1.0, hits / len(truth) if truth else 1.0, len(pairs))

    return Evaluation(
        figures(predicted[None]),
        figures(predicted[TIER_SAME_PRODUCT]),
        figures(predicted[TIER_FAMILY]),
        cluster_of,
        rows,
    )


def _report(label: str, evaluation: Evaluation) -> str:
    return (
        f"{label}: both tiers {evaluation.both}; same_product {evaluation.same_product}; "
        f"family {evaluation.family}"
    )


def test_the_labelled_set_is_the_size_the_issue_asks_for():
    rows = _rows()
    assert len(rows) >= 400
    assert len(_hard_negatives()) >= 60


def test_precision_and_recall_on_all_labelled_real_names():
    evaluation = evaluate(_rows())
    print(_report("all rows", evaluation))
    # The issue's targets.
    assert evaluation.both.precision >= 0.95 and evaluation.both.recall >= 0.90
    assert evaluation.same_product.precision >= 0.98
    # The figures reached (measured 2026-12-05, after the catalogue's own former names and aliases
    # joined the set), in a tight band: a change that moves them shows.
    assert evaluation.both.precision == pytest.approx(1.0, abs=0.01)
    assert evaluation.both.recall == pytest.approx(0.990, abs=0.01)
    assert evaluation.same_product.precision == pytest.approx(1.0, abs=0.01)
    assert evaluation.same_product.recall == pytest.approx(0.371, abs=0.02)
    assert evaluation.family.precision == pytest.approx(1.0, abs=0.01)


def test_precision_and_recall_on_the_real_rows_alone():
    """Without the hand-written variants (``constructed:``), only spellings read in a source."""
    rows = [row for row in _rows() if not row["source"].startswith("constructed:")]
    evaluation = evaluate(rows)
    print(_report("real rows", evaluation))
    assert evaluation.both.precision >= 0.95 and evaluation.both.recall >= 0.90
    assert evaluation.same_product.precision >= 0.98
    assert evaluation.both.precision == pytest.approx(1.0, abs=0.01)
    assert evaluation.both.recall == pytest.approx(0.987, abs=0.01)
    assert evaluation.same_product.recall == pytest.approx(0.454, abs=0.02)


def test_without_the_catalogue_the_general_rules_keep_same_product_precise():
    """The rules alone (no catalogue): renames are missed, but what is joined as one product is one.

    The catalogue is what finds Flipgrid → Flip or G Suite → Google Workspace; this pins what the
    name, address and qualifier rules do on their own, so a regression in them shows.
    """
    evaluation = evaluate(_rows(), catalogue=Catalogue())
    print(_report("no catalogue", evaluation))
    assert evaluation.same_product.precision >= 0.98
    assert evaluation.both.precision == pytest.approx(0.927, abs=0.02)
    assert evaluation.both.recall == pytest.approx(0.683, abs=0.02)


def test_the_rules_alone_join_about_half_of_the_catalogues_own_spellings_to_their_product():
    """The catalogue's former names and aliases (``catalogue:`` rows) are found with the catalogue
    by construction; this is what the name rules make of them without it ("MS Teams", "Skola 24",
    "V-klass" are found; "AAD", "O365", "RealtimeBoard" need the catalogue)."""
    rows = _rows()
    evaluation = evaluate(rows, catalogue=Catalogue())
    spellings = [i for i, row in enumerate(rows) if row["source"].startswith("catalogue:")]
    joined = [
        i
        for i in spellings
        if any(
            evaluation.cluster_of[i] == evaluation.cluster_of[j]
            for j, other in enumerate(rows)
            if j != i and other["cluster"] == rows[i]["cluster"]
        )
    ]
    print(f"rules alone: {len(joined)} of {len(spellings)} catalogue spellings joined to their product")
    assert len(joined) / len(spellings) == pytest.approx(40 / 79, abs=0.05)


def test_every_hard_negative_pair_stays_apart():
    rows = _rows()
    evaluation = evaluate(rows)
    rows_named: dict[str, list[int]] = {}
    for i, row in enumerate(rows):
        rows_named.setdefault(row["name"], []).append(i)
    joined = []
    for pair in _hard_negatives():
        for a in rows_named[pair["name_a"]]:
            for b in rows_named[pair["name_b"]]:
                if evaluation.cluster_of[a] == evaluation.cluster_of[b]:
                    joined.append((pair["name_a"], pair["name_b"], pair["reason"]))
    assert joined == []
