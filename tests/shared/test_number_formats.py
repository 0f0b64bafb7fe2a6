"""Numbers are grouped by Django's localisation, in one place (portfolio.formats), never by hand."""

import re
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.utils import translation

from portfolio.formats import decimal_number, kronor, percent, whole_number

NBSP = "\u00a0"


def test_swedish_groups_thousands_with_a_non_breaking_space():
    with translation.override("sv"):
        assert whole_number(48202) == f"48{NBSP}202"
        assert whole_number(999) == "999"
        assert whole_number(1000) == f"1{NBSP}000"
        assert kronor(Decimal("1234567.5")) == f"1{NBSP}234{NBSP}568{NBSP}kr"
        assert decimal_number(1234.56) == f"1{NBSP}234,6"
        assert percent(0.5) == f"50{NBSP}%"


def test_english_groups_with_a_comma_and_a_decimal_point():
    with translation.override("en"):
        assert whole_number(48202) == "48,202"
        assert kronor(1234567) == f"1,234,567{NBSP}kr"
        assert decimal_number(1234.56) == "1,234.6"


def test_whole_numbers_round_half_to_even_like_the_old_formatters():
    with translation.override("sv"):
        assert kronor(Decimal("2.5")) == f"2{NBSP}kr"
        assert kronor(Decimal("3.5")) == f"4{NBSP}kr"


HAND_WRITTEN = re.compile(r"""(\{[^{}]*:,[^{}]*\})|(replace\(",", "(\\u00a0| )"\))""")


def test_no_module_groups_thousands_by_hand():
    """A new ``f"{n:,}".replace(",", " ")`` would ignore the active language: use portfolio.formats."""
    root = Path(settings.BASE_DIR)
    offenders = []
    for app in ("accounts", "analysis_cache", "config", "gdpr", "integrations", "portfolio", "stewardship"):
        for path in (root / app).rglob("*.py"):
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
                if HAND_WRITTEN.search(line):
                    offenders.append(f"{path.relative_to(root)}:{number}")
    assert offenders == []
