"""GraphQL face of the landscape analyses: object types derived from their dataclasses.

Each type is built by ``portfolio.graphql.shapes.object_type`` from the dataclass's declared
attributes (their help texts are the descriptions), so a field added to an analysis result is
added once, there (docs/architecture.md, "One shape per analysis").

Resolvers only call the analysis over what the user may see (``visible_to``) and return its
dataclasses; graphene reads their attributes. ``standardisationCandidates`` weighs GDPR facts
(open and serious gaps, missing processor agreements) when the root ``Query`` offers
``gdpr_facts(info)`` — the root schema in ``config`` does, because only it may know both
``portfolio`` and ``gdpr`` (docs/architecture.md, principle 3).
"""

from __future__ import annotations

import graphene
from graphql import GraphQLError

from portfolio.analysis import (
    CapabilityOverlap,
    ClusterMember,
    CoverageGroup,
    DuplicateCluster,
    EquityCell,
    EquityColumn,
    EquityFinding,
    EquityMatrix,
    EquitySchool,
    FederationFinding,
    OverlapService,
    Pm3Gap,
    ProductOption,
    ServiceOutsideSso,
    Severity,
    SsoCoverage,
    StandardisationCandidate,
    StandardisationReport,
    StandardisationWeights,
    equity_matrix,
    find_duplicates,
    pm3_gaps,
    sso_coverage,
    standardisation_report,
)
from portfolio.analysis.duplicates import TIER_FAMILY, TIER_SAME_PRODUCT
from portfolio.graphql.shapes import object_type

__all__ = ["AnalysisQuery", "DuplicateTier"]

def _services(info):
    """The systems and learning resources ``info``'s user may read, or a GraphQL error."""
    from portfolio.models import Application, LearningResource

    user = getattr(info.context, "user", None)
    if user is None or not user.is_active or not user.has_perm("portfolio.view_application"):
        raise GraphQLError("Behörighet saknas för systemkartan.")
    return Application.objects.visible_to(user), LearningResource.objects.visible_to(user)


#
# The result types, derived from the analyses' dataclasses (portfolio.analysis.shapes)
#


class DuplicateTier(graphene.Enum):
    """How strong the evidence of a duplicate cluster is."""

    class Meta:
        description = "Hur starka bevisen för ett dubblettkluster är."

    SAME_PRODUCT = TIER_SAME_PRODUCT
    FAMILY = TIER_FAMILY

    @property
    def description(self):
        if self == DuplicateTier.SAME_PRODUCT:
            return (
                "Samma produkt: starka bevis (entity ID, katalogen, leverantör och produkt, nästan "
                "samma namn)."
            )
        return (
            "Samma produktfamilj — granska: ett tillägg i namnet, en egen underdomän, en familj i "
            "katalogen."
        )


DuplicateMemberType = object_type(
    ClusterMember, "En registrering i ett dubblettkluster.", name="DuplicateMemberType"
)
DuplicateClusterType = object_type(
    DuplicateCluster,
    "Registreringar som är samma produkt, varför vi tror det och vad man gör åt det.",
    types={"tier": DuplicateTier},
)

OverlapServiceType = object_type(
    OverlapService, "En registrerad tjänst i en överlappning: användning, kostnad och risk."
)
ProductOptionType = object_type(
    ProductOption,
    "En produkt som kan behållas: dess registreringar (samma produkt registrerad flera gånger är "
    "ett alternativ), konton och vad den skulle föra med sig.",
)
CapabilityOverlapType = object_type(
    CapabilityOverlap, "En verksamhetsförmåga som stöds av mer än en produkt i drift."
)
StandardisationCandidateType = object_type(
    StandardisationCandidate,
    "En rangordnad konsolidering: vad som behålls, räknas in, avvecklas, sparas och varför.",
)
StandardisationWeightsType = object_type(
    StandardisationWeights, "Vikterna bakom rangordningen (se docs/analysis.md)."
)
StandardisationReportType = object_type(
    StandardisationReport, "Överlappande förmågor och rangordnade standardiseringskandidater."
)

CoverageGroupType = object_type(
    CoverageGroup,
    "SSO-täckning inom en grupp: inloggningsmetod, IdP, federation, förmåga eller skola.",
)
ServiceOutsideSsoType = object_type(
    ServiceOutsideSso, "En tjänst som man loggar in i utanför single sign-on."
)
FederationFindingType = object_type(
    FederationFinding, "En tjänst som anges vara federationsansluten men saknar entity ID."
)
SsoCoverageType = object_type(
    SsoCoverage, "Andel tjänster bakom single sign-on, räknat och viktat med användare."
)

