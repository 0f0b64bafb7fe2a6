"""What every GraphQL type of the register shares: Relay ids, counted connections, read permission,
Relay ids in filters, and the ``ChoiceSetField`` conversion.

Types and connection fields come from graphene-django-query-optimizer (never graphene-django's own
in the same process: docs/architecture.md, traps of the stack), so that a query costs a constant number
of SQL queries.
"""

from __future__ import annotations

import binascii
import functools
from typing import Any

import graphene
from django.conf import settings
from django.core.exceptions import FieldError
from django.db import models
from django_filters import ModelChoiceFilter, ModelMultipleChoiceFilter
from graphene import relay
from graphene.relay.connection import connection_adapter, page_info_adapter
from graphene.utils.str_converters import to_snake_case
from graphene_django.converter import convert_django_field
from graphql import GraphQLError
from graphql_relay import from_global_id, offset_to_cursor
from query_optimizer import DjangoConnectionField, DjangoObjectType
from query_optimizer import fields as optimizer_fields
from query_optimizer.filter_info import get_filter_info
from query_optimizer.optimizer import QueryOptimizer
from query_optimizer.settings import optimizer_settings
from query_optimizer.utils import calculate_queryset_slice
from query_optimizer.validators import validate_pagination_args

from portfolio.fields import ChoiceSetField
from portfolio.graphql.loader import CHILDREN_ATTRIBUTE, NodePlan, plan_connection
from portfolio.history import Snapshot

__all__ = [
    "CountedConnection",
    "RegisterConnectionField",
    "RegisterType",
    "decode_global_id",
    "graphql_filterset",
    "related_connection",
]


@convert_django_field.register(ChoiceSetField)
def convert_choice_set(field: ChoiceSetField, registry=None) -> graphene.List:
    """A set of codes is a list of strings in GraphQL, as it is a list in Python."""
    return graphene.List(
        graphene.NonNull(graphene.String), required=True, description=str(field.verbose_name)
    )


def _evaluate_unless_cached(queryset):
    """Skip the optimizer's prefetch hack for a queryset whose rows are already prefetched.

    The optimizer evaluates every nested connection inside ``unittest.mock.patch`` (its M2M
    prefetch hack), even when the rows were prefetched with the parent and nothing is queried:
    measured at about 4 ms per nested list, 70 % of the landscape query's time. The hack matters
    only when the query actually runs, so a filled result cache is returned as it is.
    """
    cache = getattr(queryset, "_result_cache", None)
    if cache is not None:
        return list(cache)
    return _optimizer_evaluate(queryset)


_optimizer_evaluate = optimizer_fields.evaluate_with_prefetch_hack
optimizer_fields.evaluate_with_prefetch_hack = _evaluate_unless_cached


class CountedConnection(relay.Connection):
    """A Relay connection that also says how many rows match, whatever the page."""

    class Meta:
        abstract = True

    total_count = graphene.Int(required=True, description="Antal rader som matchar, oavsett sida.")

    @staticmethod
    def resolve_total_count(root, info) -> int:
        return root.length

    # For config.graphql.execution: this resolver only reads an attribute of the connection.
    resolve_total_count.reads_attribute = "length"


def decode_global_id(value: Any, model: type[models.Model] | None = None) -> str:
    """The primary key inside a Relay id; a plain key passes unchanged so the web form's values work too.

    A Relay id of another type than ``model`` decodes to a key that cannot match ("-1"), rather than
    silently matching a row of the wrong kind.
    """
    text = str(value)
    if text.isdigit():
        return text
    try:
        type_name, pk = from_global_id(text)
    except (TypeError, ValueError, UnicodeDecodeError, binascii.Error):
        return text
    if not type_name or not pk:
        return text
    if model is not None:
        from graphene_django.registry import get_global_registry

        node = get_global_registry().get_type_for_model(model)
        if node is not None and node._meta.name != type_name:
            return "-1"
    return pk


