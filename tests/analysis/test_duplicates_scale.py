"""The duplicate finder's work grows with the register, not with its square, at the same result.

Clustering compares only services that share a blocking key, and of those pairs it scores in
Python only the ones :class:`NameKeyTable` cannot rule out. These tests prove the screen exact
(it never rules out a pair that :func:`name_similarity` scores at or above the cutoff) and count
the pairs scored: speed itself is measured in ``make bench``, never here.
"""

from __future__ import annotations

import csv
import os
import random
from itertools import combinations
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portfolio.analysis import duplicates
from portfolio.analysis.duplicates import NAME_THRESHOLD, ServiceRecord, cluster_records
from portfolio.analysis.names import NameKey, NameKeyTable, name_similarity, normalise_name

DATA = Path(__file__).parent / "data"
#: The cutoffs the finder uses (the host floor and the threshold), the strictest the threshold
#: tests try, and two at or below 50, where half a distinguishing word's similarity may reach it.
CUTOFFS = (40.0, 50.0, 60.0, 70.0, NAME_THRESHOLD, 97.0)


def _labelled_names() -> list[str]:
    with (DATA / "real_service_names.csv").open(newline="", encoding="utf-8") as handle:
        names = {normalise_name(row["name"]) for row in csv.DictReader(handle)}
    with (DATA / "labelled_pairs.csv").open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            names.update((normalise_name(row["name_a"]), normalise_name(row["name_b"])))
    return sorted(names)


def _screen(pairs: list[tuple[str, str]], cutoff: float) -> np.ndarray:
    table = NameKeyTable()
    left = np.array([table.add(NameKey(a)) for a, _b in pairs], dtype=np.int64)
    right = np.array([table.add(NameKey(b)) for _a, b in pairs], dtype=np.int64)
    table.freeze()
    return table.may_reach(left, right, cutoff)


def _missed(pairs: list[tuple[str, str]], cutoff: float) -> list[tuple[str, str, float]]:
    keep = _screen(pairs, cutoff)
    return [
        (a, b, score)
        for (a, b), kept in zip(pairs, keep.tolist(), strict=True)
        if not kept and (score := name_similarity(a, b, cutoff)) >= cutoff
    ]


@pytest.mark.parametrize("cutoff", CUTOFFS)
def test_the_screen_keeps_every_pair_of_labelled_names_that_reaches_the_cutoff(cutoff):
    names = _labelled_names()[::2]  # some 450 names: about 100,000 pairs
    pairs = list(combinations(names, 2))
    assert _missed(pairs, cutoff) == []


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("lerum skola", "lerums skola"),  # the genitive, scored 95 whatever the rest
        ("skola lerum", "lerums skola"),
        ("info mentor", "infomentor"),  # equal without spaces
        ("matematik 5000 kurs 1a", "matematik 5000 kurs 1b"),
        ("york university", "new york university"),  # a word on one side only
        ("skola skola lerum", "skola lerums"),  # a repeated word
        ("a b c d e f g h i j larplattform", "a b c d e f g h i j larplattformen"),  # many words
        ("google classroom", "google classrooms"),
        ("almano backby vikmo", "almano fjallby vikmo"),
    ],
)
@pytest.mark.parametrize("cutoff", CUTOFFS)
def test_the_screen_keeps_the_edge_cases_of_name_similarity(a, b, cutoff):
    assert _missed([(a, b), (b, a)], cutoff) == []


_WORDS = st.sampled_from(
    ["lerum", "lerums", "skola", "skolan", "info", "mentor", "infomentor", "s", "ss", "a", "i", "2", "10",
     "vklass", "vklas", "kahoot", "kahoots", "digital", "digitala", "bok", "boks", "larplattform"]
)
_NAMES = st.lists(_WORDS, min_size=1, max_size=11).map(" ".join)


@settings(max_examples=int(os.environ.get("FUZZ_EXAMPLES", "300")), deadline=None, database=None)
@given(pairs=st.lists(st.tuples(_NAMES, _NAMES), min_size=1, max_size=20), cutoff=st.sampled_from(CUTOFFS))
def test_the_screen_never_rules_out_a_pair_that_reaches_the_cutoff(pairs, cutoff):
    assert _missed(pairs, cutoff) == []


