"""Rules on transparency: the data subjects are told about the processing (Art. 12–14)."""

from django.utils.translation import gettext_lazy as _

from .base import ActivityRule, Severity, register


@register
class DataSubjectsNotInformed(ActivityRule):
    """Art. 13–14: pupils, guardians and staff are told what is done with their data, and the
    information follows the processing: text written before the processing changed describes
    something else."""

    code = "DATA_SUBJECTS_NOT_INFORMED"
    title = _("De registrerade har inte fått information")
    severity = Severity.MEDIUM
    basis = _("Art. 12–14")
    fix = _(
        "Ange var och hur elever, vårdnadshavare och personal informeras (länk eller dokumentreferens) "
        "och när informationen senast uppdaterades; uppdatera den när behandlingen ändras."
    )
    field = "information_reference"

    def applies(self, activity, ctx):
        return self._problem(activity) is not None

    def field_for(self, activity):
        if activity.information_reference.strip():
            return "information_updated_on"
        return "information_reference"

    def _problem(self, activity) -> str | None:
        if not activity.information_reference.strip():
            return "missing"
        if activity.information_updated_on is None:
            return "undated"
        changed = activity.content_changed_on
        if changed is not None and changed > activity.information_updated_on:
            return "outdated"
        return None

    def explain(self, activity, ctx):
        problem = self._problem(activity)
        if problem == "missing":
            return _("Behandlingen anger inte var eller hur de registrerade informeras.")
        if problem == "undated":
            return _("Informationen till de registrerade saknar datum för senaste uppdatering.")
        return _(
            "Informationen till de registrerade uppdaterades %(informed)s, men behandlingen ändrades "
            "%(changed)s."
        ) % {"informed": activity.information_updated_on, "changed": activity.content_changed_on}
