"""The ``services`` root connection: systems and learning resources together, as the ``Service`` interface.

Every relation of the register points at one service table (docs/architecture.md, "One service
table"); this connection reads that table once, filtered by the same FilterSet as the HTML lists
(``AllServicesFilterSet``), and answers each row as its kind's type (``Application`` or
``LearningResource``). Two queries: the count and the page.
"""

import graphene
from graphql import GraphQLError
from query_optimizer.utils import calculate_queryset_slice
from query_optimizer.validators import validate_pagination_args

from portfolio.filters import AllServicesFilterSet
from portfolio.graphql.base import CountedConnection, filtered_by, page_connection
from portfolio.graphql.types import ServiceInterface
from portfolio.history import Snapshot
from portfolio.models import Service

__all__ = ["ServiceConnection", "services_field"]

_PAGINATION = ("first", "last", "offset", "after", "before")


class ServiceConnection(CountedConnection):
    class Meta:
        node = ServiceInterface


def services_field() -> graphene.relay.ConnectionField:
    return graphene.relay.ConnectionField(
        ServiceConnection,
        description="Alla tjänster, system och lärresurser, i en lista (typen säger vilken).",
        resolver=resolve_services,
        offset=graphene.Int(),
        q=graphene.String(description="Fritextsökning i namn, produkt och alias."),
        kind=graphene.List(
            graphene.NonNull(graphene.String), description="application eller learning_resource."
        ),
        lifecycle_status=graphene.List(graphene.NonNull(graphene.String), description="Livscykelstatus."),
        processes_personal_data=graphene.Boolean(description="Behandlar personuppgifter."),
        as_of=graphene.DateTime(
            description="Registret som det såg ut vid denna tidpunkt (ISO 8601), läst ur historiken."
        ),
    )


def resolve_services(root, info, **kwargs):
    pagination = validate_pagination_args(**{name: kwargs.pop(name, None) for name in _PAGINATION})
    when = kwargs.pop("as_of", None)
    queryset = Service.objects.visible_to(getattr(info.context, "user", None))
    data = {name: value for name, value in kwargs.items() if value is not None}
    if when is not None:
        rows = _rows_as_of(when, queryset, data)
        pagination["size"] = count = len(rows)
        cut = calculate_queryset_slice(**pagination)
        return _connection(rows[cut], cut, count)
    if data:
        queryset = filtered_by(AllServicesFilterSet, queryset, data, info)
    queryset = queryset.order_by("name", "pk")
    pagination["size"] = count = queryset.count()
    cut = calculate_queryset_slice(**pagination)
    return _connection([service.as_kind() for service in queryset[cut]], cut, count)


def _rows_as_of(when, visible, data: dict) -> list:
    """Every service as it stood at ``when`` (one history query), filtered on its own columns."""
    unsupported = set(data) - {"kind", "lifecycle_status", "processes_personal_data"}
    if unsupported:
        raise GraphQLError(
            f"Filtren {', '.join(sorted(unsupported))} kan inte användas tillsammans med asOf: "
            "filtrera på postens egna fält (kind, lifecycleStatus, processesPersonalData)."
        )
    if not visible.exists():
        return []
    snapshot = Snapshot(when)
    rows = []
    for service in snapshot.all(Service):
        if "kind" in data and service.kind not in data["kind"]:
            continue
        if "lifecycle_status" in data and service.lifecycle_status not in data["lifecycle_status"]:
            continue
        wanted = data.get("processes_personal_data")
        if wanted is not None and service.processes_personal_data != wanted:
            continue
        service._snapshot = snapshot
        rows.append(service.as_kind())
    return sorted(rows, key=lambda service: (service.name.casefold(), service.pk))


def _connection(rows: list, cut: slice, count: int) -> ServiceConnection:
    return page_connection(ServiceConnection, rows, cut, count)
