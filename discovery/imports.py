"""Read an identity provider's file into the register: applications, matches and measured use.

One function, :func:`import_identity_file`, serves the command and the import page. It runs in
one transaction: a refused file (wrong source, broken JSON, a school code that is not eight
digits) raises :class:`~integrations.identity.errors.IdentityFileError` and nothing is saved; a
dry run does everything and rolls back, so its report is exactly what a real run would do.

Only counts are stored. User names and e-mail addresses are read into the tally's memory to
count distinct people and to place them at a school, and go no further.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import IO

from django.db import transaction
from django.utils.translation import gettext as _

from integrations.identity import entra, google
from integrations.identity.membership import read_membership
from integrations.identity.records import DiscoveredApp, Source, SsoMode
from integrations.identity.tally import SignInTally
from portfolio.analysis.catalogue import catalogue_from_database
from portfolio.analysis.duplicates import load_service_records
from portfolio.models import Organisation
from portfolio.services import create_with_history, update_with_history
from portfolio.text import split_lines

from .choices import DIRECTORY_OF_SOURCE, Decision, IdentitySource, MatchState, SignOnMode
from .matching import MatchKind, match_applications
from .models import DiscoveredApplication, IdentityImport, MeasuredUsage, SchoolPopulation

_SOURCE_MODE = {IdentitySource.GOOGLE_TOKEN: SignOnMode.OAUTH, IdentitySource.GOOGLE_SAML: SignOnMode.SAML}


@dataclass
class IdentityImportReport:
    """What an import read and did (or, in a dry run, would do)."""

    source: str
    file_name: str
    dry_run: bool
    records: int = 0
    applications: int = 0
    new_applications: int = 0
    matched: int = 0
    suggested: int = 0
    unmatched: int = 0
    people: int = 0
    failures: int = 0
    usage_rows: int = 0
    period: tuple[datetime.date, datetime.date] | None = None
    unknown_schools: list[str] = field(default_factory=list)
    identity_import_id: int | None = None


def import_identity_file(
    stream: IO[bytes],
    source: str,
    *,
    file_name: str,
    user=None,
    dry_run: bool = False,
    membership: IO[bytes] | None = None,
    since: datetime.date | None = None,
    until: datetime.date | None = None,
) -> IdentityImportReport:
    """Import one file of ``source``; see the module's docstring for the guarantees."""
    source = IdentitySource(source)
    report = IdentityImportReport(source=source.value, file_name=file_name, dry_run=dry_run)
    with transaction.atomic():
        run = IdentityImport.objects.create(source=source, file_name=file_name[:255], imported_by=user)
        if source == IdentitySource.MEMBERSHIP:
            _import_membership(stream, run, report)
        elif source == IdentitySource.ENTRA_APPS:
            apps = list(entra.read_service_principals(stream))
            _store_applications(apps, source, run, report, user=user)
        else:
            _import_sign_ins(
                stream, source, run, report, user=user, membership=membership, since=since, until=until
            )
        if report.period:
            run.period_start, run.period_end = report.period
        run.records, run.applications = report.records, report.applications
        run.people, run.failures = report.people, report.failures
        run.save()
        report.identity_import_id = run.pk
        if dry_run:
            transaction.set_rollback(True)
            report.identity_import_id = None
    return report


def _import_membership(stream: IO[bytes], run: IdentityImport, report: IdentityImportReport) -> None:
    members = read_membership(stream)
    counts = Counter((m.school_code, m.user_group) for m in members.values())
    schools = _schools({code for code, _group in counts})
    report.records = report.people = len(members)
    report.unknown_schools = sorted({code for code, _group in counts} - set(schools))
    SchoolPopulation.objects.bulk_create(
        SchoolPopulation(organisation_id=schools[code], user_group=group, people=people, identity_import=run)
        for (code, group), people in sorted(counts.items())
        if code in schools
    )


def _schools(codes: Iterable[str]) -> dict[str, int]:
    return dict(
        Organisation.objects.filter(school_unit_code__in=list(codes)).values_list("school_unit_code", "pk")
    )


def _import_sign_ins(
    stream: IO[bytes],
    source: IdentitySource,
    run: IdentityImport,
    report: IdentityImportReport,
    *,
    user,
    membership: IO[bytes] | None,
    since: datetime.date | None,
    until: datetime.date | None,
) -> None:
    members = read_membership(membership) if membership is not None else {}
    tally = SignInTally(members, since=since, until=until)
    if source == IdentitySource.ENTRA_SIGNINS:
        report.records = entra.tally_sign_ins(stream, tally)
    else:
        report.records = google.tally_activities(stream, tally, Source(source.value))
    activity = {a.app_key: a for a in tally.activity()}
    mode = _SOURCE_MODE.get(source, SsoMode.UNKNOWN)
    apps = [
        DiscoveredApp(Source(source.value), a.app_key, a.app_name or a.app_key, mode)
        for a in activity.values()
    ]
    stored = _store_applications(apps, source, run, report, user=user, activity=activity)
    report.people = tally.users_seen
    report.failures = tally.failures_total
    report.period = tally.period
    if report.period is None:
        return
    group_of = {app.key: f"s{app.service_id}" if app.service_id else f"a{app.pk}" for app in stored.values()}
    usage = tally.usage(group_of)
    schools = _schools({u.school_code for u in usage if u.school_code})
    report.unknown_schools = sorted({u.school_code for u in usage if u.school_code} - set(schools))
    directory = DIRECTORY_OF_SOURCE[source]
    start, end = report.period
    # The same period read again replaces what it gave before; other periods stay as history of use.
    MeasuredUsage.objects.filter(directory=directory, period_start=start, period_end=end).delete()
    rows = []
    for count in usage:
        subject = count.app_key
        rows.append(
            MeasuredUsage(
                service_id=int(subject[1:]) if subject.startswith("s") else None,
                application_id=int(subject[1:]) if subject.startswith("a") else None,
                organisation_id=schools.get(count.school_code),
                user_group=count.user_group,
                directory=directory,
                period_start=start,
                period_end=end,
                users=count.users,
                sign_ins=count.sign_ins,
                identity_import=run,
            )
        )
    MeasuredUsage.objects.bulk_create(rows, batch_size=2000)
    report.usage_rows = len(rows)


