from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortfolioConfig(AppConfig):
    name = "portfolio"
    verbose_name = _("Systemportfölj")

    def ready(self) -> None:
        from portfolio import lookups  # noqa: F401 - registers the overflow-safe integer ``in``
