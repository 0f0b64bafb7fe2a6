"""Read a file of JSON documents one at a time: Graph pages, Reports API pages or JSON lines.

Microsoft Graph and the Google Reports API both page their answers (``@odata.nextLink``,
``nextPageToken``); an export is the pages written one after another, or wrapped in one array,
or one record per line. A page is bounded (Graph returns at most 1,000 sign-ins a page), so
decoding a page at a time keeps memory flat however long the file is. A single document larger
than ``max_document_bytes`` is refused rather than read whole.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from typing import IO, Any

from django.utils.translation import gettext as _

from .errors import IdentityFileError

_CHUNK = 1 << 20
_DECODER = json.JSONDecoder()
_WHITESPACE = " \t\r\n"


def iter_documents(stream: IO[bytes], *, max_document_bytes: int = 64 << 20) -> Iterator[Any]:
    """Each top-level JSON value in ``stream``; the elements of a top-level array one by one."""
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", errors="strict", newline="")
    buffer = ""
    position = 0
    at_eof = False
    in_outer_array = False
    number = 0
    last_error: tuple[int, str] | None = None
    while True:
        while position < len(buffer) and buffer[position] in _WHITESPACE + ",":
            if buffer[position] == "," and not in_outer_array:
                raise IdentityFileError(_("Filen är inte JSON: ett kommatecken mellan dokument."))
            position += 1
        if position >= len(buffer):
            if at_eof:
                break
            buffer, position, at_eof = _refill(text, buffer, position)
            continue
        if buffer[position] == "[" and not in_outer_array and number == 0:
            in_outer_array = True
            position += 1
            continue
        if buffer[position] == "]" and in_outer_array:
            in_outer_array = False
            position += 1
            continue
        try:
            value, end = _DECODER.raw_decode(buffer, position)
        except json.JSONDecodeError as exc:
            # A document cut off by the end of the buffer fails at (or moves its failure towards)
            # the end; one that fails at the same place after more text arrived is broken.
            error = (exc.pos - position, exc.msg)
            if not at_eof and error != last_error and len(buffer) - position < max_document_bytes:
                last_error = error
                buffer, position, at_eof = _refill(text, buffer, position)
                continue
            if not at_eof and error != last_error:
                raise IdentityFileError(
                    _("Ett JSON-dokument är större än %(mb)s MB; exportera sidvis eller som JSON lines.")
                    % {"mb": max_document_bytes >> 20},
                    line=number + 1,
                ) from exc
            raise IdentityFileError(
                _("Filen är inte giltig JSON: %(error)s.") % {"error": exc.msg}, line=number + 1
            ) from exc
        if end == len(buffer) and not at_eof:
            # A number or literal may continue in the next chunk; read on before trusting it.
            buffer, position, at_eof = _refill(text, buffer, position)
            continue
        number += 1
        position = end
        last_error = None
        yield value


def _refill(text: io.TextIOWrapper, buffer: str, position: int) -> tuple[str, int, bool]:
    try:
        chunk = text.read(_CHUNK)
    except UnicodeDecodeError as exc:
        raise IdentityFileError(_("Filen är inte UTF-8-kodad text.")) from exc
    return buffer[position:] + chunk, 0, not chunk


def sniff(stream: IO[bytes]) -> str:
    """``"json"`` or ``"text"`` by the first non-blank character, leaving the stream unread."""
    head = stream.peek(64) if hasattr(stream, "peek") else b""
    if not head:
        position = stream.tell()
        head = stream.read(64)
        stream.seek(position)
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    return "json" if stripped[:1] in (b"{", b"[") else "text"
