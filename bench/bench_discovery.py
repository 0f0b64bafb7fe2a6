"""Sign-in logs in: rows per second and peak memory for a month of a large municipality.

A synthetic month of sign-ins for 40,000 people (``BENCH_SIGNIN_ROWS``, by default 4,000,000
rows) is written once, deterministically, in the shapes Microsoft documents — compact Graph
``signIn`` resources one per line, and the Entra admin centre's sign-in CSV with every column —
and kept in ``bench/.cache/`` for later runs. Each file is then counted in a child process on one
core, whose peak resident memory is the figure reported; the same counts are computed by a plain
pandas groupby over the whole file (all rows in memory at once) and must match exactly. The
import does not touch the database, so it runs at the first scale on the first database only.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from bench import Measurement

AREA = "discovery"
PEOPLE = 40_000
APPLICATIONS = 400
SCHOOLS = [f"{10000000 + n * 7919:08d}" for n in range(60)]
CACHE = Path(__file__).resolve().parent / ".cache"

_CHILD = r"""
import json, sys, time
import django
django.setup()
from integrations.identity import entra
from integrations.identity.membership import read_membership
from integrations.identity.tally import SignInTally
path, membership = sys.argv[1], sys.argv[2]
with open(membership, "rb") as handle:
    tally = SignInTally(read_membership(handle))
started = time.process_time()
with open(path, "rb") as handle:
    rows = entra.tally_sign_ins(handle, tally)
