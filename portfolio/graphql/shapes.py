"""The GraphQL face of a shaped analysis dataclass (``portfolio.analysis.shapes``).

:func:`object_type` builds a plain graphene ``ObjectType`` from the dataclass's attributes:
every attribute with a ``help`` text becomes a field, camel-cased as graphene does, typed from
the annotation — ``str``/``int``/``float``/``bool``/``Decimal`` as scalars (a ``Decimal`` is a
``Float``), ``X | None`` nullable and everything else required, lists and tuples as lists of
non-null items, and a nested dataclass as the object type already built for it. Resolvers are
graphene's default: the dataclass attribute (or derived property) of the same name.

This module, not the analysis, knows graphene: the analyses stay plain Python that views and
commands use without the API.
"""

from __future__ import annotations

import dataclasses
import datetime
import sys
import types
import typing
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import graphene

from portfolio.analysis.shapes import Attribute, attributes

__all__ = ["object_type"]

SCALARS = {
    str: graphene.String,
    int: graphene.Int,
    float: graphene.Float,
    bool: graphene.Boolean,
    Decimal: graphene.Float,
    datetime.date: graphene.Date,
}

#: dataclass → the ObjectType built for it, so nested results resolve to one type each.
_BUILT: dict[type, type[graphene.ObjectType]] = {}


def _unwrap_optional(annotation: Any) -> tuple[Any, bool]:
    """``X | None`` → (X, False); anything else → (annotation, True)."""
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) == 1 and len(args) < len(typing.get_args(annotation)):
            return args[0], False
    return annotation, True


def _graphene_type(annotation: Any) -> Any:
    """The graphene type (unmounted class or structure) for a non-optional annotation."""
    origin = typing.get_origin(annotation)
    if origin in (list, tuple, set, frozenset):
        args = [a for a in typing.get_args(annotation) if a is not Ellipsis]
        return graphene.List(graphene.NonNull(_graphene_type(args[0])))
    if annotation in SCALARS:
        return SCALARS[annotation]
    if dataclasses.is_dataclass(annotation):
        try:
            return _BUILT[annotation]
        except KeyError:
            raise TypeError(f"Build the GraphQL type of {annotation.__name__} before its users") from None
    raise TypeError(f"No GraphQL type for the annotation {annotation!r}")


def _field(attribute: Attribute, override: Any = None) -> graphene.Field:
    inner, required = _unwrap_optional(attribute.annotation)
    kind = override if override is not None else _graphene_type(inner)
    options: dict[str, Any] = {"description": attribute.help}
    if attribute.deprecation:
        options["deprecation_reason"] = attribute.deprecation
    return graphene.Field(kind, required=required, **options)


def object_type(
    cls: type,
    description: str,
    *,
    name: str | None = None,
    types: Mapping[str, Any] | None = None,
) -> type[graphene.ObjectType]:
    """The graphene ObjectType of dataclass ``cls``, named ``<Class>Type`` unless ``name`` is given.

    ``types`` gives a GraphQL type for an attribute whose Python type says too little (a string
    that is an enum in the API); the attribute keeps its place, description and nullability.
    """
    types = types or {}
    fields = {a.name: _field(a, types.get(a.name)) for a in attributes(cls) if a.in_graphql}
    unknown = set(types) - set(fields)
    if unknown:
        raise TypeError(f"{cls.__name__} has no GraphQL attributes {sorted(unknown)}")
    type_name = name or f"{cls.__name__}Type"
    meta = type("Meta", (), {"description": description, "name": type_name})
    # The module that asks for the type owns it, as collections.namedtuple does it.
    module = sys._getframe(1).f_globals.get("__name__", __name__)
    built = type(type_name, (graphene.ObjectType,), {"Meta": meta, "__module__": module, **fields})
    _BUILT[cls] = built
    return built
