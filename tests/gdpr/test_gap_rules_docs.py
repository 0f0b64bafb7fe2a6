"""Every gap rule is documented where the dataskyddssamordnare looks: the docs and --help."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from gdpr.gaps import RULES

DOC = Path(__file__).resolve().parents[2] / "docs" / "gdpr.md"


@pytest.mark.parametrize("code", list(RULES))
def test_every_rule_is_in_docs_gdpr_md_with_its_article(code):
    text = DOC.read_text(encoding="utf-8")
    [line] = [line for line in text.splitlines() if line.startswith(f"| `{code}` |")]
    assert str(RULES[code].basis) in line


def test_every_rule_is_listed_by_gdpr_gaps_help(capsys):
    with pytest.raises(SystemExit):
        call_command("gdpr_gaps", "--help", stdout=StringIO())
    text = capsys.readouterr().out
    for code, rule in RULES.items():
        assert code in text and str(rule.basis) in text
