"""The Form of the municipality's own catalogue entries: the web edit and the spreadsheet row alike."""

from portfolio.forms import RegisterForm
from portfolio.models import CatalogueProduct

__all__ = ["CatalogueProductForm"]


class CatalogueProductForm(RegisterForm):
    """A product of the municipality's catalogue, or its extension of a shipped one (same name)."""

    class Meta:
        model = CatalogueProduct
        fields = [
            "name", "former_names", "aliases", "family", "vendor_name", "vendor_orgnr", "domains",
            "saml_entity_ids", "separate_qualifiers", "capability", "source",
        ]
