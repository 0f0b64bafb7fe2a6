"""Microsoft Entra ID: enterprise applications and sign-in logs, as Microsoft documents them.

* ``GET /servicePrincipals`` (Microsoft Graph v1.0): pages of ``{"value": [...],
  "@odata.nextLink": ...}``, written one after another or as JSON lines.
* ``GET /auditLogs/signIns``: the same paging, one ``signIn`` resource per record; or the CSV the
  Entra admin centre downloads from *Sign-in logs* (one row per sign-in, English headers).
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from typing import IO, Any

import numpy as np
import pandas as pd
from django.utils.translation import gettext as _

from .errors import IdentityFileError
from .jsonstream import iter_documents, sniff
from .records import DiscoveredApp, Source, SsoMode
from .tally import SignInTally

#: Tenants that own Microsoft's own first-party applications (Office 365, Teams, Graph Explorer…):
#: they are part of the platform, not services the school chose, so they are not "skugg-IT".
MICROSOFT_TENANTS = frozenset(
    {"f8cdef31-a31e-4b4a-93e4-5f571e91255a", "72f988bf-86f1-41af-91ab-2d7cd011db47"}
)

_SSO_MODES = {
    "saml": SsoMode.SAML,
    "oidc": SsoMode.OIDC,
    "password": SsoMode.PASSWORD,
    "notsupported": SsoMode.NONE,
    "": SsoMode.UNKNOWN,
}

BATCH = 50_000


def read_service_principals(stream: IO[bytes]) -> Iterator[DiscoveredApp]:
    """The enterprise applications of a ``servicePrincipals`` export; managed identities skipped."""
    seen_any = False
    for record in _records(stream, "value"):
        if "appId" not in record or "servicePrincipalType" not in record:
            raise IdentityFileError(_wrong_file(record, _("företagsprogram (servicePrincipals)")))
        seen_any = True
        if record.get("servicePrincipalType") not in (None, "Application"):
            continue
        yield _service_principal(record)
    if not seen_any:
        raise IdentityFileError(_("Filen innehåller inga företagsprogram (servicePrincipals)."))


def _service_principal(record: dict[str, Any]) -> DiscoveredApp:
    mode = _SSO_MODES.get((record.get("preferredSingleSignOnMode") or "").lower(), SsoMode.UNKNOWN)
    urls = [record.get("homepage"), record.get("loginUrl"), *(record.get("replyUrls") or [])]
    urls.append(record.get("samlMetadataUrl"))
    names = record.get("servicePrincipalNames") or []
    app_id = record["appId"]
    entity_ids = tuple(n for n in names if n != app_id and ("://" in n or n.startswith("urn:")))
    verified = record.get("verifiedPublisher") or {}
    return DiscoveredApp(
        source=Source.ENTRA_APPS,
        key=app_id,
        name=(record.get("displayName") or app_id).strip(),
        sso_mode=mode,
        enabled=bool(record.get("accountEnabled", True)),
        publisher=(record.get("publisherName") or "").strip(),
        verified_publisher=(verified.get("displayName") or "").strip(),
        first_party=record.get("appOwnerOrganizationId") in MICROSOFT_TENANTS,
        urls=tuple(u for u in urls if u),
        entity_ids=entity_ids,
        tags=tuple(record.get("tags") or ()),
    )


# Sign-ins ------------------------------------------------------------------------------------

#: The admin centre's CSV columns the tally needs (the download has about fifty).
CSV_COLUMNS = {
    "day": "Date (UTC)",
    "user": "Username",
    "user_id": "User ID",
    "app": "Application ID",
    "name": "Application",
    "error": "Sign-in error code",
}


def tally_sign_ins(stream: IO[bytes], tally: SignInTally) -> int:
    """Feed a sign-in export (Graph JSON pages, JSON lines, or the admin centre's CSV) to ``tally``.

    Returns the number of sign-in records read. Successful sign-ins (error code 0) count as use;
    the others are counted as failures only.
    """
    stream = stream if hasattr(stream, "peek") else io.BufferedReader(stream)
    if sniff(stream) == "json":
        return _tally_json(stream, tally)
    return _tally_csv(stream, tally)


def _tally_csv(stream: IO[bytes], tally: SignInTally) -> int:
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
    header = next(csv.reader([text.readline()]), [])
    missing = [c for c in ("Date (UTC)", "Application ID", "Sign-in error code") if c not in header]
    if missing or not ({"Username", "User ID"} & set(header)):
        raise IdentityFileError(
            _("Filen ser inte ut som inloggningsloggar från Entra ID: kolumnen %(column)s saknas.")
            % {"column": ", ".join(missing) or "Username"},
            line=1,
        )
    columns = [c for c in CSV_COLUMNS.values() if c in header]
    rows = 0
    reader = pd.read_csv(
        text,
        names=header,
        header=None,
        usecols=columns,
        dtype=str,
        keep_default_na=False,
        chunksize=BATCH * 4,
        engine="c",
    )
    try:
        for chunk in reader:
            rows += len(chunk)
            user = chunk.get(CSV_COLUMNS["user"])
            if user is None or (user == "").any():
                fallback = chunk.get(CSV_COLUMNS["user_id"], pd.Series("", index=chunk.index))
                user = fallback if user is None else user.where(user != "", fallback)
            day = _csv_days(chunk[CSV_COLUMNS["day"]], first_row=rows - len(chunk) + 2)
            ok = chunk[CSV_COLUMNS["error"]].isin(("0", ""))
            names = chunk.get(CSV_COLUMNS["name"], pd.Series("", index=chunk.index))
            good = (ok & (user != "")).to_numpy()
            tally.add_batch(
                chunk[CSV_COLUMNS["app"]].to_numpy()[good],
                names.to_numpy()[good],
                user.to_numpy()[good],
                day[good],
            )
            tally.add_failures(chunk.loc[~ok, CSV_COLUMNS["app"]].to_numpy(), names[~ok].to_numpy())
    except (pd.errors.ParserError, UnicodeDecodeError, ValueError) as exc:
        raise IdentityFileError(_("CSV-filen kunde inte läsas: %(error)s") % {"error": exc}) from exc
    return rows


def _csv_days(values: pd.Series, *, first_row: int) -> np.ndarray:
    """UTC days from the admin centre's "Date (UTC)": ISO 8601, or the older "M/D/YYYY, h:mm:ss AM"."""
    parsed = pd.to_datetime(values, format="ISO8601", errors="coerce", utc=True)
    missing = parsed.isna()
    if missing.any():
        older = pd.to_datetime(values[missing], format="%m/%d/%Y, %I:%M:%S %p", errors="coerce", utc=True)
        if older.isna().any():
            bad = older.index[older.isna()][0]
            raise IdentityFileError(
                _("Datumet %(value)s i kolumnen Date (UTC) kan inte läsas.") % {"value": values[bad]},
                line=first_row + int(values.index.get_loc(bad)),
            )
        parsed = parsed.where(~missing, older)
    return parsed.dt.tz_localize(None).to_numpy(dtype="datetime64[D]")


def _tally_json(stream: IO[bytes], tally: SignInTally) -> int:
    batch: dict[str, list[str]] = {"app": [], "name": [], "user": [], "day": []}
    failed: dict[str, list[str]] = {"app": [], "name": []}
    rows = 0
    for record in _sign_in_records(stream):
        rows += 1
        app, name, user, day, error = record
        if error == 0:
            batch["app"].append(app)
            batch["name"].append(name)
            batch["user"].append(user)
            batch["day"].append(day)
            if len(batch["app"]) >= BATCH:
                tally.add_batch(batch["app"], batch["name"], batch["user"], batch["day"])
                batch = {key: [] for key in batch}
        else:
            failed["app"].append(app)
            failed["name"].append(name)
    tally.add_batch(batch["app"], batch["name"], batch["user"], batch["day"])
    tally.add_failures(failed["app"], failed["name"])
    return rows


def _sign_in_records(stream: IO[bytes]) -> Iterator[tuple[str, str, str, str, int]]:
    """(appId, appDisplayName, user, day, errorCode) per sign-in, from JSON lines or pages.

    JSON lines take a fast path: in compact JSON (as Graph and ``ConvertTo-Json -Compress`` write
    it) the five fields are picked out of the line's bytes when each key occurs in it exactly once
    (in the ``signIn`` resource they are top-level, ``errorCode`` under ``status``), several times
    faster than decoding the whole record. Anything else — spaces after the colons, a page on one
    line, a key repeated in a nested object, an escaped string, a user known only by ``userId`` —
    is decoded in full, so the fast path changes the speed, never the result.
    """
    first = stream.peek(1 << 16)[: 1 << 16]
    newline = first.find(b"\n")
    if newline > 0 and _is_complete_object(first[:newline]):
        yield from _sign_in_lines(stream)
        return
    for number, record in enumerate(_records(stream, "value"), start=1):
        yield _sign_in(record, number)


def _is_complete_object(line: bytes) -> bool:
    try:
        return isinstance(json.loads(line), dict)
    except ValueError:
        return False


def _sign_in_lines(stream: IO[bytes]) -> Iterator[tuple[str, str, str, str, int]]:
    for number, line in enumerate(stream, start=1):
        fast = _fast_sign_in(line)
        if fast is not None:
            yield fast
            continue
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except ValueError as exc:
            raise IdentityFileError(_("Raden är inte giltig JSON."), line=number) from exc
        if isinstance(record, dict) and isinstance(record.get("value"), list):
            for item in record["value"]:
                yield _sign_in(item, number)
        else:
            yield _sign_in(record, number)


_K_DAY = b'"createdDateTime":"'  # the lengths below (19, 21, 9, 18, 12) are these keys'
_K_USER = b'"userPrincipalName":"'
_K_APP = b'"appId":"'
_K_NAME = b'"appDisplayName":"'
_K_ERROR = b'"errorCode":'
_INTEGER = re.compile(rb"-?\d+")


def _fast_sign_in(line: bytes) -> tuple[str, str, str, str, int] | None:
    """The fields of a compact ``signIn`` line, or None where the line needs full decoding.

    The four string fields must come before the line's first nested object, which makes their
    first occurrence the top-level one; ``errorCode`` (under ``status``) must occur only once.
    """
    nested = line.find(b"{", 1)
    if nested < 0:
        nested = len(line)
    day_at = line.find(_K_DAY, 0, nested)
    user_at = line.find(_K_USER, 0, nested)
    app_at = line.find(_K_APP, 0, nested)
    name_at = line.find(_K_NAME, 0, nested)
    if day_at < 0 or user_at < 0 or app_at < 0 or name_at < 0:
        return None
    day_at += 19
    user_at += 21
    app_at += 9
    name_at += 18
    user_end = line.find(b'"', user_at, nested)
    app_end = line.find(b'"', app_at, nested)
    name_end = line.find(b'"', name_at, nested)
    error_at = line.find(_K_ERROR, nested)
    if user_end <= user_at or app_end < 0 or name_end < 0 or error_at < 0:
        return None
    if line.find(_K_ERROR, error_at + 12) >= 0:
        return None
    error = _INTEGER.match(line, error_at + 12)
    user, app, name = line[user_at:user_end], line[app_at:app_end], line[name_at:name_end]
    if error is None or user.endswith(b"\\") or b"\\" in user or b"\\" in name or b"\\" in app:
        return None
    return app.decode(), name.decode(), user.decode(), line[day_at : day_at + 10].decode(), int(error.group())


def _sign_in(record: Any, number: int) -> tuple[str, str, str, str, int]:
    if not isinstance(record, dict) or "createdDateTime" not in record or "appId" not in record:
        raise IdentityFileError(_wrong_file(record, _("inloggningsloggar (signIns)")), line=number)
    status = record.get("status") or {}
    user = record.get("userPrincipalName") or record.get("userId") or ""
    day = str(record["createdDateTime"])[:10]
    return (
        record["appId"],
        record.get("appDisplayName") or "",
        user,
        day,
        int(status.get("errorCode") or 0),
    )


def _records(stream: IO[bytes], key: str) -> Iterator[Any]:
    """The records of a paged export: each page's ``key`` array, or bare records."""
    for document in iter_documents(stream):
        if isinstance(document, dict) and isinstance(document.get(key), list):
            yield from document[key]
        else:
            yield document


def _wrong_file(record: Any, expected: str) -> str:
    """A refusal that names what the file looks like, when it looks like another source."""
    kind = record.get("kind", "") if isinstance(record, dict) else ""
    if kind.startswith("admin#reports#"):
        looks_like = _("aktivitetsloggar från Google Workspace")
    elif isinstance(record, dict) and "servicePrincipalType" in record:
        looks_like = _("företagsprogram från Entra ID (servicePrincipals)")
    elif isinstance(record, dict) and "createdDateTime" in record and "appId" in record:
        looks_like = _("inloggningsloggar från Entra ID")
    else:
        looks_like = ""
    if looks_like:
        return _("Filen innehåller inte %(expected)s utan ser ut att vara %(actual)s. Välj rätt källa.") % {
            "expected": expected,
            "actual": looks_like,
        }
    return _("Filen innehåller inte %(expected)s från Entra ID.") % {"expected": expected}
