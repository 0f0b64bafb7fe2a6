"""GraphQL ``completeness``: the register's completeness now, aggregated, and month by month.

Presents what ``stewardship.completeness`` returns (plain graphene types, no model types, so the
query optimizer is not involved); the query count does not grow with the register.
"""

import graphene
from graphql import GraphQLError

from stewardship.completeness import completeness_summary

__all__ = ["CompletenessQuery"]

MAX_MONTHS = 36
KINDS = ("application", "learning_resource", "management_object", "processing_activity")


class CompletenessGroupType(graphene.ObjectType):
    """The completeness of a group of records: a kind, a förvaltningsobjekt, an owner, a controller."""

    class Meta:
        name = "CompletenessGroup"

    key = graphene.Int(
        description="Primärnyckel för gruppen (förvaltningsobjekt, person, nämnd); tom för övriga."
    )
    label = graphene.String(required=True, description="Gruppens namn.")
    percent = graphene.Int(required=True, description="Viktad fullständighet i procent.")
    score = graphene.Int(required=True, description="Summan av vikterna för de uppgifter som finns.")
    possible = graphene.Int(required=True, description="Summan av vikterna för de uppgifter som förväntas.")
    records = graphene.Int(required=True, description="Antal poster i gruppen.")
    complete_records = graphene.Int(required=True, description="Antal poster där inget saknas.")
    most_missing = graphene.List(
        graphene.NonNull(graphene.String),
        required=True,
        description="Det som oftast saknas, vanligast först, som ”saknar systemägare (3)”.",
    )

    @staticmethod
    def resolve_key(group, info):
        return group.key if isinstance(group.key, int) else None

    @staticmethod
    def resolve_most_missing(group, info):
        return [f"{text} ({count})" for text, count in group.most_missing]


class CompletenessRecordType(graphene.ObjectType):
    """One record's completeness and what it lacks."""

    class Meta:
        name = "CompletenessRecord"

    kind = graphene.String(
        required=True,
        description="application, learning_resource, management_object eller processing_activity.",
    )
    pk = graphene.Int(required=True, description="Postens primärnyckel.")
    name = graphene.String(required=True, description="Postens namn.")
    percent = graphene.Int(required=True, description="Viktad fullständighet i procent.")
    missing = graphene.List(
        graphene.NonNull(graphene.String),
        required=True,
        description="Det som saknas, t.ex. ”saknar gallringsfrist”.",
    )
    stale = graphene.String(required=True, description="Varför posten är inaktuell, eller tomt.")

    @staticmethod
    def resolve_kind(record, info):
        return record.target_type

    @staticmethod
    def resolve_pk(record, info):
        return record.target_id


class CompletenessMonthType(graphene.ObjectType):
    """How complete the register was at one month's end, read from history."""

    class Meta:
        name = "CompletenessMonth"

    day = graphene.Date(required=True, description="Månadens sista dag (i innevarande månad: i dag).")
    percent = graphene.Int(
        description="Hela registrets viktade fullständighet i procent; null om registret var tomt."
    )
    records = graphene.Int(required=True, description="Antal poster som fanns då.")


class CompletenessType(graphene.ObjectType):
    """The whole register's completeness (docs/completeness.md explains the weights)."""

    class Meta:
        name = "Completeness"

    percent = graphene.Int(required=True, description="Hela registrets viktade fullständighet i procent.")
    records = graphene.Int(required=True, description="Antal poster som bedömts.")
    by_kind = graphene.List(
        graphene.NonNull(CompletenessGroupType), required=True, description="Per posttyp."
    )
    by_management_object = graphene.List(
        graphene.NonNull(CompletenessGroupType),
        required=True,
        description="Per förvaltningsobjekt (objektet och dess system), lägst först.",
    )
    by_owner = graphene.List(
        graphene.NonNull(CompletenessGroupType),
        required=True,
        description="Per ägare (systemägare, objektägare, ansvarig för behandling), lägst först.",
    )
    by_controller = graphene.List(
        graphene.NonNull(CompletenessGroupType),
        required=True,
        description="Behandlingarna per personuppgiftsansvarig nämnd, lägst först.",
    )
    records_of = graphene.List(
        graphene.NonNull(CompletenessRecordType),
        required=True,
        kind=graphene.String(description="Bara denna posttyp."),
        incomplete=graphene.Boolean(default_value=False, description="Bara poster där något saknas."),
        description="Varje posts fullständighet, lägst först.",
    )
    over_time = graphene.List(
        graphene.NonNull(CompletenessMonthType),
        required=True,
        description="Månad för månad, om fältet ”months” angavs.",
    )

    @staticmethod
    def resolve_percent(summary, info):
        return summary.overall.percent

    @staticmethod
    def resolve_records(summary, info):
        return summary.overall.records

    @staticmethod
    def resolve_records_of(summary, info, kind=None, incomplete=False):
        if kind is not None and kind not in KINDS:
            raise GraphQLError(f"Okänd posttyp {kind!r}: {', '.join(KINDS)}.")
        rows = [r for k, results in summary.records.items() if kind in (None, k) for r in results]
        if incomplete:
            rows = [r for r in rows if not r.complete]
        return sorted(rows, key=lambda r: (r.percent, r.name, r.target_id))


class CompletenessQuery(graphene.ObjectType):
    completeness = graphene.Field(
        CompletenessType,
        required=True,
        months=graphene.Int(
            default_value=0, description=f"Ta med så många månadsslut bakåt (högst {MAX_MONTHS})."
        ),
        description="Hur fullständigt registret är: per typ, objekt, ägare och nämnd, och över tid.",
    )

    @staticmethod
    def resolve_completeness(root, info, months=0):
        user = getattr(info.context, "user", None)
        allowed = user is not None and user.is_active
        allowed = (
            allowed
            and user.has_perm("portfolio.view_application")
            and user.has_perm("gdpr.view_processingactivity")
        )
        if not allowed:
            raise GraphQLError("Behörighet saknas för registrets fullständighet.")
        if months < 0 or months > MAX_MONTHS:
            raise GraphQLError(f"months ska vara mellan 0 och {MAX_MONTHS}.")
        return completeness_summary(months=months)
