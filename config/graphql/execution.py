"""graphql-core's execution, with a short path for the fields that make up most of an answer.

Most fields of a register answer are columns: a leaf (``String``, ``Int``, ``DateTime`` …) read
from the row by graphene's default resolver. graphql-core still builds a ``GraphQLResolveInfo``,
coerces the (absent) arguments and dispatches through ``complete_value`` for each of them — on the
landscape query, 2,400 of 4,600 field executions per page of 100 systems, about a quarter of the
execution time. ``RegisterExecutionContext`` reads such a field directly and serialises it the
way ``complete_leaf_value`` does. Anything unusual (a custom resolver, a field middleware, a null
in a non-null field, a value the scalar cannot serialise) goes through graphql-core's own
``execute_field``, so answers and errors are exactly graphql-core's.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from django.conf import settings
from graphene.types.resolver import attr_resolver, dict_or_attr_resolver
from graphql import (
    ExecutionContext,
    FieldNode,
    GraphQLField,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLResolveInfo,
    Undefined,
    is_input_object_type,
    is_leaf_type,
    is_non_null_type,
)
from graphql.error import located_error
from graphql.execution.execute import get_field_def
from graphql.execution.values import get_argument_values
from graphql.pyutils import Path, is_iterable

__all__ = ["RegisterExecutionContext", "execution_options", "never_awaitable"]

_DEFAULT_RESOLVERS = (dict_or_attr_resolver, attr_resolver)
#: Where a field definition keeps how to read it directly (or None: the long path).
_PLAN_ATTRIBUTE = "_systemkarta_plain_leaf"
_DEFAULTS_ATTRIBUTE = "_systemkarta_argument_defaults"
#: What a simple plan's entry reads (see ``RegisterExecutionContext._simple_plan``).
_TYPENAME, _LEAF, _OBJECT, _LIST, _SCALAR = "typename", "leaf", "object", "list", "scalar"


def _default_attribute(field_def: GraphQLField) -> tuple | None:
    """(attribute, default) when graphene's default resolver reads the field from an attribute."""
    resolve = field_def.resolve
    if isinstance(resolve, partial) and resolve.func in _DEFAULT_RESOLVERS and len(resolve.args) == 2:
        return resolve.args
    return None


def _plain_leaf(field_def: GraphQLField) -> tuple | None:
    """(attribute, default, (non-null, scalar, leaf type)) if ``field_def`` is a leaf that graphene's
    default resolver reads from an attribute; None otherwise. Worked out once per field definition."""
    try:
        return field_def.__dict__[_PLAN_ATTRIBUTE]
    except KeyError:
        pass
    plan = None
    attribute = _default_attribute(field_def)
    if attribute is not None:
        field_type = field_def.type
        non_null = isinstance(field_type, GraphQLNonNull)
        leaf = field_type.of_type if non_null else field_type
        if is_leaf_type(leaf):
            plan = (*attribute, (non_null, _SCALAR, leaf))
    field_def.__dict__[_PLAN_ATTRIBUTE] = plan
    return plan


def never_awaitable(_value: Any) -> bool:
    """``is_awaitable`` for a server whose resolvers are all synchronous."""
    return False


def execution_options() -> dict[str, Any]:
    """The ``execute`` options the endpoint runs documents with: the short path below, or with
    ``GRAPHQL_FAST_EXECUTION = False`` graphql-core's own execution unchanged. The short path
    overrides graphql-core internals (``handle_field_error(…, path)`` exists only from 3.2.10),
    so the switch lets an operator fall back after an upgrade, and lets the tests run every
    document both ways. Read per request, so a settings override takes effect at once."""
    if getattr(settings, "GRAPHQL_FAST_EXECUTION", True):
        # Every resolver is synchronous: skip graphql-core's check of each value for a coroutine.
        return {"is_awaitable": never_awaitable, "execution_context_class": RegisterExecutionContext}
    return {}