_FILTERSETS: dict[type, type] = {}


def graphql_filterset(filterset_class: type) -> type:
    """The model's own FilterSet, taking Relay ids wherever the HTML form takes primary keys.

    Nothing is re-declared: the returned class is a subclass that only decodes ids in the incoming
    data before the very same filters and methods run.
    """
    if filterset_class in _FILTERSETS:
        return _FILTERSETS[filterset_class]

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        if data is not None:
            data = dict(data)
            for name, flt in filterset_class.base_filters.items():
                if name not in data or data[name] in (None, ""):
                    continue
                if isinstance(flt, ModelMultipleChoiceFilter):
                    model = flt.extra.get("queryset").model if flt.extra.get("queryset") is not None else None
                    data[name] = [decode_global_id(v, model) for v in data[name]]
                elif isinstance(flt, ModelChoiceFilter):
                    model = flt.extra.get("queryset").model if flt.extra.get("queryset") is not None else None
                    data[name] = decode_global_id(data[name], model)
        filterset_class.__init__(self, data=data, queryset=queryset, request=request, prefix=prefix)

    attrs = {"__init__": __init__, "__module__": __name__}
    wrapped = type(filterset_class.__name__, (filterset_class,), attrs)
    _FILTERSETS[filterset_class] = wrapped
    return wrapped


def related_connection(model: type[models.Model], accessor: str, description: str = "") -> graphene.Dynamic:
    """A nested connection over ``model.<accessor>`` whose type is looked up when the schema is built.

    This lets a portfolio type offer a relation that another app defines (a system's processing
    activities) without the portfolio importing that app: if no type is registered for the
    related model, the field is simply absent.
    """

    def build():
        from graphene_django.registry import get_global_registry

        related = model._meta.get_field(accessor).related_model
        node = get_global_registry().get_type_for_model(related)
        if node is None:
            return None
        text = description or str(related._meta.verbose_name_plural)
        return RegisterConnectionField(node, description=text)

    return graphene.Dynamic(build)


def _fk_resolver(name: str):
    def resolve(root, info):
        return snapshot_related(root, name)

    # For config.graphql.execution: outside an as-of answer this only reads the attribute.
    resolve.reads_attribute = name
    resolve.unless_snapshot = True
    return resolve


class RegisterType(DjangoObjectType):
    """Base of every register type: a Relay node, a counted connection, read permission checked.

    ``filter_queryset`` runs for root connections and for every nested connection the optimizer
    prefetches, so a user without the model's view permission sees no rows of it anywhere.
    """

    class Meta:
        abstract = True

    @classmethod
    def __init_subclass_with_meta__(cls, **options):
        options.setdefault("interfaces", (relay.Node,))
        options.setdefault("connection_class", CountedConnection)
        options.setdefault("convert_choices_to_enum", False)
        options.setdefault("max_complexity", 20)
        if options.get("filterset_class") is not None:
            options["filterset_class"] = graphql_filterset(options["filterset_class"])
        super().__init_subclass_with_meta__(**options)
        # Foreign keys read the snapshot when the object is part of an as-of answer.
        for field in options["model"]._meta.concrete_fields:
            name = field.name
            declared = name in (options.get("fields") or ())
            if field.many_to_one and declared and not hasattr(cls, f"resolve_{name}"):
                setattr(cls, f"resolve_{name}", staticmethod(_fk_resolver(name)))

    @classmethod
    def is_type_of(cls, root, info) -> bool:
        # Asked for every object of an answer; a row of exactly this model needs no further checks.
        return type(root) is cls._meta.model or super().is_type_of(root, info)

    is_type_of.__func__.ignores_info = True  # config.graphql.execution may ask it without an info

    @classmethod
    def view_permission(cls) -> str:
        meta = cls._meta.model._meta
        return f"{meta.app_label}.view_{meta.model_name}"

    @classmethod
    def can_view(cls, info) -> bool:
        user = getattr(info.context, "user", None)
        return bool(user is not None and user.is_active and user.has_perm(cls.view_permission()))

    @classmethod
    def filter_queryset(cls, queryset, info):
        if not cls.can_view(info):
            return queryset.none()
        return queryset

    @classmethod
    def get_node(cls, info, pk):
        if not cls.can_view(info):
            return None
        return super().get_node(info, pk)


