"""Distinct users per service, school and user group, counted from a stream of sign-ins.

A month of sign-ins for 40,000 people is millions of rows, so the tally works on batches of
already-filtered sign-ins with numpy and pandas rather than a Python loop per row: each user and
application gets an integer code, a batch becomes an array of (application, user) pair codes,
and only the distinct pairs with their sign-in counts are kept. Memory grows with the number of
distinct pairs (people × the services each uses), not with the number of rows.

User identifiers live only in this object's memory, as the keys of the code table; what leaves
it (:meth:`SignInTally.usage`, :meth:`SignInTally.activity`) carries counts, never identifiers.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .records import Membership

#: The school code and user group of sign-ins by people the membership file does not know.
UNKNOWN_SCHOOL = ""
UNKNOWN_GROUP = "okand"

_USER_BITS = 32
_CONSOLIDATE_AT = 2_000_000


@dataclass(frozen=True)
class UsageCount:
    """How many distinct people of one user group at one school used an application."""

    app_key: str
    school_code: str
    user_group: str
    users: int
    sign_ins: int


@dataclass(frozen=True)
class AppActivity:
    """One application's sign-ins over the whole file: volume, people and first and last day."""

    app_key: str
    app_name: str
    sign_ins: int
    failures: int
    users: int
    first_seen: datetime.date | None
    last_seen: datetime.date | None


def normalise_user(value: str) -> str:
    """The key a user is counted by: the sign-in name or e-mail address, case-folded."""
    return value.strip().casefold()