class RegisterExecutionContext(ExecutionContext):
    """Executes plain column fields without the per-field machinery; everything else as usual.

    Used with ``is_awaitable=never_awaitable`` and no field middleware, as the endpoint runs it;
    otherwise it is graphql-core's execution unchanged.
    """

    def execute_fields(
        self,
        parent_type: GraphQLObjectType,
        source_value: Any,
        path: Path | None,
        fields: dict[str, list[FieldNode]],
    ) -> Any:
        if (
            self.is_awaitable is not never_awaitable
            or self.middleware_manager is not None
            or isinstance(source_value, dict)
        ):
            return super().execute_fields(parent_type, source_value, path, fields)
        results = {}
        for response_name, field_nodes, field_def, leaf in self._field_plan(parent_type, fields):
            if leaf is not None:
                value = _read_leaf(source_value, leaf)
                if value is not Undefined:
                    results[response_name] = value
                    continue
            if field_def is None:
                continue
            # The long path: graphql-core resolves, completes and reports errors with their path.
            results[response_name] = self._execute_field(
                parent_type, source_value, field_nodes, Path(path, response_name, parent_type.name), field_def
            )
        return results

    def _field_plan(self, parent_type: GraphQLObjectType, fields: dict[str, list[FieldNode]]) -> list[tuple]:
        """(response name, nodes, definition, leaf plan) per field, worked out once per selection:
        graphql-core collects the sub-fields of a type once per list, so the same ``fields`` comes
        back for every object of it."""
        plans = self.__dict__.setdefault("_field_plans", {})
        kept = plans.get(id(fields))
        if kept is not None and kept[0] is fields and kept[1] is parent_type:
            return kept[2]
        plan = []
        for response_name, field_nodes in fields.items():
            field_def = get_field_def(self.schema, parent_type, field_nodes[0])
            leaf = _plain_leaf(field_def) if field_def is not None else None
            plan.append((response_name, field_nodes, field_def, leaf))
        plans[id(fields)] = (fields, parent_type, plan)  # holding ``fields`` keeps its id unique
        return plan

    def execute_field(
        self, parent_type: GraphQLObjectType, source: Any, field_nodes: list[FieldNode], path: Path
    ) -> Any:
        if self.is_awaitable is not never_awaitable or self.middleware_manager is not None:
            return super().execute_field(parent_type, source, field_nodes, path)
        field_def = get_field_def(self.schema, parent_type, field_nodes[0])
        if not field_def:
            return Undefined
        return self._execute_field(parent_type, source, field_nodes, path, field_def)

    def _execute_field(
        self,
        parent_type: GraphQLObjectType,
        source: Any,
        field_nodes: list[FieldNode],
        path: Path,
        field_def: GraphQLField,
    ) -> Any:
        """graphql-core's ``execute_field`` for synchronous execution, without coercing arguments
        the query does not give (a field then gets its declared defaults, worked out once)."""
        return_type = field_def.type
        resolve_fn = field_def.resolve or self.field_resolver
        info = self.build_resolve_info(field_def, field_nodes, parent_type, path)
        try:
            args = {}
            if field_def.args:
                defaults = None if field_nodes[0].arguments else _argument_defaults(field_def)
                if defaults is None:
                    args = get_argument_values(field_def, field_nodes[0], self.variable_values)
                else:
                    args = defaults
            result = resolve_fn(source, info, **args)
            return self.complete_value(return_type, field_nodes, info, path, result)
        except Exception as raw_error:
            error = located_error(raw_error, field_nodes, path.as_list())
            self.handle_field_error(error, return_type, path)
            return None

    def complete_value(
        self,
        return_type: Any,
        field_nodes: list[FieldNode],
        info: GraphQLResolveInfo,
        path: Path,
        result: Any,
    ) -> Any:
        """Objects and lists, required or not, go straight to their completion; everything else
        (leaves, nulls, errors, abstract types) through graphql-core's dispatch. A completed
        object or list is never null, so a required one needs no null check."""
        if (
            self.is_awaitable is never_awaitable
            and result is not None
            and result is not Undefined
            and not isinstance(result, Exception)
        ):
            inner = return_type.of_type if isinstance(return_type, GraphQLNonNull) else return_type
            if isinstance(inner, GraphQLObjectType):
                plan = self._simple_plan(inner, field_nodes)
                if plan is not None:
                    completed = _serialize_simple(plan, result)
                    if completed is not Undefined:
                        return completed
                return self.complete_object_value(inner, field_nodes, info, path, result)
            if isinstance(inner, GraphQLList):
                return self.complete_list_value(inner, field_nodes, info, path, result)
        return super().complete_value(return_type, field_nodes, info, path, result)

    def _simple_plan(self, object_type: GraphQLObjectType, field_nodes: list[FieldNode]) -> list | None:
        """How to serialise an object of ``object_type`` under ``field_nodes`` straight from its
        attributes — when every field below it is a column, ``__typename``, or an object or list
        read from an attribute (a connection's edges, an edge's node, a foreign key, pageInfo).
        None when anything needs graphql-core: a resolver of its own, an abstract type, a type
        check that needs the request. Worked out once per selection."""
        cache = self.__dict__.setdefault("_simple_plans", {})
        key = (object_type, *map(id, field_nodes))
        if key in cache:
            return cache[key]
        cache[key] = None  # a recursive selection is not simple
        is_type_of = object_type.is_type_of
        if is_type_of is not None and not _ignores_info(is_type_of):
            return None
        plan = [_TypeCheck(is_type_of)] if is_type_of is not None else []
        for response_name, nodes in self.collect_subfields(object_type, field_nodes).items():
            name = nodes[0].name.value
            if name == "__typename":
                plan.append((response_name, _TYPENAME, object_type.name))
                continue
            field_def = object_type.fields.get(name)
            if field_def is None or any(node.arguments for node in nodes):
                return None
            leaf = _plain_leaf(field_def)
            if leaf is not None:
                plan.append((response_name, _LEAF, leaf))
                continue
            reader = _attribute_reader(field_def)
            if reader is None:
                return None
            entry = self._simple_value(field_def.type, nodes)
            if entry is None:
                return None
            plan.append((response_name, reader, entry))
        cache[key] = plan
        return plan

    def _simple_value(self, field_type: Any, nodes: list[FieldNode]) -> tuple | None:
        """(non-null, kind, detail) for a value read from an attribute, or None if not simple."""
        non_null = isinstance(field_type, GraphQLNonNull)
        inner = field_type.of_type if non_null else field_type
        if isinstance(inner, GraphQLObjectType):
            plan = self._simple_plan(inner, nodes)
            return None if plan is None else (non_null, _OBJECT, plan)
        if isinstance(inner, GraphQLList):
            item = self._simple_value(inner.of_type, nodes)
            return None if item is None else (non_null, _LIST, item)
        if is_leaf_type(inner):
            return (non_null, _SCALAR, inner)
        return None

    def complete_list_value(
        self,
        return_type: GraphQLList,
        field_nodes: list[FieldNode],
        info: GraphQLResolveInfo,
        path: Path,
        result: Any,
    ) -> Any:
        """A list of objects (the edges of a connection, mostly) completed item by item with the
        sub-selection collected once for the list; any other list, or an item that is null, an
        error or of the wrong type, takes graphql-core's way, with its errors at the item's path."""
        item_type = return_type.of_type
        object_type = item_type.of_type if isinstance(item_type, GraphQLNonNull) else item_type
        if (
            self.is_awaitable is not never_awaitable
            or not isinstance(object_type, GraphQLObjectType)
            or not is_iterable(result)
        ):
            return super().complete_list_value(return_type, field_nodes, info, path, result)
        sub_fields = self.collect_subfields(object_type, field_nodes)
        is_type_of = object_type.is_type_of
        completed = []
        for index, item in enumerate(result):
            item_path = path.add_key(index, None)
            try:
                if item is None or item is Undefined or isinstance(item, Exception) or (
                    is_type_of is not None and not is_type_of(item, info)
                ):
                    completed.append(self.complete_value(item_type, field_nodes, info, item_path, item))
                else:
                    completed.append(self.execute_fields(object_type, item, item_path, sub_fields))
            except Exception as raw_error:
                error = located_error(raw_error, field_nodes, item_path.as_list())
                self.handle_field_error(error, item_type, item_path)
                completed.append(None)
        return completed