def _store_applications(
    apps: list[DiscoveredApp],
    source: IdentitySource,
    run: IdentityImport,
    report: IdentityImportReport,
    *,
    user,
    activity: dict | None = None,
) -> dict[str, DiscoveredApplication]:
    """Create or update the discovered applications of ``apps``, then match the undecided ones."""
    directory = DIRECTORY_OF_SOURCE[source]
    existing = {
        a.key: a
        for a in DiscoveredApplication.objects.filter(directory=directory, key__in=[app.key for app in apps])
    }
    created, changed = [], []
    for app in apps:
        stored = existing.get(app.key)
        is_new = stored is None
        if is_new:
            stored = DiscoveredApplication(directory=directory, key=app.key)
        before = _described(stored)
        _describe(stored, app, source, activity.get(app.key) if activity else None)
        if is_new:
            created.append(stored)
        elif _described(stored) != before:
            changed.append(stored)
        existing[app.key] = stored
    rematched = _rematch([a for a in existing.values() if a.decision == Decision.UNDECIDED])
    reason = _("Import från %(source)s: %(file)s") % {"source": source.label, "file": run.file_name}
    if created:
        create_with_history(created, user=user, reason=reason)
    new = {id(a) for a in created}
    to_update = {id(a): a for a in [*changed, *rematched] if id(a) not in new}
    if to_update:
        update_with_history(list(to_update.values()), user=user, reason=reason)
    report.applications = len(apps)
    report.new_applications = len(created)
    states = Counter(a.match for a in existing.values())
    report.matched, report.suggested = states[MatchState.MATCHED], states[MatchState.SUGGESTED]
    report.unmatched = states[MatchState.UNMATCHED]
    return existing


def _described(app: DiscoveredApplication) -> tuple:
    return (
        app.name, app.sign_on_mode, app.enabled, app.publisher, app.first_party, app.urls,
        app.entity_ids, app.scopes, app.first_seen, app.last_seen,
    )  # fmt: skip


def _describe(stored: DiscoveredApplication, app: DiscoveredApp, source: IdentitySource, seen) -> None:
    """Copy what the file says of an application; a sign-in log does not know the sign-on mode."""
    stored.name = app.name[:255]
    if source == IdentitySource.ENTRA_APPS or stored.sign_on_mode == SignOnMode.UNKNOWN:
        stored.sign_on_mode = SignOnMode(app.sso_mode.value)
    if source == IdentitySource.ENTRA_APPS:
        stored.enabled = app.enabled
        stored.publisher = (app.verified_publisher or app.publisher)[:255]
        stored.first_party = app.first_party
        stored.urls = "\n".join(app.urls)
        stored.entity_ids = "\n".join(app.entity_ids)
    if app.scopes:
        stored.scopes = "\n".join(sorted(set(split_lines(stored.scopes)) | set(app.scopes)))
    if seen is not None and seen.last_seen is not None:
        stored.first_seen = min(filter(None, (stored.first_seen, seen.first_seen)))
        stored.last_seen = max(filter(None, (stored.last_seen, seen.last_seen)))


def _rematch(applications: list[DiscoveredApplication]) -> list[DiscoveredApplication]:
    """Match undecided applications against the register; returns those whose match changed."""
    if not applications:
        return []
    records = load_service_records()
    matches = match_applications(
        [a.as_discovered() for a in applications], records, catalogue_from_database()
    )
    changed = []
    for application, match in zip(applications, matches, strict=True):
        state = {
            MatchKind.MATCHED: MatchState.MATCHED,
            MatchKind.SUGGESTED: MatchState.SUGGESTED,
            MatchKind.UNMATCHED: MatchState.UNMATCHED,
        }[match.kind]
        service_id = match.service[1] if match.service else None
        if (application.match, application.service_id, application.match_reason) != (
            state,
            service_id,
            match.reason,
        ):
            application.match, application.service_id, application.match_reason = (
                state,
                service_id,
                match.reason,
            )
            changed.append(application)
    return changed


def rematch_applications(applications: list[DiscoveredApplication], *, user=None, reason: str = "") -> None:
    """Match undecided applications again now (a decision was undone) and save what changed, with history."""
    changed = _rematch([a for a in applications if a.decision == Decision.UNDECIDED])
    if changed:
        update_with_history(changed, user=user, reason=reason)