Pm3GapType = object_type(Pm3Gap, "En brist i PM3-förvaltningen.")

EquitySchoolType = object_type(EquitySchool, "En skolenhet i likvärdighetsmatrisen.")
EquityColumnType = object_type(EquityColumn, "En kolumn: en verksamhetsförmåga eller ett ämne.")
EquityCellType = object_type(EquityCell, "Vilka tjänster en skolenhet har för en kolumn.")
EquityFindingType = object_type(
    EquityFinding,
    "En skolenhet som saknar något jämförbara skolor har, eller använder annat system.",
)
EquityMatrixType = object_type(EquityMatrix, "Skolenheter × förmågor och ämnen, och skillnaderna mellan dem.")


#
# Root fields
#


class AnalysisQuery(graphene.ObjectType):
    duplicate_clusters = graphene.List(
        graphene.NonNull(DuplicateClusterType),
        required=True,
        only_duplicates=graphene.Boolean(
            default_value=False, description="Utelämna kluster som bara är en produkt och dess testmiljö."
        ),
        tier=graphene.Argument(DuplicateTier, description="Bara kluster på denna nivå; utelämnad: båda."),
        description=(
            "Samma produkt registrerad flera gånger, bland system och lärresurser, i två nivåer: samma "
            "produkt och samma produktfamilj (granska). Par som beslutats vara olika produkter visas inte."
        ),
    )
    standardisation_candidates = graphene.Field(
        StandardisationReportType,
        required=True,
        keep=graphene.List(
            graphene.NonNull(graphene.String),
            description="Tjänster att behålla där de förekommer: application:ID eller learning_resource:ID.",
        ),
        description=(
            "Överlappande förmågor och rangordnade konsolideringar; samma produkt registrerad flera "
            "gånger räknas som en, och dataskyddsbrister och saknade biträdesavtal vägs in."
        ),
    )
    sso_coverage = graphene.Field(
        SsoCoverageType, required=True, description="Single sign-on- och federationstäckning."
    )
    pm3_gaps = graphene.List(
        graphene.NonNull(Pm3GapType),
        required=True,
        severity=graphene.String(
            description="Bara denna allvarlighetsgrad: critical, high, medium eller low."
        ),
        description="Brister i PM3-förvaltningen, allvarligast först.",
    )
    equity_matrix = graphene.Field(
        EquityMatrixType, required=True, description="Likvärdighet: skolenheter × förmågor och ämnen."
    )

    @staticmethod
    def resolve_duplicate_clusters(root, info, only_duplicates=False, tier=None):
        applications, learning_resources = _services(info)
        return find_duplicates(
            applications,
            learning_resources,
            include_test_environments=not only_duplicates,
            tier=getattr(tier, "value", tier),
        )

    @staticmethod
    def resolve_standardisation_candidates(root, info, keep=None):
        applications, learning_resources = _services(info)
        wanted = []
        for value in keep or ():
            kind, _sep, pk = value.partition(":")
            if kind not in ("application", "learning_resource") or not pk.isdigit():
                raise GraphQLError(f"keep skrivs application:ID eller learning_resource:ID, inte {value!r}.")
            wanted.append((kind, int(pk)))
        provider = getattr(getattr(info.parent_type, "graphene_type", None), "gdpr_facts", None)
        gdpr_facts = provider(info) if provider is not None else None
        return standardisation_report(
            applications.in_use(), learning_resources.in_use(), keep=wanted, gdpr_facts=gdpr_facts
        )

    @staticmethod
    def resolve_sso_coverage(root, info):
        applications, learning_resources = _services(info)
        return sso_coverage(applications.in_use(), learning_resources.in_use())

    @staticmethod
    def resolve_pm3_gaps(root, info, severity=None):
        applications, learning_resources = _services(info)
        if severity and severity not in Severity.values:
            raise GraphQLError(f"Okänd allvarlighetsgrad {severity!r}: {', '.join(Severity.values)}.")
        gaps = pm3_gaps(applications=applications, learning_resources=learning_resources)
        return [g for g in gaps if not severity or g.severity == severity]

    @staticmethod
    def resolve_equity_matrix(root, info):
        applications, learning_resources = _services(info)
        return equity_matrix(
            applications=applications.in_use(), learning_resources=learning_resources.in_use()
        )
