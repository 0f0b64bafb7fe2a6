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

from graphene.types.resolver import attr_resolver, dict_or_attr_resolver
from graphql import (
    ExecutionContext,
    FieldNode,
    GraphQLField,
    GraphQLNonNull,
    GraphQLObjectType,
    Undefined,
    is_leaf_type,
)
from graphql.execution.execute import get_field_def
from graphql.pyutils import Path

__all__ = ["RegisterExecutionContext"]

_DEFAULT_RESOLVERS = (dict_or_attr_resolver, attr_resolver)
#: Where a field definition keeps how to read it directly (or None: the long path).
_PLAN_ATTRIBUTE = "_systemkarta_plain_leaf"


def _plain_leaf(field_def: GraphQLField) -> tuple | None:
    """(attribute, default, leaf type, non-null) if ``field_def`` is a leaf that graphene's default
    resolver reads from an attribute; None otherwise. Worked out once per field definition."""
    try:
        return field_def.__dict__[_PLAN_ATTRIBUTE]
    except KeyError:
        pass
    plan = None
    resolve = field_def.resolve
    if isinstance(resolve, partial) and resolve.func in _DEFAULT_RESOLVERS and len(resolve.args) == 2:
        field_type = field_def.type
        non_null = isinstance(field_type, GraphQLNonNull)
        leaf = field_type.of_type if non_null else field_type
        if is_leaf_type(leaf):
            plan = (*resolve.args, leaf, non_null)
    field_def.__dict__[_PLAN_ATTRIBUTE] = plan
    return plan


class RegisterExecutionContext(ExecutionContext):
    """Executes plain column fields without the per-field machinery; everything else as usual."""

    def execute_field(
        self, parent_type: GraphQLObjectType, source: Any, field_nodes: list[FieldNode], path: Path
    ) -> Any:
        if self.middleware_manager is None and not isinstance(source, dict):
            field_def = get_field_def(self.schema, parent_type, field_nodes[0])
            plan = _plain_leaf(field_def) if field_def else None
            if plan is not None:
                attname, default, leaf, non_null = plan
                try:
                    value = getattr(source, attname, default)
                    if value is None:
                        if not non_null:
                            return None
                    elif not isinstance(value, Exception):
                        serialized = leaf.serialize(value)
                        if serialized is not Undefined and serialized is not None:
                            return serialized
                except Exception:  # noqa: S110 - the long path below reports it as graphql-core does
                    pass
        return super().execute_field(parent_type, source, field_nodes, path)

