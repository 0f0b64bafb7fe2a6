"""The product catalogue in the app: the shipped products and the municipality's own, in one list.

The shipped catalogue is a data file (``portfolio/data/product_catalogue.json``); the
municipality's entries are ``CatalogueProduct`` rows, kept like any register (list, detail with
history, add and edit through ``CatalogueProductForm``; spreadsheet import as the kind
``catalogue``). This page shows what the duplicate finder actually uses: the two joined
(``catalogue_from_database``), each entry saying where it comes from.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.paginator import Paginator
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from portfolio.analysis.catalogue import CatalogueEntry, catalogue_from_database
from portfolio.analysis.names import compact, normalise_name
from portfolio.filters_catalogue import CatalogueProductFilterSet
from portfolio.models import CatalogueProduct
from portfolio.text import fold
from portfolio.views_generic import Column, RegisterDetailView, RegisterListView, page_url

__all__ = ["CatalogueProductDetail", "CatalogueProductList", "CatalogueView", "ORIGINS"]

#: Where an entry comes from, as the page filters and labels it.
ORIGINS = {
    "shipped": _("Levereras med systemkartan"),
    "municipal": _("Kommunens egen"),
    "shipped+municipal": _("Levererad, utökad av kommunen"),
}


@dataclass
class CatalogueRow:
    entry: CatalogueEntry
    origin_label: str
    own_pk: int | None
    own_url: str | None


def _searchable(entry: CatalogueEntry) -> str:
    return fold(
        entry.name,
        *entry.former_names,
        *entry.aliases,
        entry.family,
        entry.vendor.name,
        entry.vendor.orgnr,
        *entry.domains,
        entry.capability,
    )


class CatalogueView(PermissionRequiredMixin, TemplateView):
    """Every product the duplicate finder knows, shipped and the municipality's own, with sources."""

    permission_required = ("portfolio.view_catalogueproduct",)
    raise_exception = True
    template_name = "portfolio/catalogue.html"
    paginate_by = 50

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        catalogue = catalogue_from_database()
        query = fold(self.request.GET.get("q", ""))
        origin = self.request.GET.get("ursprung", "")
        if origin not in ("shipped", "municipal"):
            origin = ""
        own = {
            compact(normalise_name(name)): pk
            for pk, name in CatalogueProduct.objects.values_list("pk", "name")
        }
        entries = sorted(catalogue.entries, key=lambda e: fold(e.name))
        if query:
            entries = [e for e in entries if all(word in _searchable(e) for word in query.split())]
        if origin == "shipped":
            entries = [e for e in entries if "shipped" in e.origin]
        elif origin == "municipal":
            entries = [e for e in entries if "municipal" in e.origin]
        page = Paginator(entries, self.paginate_by).get_page(self.request.GET.get("page"))
        rows = []
        for entry in page.object_list:
            pk = own.get(compact(normalise_name(entry.name))) if "municipal" in entry.origin else None
            rows.append(
                CatalogueRow(
                    entry=entry,
                    origin_label=ORIGINS.get(entry.origin, entry.origin),
                    own_pk=pk,
                    own_url=page_url(CatalogueProduct, pk),
                )
            )
        user = self.request.user
        context.update(
            {
                "rows": rows,
                "page_obj": page,
                "paginator": page.paginator,
                "version": catalogue.version,
                "total": len(catalogue),
                "query": self.request.GET.get("q", ""),
                "origin": origin,
                "origins": [("shipped", ORIGINS["shipped"]), ("municipal", ORIGINS["municipal"])],
                "add_url": (
                    reverse("portfolio:catalogueproduct_add")
                    if user.has_perm("portfolio.add_catalogueproduct")
                    else None
                ),
                "own_list_url": reverse("portfolio:catalogueproduct_list"),
                "import_url": self._import_url(user),
            }
        )
        return context

    @staticmethod
    def _import_url(user) -> str | None:
        if not user.has_perms(["portfolio.add_catalogueproduct", "portfolio.change_catalogueproduct"]):
            return None
        try:
            return reverse("integrations:import_upload")
        except NoReverseMatch:
            return None


class CatalogueProductList(RegisterListView):
    model = CatalogueProduct
    filterset_class = CatalogueProductFilterSet
    select_related = ("capability__parent",)
    title = _("Kommunens katalogprodukter")
    intro = _(
        "Kommunens egna poster i produktkatalogen: egna produkter, och tillägg till levererade produkter "
        "(en post med samma namn som en levererad produkt utökar den). Hela katalogen finns under "
        "Produktkatalog."
    )
    columns = [
        Column("name", _("Namn"), order="name", link=True),
        Column("vendor_name", _("Leverantör"), order="vendor_name"),
        Column("family", _("Produktfamilj")),
        Column("capability", _("Verksamhetsförmåga")),
        Column("source", _("Källa")),
        Column("updated", _("Ändrad"), order="updated"),
    ]


class CatalogueProductDetail(RegisterDetailView):
    model = CatalogueProduct
    select_related = ("capability__parent",)
    fields = [
        "name",
        "former_names",
        "aliases",
        "family",
        "vendor_name",
        "vendor_orgnr",
        "domains",
        "saml_entity_ids",
        "separate_qualifiers",
        "capability",
        "source",
        "updated",
    ]