class _TypeCheck:
    """The first entry of a simple plan whose type asks ``is_type_of`` of each object."""

    def __init__(self, is_type_of: Any) -> None:
        self.is_type_of = is_type_of


def _ignores_info(is_type_of: Any) -> bool:
    return getattr(getattr(is_type_of, "__func__", None), "ignores_info", False)


def _attribute_reader(field_def: GraphQLField) -> tuple | None:
    """(attribute, default, unless as-of) for a field whose resolver only reads an attribute:
    graphene's default resolver, or one of ours marked ``reads_attribute`` (a foreign key reads
    its row from history inside an as-of answer, so that one is plain only outside it)."""
    attribute = _default_attribute(field_def)
    if attribute is not None:
        return (*attribute, False)
    name = getattr(field_def.resolve, "reads_attribute", None)
    if name is None:
        return None
    return (name, None, getattr(field_def.resolve, "unless_snapshot", False))


def _serialize_simple(plan: list, source: Any) -> Any:
    """The object as graphql-core would complete it, or Undefined at the first thing that needs
    graphql-core after all (a null where one is not allowed, a value a scalar refuses, an object
    of another type, a row of an as-of answer): the caller then completes it the long way."""
    if isinstance(source, dict | Exception):
        return Undefined
    out = {}
    for entry in plan:
        if isinstance(entry, _TypeCheck):
            if not entry.is_type_of(source, None):
                return Undefined
            continue
        response_name, kind, detail = entry
        if kind is _TYPENAME:
            out[response_name] = detail
        elif kind is _LEAF:
            value = _read_leaf(source, detail)
            if value is Undefined:
                return Undefined
            out[response_name] = value
        else:
            attribute, default, unless_snapshot = kind
            if unless_snapshot and getattr(source, "_snapshot", None) is not None:
                return Undefined
            try:
                value = getattr(source, attribute, default)
            except Exception:
                return Undefined
            value = _serialize_value(detail, value)
            if value is Undefined:
                return Undefined
            out[response_name] = value
    return out


