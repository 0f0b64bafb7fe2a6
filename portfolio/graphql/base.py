"""What every GraphQL type of the register shares: Relay ids, counted connections, read permission,
Relay ids in filters, and the ``ChoiceSetField`` conversion.

Types and connection fields come from graphene-django-query-optimizer (never graphene-django's own
in the same process: STACK.md), so that a query costs a constant number of SQL queries.
"""

from __future__ import annotations

import binascii
from typing import Any

import graphene
from django.db import models
from django_filters import ModelChoiceFilter, ModelMultipleChoiceFilter
from graphene import relay
from graphene_django.converter import convert_django_field
from graphql_relay import from_global_id
from query_optimizer import DjangoConnectionField, DjangoObjectType

from portfolio.fields import ChoiceSetField

__all__ = [
    "CountedConnection",
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


class CountedConnection(relay.Connection):
    """A Relay connection that also says how many rows match, whatever the page."""

    class Meta:
        abstract = True

    total_count = graphene.Int(required=True, description="Antal rader som matchar, oavsett sida.")

    @staticmethod
    def resolve_total_count(root, info) -> int:
        return root.length


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
        return DjangoConnectionField(node, description=text)

    return graphene.Dynamic(build)


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
