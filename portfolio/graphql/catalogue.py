"""GraphQL face of the municipality's product catalogue entries (``CatalogueProduct``).

The same FilterSet as the list page and the same Form as the web edit and the spreadsheet row;
the shipped catalogue is a data file in the repository and is read there (``docs/analysis.md``).
"""

from __future__ import annotations

import graphene

from portfolio import models
from portfolio.filters_catalogue import CatalogueProductFilterSet
from portfolio.forms_catalogue import CatalogueProductForm
from portfolio.graphql.base import RegisterConnectionField, RegisterType
from portfolio.graphql.mutations import form_mutations, mutation_type
from portfolio.graphql.types import REGISTER_FIELDS

__all__ = ["CatalogueMutation", "CatalogueProductType", "CatalogueQuery"]


class CatalogueProductType(RegisterType):
    """One product of the municipality's catalogue, or its extension of a shipped product."""

    class Meta:
        model = models.CatalogueProduct
        name = "CatalogueProduct"
        fields = [
            *REGISTER_FIELDS, "name", "former_names", "aliases", "family", "vendor_name", "vendor_orgnr",
            "domains", "saml_entity_ids", "separate_qualifiers", "capability", "source",
        ]
        filterset_class = CatalogueProductFilterSet


class CatalogueQuery(graphene.ObjectType):
    catalogue_products = RegisterConnectionField(
        CatalogueProductType,
        as_of=True,
        description=(
            "Kommunens egna poster i produktkatalogen (egna produkter och tillägg till levererade); "
            "dubblettsökningen använder dem som bevis."
        ),
    )


CatalogueMutation = mutation_type(
    "CatalogueMutation",
    "Create, update and delete the municipality's catalogue entries (the strateg).",
    form_mutations(models.CatalogueProduct, CatalogueProductForm, CatalogueProductType),
)
