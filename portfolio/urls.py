"""URLs of the portfolio app's web pages: list, Excel export, detail, add and edit per register."""

from portfolio.views import REGISTERS
from portfolio.views_generic import register_urls

app_name = "portfolio"

urlpatterns: list = [
    pattern
    for prefix, model, list_view, detail_view, form_class in REGISTERS
    for pattern in register_urls(prefix, model, list_view, detail_view, form_class)
]
