"""Writes to the register: the one path used by web forms, GraphQL mutations and imports.

Every write goes through here so that it is atomic, versioned (a stale edit is refused rather
than silently overwriting someone else's) and recorded in history with the acting user.
"""

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from django.db import connections, models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

__all__ = [
    "MissingVersionError",
    "StaleEditError",
    "claim_version",
    "create_with_history",
    "update_with_history",
    "delete_versioned",
    "save_changed_forms",
    "save_form",
    "set_links",
    "stamp_history",
    "version_from_request",
]


class StaleEditError(Exception):
    """Raised when an edit names a version older than the stored one."""

    def __init__(self, instance: models.Model, expected: int, current: int):
        self.instance = instance
        self.expected = expected
        self.current = current
        super().__init__(
            _(
                "Posten har ändrats av någon annan sedan du läste den (du läste version %(expected)s, "
                "nu är den version %(current)s). Läs in den igen och gör om ändringen."
            )
            % {"expected": expected, "current": current}
        )


class MissingVersionError(StaleEditError):
    """An edit of an existing record that does not say which version it read.

    Without it the edit could not be checked against later saves and might overwrite them, so
    the web faces refuse it (imports, which match and write in one transaction, do not need it).
    """

    def __init__(self, instance: models.Model):
        self.instance = instance
        self.expected = None
        self.current = getattr(instance, "version", None)
        Exception.__init__(
            self,
            _(
                "Ändringen saknar uppgift om vilken version du läste. "
                "Läs in posten igen och gör om ändringen."
            ),
        )


def version_from_request(raw: str | None, instance: models.Model | None) -> int | None:
    """The version a submitted edit of ``instance`` was based on; required when ``instance`` exists."""
    if instance is None or instance.pk is None:
        return None
    raw = (raw or "").strip()
    if not raw.isdigit():
        raise MissingVersionError(instance)
    return int(raw)


def stamp_history(instance: models.Model, user=None, reason: str = "") -> None:
    """Tell simple-history who makes the next save or delete of ``instance``, and why.

    In a request the history middleware already knows the user; commands and imports have no
    request, so they pass the user explicitly.
    """
    if user is not None and getattr(user, "is_authenticated", False):
        instance._history_user = user
    if reason:
        instance._change_reason = reason[:100]


def claim_version(instance: models.Model, expected_version: int | None) -> None:
    """Atomically move the stored version one step on, refusing if it is not ``expected_version``.

    The conditional UPDATE takes the row's write lock on PostgreSQL and the database write lock on
    SQLite, so two concurrent edits of the same version cannot both pass.
    """
    model = type(instance)
    rows = model._default_manager.filter(pk=instance.pk)
    if expected_version is not None:
        rows = rows.filter(version=expected_version)
    claimed = rows.update(version=F("version") + 1)
    current = model._default_manager.filter(pk=instance.pk).values_list("version", flat=True).first()
    if not claimed:
        raise StaleEditError(instance, expected_version or 0, current or 0)
    instance.version = current


def save_form(form, *, user=None, expected_version: int | None = None, reason: str = "") -> models.Model:
    """Save a valid ``RegisterForm`` (instance and links) atomically, versioned and with history."""
    if not form.is_valid():
        raise ValueError("save_form needs a valid form")
    with transaction.atomic():
        instance = form.save(commit=False)
        if instance.pk and hasattr(instance, "version"):
            claim_version(instance, expected_version)
        stamp_history(instance, user, reason)
        instance.save()
        form.save_links(user=user, reason=reason)
    return instance


def save_changed_forms(forms: Iterable, *, user=None, reason: str = "") -> int:
    """Save every valid form whose own fields changed, all or none; return how many were saved.

    For a page that edits several records at once (the users per school of a service): one
    transaction, and each record versioned by the ``version`` field its form was read at, so a
    record someone else changed in between refuses the whole set (``StaleEditError``). A form
    whose only change is its version (the record was saved elsewhere, the user changed nothing
    here) is left alone.
    """
    saved = 0
    with transaction.atomic():
        for form in forms:
            if not set(form.changed_data) - {"version"}:
                continue
            save_form(form, user=user, expected_version=form.cleaned_data["version"], reason=reason)
            saved += 1
    return saved


def delete_versioned(
    instance: models.Model, *, user=None, expected_version: int | None = None, reason: str = ""
) -> None:
    """Delete ``instance`` if it is still at ``expected_version``; history keeps the deletion."""
    with transaction.atomic():
        if hasattr(instance, "version"):
            claim_version(instance, expected_version)
        stamp_history(instance, user, reason)
        instance.delete()


def set_links(
    owner: models.Model,
    through: type[models.Model],
    owner_field: str,
    target_field: str,
    targets: Iterable[models.Model] | Mapping[models.Model, Mapping[str, Any]],
    *,
    user=None,
    reason: str = "",
    within: Mapping[str, Any] | None = None,
) -> bool:
    """Make ``owner``'s links in ``through`` exactly ``targets``; return whether anything changed.

    ``within`` limits the links considered to those matching it (``{"service__kind": …}``), so
    that setting an activity's systems leaves its learning resources alone.

    Rows are created and deleted one by one (never ``.set()``/``bulk_create``) so that each link
    change lands in the through model's own history, which is what an as-of read relies on.
    ``targets`` may map each target to extra field values (e.g. ``{"users": 120}``).
    """
    wanted: dict[int, tuple[models.Model, Mapping[str, Any]]] = {}
    if isinstance(targets, Mapping):
        wanted = {t.pk: (t, dict(extra)) for t, extra in targets.items()}
    else:
        wanted = {t.pk: (t, {}) for t in targets}
    existing = {
        getattr(row, f"{target_field}_id"): row
        for row in through._default_manager.filter(**{owner_field: owner}, **(within or {}))
    }
    changed = False
    for pk, row in existing.items():
        if pk not in wanted:
            stamp_history(row, user, reason)
            row.delete()
            changed = True
    for pk, (target, extra) in wanted.items():
        row = existing.get(pk)
        if row is None:
            row = through(**{owner_field: owner, target_field: target}, **extra)
        elif all(getattr(row, k) == v for k, v in extra.items()):
            continue
        else:
            for key, value in extra.items():
                setattr(row, key, value)
        stamp_history(row, user, reason)
        row.save()
        changed = True
    return changed