def _serialize_value(entry: tuple, value: Any) -> Any:
    non_null, kind, detail = entry
    if value is None or value is Undefined:
        return Undefined if non_null else None
    if isinstance(value, Exception):
        return Undefined
    if kind is _OBJECT:
        return _serialize_simple(detail, value)
    if kind is _LIST:
        if not is_iterable(value):
            return Undefined
        items = []
        for item in value:
            item = _serialize_value(detail, item)
            if item is Undefined:
                return Undefined
            items.append(item)
        return items
    try:
        serialized = detail.serialize(value)
    except Exception:
        return Undefined
    return Undefined if serialized is None else serialized


def _argument_defaults(field_def: GraphQLField) -> dict[str, Any] | None:
    """The arguments a field gets when the query gives none: the declared defaults, worked out once
    per field (a connection declares twenty filters). None when graphql-core must decide: a
    required argument (an error) or an input-object default (coerced)."""
    try:
        return field_def.__dict__[_DEFAULTS_ATTRIBUTE]
    except KeyError:
        pass
    defaults: dict[str, Any] | None = {}
    for name, arg_def in field_def.args.items():
        if arg_def.default_value is Undefined:
            if is_non_null_type(arg_def.type):
                defaults = None
                break
            continue
        if is_input_object_type(arg_def.type):
            defaults = None
            break
        defaults[arg_def.out_name or name] = arg_def.default_value
    field_def.__dict__[_DEFAULTS_ATTRIBUTE] = defaults
    return defaults


def _read_leaf(source: Any, plan: tuple) -> Any:
    """The serialised value of a plain leaf, or Undefined when graphql-core must decide (errors)."""
    attname, default, entry = plan
    try:
        value = getattr(source, attname, default)
    except Exception:
        return Undefined
    return _serialize_value(entry, value)
