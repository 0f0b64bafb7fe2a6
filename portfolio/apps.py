from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortfolioConfig(AppConfig):
    name = "portfolio"
    verbose_name = _("Systemportfölj")

    def ready(self) -> None:
        from portfolio import countries, lookups  # noqa: F401 - lookups registers the overflow-safe integer ``in``

        countries.install()  # country names in Swedish alphabetical order, in every list of countries

        from portfolio.graphql import optimizer_aliases

        optimizer_aliases.install()  # aliased per-kind connections read their own prefetch
