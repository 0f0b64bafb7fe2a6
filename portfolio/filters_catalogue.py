"""The FilterSet of the municipality's catalogue entries (the list, its export and the catalogue page)."""

import django_filters as filters

from portfolio.filters import SearchFilterSet
from portfolio.models import CatalogueProduct

__all__ = ["CatalogueProductFilterSet"]


class CatalogueProductFilterSet(SearchFilterSet):
    ordering = filters.OrderingFilter(
        fields=(("name", "name"), ("vendor_name", "vendor_name"), ("updated", "updated"))
    )

    class Meta:
        model = CatalogueProduct
        fields = ["q", "capability"]
