"""Rules on monitoring of pupils and staff: camera surveillance, activity logging, proctoring."""

from django.utils.translation import gettext_lazy as _

from .base import ActivityRule, Severity, is_pupil_activity, register


def missing_monitoring_limits(activity) -> list[str]:
    """The limits of a monitoring that the record leaves open (what, when, who sees, how long)."""
    missing = []
    if not activity.monitoring_areas.strip():
        missing.append(str(_("bevakade områden")))
    if not activity.monitoring_hours.strip() and not activity.monitoring_around_the_clock:
        missing.append(str(_("bevakningstider")))
    if not activity.monitoring_access.strip():
        missing.append(str(_("vem som ser direktsänt och inspelat material")))
    if activity.monitoring_retention_days is None:
        missing.append(str(_("lagringstid i dagar")))
    return missing


@register
class MonitoringScopeUnlimited(ActivityRule):
    """Art. 5.1 c and kamerabevakningslagen (2018:1200): monitoring is limited to what its purpose needs.

    IMY's guidance on camera surveillance in schools: surveillance during school hours intrudes
    on pupils' privacy and is seldom justified; nights and weekends against break-ins and
    vandalism usually are. A record must therefore say where, when, who sees and how long.
    """

    code = "MONITORING_SCOPE_UNLIMITED"
    title = _("Övervakning utan avgränsning")
    severity = Severity.HIGH
    basis = _("Art. 5.1 c, kamerabevakningslagen (2018:1200)")
    fix = _(
        "Avgränsa övervakningen: vilka områden, vilka tider, vem som ser direktsänt och inspelat material "
        "och hur många dagar inspelningar sparas; motivera bevakning dygnet runt eller begränsa den till "
        "tider då ändamålet kräver det."
    )
    field = "monitoring_areas"

    def applies(self, activity, ctx):
        if not activity.systematic_monitoring:
            return False
        return bool(missing_monitoring_limits(activity) or self._unjustified_around_the_clock(activity))

    @staticmethod
    def _unjustified_around_the_clock(activity) -> bool:
        reason = activity.monitoring_around_the_clock_reason.strip()
        return activity.monitoring_around_the_clock and not reason

    def field_for(self, activity):
        missing = missing_monitoring_limits(activity)
        if not missing:
            return "monitoring_around_the_clock_reason"
        for name, label in (
            ("monitoring_areas", _("bevakade områden")),
            ("monitoring_hours", _("bevakningstider")),
            ("monitoring_access", _("vem som ser direktsänt och inspelat material")),
        ):
            if str(label) in missing:
                return name
        return "monitoring_retention_days"

    def explain(self, activity, ctx):
        parts = []
        missing = missing_monitoring_limits(activity)
        if missing:
            parts.append(
                str(_("Övervakningen saknar avgränsning: %(missing)s.") % {"missing": ", ".join(missing)})
            )
        if self._unjustified_around_the_clock(activity):
            if is_pupil_activity(activity):
                text = _("Bevakning dygnet runt omfattar skoltid, då elever övervakas, utan angivet skäl.")
            else:
                text = _("Bevakning dygnet runt utan angivet skäl.")
            parts.append(str(text))
        return " ".join(parts)
