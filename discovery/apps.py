from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DiscoveryConfig(AppConfig):
    """What the identity providers reveal: discovered applications, measured use, derived SSO."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "discovery"
    verbose_name = _("Upptäckt")
