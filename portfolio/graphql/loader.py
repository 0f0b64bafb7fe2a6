"""The register's read path for GraphQL: one query per relation, nested rows grouped in Python.

The query optimizer (graphene-django-query-optimizer) turns a query into ``select_related`` and
window-function ``Prefetch`` objects. Its SQL is right, but the Python around it is not cheap:
planning compiles the whole query again for every page (deep copies of querysets), and Django's
prefetch machinery builds a manager and a queryset for every parent row and relation. Measured on
the landscape query at demo scale 30, that was two thirds of the server time of a page.

This loader does the same work with less machinery. It reads the query's selections once into a
``NodePlan``: which columns the selection reads, which foreign keys to join into the same
``values_list`` query, and which to-many relations to load (one query each, ``WHERE owner IN (…)``
with the owner's key annotated). Rows are read-only model instances holding those columns, so the
types' resolvers work unchanged; the rows of a nested connection are attached to their owner and
``RegisterConnectionField`` pages through them as a list.

A plan is made only for selections it fully understands: columns, foreign keys, nested
connections with no arguments but pages (``first``, ``after`` …), and ``MultiField``s over the
row's own columns. Anything else (filters on a nested connection, directives, computed fields that
read relations) returns no plan, and the caller falls back to the optimizer. Both paths give the
same answer; the tests compare them.

A nested connection's rows are loaded whole and paged in Python (the optimizer pages them in SQL
with a window function): nested lists of the register are short — the schools using a system, its
costs — and the whole relation is at most one pass over its table.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import graphene
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import F
from django.db.models.base import ModelState
from graphene.utils.str_converters import to_snake_case
from graphene_django.registry import get_global_registry
from graphql import FieldNode, FragmentSpreadNode, GraphQLResolveInfo, InlineFragmentNode, SelectionSetNode
from query_optimizer import MultiField

__all__ = ["CHILDREN_ATTRIBUTE", "NodePlan", "plan_connection"]

#: Where a loaded instance keeps the rows of its nested connections: ``{accessor: [rows]}``.
CHILDREN_ATTRIBUTE = "_graphql_children"
#: The annotation carrying a nested row's owner key (the same related row may belong to several).
_OWNER = "graphql_owner_pk"
_CONNECTION_FIELDS = {"totalCount", "pageInfo", "edges", "__typename"}
#: Arguments of a nested connection the loader honours: it pages through the attached rows.
PAGINATION_ARGUMENTS = ("first", "last", "offset", "after", "before")
_EDGE_FIELDS = {"cursor", "node", "__typename"}


class Unsupported(Exception):
    """The selection asks for something the loader does not plan; the optimizer answers instead."""


@dataclass
class ChildPlan:
    """A nested connection: the relation ``accessor`` of the owner, read as rows of ``node``."""

    path: str  # the lookup from the related model back to the owner
    node: NodePlan

    def load(self, owners: list[models.Model], accessor: str, info: GraphQLResolveInfo) -> None:
        """Attach to every owner the rows it has through this relation: one query for all owners."""
        keys = {owner.pk for owner in owners}
        grouped: dict[Any, list[models.Model]] = {}
        node_type = self.node.type
        if keys and node_type.can_view(info):
            queryset = node_type.get_queryset(self.node.model._default_manager.all(), info)
            queryset = node_type.filter_queryset(queryset, info)
            queryset = queryset.filter(**{f"{self.path}__in": keys}).annotate(**{_OWNER: F(self.path)})
            rows = []
            for row, owner_key in self.node.read(queryset, _OWNER):
                rows.append(row)
                grouped.setdefault(owner_key, []).append(row)
            self.node.fill(rows, info)
        for owner in owners:
            owner.__dict__.setdefault(CHILDREN_ATTRIBUTE, {})[accessor] = grouped.get(owner.pk, [])


@dataclass
class NodePlan:
    """What to load for the objects of one type: foreign keys to join and relations to read."""

    type: Any  # the RegisterType
    columns: set[str] = field(default_factory=set)
    foreign: dict[str, NodePlan] = field(default_factory=dict)
    children: dict[str, ChildPlan] = field(default_factory=dict)

    @property
    def model(self) -> type[models.Model]:
        return self.type._meta.model

    @cached_property
    def attnames(self) -> list[str]:
        """The row's own columns to read: its key, the selected columns, its foreign keys."""
        meta = self.model._meta
        names = [meta.pk.attname]
        for name in [*sorted(self.columns), *self.foreign]:
            attname = meta.get_field(name).attname
            if attname not in names:
                names.append(attname)
        return names

    def value_paths(self, prefix: str = "") -> list[str]:
        """``values_list`` paths of this row's columns and, joined, of its foreign keys' rows."""
        paths = [f"{prefix}{attname}" for attname in self.attnames]
        for name, plan in self.foreign.items():
            paths.extend(plan.value_paths(f"{prefix}{name}__"))
        return paths

    def read(self, queryset: models.QuerySet, *extra: str) -> Iterator[tuple]:
        """``(instance, *extra values)`` for each row of ``queryset``, in its order.

        One ``values_list`` query joins the foreign keys' rows. Instances are assembled from the
        columns as ``Model.from_db`` would, without ``__init__`` (a third of a page's loading
        time): they hold the selected columns, their foreign-key caches filled, and serve only
        to be read by the types' resolvers. Another column would be loaded on access, as with
        ``only()``.
        """
        db, build = queryset.db, self.build
        paths = self.value_paths()
        width = len(paths)
        for values in queryset.values_list(*paths, *extra):
            yield (build(values, 0, db)[0], *values[width:])

    def build(self, values: tuple, start: int, db: str) -> tuple[models.Model | None, int]:
        """The instance whose columns begin at ``values[start]`` (None for an empty outer join),
        and where the next row's columns begin."""
        names, model = self.attnames, self.type._meta.model
        end = start + len(names)
        instance = None
        if values[start] is not None:
            instance = model.__new__(model)
            instance.__dict__.update(zip(names, values[start:end], strict=True))
            state = instance._state = ModelState()
            state.adding, state.db = False, db
        for name, plan in self.foreign.items():
            related, end = plan.build(values, end, db)
            if instance is not None:
                instance._state.fields_cache[name] = related
        return instance, end

    def fill(self, rows: list[models.Model], info: GraphQLResolveInfo) -> None:
        """Load the nested connections of ``rows`` and of the rows their foreign keys point to."""
        if not rows:
            return
        for name, plan in self.foreign.items():
            if plan.children or plan.foreign:
                related = [target for target in (getattr(row, name) for row in rows) if target is not None]
                plan.fill(related, info)
        for accessor, child in self.children.items():
            child.load(rows, accessor, info)

    def merge(self, other: NodePlan) -> None:
        self.__dict__.pop("attnames", None)
        self.columns |= other.columns
        for name, plan in other.foreign.items():
            if name in self.foreign:
                self.foreign[name].merge(plan)
            else:
                self.foreign[name] = plan
        for name, child in other.children.items():
            if name in self.children:
                self.children[name].node.merge(child.node)
            else:
                self.children[name] = child


