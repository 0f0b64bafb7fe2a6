"""GraphQL face of the landscape analyses: plain object types mirroring their dataclasses.

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
    Severity,
    equity_matrix,
    find_duplicates,
    pm3_gaps,
    sso_coverage,
    standardisation_report,
)
from portfolio.analysis.duplicates import TIER_FAMILY, TIER_SAME_PRODUCT

__all__ = ["AnalysisQuery", "DuplicateTier"]

SERVICE_TYPE = "Tjänstetyp: application (system) eller learning_resource (lärresurs)."


def _services(info):
    """The systems and learning resources ``info``'s user may read, or a GraphQL error."""
    from portfolio.models import Application, LearningResource

    user = getattr(info.context, "user", None)
    if user is None or not user.is_active or not user.has_perm("portfolio.view_application"):
        raise GraphQLError("Behörighet saknas för systemkartan.")
    return Application.objects.visible_to(user), LearningResource.objects.visible_to(user)


#
# Duplicates
#


class DuplicateMemberType(graphene.ObjectType):
    class Meta:
        description = "En registrering i ett dubblettkluster."

    service_type = graphene.String(required=True, description=SERVICE_TYPE)
    service_id = graphene.Int(required=True, description="Tjänstens primärnyckel.")
    name = graphene.String(required=True, description="Tjänstens namn som det är registrerat.")
    vendor = graphene.String(required=True, description="Leverantörens namn, tomt om okänd.")
    is_test_environment = graphene.Boolean(
        required=True,
        description="Sant om registreringen är en testmiljö (”TESTMILJÖ för …”, ”-test”, test-värd).",
    )
    role = graphene.String(required=True, description="”produkt” eller ”testmiljö”.")


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


class DuplicateClusterType(graphene.ObjectType):
    class Meta:
        description = "Registreringar som är samma produkt, varför vi tror det och vad man gör åt det."

    tier = graphene.Field(
        DuplicateTier,
        required=True,
        description="SAME_PRODUCT (samma produkt) eller FAMILY (samma produktfamilj — granska).",
    )
    members = graphene.List(
        graphene.NonNull(DuplicateMemberType), required=True, description="Klustrets medlemmar."
    )
    score = graphene.Float(
        required=True, description="0–100: den svagaste länken som håller ihop klustret (100 = säker)."
    )
    reasons = graphene.List(
        graphene.NonNull(graphene.String),
        required=True,
        description=(
            "Skälen på svenska, med bevisen, t.ex. ”samma entity ID”, ”båda är Flip, tidigare Flipgrid”, "
            "”namnen 93 % lika”."
        ),
    )
    product_count = graphene.Int(required=True, description="Antal produktionsregistreringar.")
    test_environment_count = graphene.Int(required=True, description="Antal testmiljöer i klustret.")
    is_duplicate = graphene.Boolean(
        required=True, description="Sant om produkten är registrerad mer än en gång."
    )
    normalised_name = graphene.String(
        required=True, description="Namnet efter normalisering (för matchning)."
    )
    explanation = graphene.String(required=True, description="Vad som hittats, i ord.")
    fix = graphene.String(required=True, description="Vad man bör göra.")


#
# Standardisation
#


ACCOUNTS = "Konton: användare summerade över organisationerna, så en person i två skolor räknas två gånger."


