"""The one error a reader raises: the file is not what the chosen source exports."""

from __future__ import annotations


class IdentityFileError(Exception):
    """A file that cannot be read as the chosen source, with a message a person can act on.

    ``line`` is the 1-based line (or record) at fault where one is known, so that a refusal names
    the place as the spreadsheet import does.
    """

    def __init__(self, message: str, *, line: int | None = None) -> None:
        self.message = message
        self.line = line
        super().__init__(message if line is None else f"{message} (rad {line})")
