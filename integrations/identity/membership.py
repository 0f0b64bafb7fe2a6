"""Who belongs to which school: a small file of user name, skolenhetskod and user group.

The columns are found by their headers (Swedish or English, any order): the user principal name
or e-mail address, the skolenhetskod, and optionally the user group (``elev``/``personal``;
"student", "staff" and the SS 12000 roles are understood), stored as the register's user groups.
A user in several schools counts at the first one listed, as SS 12000 lists a pupil's main
enrolment first.
"""

from __future__ import annotations

import csv
import io
from typing import IO

from django.utils.translation import gettext as _

from portfolio.choices import UserGroup

from .errors import IdentityFileError
from .records import Membership
from .tally import UNKNOWN_GROUP, normalise_user

USER_HEADERS = {
    "upn",
    "userprincipalname",
    "e-post",
    "epost",
    "email",
    "e-mail",
    "användare",
    "user",
    "username",
}
SCHOOL_HEADERS = {"skolenhetskod", "skolenhet", "schoolunitcode", "school", "skola"}
GROUP_HEADERS = {"grupp", "användargrupp", "usergroup", "roll", "role", "group"}

_GROUPS = {
    "elev": UserGroup.PUPILS.value,
    "elever": UserGroup.PUPILS.value,
    "student": UserGroup.PUPILS.value,
    "pupil": UserGroup.PUPILS.value,
    "personal": UserGroup.STAFF.value,
    "staff": UserGroup.STAFF.value,
    "lärare": UserGroup.STAFF.value,
    "teacher": UserGroup.STAFF.value,
    "rektor": UserGroup.STAFF.value,
}

MAX_ROWS = 1_000_000


def read_membership(stream: IO[bytes]) -> dict[str, Membership]:
    """``{normalised user: Membership}`` from a CSV (comma or semicolon separated)."""
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
    sample = text.read(4096)
    text.seek(0)
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(text, dialect)
    header = [h.strip().casefold() for h in next(reader, [])]
    user_col = _column(header, USER_HEADERS)
    school_col = _column(header, SCHOOL_HEADERS)
    if user_col is None or school_col is None:
        raise IdentityFileError(
            _(
                "Filen saknar kolumnerna för användare och skolenhetskod. Ange rubrikerna "
                "”användare” (eller upn/e-post) och ”skolenhetskod”."
            ),
            line=1,
        )
    group_col = _column(header, GROUP_HEADERS)
    members: dict[str, Membership] = {}
    for number, row in enumerate(reader, start=2):
        if number > MAX_ROWS:
            raise IdentityFileError(_("Filen har fler än en miljon rader."), line=number)
        if not any(cell.strip() for cell in row):
            continue
        try:
            user, school = row[user_col].strip(), row[school_col].strip()
        except IndexError as exc:
            raise IdentityFileError(_("Raden har för få kolumner."), line=number) from exc
        if not user or not school:
            raise IdentityFileError(_("Användare och skolenhetskod måste anges."), line=number)
        if not school.isdigit() or len(school) != 8:
            raise IdentityFileError(
                _("Skolenhetskoden %(code)s är inte åtta siffror.") % {"code": school}, line=number
            )
        group = UNKNOWN_GROUP
        if group_col is not None and group_col < len(row) and row[group_col].strip():
            value = row[group_col].strip().casefold()
            if value not in _GROUPS:
                raise IdentityFileError(
                    _("Användargruppen %(group)s är okänd: ange elev eller personal.")
                    % {"group": row[group_col]},
                    line=number,
                )
            group = _GROUPS[value]
        members.setdefault(normalise_user(user), Membership(school, group))
    return members


def _column(header: list[str], names: set[str]) -> int | None:
    for index, name in enumerate(header):
        if name in names:
            return index
    return None