class OverlapServiceType(graphene.ObjectType):
    class Meta:
        description = "En registrerad tjänst i en överlappning: användning, kostnad och risk."

    service_type = graphene.String(required=True, description=SERVICE_TYPE)
    service_id = graphene.Int(required=True, description="Tjänstens primärnyckel.")
    ref = graphene.String(
        required=True, description="Tjänstens referens i keep: application:ID eller learning_resource:ID."
    )
    name = graphene.String(required=True, description="Tjänstens namn.")
    vendor = graphene.String(required=True, description="Leverantörens namn.")
    organisations = graphene.List(
        graphene.NonNull(graphene.String), required=True, description="Organisationer som använder tjänsten."
    )
    accounts = graphene.Int(required=True, description=ACCOUNTS)
    users = graphene.Int(
        required=True,
        description=ACCOUNTS,
        deprecation_reason="Summan är konton, inte personer: använd accounts.",
    )
    yearly_cost = graphene.Float(description="Årskostnad i kronor; saknas om ingen kostnad är registrerad.")
    cost_source = graphene.String(
        required=True, description="Varifrån kostnaden kommer, t.ex. ”utfall 2025”."
    )
    behind_sso = graphene.Boolean(required=True, description="Sant om tjänsten ligger bakom single sign-on.")
    open_gdpr_gaps = graphene.Int(required=True, description="Öppna dataskyddsbrister som rör tjänsten.")
    serious_gdpr_gaps = graphene.Int(
        required=True,
        description="Varav allvarliga (hög eller kritisk), utöver ett saknat personuppgiftsbiträdesavtal.",
    )
    without_processor_agreement = graphene.Boolean(
        required=True, description="Sant om leverantören behandlar personuppgifter utan biträdesavtal."
    )
    breaches_last_year = graphene.Int(
        required=True,
        description="Personuppgiftsincidenter det senaste året som rört tjänsten (via dess behandlingar).",
    )

    @staticmethod
    def resolve_users(root, info):
        return root.accounts


class ProductOptionType(graphene.ObjectType):
    class Meta:
        description = (
            "En produkt som kan behållas: dess registreringar (samma produkt registrerad flera gånger är "
            "ett alternativ), konton och vad den skulle föra med sig."
        )

    key = graphene.String(
        required=True, description="Alternativets referens (dess första registrering) i keep."
    )
    name = graphene.String(required=True, description="Produktens namn.")
    registrations = graphene.List(
        graphene.NonNull(OverlapServiceType),
        required=True,
        description="Produktens registreringar, mest använd först.",
    )
    accounts = graphene.Int(required=True, description=ACCOUNTS)
    risks = graphene.List(
        graphene.NonNull(graphene.String),
        required=True,
        description=(
            "Vad produkten för med sig om den behålls: utanför SSO, utan biträdesavtal, allvarliga brister."
        ),
    )


class CapabilityOverlapType(graphene.ObjectType):
    class Meta:
        description = "En verksamhetsförmåga som stöds av mer än en produkt i drift."

    capability_id = graphene.Int(required=True, description="Förmågans primärnyckel.")
    capability = graphene.String(required=True, description="Förmågans namn (område › förmåga).")
    services = graphene.List(
        graphene.NonNull(OverlapServiceType),
        required=True,
        description="Registreringarna, produkt för produkt.",
    )
    product_count = graphene.Int(
        required=True, description="Antal produkter; registreringar av samma produkt räknas som en."
    )
    explanation = graphene.String(required=True, description="Överlappningen i ord.")


