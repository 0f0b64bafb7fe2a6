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
        from stewardship.analyses import REFRESH_HOOKS
        from stewardship.sections import ROUND_SECTIONS

        from .demo import add_demo_plan
        from .diagrams import refresh_facts_today, refresh_plan_maps
        from .figures import refresh_plan_figures
        from .review import plan_followup_section

        if add_demo_plan not in DEMO_EXTRAS:
            DEMO_EXTRAS.append(add_demo_plan)
        # A plan's follow-up is part of the yearly review round.
        if plan_followup_section not in ROUND_SECTIONS:
            ROUND_SECTIONS.append(plan_followup_section)
        # Today's capability map is read last known, like the dashboard: the analyses' background
        # refresh brings its stored facts up to date too.
        if refresh_facts_today not in REFRESH_HOOKS:
            REFRESH_HOOKS.append(refresh_facts_today)
        # So are the plans' figures (today's and at each plan's end, for its goals).
        if refresh_plan_figures not in REFRESH_HOOKS:
            REFRESH_HOOKS.append(refresh_plan_figures)
        # And the map each open plan opens with: at its end, coloured by sign-on.
        if refresh_plan_maps not in REFRESH_HOOKS:
            REFRESH_HOOKS.append(refresh_plan_maps)
