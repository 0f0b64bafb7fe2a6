from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalysisCacheConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "analysis_cache"
    verbose_name = _("Sparade analysresultat")
