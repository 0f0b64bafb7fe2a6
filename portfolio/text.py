"""Text normalisation used by search and matching.

SQLite folds only ASCII case, so "Ö" never matches "ö" there. Every searchable model keeps a
``search_text`` column holding :func:`fold` of its names; searches fold the query the same way
and compare with a plain ``contains``, which behaves identically on SQLite and PostgreSQL.
"""

import unicodedata

__all__ = ["fold", "split_lines", "strip_diacritics"]


def fold(*parts: str | None) -> str:
    """Case-fold and join ``parts`` for searching, keeping å, ä and ö distinct letters."""
    text = " ".join(p for p in parts if p)
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


class _CombiningMarks(dict):
    """``str.translate`` table deleting combining marks, filled per code point as it is met."""

    def __missing__(self, code_point: int) -> int | None:
        value = None if unicodedata.combining(chr(code_point)) else code_point
        self[code_point] = value
        return value


_COMBINING_MARKS = _CombiningMarks()


def strip_diacritics(text: str) -> str:
    """Remove accents (``"Öppna Hörnan"`` → ``"Oppna Hornan"``) for fuzzy matching, not search."""
    decomposed = unicodedata.normalize("NFKD", text)
    if decomposed.isascii():
        return decomposed
    # The combining marks NFKD split off, deleted in one C-level pass (a name at a time in
    # Python cost a third of normalising 20,000 names).
    return decomposed.translate(_COMBINING_MARKS)


def split_lines(value: str | None) -> list[str]:
    """The non-blank, stripped lines of a multi-line field (aliases, entity IDs, sub-processors)."""
    return [line.strip() for line in (value or "").splitlines() if line.strip()]