class SignInTally:
    """Counts successful sign-ins per application and distinct users per school and group.

    ``since``/``until`` (inclusive dates) bound the period counted; sign-ins outside it are
    counted in :attr:`outside_period` and otherwise ignored. ``membership`` maps a normalised
    user key to where the user belongs.
    """

    def __init__(
        self,
        membership: Mapping[str, Membership] | None = None,
        *,
        since: datetime.date | None = None,
        until: datetime.date | None = None,
    ) -> None:
        self.membership = membership or {}
        self.since = np.datetime64(since, "D") if since else None
        self.until = np.datetime64(until, "D") if until else None
        self.rows_counted = 0
        self.failures_total = 0
        self.outside_period = 0
        self._app_codes: dict[str, int] = {}
        self._app_names: list[str] = []
        self._user_codes: dict[str, int] = {}
        self._pairs: list[np.ndarray] = []
        self._pair_counts: list[np.ndarray] = []
        self._pending = 0
        self._first: dict[int, np.datetime64] = {}
        self._last: dict[int, np.datetime64] = {}
        self._failures: dict[int, int] = {}

    # Reading ---------------------------------------------------------------------------------

    def add_batch(
        self,
        app_keys: Sequence[str],
        app_names: Sequence[str],
        users: Sequence[str],
        days: Sequence[str] | np.ndarray,
    ) -> None:
        """Count a batch of successful sign-ins; ``days`` are ISO dates or ``datetime64[D]``."""
        if not len(app_keys):
            return
        day = np.asarray(days, dtype="datetime64[D]")
        keep = self._within_period(day)
        apps = np.asarray(app_keys, dtype=object)
        names = np.asarray(app_names, dtype=object)
        people = np.asarray(users, dtype=object)
        if keep is not None:
            apps, names, people, day = apps[keep], names[keep], people[keep], day[keep]
        if not len(apps):
            return
        app = self._encode_apps(apps, names)
        user = self._encode(people, self._user_codes, normalise_user)
        pairs = (app << _USER_BITS) | user
        unique, counts = np.unique(pairs, return_counts=True)
        self._pairs.append(unique)
        self._pair_counts.append(counts)
        self._pending += len(unique)
        if self._pending > _CONSOLIDATE_AT:
            self._consolidate()
        span = pd.DataFrame({"app": app, "day": day}).groupby("app")["day"].agg(["min", "max"])
        for code, first, last in zip(
            span.index.tolist(), span["min"].to_numpy(), span["max"].to_numpy(), strict=True
        ):
            if code not in self._first or first < self._first[code]:
                self._first[code] = first
            if code not in self._last or last > self._last[code]:
                self._last[code] = last
        self.rows_counted += len(apps)

    def add_failures(self, app_keys: Sequence[str], app_names: Sequence[str]) -> None:
        """Count failed sign-ins (wrong password, blocked, interrupted): not use of the service."""
        if not len(app_keys):
            return
        codes = self._encode_apps(np.asarray(app_keys, dtype=object), np.asarray(app_names, dtype=object))
        for code, count in zip(*np.unique(codes, return_counts=True), strict=True):
            self._failures[int(code)] = self._failures.get(int(code), 0) + int(count)
        self.failures_total += len(app_keys)

    def _within_period(self, day: np.ndarray) -> np.ndarray | None:
        """A mask of the days inside the period, or None when every day is."""
        if self.since is None and self.until is None:
            return None
        keep = np.ones(len(day), dtype=bool)
        if self.since is not None:
            keep &= day >= self.since
        if self.until is not None:
            keep &= day <= self.until
        self.outside_period += int((~keep).sum())
        return keep

    def _encode_apps(self, keys: np.ndarray, names: np.ndarray) -> np.ndarray:
        before = len(self._app_codes)
        codes = self._encode(keys, self._app_codes)
        if len(self._app_codes) > before:
            self._app_names.extend([""] * (len(self._app_codes) - before))
            for code, name in zip(codes.tolist(), names.tolist(), strict=True):
                if not self._app_names[code] and name:
                    self._app_names[code] = name
        return codes

    @staticmethod
    def _encode(
        values: np.ndarray, table: dict[str, int], normalise: Callable[[str], str] | None = None
    ) -> np.ndarray:
        """Integer codes for ``values``, stable across batches; ``normalise`` runs once per value."""
        local, uniques = pd.factorize(values)
        mapping = np.empty(len(uniques), dtype=np.int64)
        for index, value in enumerate(uniques.tolist()):
            if normalise is not None:
                value = normalise(value)
            code = table.get(value)
            if code is None:
                code = table[value] = len(table)
            mapping[index] = code
        return mapping[local]

    def _consolidate(self) -> None:
        if len(self._pairs) <= 1:
            return
        pairs = np.concatenate(self._pairs)
        counts = np.concatenate(self._pair_counts)
        unique, inverse = np.unique(pairs, return_inverse=True)
        self._pairs = [unique]
        self._pair_counts = [np.bincount(inverse, weights=counts).astype(np.int64)]
        self._pending = len(unique)

    # Results ---------------------------------------------------------------------------------

    @property
    def users_seen(self) -> int:
        """How many distinct people signed in successfully at all."""
        return len(self._user_codes)

    @property
    def period(self) -> tuple[datetime.date, datetime.date] | None:
        """The first and last day with a counted sign-in, or None for an empty file."""
        if not self._first:
            return None
        return _date(min(self._first.values())), _date(max(self._last.values()))

    def _pair_frame(self) -> pd.DataFrame:
        self._consolidate()
        if not self._pairs:
            return pd.DataFrame({"app": [], "user": [], "sign_ins": []}, dtype=np.int64)
        pairs, counts = self._pairs[0], self._pair_counts[0]
        return pd.DataFrame(
            {"app": pairs >> _USER_BITS, "user": pairs & ((1 << _USER_BITS) - 1), "sign_ins": counts}
        )

    def usage(self, group_of: Mapping[str, str] | None = None) -> list[UsageCount]:
        """Distinct users and sign-ins per application, school and user group.

        ``group_of`` maps application keys to the key they are counted under, so that the
        applications of one service (Teams and "Teams Web Client") count each person once;
        ``UsageCount.app_key`` is then the group's key. Unmapped applications count alone.
        """
        frame = self._pair_frame()
        if frame.empty:
            return []
        keys = list(self._app_codes)
        if group_of:
            groups = [group_of.get(key, key) for key in keys]
            group_codes, keys = pd.factorize(np.asarray(groups, dtype=object))
            keys = list(keys)
            frame["app"] = group_codes[frame["app"].to_numpy()]
            frame = frame.groupby(["app", "user"], as_index=False, sort=False)["sign_ins"].sum()
        schools = np.empty(len(self._user_codes), dtype=object)
        groups = np.empty(len(self._user_codes), dtype=object)
        for user, code in self._user_codes.items():
            member = self.membership.get(user)
            schools[code] = member.school_code if member else UNKNOWN_SCHOOL
            groups[code] = member.user_group if member else UNKNOWN_GROUP
        frame["school"] = schools[frame["user"].to_numpy()]
        frame["group"] = groups[frame["user"].to_numpy()]
        grouped = frame.groupby(["app", "school", "group"], sort=True).agg(
            users=("user", "size"), sign_ins=("sign_ins", "sum")
        )
        return [
            UsageCount(keys[app], school, group, int(row.users), int(row.sign_ins))
            for (app, school, group), row in zip(grouped.index, grouped.itertuples(), strict=True)
        ]

    def activity(self) -> list[AppActivity]:
        """Each application's totals over the counted period, including failed sign-ins."""
        frame = self._pair_frame()
        totals = frame.groupby("app").agg(users=("user", "size"), sign_ins=("sign_ins", "sum"))
        keys = list(self._app_codes)
        result = []
        for code, key in enumerate(keys):
            if code in totals.index:
                users, sign_ins = int(totals.at[code, "users"]), int(totals.at[code, "sign_ins"])
            else:
                users = sign_ins = 0
            first, last = self._first.get(code), self._last.get(code)
            result.append(
                AppActivity(
                    app_key=key,
                    app_name=self._app_names[code],
                    sign_ins=sign_ins,
                    failures=self._failures.get(code, 0),
                    users=users,
                    first_seen=_date(first) if first is not None else None,
                    last_seen=_date(last) if last is not None else None,
                )
            )
        return result


def _date(value: np.datetime64) -> datetime.date:
    return value.astype("datetime64[D]").astype(datetime.date)