#
# The register as of an instant
#

PAGINATION_ARGS = ("first", "last", "offset", "after", "before")


def _sort_key(model: type[models.Model]):
    """Order historical rows as the model orders its rows, on the model's own columns, then by key."""
    names = []
    for entry in model._meta.ordering or ():
        name = entry.lstrip("-")
        if "__" in name or name == "pk":
            continue
        try:
            field = model._meta.get_field(name)
        except Exception:
            continue
        if not field.is_relation:
            names.append(field.attname)

    def key(row):
        values = []
        for name in names:
            value = getattr(row, name)
            if isinstance(value, str):
                value = value.casefold()
            values.append((value is None, value if value is not None else 0))
        return (*values, row.pk)

    return key


#: The cursor of a position (base64 of "arrayconnection:N"): computed once per position, as every
#: nested list of an answer starts again at 0.
cursor_at = functools.lru_cache(maxsize=10_000)(offset_to_cursor)


@functools.cache
def accessor_name(field_name: str) -> str:
    """The model accessor behind a GraphQL field name, e.g. ``processing_activities``."""
    return to_snake_case(field_name)


def _attach(rows, snapshot: Snapshot) -> list:
    for row in rows:
        row._snapshot = snapshot
    return list(rows)


def snapshot_related(root: models.Model, name: str):
    """``root.<name>`` (a foreign key) as it was at the root's snapshot, or today's row outside one."""
    snapshot = getattr(root, "_snapshot", None)
    if snapshot is None:
        return getattr(root, name)
    related = snapshot.related(root, name)
    if related is not None:
        related._snapshot = snapshot
    return related


def snapshot_children(root: models.Model, accessor: str, snapshot: Snapshot) -> list[models.Model]:
    """The rows behind a to-many relation of ``root`` as they were at ``snapshot``: read from the
    related models' own history (and the link models' history), never from today's rows."""
    owner = type(root)
    field = owner._meta.get_field(accessor)
    related = field.related_model
    if field.many_to_many:
        through = field.remote_field.through if not field.auto_created else field.through
        concrete_owner = owner._meta.concrete_model
        owner_field = next(
            f.name for f in through._meta.concrete_fields
            if isinstance(f, models.ForeignKey) and f.related_model._meta.concrete_model is concrete_owner
        )
        rows = snapshot.linked(through, owner_field, root.pk)
    else:
        attname = field.field.attname
        cache = snapshot.__dict__.setdefault("_graphql_reverse_index", {})
        key = (related, attname)
        if key not in cache:
            index: dict = {}
            for row in snapshot.all(related):
                index.setdefault(getattr(row, attname), []).append(row)
            cache[key] = index
        rows = cache[key].get(root.pk, [])
    return sorted(rows, key=_sort_key(related))


