"""The demo's history spread over the two years before it was seeded, as a register is built up.

The builder writes every row with a creation history row dated the moment of seeding, so an
``asOf`` question about last year finds nothing and the completeness series is flat. :func:`backdate`
rewrites those dates afterwards: each model's rows are spread evenly, in the order they were
written, over the last :data:`DAYS` days; a row it points to is dated before it (a system before
its usage, a record before its links); and a processing activity is dated before its last review,
so the demo does not show every record "changed since the review".
The rows' own ``created`` and ``updated`` follow their history. Dates are derived from the rows'
order alone, so the same seed gives the same history (relative to the day it is built).
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.db import connection, models
from django.utils import timezone

__all__ = ["DAYS", "backdate"]

#: How far back the demo register starts.
DAYS = 730
#: A row pointing to another is dated at least this long after it.
AFTER_PARENT = datetime.timedelta(minutes=10)


def _start_of_register(now: datetime.datetime) -> datetime.datetime:
    first_day = timezone.localtime(now).date() - datetime.timedelta(days=DAYS)
    return timezone.make_aware(datetime.datetime.combine(first_day, datetime.time(8, 0)))


def backdate(written: Sequence[type[models.Model]], *, now: datetime.datetime) -> None:
    """Re-date the creation history (and ``created``/``updated``) of the rows of ``written``.

    ``written`` is the models in the order the builder wrote them, parents before children. Each
    model's rows are first spread evenly over the window in their order; then, children first,
    every row pulls the rows it points to back to before itself: a parent exists before its
    earliest child, and the children keep their even spread.
    """
    start = _start_of_register(now)
    first = start + datetime.timedelta(days=1)  # the children's spread starts after the skeleton
    span = (now - datetime.timedelta(days=1)) - first
    dates: dict[type[models.Model], dict[int, datetime.datetime]] = {}
    links: dict[type[models.Model], list[tuple[models.Field, list[tuple[int, int | None]]]]] = {}
    for model in written:
        review = any(f.name == "last_reviewed_on" for f in model._meta.fields)
        columns = ("pk", "last_reviewed_on" if review else "pk")
        rows = list(model._default_manager.order_by("pk").values_list(*columns))
        own = {}
        for index, (pk, reviewed_on) in enumerate(rows):
            date = first + span * (index / max(len(rows), 1))
            if review and reviewed_on is not None:
                # Written before its review, so the review covers it (a review older than the
                # register, a planted stale one, leaves the record changed since).
                before_review = timezone.make_aware(
                    datetime.datetime.combine(reviewed_on - datetime.timedelta(days=1), datetime.time(15, 0))
                )
                date = max(min(date, before_review), start)
            own[pk] = date
        dates[model] = own
        parents = [
            f
            for f in model._meta.concrete_fields
            if f.is_relation and f.many_to_one and f.related_model in dates and f.related_model is not model
        ]
        links[model] = [
            (f, list(model._default_manager.values_list("pk", f.attname))) for f in parents
        ]
    for model in reversed(written):
        for f, pairs in links[model]:
            parent_dates = dates[f.related_model]
            for pk, parent_pk in pairs:
                if parent_pk is not None and parent_pk in parent_dates:
                    latest = dates[model][pk] - AFTER_PARENT
                    if parent_dates[parent_pk] > latest:
                        parent_dates[parent_pk] = latest
    for model in written:
        _write(model, dates[model])


def _write(model: type[models.Model], dates: dict[int, datetime.datetime]) -> None:
    if not dates:
        return
    quote = connection.ops.quote_name
    adapt = connection.ops.adapt_datetimefield_value
    history = model.history.model
    pk_column = model._meta.pk.column
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {quote(history._meta.db_table)} SET {quote('history_date')} = %s "
            f"WHERE {quote(pk_column)} = %s AND {quote('history_type')} = '+'",
            [(adapt(date), pk) for pk, date in dates.items()],
        )
        stamps = [f.column for f in model._meta.concrete_fields if f.name in ("created", "updated")]
        if stamps:
            assignments = ", ".join(f"{quote(column)} = %s" for column in stamps)
            cursor.executemany(
                f"UPDATE {quote(model._meta.db_table)} SET {assignments} WHERE {quote(pk_column)} = %s",
                [(*([adapt(date)] * len(stamps)), pk) for pk, date in dates.items()],
            )
