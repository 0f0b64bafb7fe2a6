"""Spreadsheet import: rows per second and peak memory for 10,000 systems.

The file is generated deterministically (fixed seed) in a temporary folder as a semicolon CSV
of the kind municipalities send: names, vendors (400 distinct, new to the register), status,
login, hosting, dates, user groups and an external id. Three passes over the same 10,000 rows:

* the first import, which validates every row with ``ApplicationForm`` and creates it with its
  history (in bulk, ``integrations/bulk.py``) — rows per second;
* the same file with one column changed (hosting), so that every row updates its system, with
  a new version and a history row each — rows per second;
* that file again, where every row is unchanged and nothing is written — rows per second,
  with ``tracemalloc`` on for the peak memory of reading, converting and matching 10,000 rows
  against 10,000 stored systems (tracemalloc slows the form path several times over, so it is
  kept off the timed creation and update).

Everything runs inside a transaction that is rolled back, so the demo register the other
benchmarks read is left as it was. The import's cost depends on the file, not on the demo's
size, so it is measured at the first scale only (once per database).
"""

from __future__ import annotations

import csv
import gc
import os
import random
import tempfile
import time
import tracemalloc
from pathlib import Path

from django.db import transaction

from bench import Measurement

AREA = "import"
ROWS = 10_000
SEED = 12000


def _write_file(path: Path) -> None:
    rng = random.Random(SEED)
    statuses = ["I drift", "Planerad", "Under avveckling", "i_drift"]
    logins = ["SAML", "OpenID Connect", "Lokala konton", "lokala_konton"]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(
            [
                "Systemnamn",
                "Leverantör",
                "Livscykelstatus",
                "Inloggningsmetod",
                "Driftform",
                "I drift från",
                "Användargrupper",
                "Beskrivning",
                "Externt id",
            ]
        )
        for n in range(ROWS):
            writer.writerow(
                [
                    f"Bänksystem {n:05d}",
                    f"Bänkleverantör {rng.randrange(400):03d} AB",
                    rng.choice(statuses),
                    rng.choice(logins),
                    "SaaS",
                    f"{rng.randrange(1, 29):02d}.{rng.randrange(1, 13):02d}.{rng.randrange(2010, 2026)}",
                    rng.choice(["Elever; Personal", "Personal", "Vårdnadshavare, Elever"]),
                    f"Genererad rad {n} för mätningen",
                    f"BENCH-{n:05d}",
                ]
            )


def run(scale: int) -> list[Measurement]:
    first_scale = int(os.environ.get("BENCH_SCALES", "1,30").split(",")[0])
    if scale != first_scale:
        return []
    from integrations.spreadsheets import import_file

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "system.csv"
        _write_file(path)
        data = path.read_bytes()

    results: list[Measurement] = []

    def rate(metric: str, content: bytes, outcome: str, what: str) -> None:
        started = time.perf_counter()
        report = import_file(content, "system.csv")
        elapsed = time.perf_counter() - started
        note = f"{report.counts[outcome]} {what} av {ROWS}, {elapsed:.1f} s"
        results.append(Measurement(AREA, metric, ROWS / elapsed, "rows/s", note))

    with transaction.atomic():
        changed = data.replace(b";SaaS;", b";Egen drift;")
        rate("create rows/s", data, "created", "skapade")
        rate("update rows/s", changed, "updated", "ändrade (driftform)")
        gc.collect()  # the update's garbage is not this pass's memory
        tracemalloc.start()
        started = time.perf_counter()
        again = import_file(changed, "system.csv")
        elapsed = time.perf_counter() - started
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        results.append(
            Measurement(
                AREA,
                "re-import unchanged rows/s",
                ROWS / elapsed,
                "rows/s",
                f"{again.counts['unchanged']} oförändrade, tracemalloc på",
            )
        )
        results.append(
            Measurement(
                AREA,
                "peak memory, 10 000 rows",
                peak / 1024 / 1024,
                "MB",
                f"tracemalloc: läsa, tolka och matcha mot {ROWS} lagrade",
            )
        )
        transaction.set_rollback(True)
    return results
