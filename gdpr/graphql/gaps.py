"""GraphQL ``gdprGaps`` and ``ropa``: the gap findings and the Article 30 register rows.

Both present what ``gdpr.gaps.find_gaps`` and ``gdpr.ropa.ropa_rows`` return (constant query
counts), so the API, the web pages and the exports always agree.
"""

import graphene
from graphql import GraphQLError

from gdpr.gaps import Severity, find_gaps
from gdpr.gaps.breaches import visible_findings
from gdpr.models import ProcessingActivity
from gdpr.ropa import ROPA_COLUMNS, ropa_rows
from portfolio.graphql.base import decode_global_id
from portfolio.models import Organisation

__all__ = ["GdprGapType", "GdprQuery", "RopaRowType"]


class GdprGapType(graphene.ObjectType):
    """One data-protection gap: which rule, on what, why, and how to close it."""

    class Meta:
        name = "GdprGap"

    code = graphene.String(required=True, description="Regelns stabila kod, t.ex. NO_LEGAL_BASIS.")
    title = graphene.String(required=True, description="Regelns rubrik.")
    severity = graphene.String(
        required=True, description="Allvarlighetsgrad: critical, high, medium eller low."
    )
    basis = graphene.String(required=True, description="Artikel eller lagrum som regeln vilar på.")
    target_type = graphene.String(
        required=True,
        description="Vad avvikelsen gäller: processing_activity, application, learning_resource, vendor.",
    )
    target_id = graphene.Int(required=True, description="Primärnyckel för det avvikelsen gäller.")
    target_name = graphene.String(required=True, description="Namnet på det avvikelsen gäller.")
    activity_id = graphene.Int(
        description="Behandlingen där avvikelsen uppstår, om den gäller ett system eller en leverantör."
    )
    explanation = graphene.String(required=True, description="Varför regeln slår till här.")
    fix = graphene.String(required=True, description="Hur avvikelsen åtgärdas, i en mening.")
    field = graphene.String(
        required=True, description="Formulärfältet som åtgärdar avvikelsen (kan vara tomt)."
    )
    form = graphene.String(
        required=True, description="Formuläret fältet hör till, t.ex. processing_activity, contract."
    )
    acknowledged = graphene.Boolean(required=True, description="Avvikelsen är accepterad som risk.")
    acknowledgement_reason = graphene.String(
        required=True, description="Motiveringen för den accepterade risken."
    )


RopaRowType = type(
    "RopaRowType",
    (graphene.ObjectType,),
    {
        "__doc__": "En behandling i registerförteckningen (art. 30), med samma kolumner som exporten.",
        "Meta": type("Meta", (), {"name": "RopaRow"}),
        **{c.key: graphene.String(required=True, description=c.label) for c in ROPA_COLUMNS},
    },
)


def _require_view(info) -> None:
    user = getattr(info.context, "user", None)
    if user is None or not user.is_active or not user.has_perm("gdpr.view_processingactivity"):
        raise GraphQLError("Behörighet saknas för registerförteckningen.")


def _controller(value) -> Organisation:
    pk = decode_global_id(value, Organisation)
    board = Organisation.objects.controllers().filter(pk=pk).first() if str(pk).isdigit() else None
    if board is None:
        raise GraphQLError(f"Ingen nämnd med id {value}.")
    return board


class GdprQuery(graphene.ObjectType):
    gdpr_gaps = graphene.List(
        graphene.NonNull(GdprGapType),
        required=True,
        severity=graphene.String(description="Minsta allvarlighetsgrad: critical, high, medium eller low."),
        code=graphene.List(graphene.NonNull(graphene.String), description="Bara dessa regler."),
        controller=graphene.ID(
            description="Bara behandlingar hos denna nämnd (Relay-id eller primärnyckel)."
        ),
        include_acknowledged=graphene.Boolean(default_value=False, description="Ta med accepterade risker."),
        description="Dataskyddsavvikelser i registerförteckningen, allvarligast först.",
    )
    ropa = graphene.List(
        graphene.NonNull(RopaRowType),
        required=True,
        controller=graphene.ID(description="Bara denna nämnd (Relay-id eller primärnyckel)."),
        as_of=graphene.Date(description="Registret som det såg ut vid slutet av denna dag."),
        processor=graphene.Boolean(default_value=False, description="Förteckningen enligt art. 30.2."),
        description="Registerförteckningen enligt art. 30, en rad per behandling.",
    )

    @staticmethod
    def resolve_gdpr_gaps(root, info, severity=None, code=None, controller=None, include_acknowledged=False):
        _require_view(info)
        if severity is not None and severity not in Severity.values:
            raise GraphQLError(f"Okänd allvarlighetsgrad {severity!r}: {', '.join(Severity.values)}.")
        activities = None
        if controller is not None:
            activities = ProcessingActivity.objects.filter(controller=_controller(controller))
        findings = visible_findings(
            find_gaps(activities, include_acknowledged=include_acknowledged, codes=code), info.context.user
        )
        if severity is not None:
            findings = [f for f in findings if Severity.rank(f.severity) <= Severity.rank(severity)]
        return findings

    @staticmethod
    def resolve_ropa(root, info, controller=None, as_of=None, processor=False):
        _require_view(info)
        board = _controller(controller) if controller is not None else None
        return [RopaRowType(**row) for row in ropa_rows(controller=board, as_of=as_of, processor=processor)]