def plan_connection(info: GraphQLResolveInfo, node_type: Any) -> NodePlan | None:
    """The plan for the connection being resolved, or None when the optimizer should answer."""
    try:
        return _connection_plan(info, node_type, info.field_nodes)
    except Unsupported:
        return None


def _selections(info: GraphQLResolveInfo, nodes: list[FieldNode], type_name: str) -> list[FieldNode]:
    """The fields selected under ``nodes``, fragments expanded, for an object of ``type_name``."""
    fields: list[FieldNode] = []

    def walk(selection_set: SelectionSetNode | None) -> None:
        for selection in selection_set.selections if selection_set else ():
            if selection.directives:
                raise Unsupported("directive")
            if isinstance(selection, FieldNode):
                fields.append(selection)
                continue
            if isinstance(selection, FragmentSpreadNode):
                fragment = info.fragments[selection.name.value]
                condition, inner = fragment.type_condition, fragment.selection_set
            elif isinstance(selection, InlineFragmentNode):
                condition, inner = selection.type_condition, selection.selection_set
            else:  # pragma: no cover - graphql-core has no other selection kinds
                raise Unsupported("selection")
            if condition is not None and condition.name.value not in (type_name, "Node"):
                raise Unsupported("type condition")
            walk(inner)

    for node in nodes:
        walk(node.selection_set)
    return fields