class RegisterConnectionField(DjangoConnectionField):
    """The optimizer's connection field, plus the register as of an instant.

    Without ``asOf`` (and outside an as-of answer) it is the optimizer's field unchanged: constant
    SQL queries. With ``asOf`` on a root connection, rows are read from history through
    ``portfolio.history.Snapshot`` (one query per model touched); every object in that answer
    carries the snapshot, so its nested relations are read from history too.
    """

    def __init__(self, type_, /, *, as_of: bool = False, **kwargs):
        if as_of:
            kwargs["as_of"] = graphene.DateTime(
                description="Registret som det såg ut vid denna tidpunkt (ISO 8601), läst ur historiken. "
                "Relationer läses också som de var då."
            )
        super().__init__(type_, **kwargs)

    def connection_resolver(self, root, info, **kwargs):
        when = kwargs.pop("as_of", None)
        snapshot = getattr(root, "_snapshot", None) if isinstance(root, models.Model) else None
        if when is None and snapshot is None:
            loaded = root.__dict__.get(CHILDREN_ATTRIBUTE) if isinstance(root, models.Model) else None
            rows = loaded.get(accessor_name(info.field_name)) if loaded is not None else None
            if rows is not None:
                pagination = validate_pagination_args(
                    **{name: kwargs.pop(name, None) for name in PAGINATION_ARGS}, max_limit=self.max_limit
                )
                return self.list_connection(rows, pagination)
            if root is None and settings.GRAPHQL_LOADER:
                plan = plan_connection(info, self.underlying_type)
                if plan is not None:
                    return self.load_connection(plan, root, info, kwargs)
            prefetched = self.prefetched_page(root, info)
            if prefetched is not None:
                rows, total = prefetched
                pagination = validate_pagination_args(
                    **{name: kwargs.pop(name, None) for name in PAGINATION_ARGS}, max_limit=self.max_limit
                )
                pagination["size"] = total
                page = (calculate_queryset_slice(**pagination), rows)
                return self.list_connection(rows, pagination, count=total, page=page)
            return super().connection_resolver(root, info, **kwargs)
        pagination = validate_pagination_args(
            **{name: kwargs.pop(name, None) for name in PAGINATION_ARGS}, max_limit=self.max_limit
        )
        node = self.underlying_type
        if not node.can_view(info):
            rows = []
        elif snapshot is not None:
            accessor = self.field_name or accessor_name(info.field_name)
            rows = snapshot_children(root, accessor, snapshot)
            kind = getattr(node._meta.model, "KIND", None)
            if kind is not None:  # a proxy's rows among the relation's services
                rows = [row for row in rows if row.kind == kind]
            rows = _attach(rows, snapshot)
        else:
            rows = self.rows_as_of(when, info, kwargs)
        return self.list_connection(rows, pagination)

    @staticmethod
    def prefetched_page(root, info) -> tuple[list, int] | None:
        """One page of a nested connection the optimizer prefetched into a list, with its total.

        When the GraphQL field is named apart from the model's relation (a vendor's ``applications``
        over its ``services``), the optimizer prefetches the page into a list (``to_attr``) and then
        counts that list: ``totalCount`` said 30 (the page) for 47 systems, and ``hasNextPage`` and
        the cursors of a ``last`` page followed. The prefetch query annotates each row with its
        partition's full count (``_optimizer_count``, asked when the selection wants a total or a
        page from the end); this reads it. Without that annotation the optimizer's own answer stands.
        """
        if not isinstance(root, models.Model):
            return None
        alias = getattr(info.field_nodes[0].alias, "value", None)
        rows = root.__dict__.get(alias or to_snake_case(info.field_name))
        if not isinstance(rows, list) or not rows:
            return None
        total = getattr(rows[0], optimizer_settings.PREFETCH_COUNT_KEY, None)
        return None if total is None else (rows, total)

    def load_connection(self, plan: NodePlan, root, info, kwargs: dict):
        """A root connection read by ``portfolio.graphql.loader``: filtered and counted as the
        optimizer does it (the type's FilterSet and read permission), then one page of rows with
        their foreign keys joined and each nested connection loaded in one query."""
        pagination = validate_pagination_args(
            **{name: kwargs.pop(name, None) for name in PAGINATION_ARGS}, max_limit=self.max_limit
        )
        node = self.underlying_type
        queryset = node.get_queryset(self.to_queryset(self.resolver(root, info, **kwargs)), info)
        if any(value is not None for value in kwargs.values()):
            # The optimizer's filtering: read permission, then the model's FilterSet on the arguments.
            queryset = QueryOptimizer(queryset.model, info).filter_queryset(
                queryset, get_filter_info(info, queryset.model)
            )
        else:
            # No filter asked for: a FilterSet would leave the rows as they are (and cost 3 ms).
            queryset = node.filter_queryset(queryset, info)
        pagination["size"] = count = queryset.count()
        cut = calculate_queryset_slice(**pagination)
        # The page's keys first (the ordering's index alone), then its rows by key: an OFFSET deep
        # into the table would otherwise join every skipped row (10 ms at the end of 9,000).
        keys = list(queryset.values_list("pk", flat=True)[cut])
        by_key = {row.pk: row for (row,) in plan.read(self.model._default_manager.filter(pk__in=keys))}
        rows = [by_key[key] for key in keys if key in by_key]  # a row deleted in between is left out
        plan.fill(rows, info)
        return self.list_connection(rows, pagination, count=count, page=(cut, rows))

    def rows_as_of(self, when, info, filters: dict) -> list:
        from portfolio.history import as_of

        model = self.model
        snapshot = Snapshot(when)
        filters = {k: v for k, v in filters.items() if v is not None}
        if not filters:
            rows = snapshot.all(model)
        else:
            filterset_class = getattr(self.underlying_type._meta, "filterset_class", None)
            if filterset_class is None:
                raise GraphQLError("Den här listan kan inte filtreras.")
            queryset = as_of(model, snapshot.when)
            filterset = filterset_class(data=filters, queryset=queryset, request=info.context)
            if not filterset.is_valid():
                raise GraphQLError(f"Ogiltigt filter: {filterset.errors.as_text()}")
            try:
                pks = [row.pk for row in filterset.qs]
            except (FieldError, AttributeError, TypeError, ValueError) as error:
                names = ", ".join(sorted(filters))
                raise GraphQLError(
                    f"Ett av filtren ({names}) kan inte användas tillsammans med asOf: det går genom "
                    "relationer som historiken inte har. Filtrera på postens egna fält."
                ) from error
            rows = [row for row in (snapshot.get(model, pk) for pk in pks) if row is not None]
            if filters.get("ordering"):
                # The FilterSet ordered the rows as asked; keep that order.
                return _attach(rows, snapshot)
        return _attach(sorted(rows, key=_sort_key(model)), snapshot)

    def list_connection(self, rows: list, pagination: dict, *, count: int | None = None, page=None):
        """A connection over ``rows`` (all of them), or over one ``page`` = (slice, rows) of ``count``."""
        if page is None:
            count = len(rows)
            pagination["size"] = count
            cut = calculate_queryset_slice(**pagination)
            page_rows = rows[cut]
        else:
            cut, page_rows = page
        return page_connection(self.connection_type, page_rows, cut, count, iterable=rows)


