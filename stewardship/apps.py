from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StewardshipConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "stewardship"
    verbose_name = _("Förvaltning av registret")
