"""Reading the register as it stood at an instant, and how a record changed over time.

django-simple-history's ``Model.history.as_of(t)`` gives the old field values, but foreign keys
and reverse relations on those instances point at the *current* rows. A true as-of view must
read every related model from its own history at the same instant. :class:`Snapshot` does that
with one query per model, whatever the number of rows, and every as-of face (GraphQL ``asOf``,
the Article 30 export, the "as it was on" view of a record) reads through it.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils import timezone

__all__ = ["Change", "FieldChange", "Snapshot", "as_of", "changes", "end_of_day"]


def end_of_day(day: datetime.date) -> datetime.datetime:
    """The last instant of ``day`` in the site's time zone: "as of 25 May" includes that day's edits."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.max))


def as_of(model: type[models.Model], when: datetime.datetime) -> models.QuerySet:
    """The rows of ``model`` alive at ``when``, as model instances with the field values of then.

    Do not follow foreign keys on the results (they lead to today's rows): use a Snapshot.
    """
    if isinstance(when, datetime.date) and not isinstance(when, datetime.datetime):
        when = end_of_day(when)
    pk_name = model._meta.pk.attname
    return model.history.as_of(when).order_by(pk_name)


class Snapshot:
    """The whole register, or the parts a caller touches, as it stood at ``when``.

    Each model is loaded once, on first use, with one query; look-ups are then dictionary reads.
    """

    def __init__(self, when: datetime.datetime | datetime.date):
        if isinstance(when, datetime.date) and not isinstance(when, datetime.datetime):
            when = end_of_day(when)
        self.when = when
        self._rows: dict[type[models.Model], dict[Any, models.Model]] = {}
        self._links: dict[tuple[type[models.Model], str], dict[Any, list[Any]]] = {}

    def _load(self, model: type[models.Model]) -> dict[Any, models.Model]:
        if model not in self._rows:
            self._rows[model] = {obj.pk: obj for obj in as_of(model, self.when)}
        return self._rows[model]

    def all(self, model: type[models.Model]) -> list[models.Model]:
        """Every row of ``model`` alive at the snapshot's instant, ordered by primary key."""
        return list(self._load(model).values())

    def get(self, model: type[models.Model], pk: Any) -> models.Model | None:
        """The row ``pk`` of ``model`` as it was, or ``None`` if it did not exist then."""
        if pk is None:
            return None
        return self._load(model).get(pk)

    def related(self, instance: models.Model, field_name: str) -> models.Model | None:
        """What ``instance.<field_name>`` (a foreign key) pointed at, as that row was then."""
        fk = instance._meta.get_field(field_name)
        return self.get(fk.related_model, getattr(instance, fk.attname))

    def links(self, through: type[models.Model], owner_field: str, owner_pk: Any) -> list[Any]:
        """Primary keys of the targets linked to ``owner_pk`` through ``through`` at the instant."""
        key = (through, owner_field)
        if key not in self._links:
            target = _other_foreign_key(through, owner_field)
            index: dict[Any, list[Any]] = defaultdict(list)
            owner_attname = through._meta.get_field(owner_field).attname
            for row in self.all(through):
                index[getattr(row, owner_attname)].append(getattr(row, target.attname))
            self._links[key] = index
        return list(self._links[key].get(owner_pk, []))

    def linked(self, through: type[models.Model], owner_field: str, owner_pk: Any) -> list[models.Model]:
        """The target rows (as they were) linked to ``owner_pk`` through ``through``."""
        target_model = _other_foreign_key(through, owner_field).related_model
        rows = (self.get(target_model, pk) for pk in self.links(through, owner_field, owner_pk))
        return [row for row in rows if row is not None]


def _other_foreign_key(through: type[models.Model], owner_field: str) -> models.ForeignKey:
    candidates = [
        f for f in through._meta.concrete_fields if isinstance(f, models.ForeignKey) and f.name != owner_field
    ]
    if len(candidates) != 1:
        raise ValueError(f"{through.__name__} does not link {owner_field} to exactly one other model")
    return candidates[0]


#
# Field-by-field change history
#


@dataclass
class FieldChange:
    name: str
    label: str
    old: str
    new: str


@dataclass
class Change:
    """One historical record of an object: who did what, when, and which fields changed how."""

    date: datetime.datetime
    user: str
    kind: str  # "+" created, "~" changed, "-" deleted
    reason: str
    version: int | None
    fields: list[FieldChange] = field(default_factory=list)


_IGNORED_FIELDS = {"updated", "created", "search_text", "version", "path"}


def _display(model_field: models.Field, value: Any, labels: dict[Any, str]) -> str:
    if value is None or value == "" or value == []:
        return ""
    if isinstance(model_field, models.ForeignKey):
        return labels.get(value, str(value))
    if model_field.flatchoices:
        return str(dict(model_field.flatchoices).get(value, value))
    item_choices = getattr(model_field, "item_choices", None)
    if item_choices is not None:
        return ", ".join(model_field.labels(value))
    if isinstance(value, bool):
        return "Ja" if value else "Nej"
    return str(value)


def changes(instance: models.Model) -> list[Change]:
    """The history of ``instance``, newest first, with the fields each change touched.

    Two queries: the historical rows (with their users), then the labels of every foreign key
    value that appears, one query per related model.
    """
    records = list(instance.history.select_related("history_user").order_by("-history_date", "-history_id"))
    model = type(instance)
    fields = {
        f.name: f
        for f in model._meta.concrete_fields
        if f.name not in _IGNORED_FIELDS and not f.primary_key
    }
    # Collect foreign-key values to label them in one query per related model.
    wanted: dict[type[models.Model], set[Any]] = defaultdict(set)
    for record in records:
        for f in fields.values():
            if isinstance(f, models.ForeignKey):
                value = getattr(record, f.attname)
                if value is not None:
                    wanted[f.related_model].add(value)
    labels: dict[type[models.Model], dict[Any, str]] = {}
    for related_model, pks in wanted.items():
        rows = related_model._default_manager.filter(pk__in=pks)
        labels[related_model] = {obj.pk: str(obj) for obj in rows}

    result: list[Change] = []
    for newer, older in zip(records, [*records[1:], None], strict=True):
        touched: list[FieldChange] = []
        for name, f in fields.items():
            new_value = getattr(newer, f.attname)
            old_value = getattr(older, f.attname) if older is not None else None
            if older is not None and new_value == old_value:
                continue
            if older is None and newer.history_type == "+" and new_value in (None, "", [], False):
                continue
            field_labels = labels.get(f.related_model, {}) if isinstance(f, models.ForeignKey) else {}
            touched.append(
                FieldChange(
                    name=name,
                    label=str(f.verbose_name),
                    old=_display(f, old_value, field_labels),
                    new=_display(f, new_value, field_labels),
                )
            )
        user = newer.history_user
        result.append(
            Change(
                date=newer.history_date,
                user=(user.get_full_name() or user.get_username()) if user else "",
                kind=newer.history_type,
                reason=newer.history_change_reason or "",
                version=getattr(newer, "version", None),
                fields=touched,
            )
        )
    return result
