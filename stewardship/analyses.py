"""The analysis suite the dashboard and the analysis pages show, computed once per register state.

The analyses are set-based but read the whole register: at demo scale 30 the whole suite takes
tens of seconds. So their results are kept (``analysis_cache``: in the database, shared by every
server process, surviving restarts) under the *state* they were computed from: the register's
fingerprint (the newest history row of every table), the day and the analysis code.

Two ways to read them:

* **Exact** (:meth:`Analyses.get`) — the analysis pages, a system's GDPR findings: a result of
  the current state, computed now if none is stored. Where a user acts on a finding, what is
  shown must be what is true.
* **Last known** (:meth:`Analyses.preload`) — the dashboard: whatever was computed last, at once.
  When the register has changed since, the page says so and a refresh runs off the request path
  (:func:`schedule_refresh`: a background task, ``stewardship.tasks.refresh_analyses_task``). Only
  when nothing was ever computed does the request compute.

``stewardship`` may compose ``portfolio`` and ``gdpr`` (it stands where ``integrations`` does),
so the suite is declared here, and ``insights`` (the pages) and ``manage.py refresh_analyses`` read it.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.utils import timezone, translation

import gdpr.completeness
import gdpr.gaps
import portfolio.analysis
import portfolio.history
import stewardship.completeness
from analysis_cache import store
from gdpr.gaps import find_gaps
from portfolio import evidence
from portfolio.analysis import equity_matrix, find_duplicates, pm3_gaps, sso_coverage, standardisation_report
from stewardship.completeness import completeness_summary

__all__ = [
    "REFRESHED",
    "REFRESH_HOOKS",
    "SUITE",
    "Analyses",
    "RefreshResult",
    "TopCandidates",
    "analysis_state",
    "dashboard_analyses",
    "refresh_analyses",
    "register_fingerprint",
    "run_refresh_hooks",
    "schedule_refresh",
]

logger = logging.getLogger(__name__)


#
# What identifies a state of the register
#


def register_fingerprint() -> tuple:
    """What identifies the register's current state: the newest history row of every table.

    Every write goes through history (docs/architecture.md, principle 4), so any change moves the newest
    history id and date of its table; measured evidence (``portfolio.evidence.fingerprint_sql``) adds
    what identifies its own state. One query, an index look-up per table.
    """
    selects = []
    for model in apps.get_models():
        if model._meta.app_label not in ("portfolio", "gdpr") or not model.__name__.startswith("Historical"):
            continue
        table = connection.ops.quote_name(model._meta.db_table)
        selects.append(f"SELECT MAX(history_id), MAX(history_date) FROM {table}")
    # Measured evidence (sign-in logs) keeps no history: its provider says what identifies it.
    selects.extend(evidence.fingerprint_sql())
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(selects))
        return tuple((row[0], str(row[1])) for row in cursor.fetchall())


def _code_digest() -> str:
    # The shipped product catalogue is evidence the duplicate finder weighs like code: a new
    # version of it must count as new analysis code, or stale clusters would be shown.
    catalogue = Path(portfolio.__file__).parent / "data" / "product_catalogue.json"
    code = store.source_digest(
        portfolio.analysis, portfolio.history, gdpr.gaps, gdpr.completeness, stewardship.completeness
    )
    return hashlib.sha256(code.encode() + catalogue.read_bytes()).hexdigest()[:16]


def analysis_state(fingerprint: tuple, today: datetime.date) -> str:
    """The state a result is computed from: register, day (ages, active contracts) and analysis code."""
    return hashlib.sha256(repr((fingerprint, today.isoformat(), _code_digest())).encode()).hexdigest()[:32]


def _language() -> str:
    return translation.get_language() or settings.LANGUAGE_CODE


#
# The suite: every analysis a page shows, by name
#


class _Run:
    """One computation of (part of) the suite: each analysis at most once, dependencies shared.

    ``progress`` is called after each analysis: a refresh renews its lease there, so a worker that
    dies mid-refresh holds it for at most ``store.LEASE_TIMEOUT`` after its last analysis.
    """

    def __init__(self, progress: Callable[[], Any] | None = None) -> None:
        self.values: dict[str, Any] = {}
        self.seconds: dict[str, float] = {}
        self.progress = progress

    def get(self, name: str) -> Any:
        if name not in self.values:
            started = time.perf_counter()
            self.values[name] = SUITE[name](self)
            self.seconds[name] = time.perf_counter() - started
            if self.progress is not None:
                self.progress()
        return self.values[name]


def _gap_counts(run: _Run) -> dict[tuple[str, int], int]:
    # gdpr.gaps.gap_counts_by_service() would run the gap rules again; count the same way from
    # the findings this run already has.
    counts: dict[tuple[str, int], int] = defaultdict(int)
    for finding in run.get("find_gaps"):
        for key in set(finding.services):
            counts[key] += 1
    return dict(counts)


@dataclass
class TopCandidates:
    """What the dashboard shows of a standardisation report: the best five and how many there are.

    A whole report at scale 30 pickles to megabytes (every overlapping service with its
    schools); the dashboard reads its results on every render, so it reads this instead.
    """

    candidates: list
    count: int
    cost_year: int


def _top_candidates(report) -> TopCandidates:
    # The dashboard shows a candidate's subject, keep, phase-out and saving, not the options to
    # choose from (on a large register one capability has hundreds).
    top = [replace(candidate, options=[]) for candidate in report.candidates[:5]]
    return TopCandidates(top, len(report.candidates), report.cost_year)


def _completeness_overview(months: int):
    # The dashboard shows aggregates only; every record's result is the review round's and
    # GraphQL's business (they compute their own), and would be most of what is stored.
    return replace(completeness_summary(months=months), records={})


#: Every analysis the pages show, by the name it is stored under. A duplicates list without test
#: environments is the full list filtered; the standardisation report with GDPR gaps weighs the
#: GDPR facts (open and serious gaps, missing processor agreements) of the same run's findings.
SUITE: dict[str, Callable[[_Run], Any]] = {
    "find_gaps": lambda run: find_gaps(),
    "gap_counts_by_service": _gap_counts,
    "sso_coverage": lambda run: sso_coverage(),
    "find_duplicates:True": lambda run: find_duplicates(include_test_environments=True),
    "find_duplicates:False": lambda run: [c for c in run.get("find_duplicates:True") if c.is_duplicate],
    "gdpr_facts_by_service": lambda run: gdpr.gaps.gdpr_facts_by_service(run.get("find_gaps")),
    "standardisation_report:True": lambda run: standardisation_report(
        gdpr_facts=run.get("gdpr_facts_by_service"), clusters=run.get("find_duplicates:True")
    ),
    "standardisation_report:False": lambda run: standardisation_report(
        gap_counts=None, clusters=run.get("find_duplicates:True")
    ),
    "pm3_gaps": lambda run: pm3_gaps(),
    "equity_matrix": lambda run: equity_matrix(),
    "completeness:12": lambda run: completeness_summary(months=12),
    "standardisation_top:True": lambda run: _top_candidates(run.get("standardisation_report:True")),
    "standardisation_top:False": lambda run: _top_candidates(run.get("standardisation_report:False")),
    "completeness_overview:12": lambda run: _completeness_overview(12),
}

#: What a refresh computes and stores: every page's analyses (the full completeness summary,
#: with every record, is left to be computed when something asks for it).
REFRESHED = tuple(name for name in SUITE if name != "completeness:12")


def dashboard_analyses(sees_gdpr: bool) -> list[str]:
    """What the dashboard shows a user; without GDPR permission no gap figures, not even weighed in."""
    names = [
        "sso_coverage",
        "find_duplicates:False",
        f"standardisation_top:{sees_gdpr}",
        "pm3_gaps",
        "completeness_overview:12",
    ]
    return [*names, "find_gaps"] if sees_gdpr else names


#
# Results kept in this process: the database holds them for all processes, this saves unpickling
#


@dataclass
class _Kept:
    state: str
    computed_at: datetime.datetime
    value: Any


_MEMORY: dict[tuple[str, str], _Kept] = {}
_MEMORY_LOCK = threading.Lock()


def _remember(name: str, language: str, kept: _Kept) -> None:
    with _MEMORY_LOCK:
        _MEMORY[(name, language)] = kept


def _remembered(name: str, language: str) -> _Kept | None:
    with _MEMORY_LOCK:
        return _MEMORY.get((name, language))


def forget_all() -> None:
    """Empty this process's copies (the stored results stay): the benchmark's "new process"."""
    with _MEMORY_LOCK:
        _MEMORY.clear()


#
# Refreshing
#


@dataclass
class RefreshResult:
    """What a refresh did: whether it computed, how long each analysis took, and the values."""

    language: str
    computed: bool
    reason: str  # "computed", "current" (nothing to do) or "busy" (another process refreshes)
    seconds: dict[str, float]  # per analysis, including what it waited for (its dependencies)
    values: dict[str, Any]
    elapsed: float = 0.0  # the whole refresh, wall time


def refresh_analyses(language: str | None = None, *, names: Iterable[str] | None = None) -> RefreshResult:
    """Compute the suite for the register as it is now and store it, unless it is stored already.

    Safe to run from several processes at once: a lease in the database lets one compute and the
    others return at once ("busy"); one that gets the lease after another has finished finds the
    results current and does nothing. Without the lease (``names`` missing entirely, the first
    render ever) it computes anyway: storing the same state twice is harmless. The holder renews
    the lease after every analysis and gives it back however it ends (an exception included); a
    holder killed outright leaves it to expire ``store.LEASE_TIMEOUT`` after its last renewal.
    """
    language = language or _language()
    wanted = list(names or REFRESHED)
    clock = time.perf_counter()
    with translation.override(language):
        lease = store.claim_lease(language)
        try:
            today = timezone.localdate()
            started = timezone.now()
            state = analysis_state(register_fingerprint(), today)
            stored_states = store.states(wanted, language)
            missing = [name for name in wanted if name not in stored_states]
            if all(stored_states.get(name) == state for name in wanted):
                return RefreshResult(language, False, "current", {}, {})
            if lease is None and not missing:
                return RefreshResult(language, False, "busy", {}, {})
            run = _Run(progress=(lambda: store.renew_lease(language, lease)) if lease is not None else None)
            for name in wanted:
                run.get(name)
            values = {name: run.values[name] for name in wanted}
            computed_at = store.save(
                values, language=language, state=state, computed_from=started, seconds=run.seconds
            )
            for name, value in values.items():
                _remember(name, language, _Kept(state, computed_at, value))
            return RefreshResult(
                language, True, "computed", run.seconds, values, elapsed=time.perf_counter() - clock
            )
        finally:
            if lease is not None:
                store.release_lease(language, lease)


#: What other apps keep in the store beside the suite (planning's capability map facts): callables
#: ``(language) -> Any`` that bring their own results up to the register as it is now and do
#: nothing when they are current. The background refresh and ``manage.py refresh_analyses`` run
#: them after the suite, so they may read the suite's results of the same state (``Analyses.get``)
#: instead of computing them again. A seam (docs/architecture.md): the apps above stewardship
#: register in their ``AppConfig.ready()``.
REFRESH_HOOKS: list[Callable[[str], Any]] = []


def run_refresh_hooks(language: str) -> None:
    """Run :data:`REFRESH_HOOKS` for ``language``; one that fails is logged and stops no other."""
    for hook in REFRESH_HOOKS:
        try:
            hook(language)
        except Exception:
            logger.exception("Refresh hook %s failed (%s)", getattr(hook, "__qualname__", hook), language)


#: When this process last enqueued a refresh, by (language, state): a page rendered many times
#: before a worker gets to the refresh enqueues it once, and again only if that one seems lost.
_ENQUEUED: dict[tuple[str, str], float] = {}


def schedule_refresh(language: str | None = None, state: str | None = None) -> None:
    """Refresh the suite off the request path, as ``settings.ANALYSES_REFRESH`` says.

    ``"task"`` (the default): enqueue ``stewardship.tasks.refresh_analyses_task`` on the Tasks
    backend (``settings.TASKS``: the database worker, RQ, or in the tests the immediate backend that
    runs it here and now). ``"command"``: not at all; only ``manage.py refresh_analyses`` or the
    nightly tasks (cron) refresh. ``state`` is the register state the caller saw out of date.
    """
    language = language or _language()
    mode = getattr(settings, "ANALYSES_REFRESH", "task")
    if mode == "command":
        return
    if mode != "task":
        raise ImproperlyConfigured(f"ANALYSES_REFRESH must be 'task' or 'command', not {mode!r}.")
    from stewardship.tasks import refresh_analyses_task

    state = state or analysis_state(register_fingerprint(), timezone.localdate())
    key, now = (language, state), time.monotonic()
    window = store.LEASE_TIMEOUT.total_seconds()
    with _MEMORY_LOCK:
        last = _ENQUEUED.get(key)
        if last is not None and now - last < window:
            return
        for old_key in [k for k, at in _ENQUEUED.items() if now - at >= window]:
            del _ENQUEUED[old_key]  # states long past: keep the memo small in a long-lived process
        _ENQUEUED[key] = now
    try:
        result = refresh_analyses_task.enqueue(language)
    except Exception:
        with _MEMORY_LOCK:
            _ENQUEUED.pop(key, None)
        logger.exception("Could not enqueue the refresh of the analyses (%s)", language)
        return
    if result.is_finished:  # run already (the immediate backend): nothing waits in a queue
        with _MEMORY_LOCK:
            _ENQUEUED.pop(key, None)


#
# Reading
#


class Analyses:
    """The analyses of one request, each read or computed at most once."""

    def __init__(self) -> None:
        self.fingerprint = register_fingerprint()
        self.today = timezone.localdate()
        self.language = _language()
        self.state = analysis_state(self.fingerprint, self.today)
        self._values: dict[str, Any] = {}
        self._run = _Run()
        #: After :meth:`preload`: whether what it gave is of the current state, and from when.
        self.current = True
        self.computed_from: datetime.datetime | None = None

    def get(self, name: str) -> Any:
        """The result of ``name`` for the register as it is now (exact: computed if none is stored)."""
        if name in self._values:
            return self._values[name]
        kept = _remembered(name, self.language)
        if kept is not None and kept.state == self.state:
            value = kept.value
        else:
            stored = store.load([name], self.language).get(name)
            value = stored.value() if stored is not None and stored.state == self.state else None
            if value is not None:
                _remember(name, self.language, _Kept(stored.state, stored.computed_at, value))
            else:
                started = timezone.now()
                value = self._run.get(name)
                computed_at = store.save(
                    {name: value}, language=self.language, state=self.state, computed_from=started,
                    seconds={name: self._run.seconds.get(name, 0.0)},
                )
                _remember(name, self.language, _Kept(self.state, computed_at, value))
        self._values[name] = value
        return value

    def preload(self, names: Iterable[str], *, schedule: bool = True) -> None:
        """Read the last computed results of ``names`` at once, current or not (the dashboard).

        One query. If any is older than the register, :attr:`current` turns false,
        :attr:`computed_from` says which state of the register they describe, and a refresh is
        scheduled (unless ``schedule`` is false: the caller then schedules it, e.g. once its page
        is rendered). Only if one was never computed (or cannot be read) is the suite computed here.
        """
        names = list(names)
        stored = store.load(names, self.language)
        values: dict[str, Any] = {}
        for name in names:
            row = stored.get(name)
            if row is None:
                break
            kept = _remembered(name, self.language)
            if kept is not None and (kept.state, kept.computed_at) == (row.state, row.computed_at):
                values[name] = kept.value
                continue
            value = row.value()
            if value is None:
                break
            _remember(name, self.language, _Kept(row.state, row.computed_at, value))
            values[name] = value
        if len(values) < len(names):
            # Nothing to show yet: compute here (once per installation and language; `migrate`
            # followed by `refresh_analyses`, or `seed_demo`, spares even that).
            result = refresh_analyses(self.language)
            if result.computed:
                values = {name: result.values[name] for name in names}
            else:  # another process stored them meanwhile, or they were current after all
                values = {name: self.get(name) for name in names}
            self._values.update(values)
            return
        self._values.update(values)
        self.computed_from = min(stored[name].computed_from for name in names)
        self.current = all(stored[name].state == self.state for name in names)
        if not self.current and schedule:
            schedule_refresh(self.language, self.state)

    def gaps(self):
        return self.get("find_gaps")

    def gap_counts(self):
        return self.get("gap_counts_by_service")

    def coverage(self):
        return self.get("sso_coverage")

    def duplicates(self, include_test_environments: bool = False):
        return self.get(f"find_duplicates:{include_test_environments}")

    def standardisation(self, with_gaps: bool):
        return self.get(f"standardisation_report:{with_gaps}")

    def standardisation_top(self, with_gaps: bool) -> TopCandidates:
        return self.get(f"standardisation_top:{with_gaps}")

    def pm3(self):
        return self.get("pm3_gaps")

    def equity(self):
        return self.get("equity_matrix")

    def completeness(self, months: int = 12):
        if f"completeness:{months}" not in SUITE:
            return completeness_summary(months=months)
        return self.get(f"completeness:{months}")

    def completeness_overview(self):
        """The register's completeness as the dashboard shows it: aggregates, no per-record results."""
        return self.get("completeness_overview:12")
