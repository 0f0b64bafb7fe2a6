"""An import killed half-way (SIGKILL, no clean-up) leaves the register exactly as it was.

The import runs in one transaction, so the database never sees a partly applied file. This is
checked for real: ``manage.py import_inventory`` runs in its own process against a SQLite file,
is killed once it reports progress past a few hundred rows of 1,500, and every table — register and
history alike — is counted before and after.
"""

import csv
import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _env(database: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{database}",
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "PYTHONUNBUFFERED": "1",
    }


def _manage(database: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=_env(database),
        capture_output=True,
        text=True,
        timeout=300,
    )


def _write_systems(path: Path, count: int, prefix: str) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(["Systemnamn", "Leverantör", "Driftform", "Externt id"])
        for n in range(count):
            writer.writerow([f"{prefix} {n}", f"Leverantör {n % 40} AB", "SaaS", f"{prefix}-{n}"])


def _table_counts(database: Path) -> dict[str, int]:
    with sqlite3.connect(database) as connection:
        tables = [
            name
            for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            if name.startswith(("portfolio_", "gdpr_"))
        ]
        return {
            table: connection.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0] for table in tables
        }


def test_an_import_killed_half_way_leaves_the_register_as_it_was(tmp_path):
    database = tmp_path / "register.sqlite3"
    migrated = _manage(database, "migrate", "--noinput", "-v0")
    assert migrated.returncode == 0, migrated.stderr
    first = tmp_path / "befintliga.csv"
    _write_systems(first, 25, "Befintligt")
    seeded = _manage(database, "import_inventory", str(first), "--kind", "systems")
    assert seeded.returncode == 0, seeded.stderr
    before = _table_counts(database)
    assert before["portfolio_service"] == 25 and before["portfolio_historicalservice"] == 25

    big = tmp_path / "stor.csv"
    _write_systems(big, 1500, "Nytt")
    process = subprocess.Popen(
        [sys.executable, "manage.py", "import_inventory", str(big), "--kind", "systems"],
        cwd=ROOT,
        env=_env(database),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    reported = 0
    try:
        for line in process.stderr:
            if line.startswith("Importerar:"):
                reported = int(line.split()[1].split("/")[0])
                if reported >= 300:
                    process.send_signal(signal.SIGKILL)
                    break
    finally:
        process.kill()
        process.wait(timeout=60)
        process.stderr.close()
    if reported < 300:
        pytest.fail(f"the import never reported progress past 300 rows (last: {reported})")
    assert process.returncode == -signal.SIGKILL  # killed, not finished

    assert _table_counts(database) == before
    # The database file is intact: the killed writer's uncommitted pages were discarded.
    with sqlite3.connect(database) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
