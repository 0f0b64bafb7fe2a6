"""The root GraphQL schema: it only composes the apps' query and mutation mixins.

To add a part, append its dotted path to ``QUERY_MIXINS`` or ``MUTATION_MIXINS`` (one line).
Where a field needs both ``portfolio`` and ``gdpr`` (a composition no app may do, docs/architecture.md
principle 3), its resolver lives in ``ComposedQuery`` below.
"""

import graphene
from django.utils.module_loading import import_string
from graphene import relay

from config.graphql.descriptions import describe_schema

QUERY_MIXINS = [
    "portfolio.graphql.schema.PortfolioQuery",
    "gdpr.graphql.schema.RecordQuery",
    "gdpr.graphql.gaps.GdprQuery",
    "portfolio.graphql.analysis.AnalysisQuery",
    "portfolio.graphql.decisions.DecisionQuery",
    "portfolio.graphql.catalogue.CatalogueQuery",
    "stewardship.graphql.CompletenessQuery",
    "discovery.graphql.DiscoveryQuery",
    "planning.graphql.schema.PlanningQuery",
]

MUTATION_MIXINS = [
    "portfolio.graphql.mutations.PortfolioMutation",
    "portfolio.graphql.decisions.DecisionMutation",
    "portfolio.graphql.catalogue.CatalogueMutation",
    "gdpr.graphql.mutations.RecordMutation",
    "planning.graphql.mutations.PlanningMutation",
]


#
# Fields composed from both apps
#


class ComposedQuery(graphene.ObjectType):
    """Fields whose answer needs both the portfolio and the GDPR record."""

    node = relay.Node.Field(description="Vilket objekt som helst, via dess Relay-id.")

    # --- analysis × gdpr: standardisationCandidates weighs the services' GDPR facts -----------
    # AnalysisQuery's resolver asks the root Query for this; only config may join the two apps.
    # Like the web page, a user who may not read the GDPR record gets a ranking without it.
    @staticmethod
    def gdpr_facts(info):
        user = getattr(info.context, "user", None)
        if user is None or not user.has_perm("gdpr.view_processingactivity"):
            return None
        try:
            from gdpr.gaps import gdpr_facts_by_service
        except ImportError:  # the GDPR gap rules are not installed: rank without them
            return None
        return gdpr_facts_by_service()

    # --- end analysis × gdpr ------------------------------------------------------------------


#
# The schema
#


def _mixins(paths: list[str]) -> tuple[type, ...]:
    return tuple(import_string(path) for path in paths)


Query = type("Query", (*_mixins(QUERY_MIXINS), ComposedQuery, graphene.ObjectType), {})

_mutations = _mixins(MUTATION_MIXINS)
Mutation = type("Mutation", (*_mutations, graphene.ObjectType), {}) if _mutations else None

schema = describe_schema(graphene.Schema(query=Query, mutation=Mutation))