def test_the_screen_rules_out_most_pairs_of_unlike_names():
    names = _labelled_names()[::2]
    pairs = list(combinations(names, 2))
    kept = int(_screen(pairs, NAME_THRESHOLD).sum())
    reaching = sum(name_similarity(a, b, NAME_THRESHOLD) >= NAME_THRESHOLD for a, b in pairs)
    assert reaching <= kept < len(pairs) // 50


def _register(count: int) -> list[ServiceRecord]:
    """``count`` distinct services as a large register holds them: products × schools.

    Made up of syllables (fixed by a seed), so that the register does not change with the data.
    """
    rng = random.Random(14)
    syllables = ["ka", "lo", "mi", "ne", "ra", "sko", "lar", "ped", "via", "tor", "ex", "un", "ik", "vo"]
    words = ["", " digital", " skola", " plus", " kod"]
    products = sorted({"".join(rng.sample(syllables, 3)) + rng.choice(words) for _ in range(400)})[:300]
    places = [f"{a}{b}" for a in ("norr", "soder", "vast", "ost", "berg", "lund", "sjo", "dal", "hog", "vik")
              for b in ("by", "vik", "torp", "hult", "dal", "berga", "sta", "holm", "as", "mo")]
    return [
        ServiceRecord("application", i, f"{products[i % len(products)]} {places[i // len(products)]}")
        for i in range(count)
    ]


def test_the_pairs_scored_grow_about_linearly_with_the_register(monkeypatch):
    """Four times the services: about four times the pairs scored, not sixteen times."""
    calls = 0

    def counting(a, b, cutoff=0.0):
        nonlocal calls
        calls += 1
        return name_similarity(a, b, cutoff)

    monkeypatch.setattr(duplicates, "name_similarity", counting)
    scored = {}
    for count in (1_500, 6_000):
        calls = 0
        cluster_records(_register(count))
        scored[count] = calls
    assert 0 < scored[6_000] < 6 * scored[1_500]
    # And a small share of all pairs (18 million at 6,000 services).
    assert scored[6_000] < 6_000 * 10


def test_a_service_registered_once_per_school_is_taken_apart_once(monkeypatch):
    """Registers hold one product under one name many times; its name is analysed once, and
    every copy still ends in the one cluster."""
    calls = 0
    identify = duplicates._identify

    def counting(record, features, catalogue):
        nonlocal calls
        calls += 1
        identify(record, features, catalogue)

    monkeypatch.setattr(duplicates, "_identify", counting)
    names = ["Skolon", "Vklass", "Google Classroom", "Unikum app"]
    records = [ServiceRecord("application", i, names[i % len(names)], vendor_name="") for i in range(400)]
    clusters = cluster_records(records)
    assert calls == len(names)
    assert sorted(len(c.members) for c in clusters) == [100] * len(names)


def test_block_pairs_are_all_pairs_of_a_small_block_and_a_window_over_a_large_one():
    """Blocks up to MAX_BLOCK: every pair; larger: each member with its WINDOW next neighbours in
    the order of their names without spaces (ties in the order given)."""
    rng = random.Random(5)
    compacts = ["".join(rng.choice("abc") for _ in range(3)) for _ in range(400)]
    sizes = (2, 3, 7, duplicates.MAX_BLOCK, duplicates.MAX_BLOCK + 1, 120)
    blocks = [rng.sample(range(400), size) for size in sizes]
    expected = []
    for members in blocks:
        if len(members) <= duplicates.MAX_BLOCK:
            expected += list(combinations(members, 2))
        else:
            ordered = sorted(members, key=lambda i: compacts[i])
            expected += [
                (ordered[x], ordered[y])
                for x in range(len(ordered))
                for y in range(x + 1, min(x + 1 + duplicates.WINDOW, len(ordered)))
            ]
    first, second = duplicates._block_pairs(blocks, compacts)
    assert list(zip(first.tolist(), second.tolist(), strict=True)) == expected
