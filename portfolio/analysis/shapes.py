"""One shape per analysis result: the dataclass declares each attribute once, the faces derive.

An analysis result (``ServiceOutsideSso``, ``Pm3Gap`` …) is shown three ways: as a GraphQL type,
as columns of a page's Excel export and as columns of a management command's table and CSV (its
JSON is the whole dataclass). Each attribute is declared once, on the dataclass, with what every
face needs:

* ``attr(label, help, …)`` — a dataclass field whose metadata carries the verbose ``label``
  (``gettext_lazy``: the export's column header), the ``help`` text (the GraphQL description)
  and per-face options;
* ``derived(type, label, help, …)`` — the same for a computed property (``severity_label``);

and the faces are read off it: :func:`export_rows` (Excel), :func:`command_rows` and
:func:`command_columns` (tables and CSV), and ``portfolio.graphql.shapes.object_type`` (GraphQL).
Attributes keep the order they are declared in — a creation counter, as Django orders model
fields and graphene orders its fields — so the GraphQL type reads in the order of the dataclass.

Which face shows an attribute:

* GraphQL: every attribute with ``help``; ``deprecation`` keeps an old name for existing clients
  and keeps it out of the other faces.
* Export: every attribute with a ``label``, unless ``export=False``; ``export=callable`` presents
  the value (a count instead of a list …).
* Command: every attribute unless ``command=False``; ``column`` renames its column and
  ``command=callable`` presents the value.

A face may put some columns first (``export_first`` / ``command_first`` in :func:`shape`); the
rest follow in declaration order, so a new attribute shows up in every face without touching any
of them. See docs/architecture.md, "One shape per analysis".
"""

from __future__ import annotations

import dataclasses
import itertools
import typing
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

__all__ = [
    "EXPAND",
    "Attribute",
    "attr",
    "attributes",
    "command_columns",
    "command_rows",
    "derived",
    "export_columns",
    "export_headers",
    "export_rows",
    "present",
    "shape",
]

_counter = itertools.count()

#: ``attr(export=EXPAND)`` on a list of shaped items: one export row per item, the item's own
#: columns in the list's place (a duplicate cluster's rows are its members).
EXPAND = "rows"
_KEY = "shape"


@dataclass(frozen=True)
class Attribute:
    """One attribute of a shaped dataclass, as the faces see it."""

    name: str
    annotation: Any
    label: Any = None
    help: str = ""
    column: str = ""
    export: bool | Callable[[Any], Any] = True
    command: bool | Callable[[Any], Any] = True
    deprecation: str = ""
    order: int = 0

    @property
    def in_graphql(self) -> bool:
        return bool(self.help)

    @property
    def in_export(self) -> bool:
        if self.deprecation or self.export is False:
            return False
        return self.label is not None or self.export == EXPAND

    @property
    def in_command(self) -> bool:
        return self.command is not False and not self.deprecation

    @property
    def column_name(self) -> str:
        return self.column or self.name


def attr(
    label: Any = None,
    help: str = "",
    *,
    column: str = "",
    export: bool | Callable[[Any], Any] = True,
    command: bool | Callable[[Any], Any] = True,
    **field_options: Any,
) -> Any:
    """A dataclass field with its ``label`` (export header) and ``help`` (GraphQL description).

    ``field_options`` go to :func:`dataclasses.field` (``default``, ``default_factory``,
    ``kw_only``, ``repr`` …).
    """
    metadata = {
        _KEY: {
            "label": label,
            "help": help,
            "column": column,
            "export": export,
            "command": command,
            "order": next(_counter),
        }
    }
    return dataclasses.field(metadata=metadata, **field_options)


class _Derived(property):
    """A property that is also an attribute of the shape (``severity_label``, ``share_users``)."""

    shape: dict[str, Any]


def derived(
    annotation: Any,
    label: Any = None,
    help: str = "",
    *,
    column: str = "",
    export: bool | Callable[[Any], Any] = True,
    command: bool | Callable[[Any], Any] = True,
    deprecation: str = "",
) -> Callable[[Callable[[Any], Any]], property]:
    """Decorate a method into a property the faces show like a field of type ``annotation``."""

    def wrap(function: Callable[[Any], Any]) -> property:
        prop = _Derived(function, doc=function.__doc__)
        prop.shape = {
            "annotation": annotation,
            "label": label,
            "help": help,
            "column": column,
            "export": export,
            "command": command,
            "deprecation": deprecation,
            "order": next(_counter),
        }
        return prop

    return wrap


def shape(
    *, export_first: Sequence[str] = (), command_first: Sequence[str] = ()
) -> Callable[[type], type]:
    """Class decorator: which columns an export or a command puts first (the rest keep their order)."""

    def decorate(cls: type) -> type:
        cls.__shape_first__ = {"export": tuple(export_first), "command": tuple(command_first)}
        return cls

    return decorate


