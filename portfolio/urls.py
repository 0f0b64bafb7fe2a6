"""URLs of the portfolio app's web pages: list, Excel export, detail, add and edit per register,
and the product catalogue (shipped and the municipality's own entries)."""

from django.urls import path

from portfolio.views import REGISTERS
from portfolio.views_catalogue import CatalogueView
from portfolio.views_generic import register_urls
from portfolio.views_usage import usage_urls

app_name = "portfolio"

urlpatterns: list = [
    path("produktkatalog/", CatalogueView.as_view(), name="catalogue"),
    *(
        pattern
        for prefix, model, list_view, detail_view, form_class in REGISTERS
        for pattern in register_urls(prefix, model, list_view, detail_view, form_class)
    ),
    *usage_urls({model: prefix for prefix, model, *_views in REGISTERS}),
]
