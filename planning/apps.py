from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlanningConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "planning"
    verbose_name = _("Färdplan")

    def ready(self) -> None:
        # The demo municipality gets its färdplan through the demo's seam (integrations may not
        # import planning); registered once, here, whatever is imported first.
        from integrations.demo.builder import DEMO_EXTRAS

        from .demo import add_demo_plan

        if add_demo_plan not in DEMO_EXTRAS:
            DEMO_EXTRAS.append(add_demo_plan)
