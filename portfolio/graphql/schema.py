"""Root fields of the portfolio: one counted, filtered, ordered connection per register."""

import graphene
from query_optimizer import DjangoConnectionField

from portfolio.graphql import types

__all__ = ["PortfolioQuery"]


class PortfolioQuery(graphene.ObjectType):
    applications = DjangoConnectionField(
        types.ApplicationType, description="System (administrativa IT-system)."
    )
    learning_resources = DjangoConnectionField(types.LearningResourceType, description="Lärresurser.")
    management_objects = DjangoConnectionField(
        types.ManagementObjectType, description="Förvaltningsobjekt (PM3)."
    )
    management_plans = DjangoConnectionField(
        types.ManagementPlanType, description="Förvaltningsplaner (PM3)."
    )
    vendors = DjangoConnectionField(types.VendorType, description="Leverantörer.")
    organisations = DjangoConnectionField(
        types.OrganisationType, description="Organisationer (huvudman, nämnder, förvaltningar, skolenheter)."
    )
    capabilities = DjangoConnectionField(types.CapabilityType, description="Verksamhetsförmågor.")
    people = DjangoConnectionField(types.PersonType, description="Personer med roller.")
    role_assignments = DjangoConnectionField(types.RoleAssignmentType, description="Rolltilldelningar.")
    costs = DjangoConnectionField(types.CostType, description="Kostnader.")
    contracts = DjangoConnectionField(types.ContractType, description="Avtal.")