def _connection_plan(info: GraphQLResolveInfo, node_type: Any, nodes: list[FieldNode]) -> NodePlan:
    connection = node_type._meta.connection
    edges = _pick(info, nodes, connection._meta.name, _CONNECTION_FIELDS, "edges")
    return _node_plan(info, node_type, _pick(info, edges, connection.Edge._meta.name, _EDGE_FIELDS, "node"))


def _pick(
    info: GraphQLResolveInfo, nodes: list[FieldNode], type_name: str, allowed: set[str], wanted: str
) -> list[FieldNode]:
    """The ``wanted`` fields selected under ``nodes``; a field outside ``allowed`` is not planned."""
    picked = []
    for selected in _selections(info, nodes, type_name):
        name = selected.name.value
        if name not in allowed:
            raise Unsupported(name)
        if name == wanted:
            picked.append(selected)
    return picked


def _node_plan(info: GraphQLResolveInfo, node_type: Any, nodes: list[FieldNode]) -> NodePlan:
    from portfolio.graphql.base import RegisterConnectionField

    plan = NodePlan(node_type)
    model = node_type._meta.model
    declared = node_type._meta.fields
    for selected in _selections(info, nodes, node_type._meta.name):
        name = selected.name.value
        if name == "__typename":
            continue
        snake = to_snake_case(name)
        graphene_field = declared.get(snake)
        if isinstance(graphene_field, graphene.Dynamic):
            graphene_field = graphene_field.get_type()
        if graphene_field is None:
            raise Unsupported(name)
        if isinstance(graphene_field, MultiField):
            # Resolved from the row's own columns, which are always loaded.
            if not all(_is_column(model, column) for column in graphene_field.fields):
                raise Unsupported(name)
            plan.columns.update(graphene_field.fields)
            continue
        is_connection = isinstance(graphene_field, RegisterConnectionField)
        allowed = PAGINATION_ARGUMENTS if is_connection else ()
        if any(argument.name.value not in allowed for argument in selected.arguments or ()):
            raise Unsupported(f"{name}(…)")
        if snake in ("id", "pk"):
            continue
        if getattr(graphene_field, "service_kind", None):
            raise Unsupported(name)  # a service key offered per kind: the optimizer answers
        try:
            # A field may name its model relation (``applications`` reads ``services`` of one kind).
            model_field = model._meta.get_field(getattr(graphene_field, "field_name", None) or snake)
        except FieldDoesNotExist as error:
            raise Unsupported(name) from error
        if is_connection:
            # Every row of the relation is attached; each (aliased) field pages through them. A
            # proxy's rows (systems among services) come from its own, kind-filtered manager.
            child_type = graphene_field.underlying_type
            concrete = model_field.related_model._meta.concrete_model
            if child_type._meta.model._meta.concrete_model is not concrete:
                raise Unsupported(name)
            child = ChildPlan(
                path=_path_to_owner(model_field),
                node=_connection_plan(info, child_type, [selected]),
            )
            if snake in plan.children:
                plan.children[snake].node.merge(child.node)
            else:
                plan.children[snake] = child
        elif model_field.many_to_one:
            target = get_global_registry().get_type_for_model(model_field.related_model)
            if target is None:
                raise Unsupported(name)
            foreign = _node_plan(info, target, [selected])
            if snake in plan.foreign:
                plan.foreign[snake].merge(foreign)
            else:
                plan.foreign[snake] = foreign
        elif model_field.concrete and not model_field.is_relation:
            # A type's own resolve_<column> reads that column (e.g. a country's code).
            plan.columns.add(model_field.name)
        else:
            raise Unsupported(name)
    return plan


def _is_column(model: type[models.Model], name: str) -> bool:
    try:
        model_field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return False
    return model_field.concrete and not model_field.is_relation


def _path_to_owner(relation: Any) -> str:
    """The lookup from a related row back to its owner, for ``filter(<path>__in=…)``."""
    if isinstance(relation, models.ManyToManyField):
        return relation.related_query_name()
    if relation.one_to_many or relation.many_to_many:  # reverse foreign key or reverse many-to-many
        return relation.field.name
    raise Unsupported(relation.name)
