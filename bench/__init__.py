"""`make bench`: fixed seeds and sizes, figures printed as a table and written to results.json.

Each ``bench/bench_*.py`` module offers ``run(scale: int) -> list[Measurement]``. The runner
builds a fresh demo municipality per database and scale in a subprocess, runs every module
against it, and collects the rows.
"""

from dataclasses import asdict, dataclass

__all__ = ["Measurement", "QueryCounter", "asdict"]


@dataclass
class Measurement:
    area: str
    metric: str
    value: float
    unit: str = ""
    note: str = ""


class QueryCounter:
    """Counts SQL statements as a ``connection.execute_wrapper``.

    ``CaptureQueriesContext`` stops counting at 9,000 statements (docs/architecture.md, traps of the
    stack), which a full walk of
    the register passes.
    """

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)