def _lower_email(person: models.Model) -> None:
    person.email = person.email.strip().lower()


def _what_save_derives() -> dict[Callable, tuple[tuple[str, Callable[[models.Model], None]], ...]]:
    """For each ``save()`` a bulk write may stand in for, the fields it derives and how.

    ``bulk_create`` calls neither ``save()`` nor its signals, so what a model's ``save()`` derives
    (the folded search column, a lower-cased e-mail address) is derived here instead. A model
    whose ``save()`` does something not listed is refused rather than written incompletely.
    """
    from portfolio.models import Person, Service
    from portfolio.models.base import SearchableModel

    def refresh_search_text(obj: models.Model) -> None:
        obj.refresh_search_text()

    return {
        models.Model.save: (),
        SearchableModel.save: (("search_text", refresh_search_text),),
        Person.save: (("email", _lower_email), ("search_text", refresh_search_text)),
        Service.save: (
            ("kind", Service.fill_kind_defaults),
            ("approval_status", Service.fill_kind_defaults),
            ("search_text", refresh_search_text),
        ),
    }


def _save_steps(model: type[models.Model]) -> tuple[tuple[str, Callable[[models.Model], None]], ...]:
    steps = _what_save_derives().get(model.save)
    if steps is None:
        raise TypeError(f"{model.__name__}.save() derives values that a bulk write does not know")
    return steps


def create_with_history(
    objs: Sequence[models.Model], *, user=None, reason: str = "", batch_size: int | None = None
) -> list[models.Model]:
    """Insert many new records of one model, each with the history row ``save_form`` would write.

    For imports of thousands of rows, where one INSERT and one history INSERT per record is what
    takes the time. The records get their primary keys (and ``created``/``updated``) as by
    ``save()``; each history row is of type "+", at this moment, with ``user`` and ``reason``
    exactly as :func:`stamp_history` gives them to a single save. The caller validates first
    (with the model's Form) and runs this inside its transaction; a refused row (a constraint)
    raises ``IntegrityError`` and the caller's transaction decides what is kept.
    """
    if not objs:
        return []
    model = type(objs[0])
    steps = _save_steps(model)
    for obj in objs:
        if type(obj) is not model or obj.pk is not None:
            raise ValueError("create_with_history takes new records of one model")
        for _field, step in steps:
            step(obj)
        stamp_history(obj, user, reason)
    with transaction.atomic():
        model._default_manager.bulk_create(objs, batch_size=batch_size)
        history = getattr(model, "history", None)
        if history is not None:
            history.bulk_history_create(objs, batch_size=batch_size, default_date=timezone.now())
    return list(objs)


#: Rows per UPDATE/SELECT of a bulk update: within every database's limit on parameters.
_UPDATE_BATCH = 500


def update_with_history(objs: Sequence[models.Model], *, user=None, reason: str = "") -> list[models.Model]:
    """Save changes to many stored records of one model, each as ``save_form`` would save it.

    Every field is written, as ``save()`` writes it. Each record's version moves one step on from
    what is stored (as :func:`claim_version` does without an expected version), and each gets a
    history row of type "~" with ``user``, ``reason`` and the new values. The caller validates
    first (with the model's Form) and runs this inside its transaction.
    """
    if not objs:
        return []
    model = type(objs[0])
    steps = _save_steps(model)
    if any(type(obj) is not model or obj.pk is None for obj in objs):
        raise ValueError("update_with_history takes stored records of one model")
    own = {field.name for field in model._meta.concrete_fields}
    now = timezone.now()
    for obj in objs:
        for _field, step in steps:
            step(obj)
        if "updated" in own:
            obj.updated = now
        stamp_history(obj, user, reason)
    with transaction.atomic():
        for start in range(0, len(objs), _UPDATE_BATCH) if "version" in own else ():
            batch = objs[start : start + _UPDATE_BATCH]
            rows = model._default_manager.filter(pk__in=[obj.pk for obj in batch])
            rows.update(version=F("version") + 1)
            versions = dict(rows.values_list("pk", "version"))
            for obj in batch:
                obj.version = versions[obj.pk]
        # One UPDATE of every field per record, as save() sends it, run as one executemany:
        # bulk_update's CASE expressions cost more to build than the rows cost to write.
        connection = connections[model._default_manager.db]
        quote = connection.ops.quote_name
        fields = [field for field in model._meta.concrete_fields if not field.primary_key]
        sql = "UPDATE {} SET {} WHERE {} = %s".format(
            quote(model._meta.db_table),
            ", ".join(f"{quote(field.column)} = %s" for field in fields),
            quote(model._meta.pk.column),
        )
        params = []
        for obj in objs:
            obj._prepare_related_fields_for_save(operation_name="update_with_history")
            values = [field.get_db_prep_save(getattr(obj, field.attname), connection) for field in fields]
            params.append([*values, obj.pk])
        with connection.cursor() as cursor:
            cursor.executemany(sql, params)
        history = getattr(model, "history", None)
        if history is not None:
            history.bulk_history_create(objs, update=True, default_date=now)
    return list(objs)