class StandardisationCandidateType(graphene.ObjectType):
    class Meta:
        description = "En rangordnad konsolidering: vad som behålls, räknas in, avvecklas, sparas och varför."

    rank = graphene.Int(required=True, description="Plats i rangordningen, 1 = lönar sig mest.")
    key = graphene.String(required=True, description="Konsolideringens namn, t.ex. capability-12.")
    kind = graphene.String(
        required=True,
        description=(
            "”capability” (överlapp), ”duplicate” (samma produkt registrerad flera gånger) eller "
            "”family” (produktfamilj att granska)."
        ),
    )
    subject = graphene.String(required=True, description="Förmågan eller dubbletten det gäller.")
    capability_id = graphene.Int(description="Förmågans primärnyckel, för överlapp.")
    options = graphene.List(
        graphene.NonNull(ProductOptionType), required=True, description="Produkterna att välja bland."
    )
    recommended = graphene.String(
        required=True, description="Nyckeln till alternativet som analysen föreslår."
    )
    keep = graphene.Field(OverlapServiceType, required=True, description="Tjänsten som behålls.")
    keep_reason = graphene.String(required=True, description="Varför den behålls.")
    keep_risks = graphene.List(
        graphene.NonNull(graphene.String),
        required=True,
        description="Vad den som behålls för med sig: utanför SSO, utan biträdesavtal, allvarliga brister.",
    )
    folded = graphene.List(
        graphene.NonNull(OverlapServiceType),
        required=True,
        description=(
            "Andra registreringar av produkten som behålls: räknas in i den, avvecklas inte och byter inte."
        ),
    )
    phase_out = graphene.List(
        graphene.NonNull(OverlapServiceType), required=True, description="Tjänster som avvecklas."
    )
    yearly_saving = graphene.Float(required=True, description="Uppskattad besparing per år i kronor.")
    schools_moving = graphene.List(
        graphene.NonNull(graphene.String),
        required=True,
        description="Skolor och enheter som måste byta tjänst.",
    )
    accounts_moving = graphene.Int(
        required=True, description="Konton som måste byta tjänst (summerade över skolorna)."
    )
    users_moving = graphene.Int(
        required=True,
        description="Konton som måste byta tjänst (summerade över skolorna).",
        deprecation_reason="Summan är konton, inte personer: använd accountsMoving.",
    )
    services_outside_sso_removed = graphene.Int(
        required=True, description="Tjänster utanför SSO som försvinner."
    )
    gdpr_gaps_removed = graphene.Int(required=True, description="Öppna dataskyddsbrister som försvinner.")
    score = graphene.Float(required=True, description="Poäng enligt vikterna; högst först.")
    why = graphene.String(required=True, description="Varför kandidaten hamnar på sin plats.")
    risk_removed = graphene.String(required=True, description="Risken som tas bort, i ord.")

    @staticmethod
    def resolve_users_moving(root, info):
        return root.accounts_moving


class StandardisationWeightsType(graphene.ObjectType):
    class Meta:
        description = "Vikterna bakom rangordningen (se docs/analysis.md)."

    saving_per_100k = graphene.Float(required=True, description="Poäng per 100 000 kr i årlig besparing.")
    per_service_outside_sso = graphene.Float(
        required=True, description="Poäng per avvecklad tjänst utanför SSO."
    )
    per_gdpr_gap = graphene.Float(
        required=True, description="Poäng per öppen dataskyddsbrist som försvinner."
    )
    per_1000_accounts_moving = graphene.Float(
        required=True, description="Poäng per 1 000 konton som måste byta."
    )
    per_1000_users_moving = graphene.Float(
        required=True,
        description="Poäng per 1 000 konton som måste byta.",
        deprecation_reason="Summan är konton, inte personer: använd per1000AccountsMoving.",
    )
    duplicate_bonus = graphene.Float(required=True, description="Poäng när tjänsterna är samma produkt.")
    keep_outside_sso = graphene.Float(
        required=True, description="Poäng när den som behålls ligger utanför SSO (negativ)."
    )
    keep_without_processor_agreement = graphene.Float(
        required=True, description="Poäng när den som behålls saknar personuppgiftsbiträdesavtal (negativ)."
    )
    per_serious_gap_kept = graphene.Float(
        required=True, description="Poäng per allvarlig dataskyddsbrist hos den som behålls (negativ)."
    )
    per_breach_kept = graphene.Float(
        required=True,
        description="Poäng per personuppgiftsincident det senaste året hos den som behålls (negativ).",
    )

    @staticmethod
    def resolve_per_1000_users_moving(root, info):
        return root.per_1000_accounts_moving


class StandardisationReportType(graphene.ObjectType):
    class Meta:
        description = "Överlappande förmågor och rangordnade standardiseringskandidater."

    overlaps = graphene.List(
        graphene.NonNull(CapabilityOverlapType), required=True, description="Förmågor med mer än en produkt."
    )
    candidates = graphene.List(
        graphene.NonNull(StandardisationCandidateType), required=True, description="Kandidaterna, bäst först."
    )
    cost_year = graphene.Int(required=True, description="Året vars utfall används som årskostnad.")
    weights = graphene.Field(StandardisationWeightsType, required=True, description="Vikterna som användes.")


#
# SSO coverage
#


