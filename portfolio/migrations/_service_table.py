"""Shared by the migrations that move systems and learning resources into one ``Service`` table.

(A module whose name starts with an underscore is not a migration; Django's loader skips it.)

Systems keep their ids. A learning resource's id collides with a system's, so it moves up by
:func:`id_offset`: the smallest power of ten above every system id ever used (live rows and
history alike), e.g. 1000 when systems reach 517 — so learning resource 12 becomes 1012. The same
rule renumbers the rows of each pair of link tables (usage, capability, contract and activity
links), so that their history rows keep pointing at the right link. Every migration that needs
the mapping recomputes it from the old tables, which live until the last step drops them.
"""

from django.core.management.color import no_style
from django.db.models import F, Max

__all__ = ["copy_history", "copy_rows", "id_offset", "remap_foreign_key", "reset_sequences"]


def id_offset(*models) -> int:
    """The smallest power of ten above every id in ``models`` (0 when they are all empty)."""
    highest = 0
    for model in models:
        highest = max(highest, model.objects.aggregate(m=Max("id"))["m"] or 0)
    return 10 ** len(str(highest)) if highest else 0


def _values(row, fields) -> dict:
    return {field.attname: getattr(row, field.attname) for field in fields}


def copy_rows(
    source,
    target,
    *,
    offset: int = 0,
    rename: dict | None = None,
    extra: dict | None = None,
    shift: dict | None = None,
) -> None:
    """Copy every row of ``source`` into ``target`` with its id moved up by ``offset``.

    ``rename`` maps a source attname to a target attname; ``shift`` adds an offset to a target
    attname (a foreign key to a renumbered learning resource); ``extra`` sets constant values.
    """
    rename = rename or {}
    shift = shift or {}
    target_names = {f.attname for f in target._meta.concrete_fields}
    fields = [f for f in source._meta.concrete_fields if rename.get(f.attname, f.attname) in target_names]
    batch = []
    for row in source.objects.order_by("pk").iterator(chunk_size=2000):
        values = {rename.get(name, name): value for name, value in _values(row, fields).items()}
        values["id"] = row.pk + offset
        for name, amount in shift.items():
            if values.get(name) is not None:
                values[name] += amount
        values.update(extra or {})
        batch.append(target(**values))
        if len(batch) >= 2000:
            target.objects.bulk_create(batch)
            batch = []
    target.objects.bulk_create(batch)


def copy_history(sources, target) -> None:
    """Copy history rows from several ``(model, offset, rename, shift, extra)`` sources into ``target``.

    Rows are written in the order they happened (``history_date``), so the new ``history_id``
    keeps the order of changes; the record's own id moves by ``offset`` like its live row.
    """
    target_names = {f.attname for f in target._meta.concrete_fields}
    rows = []
    for model, offset, rename, shift, extra in sources:
        rename = rename or {}
        fields = [
            f
            for f in model._meta.concrete_fields
            if f.attname != "history_id" and rename.get(f.attname, f.attname) in target_names
        ]
        for row in model.objects.order_by("history_date", "history_id").iterator(chunk_size=2000):
            values = {rename.get(name, name): value for name, value in _values(row, fields).items()}
            values["id"] = row.id + offset
            for name, amount in (shift or {}).items():
                if values.get(name) is not None:
                    values[name] += amount
            values.update(extra or {})
            rows.append((row.history_date, values))
    rows.sort(key=lambda pair: pair[0])
    for start in range(0, len(rows), 2000):
        target.objects.bulk_create([target(**values) for _, values in rows[start : start + 2000]])


def remap_foreign_key(model, *, application: str, learning_resource: str, service: str, offset: int) -> None:
    """Point ``service`` at what ``application`` or ``learning_resource`` pointed at (attnames)."""
    model.objects.filter(**{f"{application}__isnull": False}).update(**{service: F(application)})
    model.objects.filter(**{f"{learning_resource}__isnull": False}).update(
        **{service: F(learning_resource) + offset}
    )


def reset_sequences(schema_editor, models) -> None:
    """After rows were written with explicit ids, let PostgreSQL's sequences continue above them."""
    statements = schema_editor.connection.ops.sequence_reset_sql(no_style(), models)
    with schema_editor.connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
