"""Rules on the landscape side: services that process personal data but no record mentions."""

from django.utils.translation import gettext_lazy as _

from portfolio.choices import LifecycleStatus

from .base import FORM_SERVICE, Rule, Severity, TargetType, register

IN_USE = frozenset({LifecycleStatus.IN_USE, LifecycleStatus.PHASING_OUT})


@register
class SystemWithoutRecord(Rule):
    code = "SYSTEM_WITHOUT_RECORD"
    title = _("System eller lärresurs utan behandling")
    severity = Severity.HIGH
    basis = _("Art. 30.1, 5.2")
    fix = _(
        "Koppla tjänsten till den behandling den används i, eller skapa en behandling för den "
        "(snabbspåret räcker för de flesta lärresurser)."
    )
    field = ""
    form = FORM_SERVICE
    scope = "register"

    def check(self, ctx):
        linked_apps = {pk for pks in ctx.activity_applications.values() for pk in pks}
        linked_lrs = {pk for pks in ctx.activity_learning_resources.values() for pk in pks}
        for kind, table, linked, label in (
            (TargetType.APPLICATION, ctx.applications, linked_apps, _("Systemet")),
            (TargetType.LEARNING_RESOURCE, ctx.learning_resources, linked_lrs, _("Lärresursen")),
        ):
            for pk, service in sorted(table.items()):
                if (
                    pk in linked
                    or not service.processes_personal_data
                    or service.lifecycle_status not in IN_USE
                ):
                    continue
                yield self.finding(
                    target_type=kind,
                    target_id=pk,
                    target_name=service.name,
                    explanation=_(
                        "%(kind)s %(name)s används och behandlar personuppgifter men finns inte i någon "
                        "behandling i registerförteckningen."
                    )
                    % {"kind": label, "name": service.name},
                    services=((str(kind), pk),),
                )
