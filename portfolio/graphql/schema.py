"""Root fields of the portfolio: one counted, filtered, ordered connection per register."""

import graphene

from portfolio.graphql import types
from portfolio.graphql.base import RegisterConnectionField
from portfolio.graphql.services import services_field

__all__ = ["PortfolioQuery"]


class PortfolioQuery(graphene.ObjectType):
    services = services_field()
    applications = RegisterConnectionField(
        types.ApplicationType, as_of=True, description="System (administrativa IT-system)."
    )
    learning_resources = RegisterConnectionField(
        types.LearningResourceType, as_of=True, description="Lärresurser."
    )
    management_objects = RegisterConnectionField(
        types.ManagementObjectType, as_of=True, description="Förvaltningsobjekt (PM3)."
    )
    management_plans = RegisterConnectionField(
        types.ManagementPlanType, as_of=True, description="Förvaltningsplaner (PM3)."
    )
    vendors = RegisterConnectionField(types.VendorType, as_of=True, description="Leverantörer.")
    organisations = RegisterConnectionField(
        types.OrganisationType, as_of=True, description="Organisationer: nämnder, förvaltningar, skolenheter."
    )
    capabilities = RegisterConnectionField(
        types.CapabilityType, as_of=True, description="Verksamhetsförmågor."
    )
    people = RegisterConnectionField(types.PersonType, as_of=True, description="Personer med roller.")
    role_assignments = RegisterConnectionField(
        types.RoleAssignmentType, as_of=True, description="Rolltilldelningar."
    )
    costs = RegisterConnectionField(types.CostType, as_of=True, description="Kostnader.")
    contracts = RegisterConnectionField(types.ContractType, as_of=True, description="Avtal.")
    data_flows = RegisterConnectionField(
        types.DataFlowType, as_of=True, description="Dataflöden (integrationer) mellan tjänster och utåt."
    )
