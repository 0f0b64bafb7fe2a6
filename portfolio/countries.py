"""Country names as a Swedish reader expects them: in Swedish, and in Swedish alphabetical order.

django-countries translates the names through gettext (Swedish under ``LANGUAGE_CODE = "sv"``) but
sorts them with accents stripped, so "Österrike" lands among the O's. In Swedish, å, ä and ö are
letters of their own after z ("Åland", "Österrike" last). :func:`install` makes django-countries
sort with :func:`sort_key` in every face that lists countries (model forms, filters, admin); lists
ordered by country in SQL use :func:`order_by_country_name`, which ranks the codes present by that
same key — the same order on SQLite and PostgreSQL, with no database collation needed.
"""

from __future__ import annotations

import unicodedata

import django_countries
from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.utils.translation import get_language

__all__ = [
    "country_choices",
    "country_name",
    "install",
    "order_by_country_name",
    "sort_key",
    "swedish_sort_key",
]

#: Swedish letters that sort after z, in this order; æ and ø are sorted as ä and ö (SFS/SAOL practice).
_AFTER_Z = {"å": "{", "ä": "|", "æ": "|", "ö": "}", "ø": "}"}


def swedish_sort_key(text: str) -> tuple[str, str]:
    """The key that sorts ``text`` the Swedish way: case-insensitive, å ä ö after z, é as e."""
    letters = []
    for char in unicodedata.normalize("NFC", str(text)).casefold():
        if char in _AFTER_Z:
            letters.append(_AFTER_Z[char])
            continue
        base = unicodedata.normalize("NFKD", char)
        letters.append("".join(c for c in base if not unicodedata.combining(c)))
    return "".join(letters), str(text)


def _ascii_key(text: str) -> tuple[str, str]:
    folded = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode("ascii")
    return folded.casefold(), str(text)


def sort_key(item: tuple[str, str]) -> tuple[str, str]:
    """django-countries' sort key for a ``(code, name)`` pair, in the active language's order."""
    if (get_language() or "sv").startswith("sv"):
        return swedish_sort_key(item[1])
    return _ascii_key(item[1])


def install() -> None:
    """Make django-countries sort by :func:`sort_key` (it reads its module-level ``sort_key``)."""
    django_countries.sort_key = sort_key
    django_countries.countries.__dict__.pop("_iter_cache", None)


def country_name(code: str) -> str:
    """``"AF"`` → ``"Afghanistan"`` in the active language; the code itself if it is unknown."""
    return str(django_countries.countries.name(code) or code) if code else ""


def country_choices() -> list[tuple[str, str]]:
    """A blank choice, then every country by name in the active language's order (for a form field)."""
    return [("", "—"), *((str(code), str(name)) for code, name in django_countries.countries)]


def order_by_country_name(
    queryset: QuerySet, field: str = "country", *, descending: bool = False
) -> QuerySet:
    """``queryset`` ordered by the country's name, not its code, in the active language's order.

    The codes present are ranked in Python (one query for them) and the rank is annotated with a
    CASE, so the database needs no collation that knows Swedish.
    """
    codes = {code for code in queryset.order_by().values_list(field, flat=True).distinct() if code}
    ranked = sorted(codes, key=lambda code: sort_key((code, country_name(code))))
    rank = Case(
        *(When(**{field: code}, then=Value(position)) for position, code in enumerate(ranked, start=1)),
        default=Value(0),  # no country: first, as an empty name would sort
        output_field=IntegerField(),
    )
    ordered = queryset.annotate(_country_rank=rank)
    return ordered.order_by("-_country_rank" if descending else "_country_rank", "pk")
