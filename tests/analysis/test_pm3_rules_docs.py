"""Every PM3 rule is documented where people look: docs/analysis.md and ``pm3_gaps --help``."""

import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from portfolio.analysis.pm3 import PM3_RULES, Pm3Rule

DOC = Path(__file__).resolve().parents[2] / "docs" / "analysis.md"


def _pm3_section() -> str:
    text = DOC.read_text(encoding="utf-8")
    return text[text.index("## PM3 gaps") : text.index("## Likvärdighet")]


@pytest.mark.parametrize("code", list(PM3_RULES))
def test_every_rule_is_in_docs_analysis_md_with_its_severity(code):
    rule = PM3_RULES[code]
    [line] = [line for line in _pm3_section().splitlines() if line.startswith(f"| `{code}` |")]
    severity_cell = line.split("|")[3]
    assert str(rule.severity) in severity_cell
    if rule.graver:
        assert str(rule.graver) in severity_cell


def test_the_docs_list_no_rule_that_does_not_exist():
    documented = re.findall(r"^\| `([A-Z0-9_]+)` \|", _pm3_section(), flags=re.M)
    assert documented == list(PM3_RULES)


def test_every_rule_has_a_code_title_severity_fix_and_field():
    for code, rule in PM3_RULES.items():
        assert isinstance(rule, Pm3Rule) and rule.code == code
        assert str(rule.title) and str(rule.fix) and rule.field and rule.severity


def test_every_rule_is_listed_by_pm3_gaps_help(capsys):
    with pytest.raises(SystemExit):
        call_command("pm3_gaps", "--help", stdout=StringIO())
    text = capsys.readouterr().out
    for code, rule in PM3_RULES.items():
        assert code in text and str(rule.title) in text