def attributes(cls: type) -> list[Attribute]:
    """The shaped attributes of dataclass ``cls``, fields and derived properties, in declared order."""
    cached = cls.__dict__.get("__shape_attributes__")
    if cached is not None:
        return cached
    hints = typing.get_type_hints(cls)
    found: list[Attribute] = []
    for f in dataclasses.fields(cls):
        meta = f.metadata.get(_KEY)
        if meta is None:
            continue
        found.append(Attribute(name=f.name, annotation=hints[f.name], **meta))
    for klass in reversed(cls.__mro__):
        for name, value in vars(klass).items():
            if isinstance(value, _Derived):
                found = [a for a in found if a.name != name]
                found.append(Attribute(name=name, **value.shape))
    found.sort(key=lambda a: a.order)
    cls.__shape_attributes__ = found
    return found


def _ordered(cls: type, face: str, chosen: Iterable[Attribute]) -> list[Attribute]:
    first = getattr(cls, "__shape_first__", {}).get(face, ())
    chosen = list(chosen)
    by_name = {a.name: a for a in chosen}
    lead = [by_name[name] for name in first if name in by_name]
    return lead + [a for a in chosen if a.name not in first]


def present(value: Any) -> Any:
    """A value as one cell: a registration by its name, lists joined with "; ", Decimals as floats."""
    if value is None:
        return None
    if isinstance(value, list | tuple | set | frozenset):
        return "; ".join(str(present(v)) for v in value)
    if dataclasses.is_dataclass(value) and hasattr(value, "name"):
        return value.name
    if isinstance(value, Decimal):
        return float(value)
    return value


def _value(attribute: Attribute, how: bool | Callable[[Any], Any], obj: Any) -> Any:
    value = getattr(obj, attribute.name)
    return how(value) if callable(how) else value


#
# Export (Excel)
#


def export_columns(cls: type, *, exclude: Iterable[str] = ()) -> list[Attribute]:
    """The attributes ``cls`` shows in an export, in column order."""
    exclude = set(exclude)
    return _ordered(cls, "export", (a for a in attributes(cls) if a.in_export and a.name not in exclude))


def export_headers(cls: type, *, exclude: Iterable[str] = ()) -> list[str]:
    """The column headers of ``cls``'s export, an expanded list's item columns in its place."""
    headers: list[str] = []
    for a in export_columns(cls, exclude=exclude):
        if a.export == EXPAND:
            [item_cls] = [t for t in typing.get_args(a.annotation) if t is not Ellipsis]
            headers += export_headers(item_cls, exclude=exclude)
        else:
            headers.append(str(a.label))
    return headers


def export_rows(
    cls: type, objects: Iterable[Any], *, before=None, exclude: Iterable[str] = ()
) -> list[dict[str, Any]]:
    """Rows of ``{label: cell}`` for ``objects``; ``before(obj)`` adds the page's own first columns.

    ``exclude`` leaves out attributes this reader may not see (the GDPR figures for a reader
    without the GDPR role).
    """
    rows: list[dict[str, Any]] = []
    for obj in objects:
        start = dict(before(obj)) if before else {}
        rows.extend({**start, **row} for row in _export(cls, obj, tuple(exclude)))
    return rows


def _export(cls: type, obj: Any, exclude: tuple[str, ...]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = [{}]
    for a in export_columns(cls, exclude=exclude):
        if a.export == EXPAND:
            [item_cls] = [t for t in typing.get_args(a.annotation) if t is not Ellipsis]
            items = [row for item in getattr(obj, a.name) for row in _export(item_cls, item, exclude)]
            rows = [{**row, **item} for row in rows for item in items]
            continue
        value = present(_value(a, a.export, obj))
        for row in rows:
            row[str(a.label)] = value
    return rows


#
# Management commands (table, CSV)
#


def command_columns(cls: type) -> list[str]:
    """The column names a command prints for ``cls``, in order."""
    return [a.column_name for a in _ordered(cls, "command", (a for a in attributes(cls) if a.in_command))]


def command_rows(cls: type, objects: Iterable[Any]) -> list[dict[str, Any]]:
    """One row per object: ``{column: value}`` (lists stay lists; the renderer flattens them)."""
    columns = _ordered(cls, "command", (a for a in attributes(cls) if a.in_command))
    rows = []
    for obj in objects:
        row = {}
        for a in columns:
            value = _value(a, a.command, obj)
            if isinstance(value, list) or dataclasses.is_dataclass(value):
                value = [present(v) for v in value] if isinstance(value, list) else present(value)
            row[a.column_name] = value
        rows.append(row)
    return rows
