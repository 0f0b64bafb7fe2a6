"""Measured evidence written straight into the discovery tables, for the evidence tests.

What an import of an identity provider's logs leaves behind, without reading a file: a
discovered application matched to a service, and measured usage per school and user group.
"""

from __future__ import annotations

import datetime

from discovery.choices import Decision, Directory, IdentitySource, MatchState, SignOnMode
from discovery.models import DiscoveredApplication, IdentityImport, MeasuredUsage

NOVEMBER = (datetime.date(2026, 11, 1), datetime.date(2026, 11, 30))
OCTOBER = (datetime.date(2026, 10, 1), datetime.date(2026, 10, 31))

_SOURCE = {
    Directory.ENTRA: IdentitySource.ENTRA_SIGNINS,
    Directory.GOOGLE_OAUTH: IdentitySource.GOOGLE_TOKEN,
    Directory.GOOGLE_SAML: IdentitySource.GOOGLE_SAML,
}


def sign_in_import(directory: str = Directory.ENTRA, period=NOVEMBER) -> IdentityImport:
    return IdentityImport.objects.create(
        source=_SOURCE[directory], file_name="signins.jsonl", period_start=period[0], period_end=period[1]
    )


def discovered(
    service=None,
    *,
    name: str = "App",
    mode: str = SignOnMode.SAML,
    directory: str = Directory.ENTRA,
    last_seen: datetime.date | None = None,
    decision: str = Decision.UNDECIDED,
    match: str | None = None,
) -> DiscoveredApplication:
    count = DiscoveredApplication.objects.count()
    return DiscoveredApplication.objects.create(
        directory=directory,
        key=f"app-{count}-{name}",
        name=name,
        sign_on_mode=mode,
        service=service,
        match=match or (MatchState.MATCHED if service else MatchState.UNMATCHED),
        decision=decision,
        last_seen=last_seen,
    )


def measured(
    service,
    organisation,
    users: int,
    *,
    group: str = "elever",
    sign_ins: int | None = None,
    period=NOVEMBER,
    directory: str = Directory.ENTRA,
    identity_import: IdentityImport | None = None,
    application: DiscoveredApplication | None = None,
) -> MeasuredUsage:
    return MeasuredUsage.objects.create(
        service=None if application else service,
        application=application,
        organisation=organisation,
        user_group=group,
        directory=directory,
        period_start=period[0],
        period_end=period[1],
        users=users,
        sign_ins=users * 4 if sign_ins is None else sign_ins,
        identity_import=identity_import or sign_in_import(directory, period),
    )