def page_connection(connection_type, page_rows: list, cut: slice, count: int, *, iterable=None):
    """A Relay connection of ``connection_type`` over one page (``page_rows``, the ``cut`` of a
    list of ``count`` rows): edges with cursors counted from the start of the whole list."""
    edge = connection_type.Edge
    edges = [edge(node=row, cursor=cursor_at(cut.start + index)) for index, row in enumerate(page_rows)]
    connection = connection_adapter(
        cls=connection_type,
        edges=edges,
        pageInfo=page_info_adapter(
            startCursor=edges[0].cursor if edges else None,
            endCursor=edges[-1].cursor if edges else None,
            hasPreviousPage=cut.start > 0,
            hasNextPage=cut.stop < count,
        ),
    )
    connection.iterable = page_rows if iterable is None else iterable
    connection.length = count
    return connection


def filtered_by(filterset_class, queryset, data: dict, info):
    """``queryset`` filtered by the GraphQL arguments ``data`` through the model's FilterSet, or a
    GraphQL error naming what is wrong with them."""
    filterset = graphql_filterset(filterset_class)(data=data, queryset=queryset, request=info.context)
    if not filterset.is_valid():
        raise GraphQLError(f"Ogiltigt filter: {filterset.errors.as_text()}")
    return filterset.qs
