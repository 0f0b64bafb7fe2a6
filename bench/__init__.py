"""`make bench`: fixed seeds and sizes, figures printed as a table and written to results.json.

Each ``bench/bench_*.py`` module offers ``run(scale: int) -> list[Measurement]``. The runner
builds a fresh demo municipality per database and scale in a subprocess, runs every module
against it, and collects the rows.
"""

from dataclasses import asdict, dataclass

__all__ = ["Measurement", "asdict"]


@dataclass
class Measurement:
    area: str
    metric: str
    value: float
    unit: str = ""
    note: str = ""
