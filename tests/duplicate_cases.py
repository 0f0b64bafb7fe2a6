"""Registrations for the duplicate faces' tests: one cluster of each tier.

The same-product pair rests on the municipality's own catalogue row (a former name), the family
pair on a qualifier appended to the name, so the faces' tests do not depend on which products
the shipped catalogue lists.
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
    """Vklass and "Vklass Bokning" by one vendor: a qualifier in the name, the review tier."""
    vendor = VendorFactory(name="Vklass AB")
    return factory(name="Vklass", vendor=vendor), factory(name="Vklass Bokning", vendor=vendor)
