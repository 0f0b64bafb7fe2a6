"""Landscape analyses at the bench scale, and duplicate detection against a naive all-pairs baseline.

Per analysis: wall time and SQL query count over the demo built by the runner. For duplicates
also: the in-memory clustering of 20,000 synthetic services (the demo's names with deterministic
perturbations), and at 2,000 the ratio of blocked clustering to rapidfuzz over all pairs.
Numbers are reported, never judged: the machine decides the absolute values.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable

from bench import Measurement, QueryCounter

AREA = "analysis"
SYLLABLES = [
    "Norr",
    "Söder",
    "Väst",
    "Öst",
    "Berg",
    "Lund",
    "Ek",
    "Ås",
    "Sjö",
    "Dal",
    "Hög",
    "Ström",
    "Björk",
    "Gran",
    "Lind",
    "Ängs",
    "Mo",
    "Vik",
    "Hult",
    "Torp",
]


def _timed(func: Callable[[], object]) -> tuple[float, int, object]:
    from django.db import connection

    counter = QueryCounter()
    with connection.execute_wrapper(counter):
        started = time.perf_counter()
        result = func()
        elapsed = time.perf_counter() - started
    return elapsed, counter.count, result


def synthetic_records(base_names: list[str], count: int, seed: int = 1):
    """``count`` service records: the demo's names as district copies, with spelling variants among them."""
    from portfolio.analysis.duplicates import ServiceRecord

    rng = random.Random(seed)
    districts = [a + b.lower() for a in SYLLABLES for b in SYLLABLES if a != b]
    rng.shuffle(districts)
    variants: list[Callable[[str], str]] = [
        lambda n: n,
        str.upper,
        str.lower,
        lambda n: f"{n} AB",
        lambda n: f"{n} app",
        lambda n: f"{n} v2",
        lambda n: n.replace("a", "e", 1),
        lambda n: n.replace("ö", "o").replace("ä", "a").replace("å", "a"),
        lambda n: f"TESTMILJÖ för {n}",
    ]
    records = []
    for i in range(count):
        base = base_names[i % len(base_names)]
        district = districts[(i // len(base_names)) % len(districts)]
        name = f"{base} {district}"
        if rng.random() < 0.15:
            name = rng.choice(variants)(name)
        records.append(ServiceRecord("application", i, name))
    return records


def _naive_all_pairs(records, chunk: int = 2_000) -> int:
    """The baseline: normalise, then rapidfuzz's vectorised all-pairs ``process.cdist`` (both cores).

    Rows are scored in chunks against all names so that 20,000 names need 40 MB at a time rather
    than 400 MB; the work (every pair, twice) is the same as one call.
    """
    import numpy as np
    from rapidfuzz import fuzz, process

    from portfolio.analysis.names import normalise_name

    names = [normalise_name(r.name) for r in records]
    matches = 0
    for start in range(0, len(names), chunk):
        rows = names[start : start + chunk]
        scores = process.cdist(rows, names, scorer=fuzz.ratio, dtype=np.uint8, workers=-1, score_cutoff=88)
        matches += int((scores >= 88).sum())
    return matches


def run(scale: int) -> list[Measurement]:
    from portfolio.analysis import (
        equity_matrix,
        find_duplicates,
        pm3_gaps,
        sso_coverage,
        standardisation_report,
    )
    from portfolio.analysis.duplicates import cluster_records
    from portfolio.models import Application, LearningResource

    rows: list[Measurement] = []
    analyses = {
        "find_duplicates": find_duplicates,
        "standardisation_report": standardisation_report,
        "sso_coverage": sso_coverage,
        "pm3_gaps": pm3_gaps,
        "equity_matrix": equity_matrix,
    }
    for name, func in analyses.items():
        elapsed, queries, _result = _timed(func)
        rows.append(Measurement(AREA, f"{name} time", elapsed, "s"))
        rows.append(Measurement(AREA, f"{name} queries", queries, "", "constant whatever the size"))

    base_names = sorted(
        {
            *Application.objects.values_list("name", flat=True),
            *LearningResource.objects.values_list("name", flat=True),
        }
    )[:600]
    if base_names:
        big = synthetic_records(base_names, 20_000)
        started = time.perf_counter()
        clusters = cluster_records(big)
        blocked_big = time.perf_counter() - started
        rows.append(
            Measurement(
                AREA,
                "duplicates 20,000 services time",
                blocked_big,
                "s",
                f"{len(clusters)} clusters ({sum(c.tier == 'family' for c in clusters)} family), in memory",
            )
        )
        # The same 20,000 names through rapidfuzz's vectorised all-pairs, for scale.
        started = time.perf_counter()
        _naive_all_pairs(big)
        naive_big = time.perf_counter() - started
        note = "rapidfuzz process.cdist, both cores"
        rows.append(Measurement(AREA, "duplicates 20,000 all-pairs time", naive_big, "s", note))
        rows.append(Measurement(AREA, "duplicates 20,000 all-pairs / blocked", naive_big / blocked_big, "×"))
        small = synthetic_records(base_names, 2_000)
        started = time.perf_counter()
        cluster_records(small)
        blocked = time.perf_counter() - started
        started = time.perf_counter()
        _naive_all_pairs(small)
        naive = time.perf_counter() - started
        rows.append(Measurement(AREA, "duplicates 2,000 blocked time", blocked, "s"))
        rows.append(
            Measurement(AREA, "duplicates 2,000 all-pairs time", naive, "s", "rapidfuzz cdist, both cores")
        )
        rows.append(Measurement(AREA, "duplicates 2,000 all-pairs / blocked", naive / blocked, "×"))
    return rows
