"""Registrations for the duplicate faces' tests: one cluster of each tier, on catalogue evidence.

The evidence is the municipality's own catalogue rows, so the tests of the page, GraphQL and the
command do not depend on which products the shipped catalogue lists.
"""

from portfolio.models import CatalogueProduct
from tests.factories import ApplicationFactory, VendorFactory


def same_product_pair(factory=ApplicationFactory) -> tuple:
    """Flip and its former name Flipgrid: the catalogue says they are one product."""
    CatalogueProduct.objects.create(
        name="Flip",
        former_names="Flipgrid",
        vendor_name="Microsoft Corporation",
        domains="flip.com\nflipgrid.com",
        source="https://info.flip.com",
    )
    vendor = VendorFactory(name="Microsoft Corporation")
    return (
        factory(name="Flip", vendor=vendor, url="https://info.flip.com"),
        factory(name="Flipgrid", vendor=vendor, url="https://flipgrid.com"),
    )


def family_pair(factory=ApplicationFactory) -> tuple:
    """Vklass and its booking module: one product family, for a person to review."""
    for name in ("Vklass", "Vklass Bokning"):
        CatalogueProduct.objects.create(
            name=name,
            family="Vklass",
            vendor_name="Vklass AB",
            domains="vklass.se",
            source="https://www.vklass.se",
        )
    vendor = VendorFactory(name="Vklass AB")
    return (
        factory(name="Vklass", vendor=vendor, url="https://www.vklass.se"),
        factory(name="Vklass Bokning", vendor=vendor, url="https://www.vklass.se/bokning"),
    )