class CoverageGroupType(graphene.ObjectType):
    class Meta:
        description = "SSO-täckning inom en grupp: inloggningsmetod, IdP, federation, förmåga eller skola."

    key = graphene.String(required=True, description="Gruppens kod eller primärnyckel.")
    label = graphene.String(required=True, description="Gruppens namn.")
    services = graphene.Int(required=True, description="Antal tjänster i gruppen.")
    services_behind_sso = graphene.Int(required=True, description="Varav bakom single sign-on.")
    users = graphene.Int(required=True, description="Antal användare i gruppen.")
    users_behind_sso = graphene.Int(required=True, description="Varav i tjänster bakom single sign-on.")
    share_services = graphene.Float(required=True, description="Andel tjänster bakom SSO, 0–1.")
    share_users = graphene.Float(required=True, description="Andel användare bakom SSO, 0–1.")


class ServiceOutsideSsoType(graphene.ObjectType):
    class Meta:
        description = "En tjänst som man loggar in i utanför single sign-on."

    service_type = graphene.String(required=True, description=SERVICE_TYPE)
    service_id = graphene.Int(required=True, description="Tjänstens primärnyckel.")
    name = graphene.String(required=True, description="Tjänstens namn.")
    vendor = graphene.String(required=True, description="Leverantörens namn.")
    authentication = graphene.String(required=True, description="Inloggningsmetodens kod.")
    identity_provider = graphene.String(required=True, description="Identitetsleverantörens kod.")
    users = graphene.Int(required=True, description="Antal användare.")
    organisations = graphene.Int(required=True, description="Antal organisationer som använder tjänsten.")
    explanation = graphene.String(required=True, description="Varför tjänsten ligger utanför, i ord.")
    fix = graphene.String(required=True, description="Vad man bör göra.")


class FederationFindingType(graphene.ObjectType):
    class Meta:
        description = "En tjänst som anges vara federationsansluten men saknar entity ID."

    service_type = graphene.String(required=True, description=SERVICE_TYPE)
    service_id = graphene.Int(required=True, description="Tjänstens primärnyckel.")
    name = graphene.String(required=True, description="Tjänstens namn.")
    federation = graphene.String(required=True, description="Federationens kod.")
    explanation = graphene.String(required=True, description="Vad som saknas, i ord.")
    fix = graphene.String(required=True, description="Vad man bör göra.")


class SsoCoverageType(graphene.ObjectType):
    class Meta:
        description = "Andel tjänster bakom single sign-on, räknat och viktat med användare."

    services = graphene.Int(required=True, description="Tjänster i drift.")
    services_behind_sso = graphene.Int(required=True, description="Varav bakom single sign-on.")
    users = graphene.Int(required=True, description="Användare totalt.")
    users_behind_sso = graphene.Int(required=True, description="Varav i tjänster bakom single sign-on.")
    share_services = graphene.Float(required=True, description="Andel tjänster bakom SSO, 0–1.")
    share_users = graphene.Float(required=True, description="Andel användare bakom SSO, 0–1.")
    by_authentication_method = graphene.List(
        graphene.NonNull(CoverageGroupType), required=True, description="Per inloggningsmetod."
    )
    by_identity_provider = graphene.List(
        graphene.NonNull(CoverageGroupType), required=True, description="Per identitetsleverantör."
    )
    by_federation = graphene.List(
        graphene.NonNull(CoverageGroupType), required=True, description="Per federation."
    )
    by_capability = graphene.List(
        graphene.NonNull(CoverageGroupType), required=True, description="Per verksamhetsförmåga."
    )
    by_school = graphene.List(
        graphene.NonNull(CoverageGroupType), required=True, description="Per skolenhet."
    )
    outside_sso = graphene.List(
        graphene.NonNull(ServiceOutsideSsoType),
        required=True,
        description="Tjänster utanför SSO, flest användare först.",
    )
    federation_without_entity_id = graphene.List(
        graphene.NonNull(FederationFindingType),
        required=True,
        description="Federationsanslutning utan entity ID.",
    )
    summary = graphene.String(required=True, description="Sammanfattning i ord.")


