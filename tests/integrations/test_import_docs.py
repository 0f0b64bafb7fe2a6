"""docs/import.md stays true: every recognised header is documented and the example imports."""

import re
from pathlib import Path

import pytest

from integrations.columns import KINDS
from integrations.spreadsheets import import_file

DOC = Path(__file__).resolve().parents[2] / "docs" / "import.md"


@pytest.mark.parametrize("kind", list(KINDS))
def test_every_header_of_every_kind_is_documented(kind):
    text = DOC.read_text(encoding="utf-8")
    section = text.split(f"(`--kind {kind}`)", 1)[1].split("###", 1)[0]
    missing = [h for column in KINDS[kind].columns for h in column.headers if h not in section]
    assert not missing, f"not in docs/import.md under {kind}: {missing}"


def test_no_two_columns_of_a_kind_share_a_header():
    for spec in KINDS.values():
        seen: dict[str, str] = {}
        for column in spec.columns:
            for header in column.headers:
                assert spec.column_for(header) is column, (spec.key, header, seen.get(header))


@pytest.mark.django_db
def test_the_documented_csv_example_imports_cleanly():
    example = re.search(r"```csv\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S).group(1)
    report = import_file(example.encode(), "exempel.csv", dry_run=True)
    assert report.kind == "systems" and report.ok, report.errors
    assert [row.status for row in report.rows] == ["created", "created"]