usage = tally.usage()
elapsed = time.process_time() - started
# VmHWM, not ru_maxrss: the latter survives exec and would count the forking parent's pages.
peak = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM:"))
counts = {f"{u.app_key}|{u.school_code}|{u.user_group}": [u.users, u.sign_ins] for u in usage}
print(json.dumps({"rows": rows, "seconds": elapsed, "peak_kb": peak, "counts": counts}))
"""


def _files(rows: int) -> tuple[Path, Path, Path]:
    from integrations.identity.synthetic import (
        membership_rows,
        synthetic_month,
        write_entra_csv,
        write_json_lines,
    )

    CACHE.mkdir(exist_ok=True)
    stem = CACHE / f"signins-{PEOPLE}-{rows}"
    jsonl, csv_path, members = (
        stem.with_suffix(".jsonl"), stem.with_suffix(".csv"), CACHE / f"membership-{PEOPLE}.csv"
    )  # fmt: skip
    apps = [(f"{n:08x}-5e1f-4c1a-9b7e-{n:012x}", f"Tillämpning {n}") for n in range(APPLICATIONS)]
    for path, writer in ((jsonl, write_json_lines), (csv_path, write_entra_csv)):
        if not path.exists():
            partial = path.with_suffix(".partial")
            with partial.open("w", encoding="utf-8", newline="") as handle:
                writer(handle, synthetic_month(people=PEOPLE, rows=rows, applications=apps, seed=5))
            partial.rename(path)
    if not members.exists():
        with members.open("w", encoding="utf-8") as handle:
            handle.write("upn,skolenhetskod,grupp\n")
            for user, school, group in membership_rows(PEOPLE, SCHOOLS):
                handle.write(f"{user},{school},{group}\n")
    return jsonl, csv_path, members


def _count_in_child(path: Path, members: Path) -> dict:
    env = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}
    proc = subprocess.run(
        ["taskset", "-c", "0", sys.executable, "-c", _CHILD, str(path), str(members)],
        capture_output=True, text=True, env=env, cwd=Path(__file__).resolve().parent.parent, check=True,
    )  # fmt: skip
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _pandas_reference(path: Path, members: Path) -> tuple[dict, float]:
    """The same counts with pandas over the whole file at once: what "exactly" is measured against."""
    import pandas as pd

    started = time.process_time()
    if path.suffix == ".csv":
        frame = pd.read_csv(
            path, usecols=["Date (UTC)", "Username", "Application ID", "Sign-in error code"], dtype=str
        )
        frame.columns = ["day", "user", "app", "error"]
    else:
        parts = []
        for chunk in pd.read_json(path, lines=True, chunksize=200_000, dtype=False):
            parts.append(
                pd.DataFrame(
                    {
                        "user": chunk["userPrincipalName"],
                        "app": chunk["appId"],
                        "error": chunk["status"].map(lambda s: str(s["errorCode"])),
                    }
                )
            )
        frame = pd.concat(parts, ignore_index=True)
    frame = frame[frame["error"] == "0"]
    frame["user"] = frame["user"].str.casefold()
    people = pd.read_csv(members, dtype=str).rename(columns={"upn": "user"})
    people["user"] = people["user"].str.casefold()
    people["grupp"] = people["grupp"].map({"elev": "elever", "elever": "elever", "personal": "personal"})
    frame = frame.merge(people, on="user", how="left").fillna({"skolenhetskod": "", "grupp": "okand"})
    grouped = frame.groupby(["app", "skolenhetskod", "grupp"]).agg(
        users=("user", "nunique"), sign_ins=("user", "size")
    )
    elapsed = time.process_time() - started
    counts = {
        f"{a}|{s}|{g}": [int(r.users), int(r.sign_ins)]
        for (a, s, g), r in zip(grouped.index, grouped.itertuples(), strict=True)
    }  # noqa: E501
    return counts, elapsed


def _discovered_applications(records, count: int):
    """``count`` applications as identity providers name them: catalogue products, registered
    services under their identity-provider names ("… Portal", "… App"), and unknown apps."""
    import random

    from integrations.identity.records import DiscoveredApp, Source, SsoMode
    from portfolio.analysis.catalogue import load_catalogue

    rng = random.Random(17)
    catalogue = load_catalogue()
    names = [entry.name for entry in catalogue]
    registered = [record.name for record in records]
    apps = []
    for index in range(count):
        roll = rng.random()
        if roll < 0.25:
            name = rng.choice(names)
        elif roll < 0.6 and registered:
            name = (
                f"{rng.choice(registered)} {rng.choice(['Portal', 'App', 'SSO', 'Web Client', ''])}".strip()
            )
        else:
            stem = rng.choice(["Quiz", "Lär", "Edu", "Class", "Math", "Read"])
            name = f"{stem}{rng.choice(['ly', 'io', 'hub', 'go'])} {index}"
        apps.append(DiscoveredApp(Source.ENTRA_APPS, f"app-{index}", name, SsoMode.SAML))
    return apps, catalogue


def _matching(scale: int) -> list[Measurement]:
    from discovery.matching import MatchKind, match_applications
    from portfolio.analysis.duplicates import load_service_records

    records = load_service_records()
    apps, catalogue = _discovered_applications(records, 2000)
    started, started_cpu = time.perf_counter(), time.process_time()
    matches = match_applications(apps, records, catalogue)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - started_cpu
    matched = sum(1 for m in matches if m.kind == MatchKind.MATCHED)
    note = f"against {len(records):,} registered services; {matched:,} matched (target ≤ 2 s at scale 30)"
    return [
        Measurement(AREA, "matching 2,000 discovered applications", elapsed, "s", note),
        # The CPU time of the first (cold) call: steady when the other core is busy, as it
        # often is on a 2-core machine; wall time then doubles.
        Measurement(AREA, "matching 2,000 discovered applications: CPU", cpu, "s", "first call, cold caches"),
    ]


def run(scale: int) -> list[Measurement]:
    results = _matching(scale)
    first_scale = int(os.environ.get("BENCH_SCALES", "1,30").split(",")[0])
    if scale != first_scale or "postgres" in os.environ.get("DATABASE_URL", ""):
        return results
    rows = int(os.environ.get("BENCH_SIGNIN_ROWS", "4000000"))
    jsonl, csv_path, members = _files(rows)
    for label, path, target in (("JSON lines", jsonl, 100_000), ("CSV", csv_path, 300_000)):
        ours = _count_in_child(path, members)
        reference, reference_seconds = _pandas_reference(path, members)
        same = "identical to" if ours["counts"] == reference else "DIFFERENT FROM"
        size = path.stat().st_size / 2**20
        results.append(
            Measurement(
                AREA,
                f"sign-ins from {label}",
                ours["rows"] / ours["seconds"],
                "rows/s",
                f"{ours['rows']:,} rows, {size:,.0f} MB, one core, CPU time {ours['seconds']:.1f} s "
                f"(target ≥ {target:,}); pandas groupby of the whole file {reference_seconds:.1f} s; "
                f"counts {same} pandas'",
            )
        )
        results.append(
            Measurement(AREA, f"peak memory, {label}", ours["peak_kb"] / 1024, "MB", "resident, target ≤ 300")
        )
    return results