#
# PM3
#


class Pm3GapType(graphene.ObjectType):
    class Meta:
        description = "En brist i PM3-förvaltningen."

    code = graphene.String(required=True, description="Regelns stabila kod, t.ex. MO_NO_OWNER.")
    title = graphene.String(required=True, description="Regelns rubrik.")
    severity = graphene.String(
        required=True, description="Allvarlighetsgrad: critical, high, medium eller low."
    )
    severity_label = graphene.String(required=True, description="Allvarlighetsgraden på svenska.")
    target_type = graphene.String(
        required=True,
        description=(
            "Vad bristen gäller: management_object, application, learning_resource, role_assignment "
            "eller contract."
        ),
    )
    target_id = graphene.Int(required=True, description="Objektets primärnyckel.")
    target_name = graphene.String(required=True, description="Objektets namn.")
    missing = graphene.String(required=True, description="Vad som saknas.")
    explanation = graphene.String(required=True, description="Bristen i ord.")
    fix = graphene.String(required=True, description="Vad man bör göra.")
    field = graphene.String(required=True, description="Fältet eller relationen som åtgärdar bristen.")


#
# Equity
#


class EquitySchoolType(graphene.ObjectType):
    class Meta:
        description = "En skolenhet i likvärdighetsmatrisen."

    school_id = graphene.Int(required=True, description="Skolenhetens primärnyckel.")
    name = graphene.String(required=True, description="Skolenhetens namn.")
    school_form = graphene.String(required=True, description="Skolformens kod.")


class EquityColumnType(graphene.ObjectType):
    class Meta:
        description = "En kolumn: en verksamhetsförmåga eller ett ämne."

    key = graphene.String(required=True, description="”capability:<id>” eller ”subject:<ämne>”.")
    kind = graphene.String(required=True, description="”capability” eller ”subject”.")
    name = graphene.String(required=True, description="Förmågans eller ämnets namn.")
    schools_with = graphene.Int(required=True, description="Antal skolenheter som har den.")


class EquityCellType(graphene.ObjectType):
    class Meta:
        description = "Vilka tjänster en skolenhet har för en kolumn."

    school_id = graphene.Int(required=True, description="Skolenhetens primärnyckel.")
    column_key = graphene.String(required=True, description="Kolumnens nyckel.")
    services = graphene.List(
        graphene.NonNull(graphene.String), required=True, description="Tjänsternas namn."
    )


class EquityFindingType(graphene.ObjectType):
    class Meta:
        description = "En skolenhet som saknar något jämförbara skolor har, eller använder annat system."

    school_id = graphene.Int(required=True, description="Skolenhetens primärnyckel.")
    school = graphene.String(required=True, description="Skolenhetens namn.")
    school_form = graphene.String(required=True, description="Skolformens kod.")
    column_key = graphene.String(required=True, description="Kolumnens nyckel.")
    column = graphene.String(required=True, description="Förmågan eller ämnet.")
    kind = graphene.String(required=True, description="”saknas” eller ”annat system”.")
    peers_with = graphene.Int(
        required=True, description="Jämförbara skolor som har det (eller det vanliga systemet)."
    )
    peers = graphene.Int(required=True, description="Antal jämförbara skolor (samma skolform).")
    explanation = graphene.String(required=True, description="Skillnaden i ord.")
    fix = graphene.String(required=True, description="Vad man bör göra.")


class EquityMatrixType(graphene.ObjectType):
    class Meta:
        description = "Skolenheter × förmågor och ämnen, och skillnaderna mellan dem."

    schools = graphene.List(graphene.NonNull(EquitySchoolType), required=True, description="Raderna.")
    columns = graphene.List(graphene.NonNull(EquityColumnType), required=True, description="Kolumnerna.")
    cells = graphene.List(graphene.NonNull(EquityCellType), required=True, description="Ifyllda celler.")
    findings = graphene.List(graphene.NonNull(EquityFindingType), required=True, description="Skillnaderna.")


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
