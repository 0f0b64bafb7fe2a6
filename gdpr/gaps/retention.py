"""Rules on how long data is kept (gallring)."""

from django.utils.translation import gettext_lazy as _

from .base import ActivityRule, Severity, register


@register
class NoRetention(ActivityRule):
    """An authority may only erase (gallra) on a decision (arkivlagen 10 §), so the decision counts too."""

    code = "NO_RETENTION"
    title = _("Gallring saknas")
    severity = Severity.MEDIUM
    basis = _("Art. 5.1 e, 30.1 f; arkivlagen (1990:782)")
    fix = _(
        "Ange gallringsfrist eller kriterier och det gallringsbeslut (dokumenthanteringsplan) som gallringen "
        "vilar på."
    )
    field = "retention_period"

    def applies(self, activity, ctx):
        no_period = not activity.retention_period.strip() and not activity.retention_criteria.strip()
        return no_period or not activity.retention_decision.strip()

    def field_for(self, activity):
        if not activity.retention_period.strip() and not activity.retention_criteria.strip():
            return "retention_period"
        return "retention_decision"

    def explain(self, activity, ctx):
        if not activity.retention_period.strip() and not activity.retention_criteria.strip():
            return _("Behandlingen anger varken gallringsfrist eller kriterier för gallring.")
        return _("Behandlingen anger inget gallringsbeslut.")
