"""Rules on the register of personal data breaches (Art. 33, 34).

IMY's guidance on reporting breaches: every breach is documented, whatever its size (Art. 33.5);
IMY is told within 72 hours of the nämnd becoming aware of it unless it is unlikely to result in
a risk (Art. 33.1), with reasons when later; the data subjects are told without undue delay
when the risk is high, unless an Art. 34.3 exception applies.
"""

from __future__ import annotations

import math

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from gdpr.choices import BreachRisk

from .base import FORM_BREACH, Rule, Severity, TargetType, register

__all__ = ["clock_text", "missing_breach_facts", "visible_findings"]


def visible_findings(findings, user) -> list:
    """``findings`` without those on breaches unless ``user`` may read breaches (a läsare may not:
    a breach finding's title and explanation are breach details)."""
    if user is not None and user.has_perm("gdpr.view_breach"):
        return list(findings)
    return [f for f in findings if f.target_type != TargetType.BREACH]


def clock_text(hours: float) -> str:
    """Real hours as "5 tim 12 min" (rounded down to the minute, never below zero)."""
    minutes = max(0, math.floor(hours * 60))
    return _("%(h)d tim %(m)02d min") % {"h": minutes // 60, "m": minutes % 60}


def missing_breach_facts(breach) -> list[tuple[str, str]]:
    """(field, label) of the Art. 33.5 facts a breach's record leaves open.

    33.5 asks for the facts, the effects and the remedial action taken; 33.3 names what IMY
    expects of those facts (categories and approximate numbers of data subjects and records,
    consequences, measures), and the risk assessment is what decides notification.
    """
    missing = []
    if breach.occurred_at is None:
        missing.append(("occurred_at", _("när den inträffade")))
    if not breach.data_subject_categories:
        missing.append(("data_subject_categories", _("kategorier av registrerade")))
    if breach.subjects_approx is None:
        missing.append(("subjects_approx", _("ungefärligt antal registrerade")))
    if breach.records_approx is None:
        missing.append(("records_approx", _("ungefärligt antal registerposter")))
    if not breach.personal_data_categories.strip():
        missing.append(("personal_data_categories", _("kategorier av personuppgifter")))
    if not breach.consequences.strip():
        missing.append(("consequences", _("sannolika konsekvenser")))
    if not breach.measures.strip():
        missing.append(("measures", _("vidtagna åtgärder")))
    if not breach.risk:
        missing.append(("risk", _("riskbedömning")))
    elif not breach.risk_reasoning.strip():
        missing.append(("risk_reasoning", _("motivering av riskbedömningen")))
    if breach.imy_notified_at is not None and not breach.imy_reference.strip():
        missing.append(("imy_reference", _("IMY:s diarienummer")))
    if (
        breach.risk == BreachRisk.NO_RISK
        and breach.imy_notified_at is None
        and not (breach.not_notified_reason.strip())
    ):
        missing.append(("not_notified_reason", _("varför IMY inte underrättats")))
    if breach.subjects_informed_at is not None and not breach.subjects_informed_how.strip():
        missing.append(("subjects_informed_how", _("hur de registrerade informerades")))
    if breach.communication_exception and not breach.subjects_not_informed_reason.strip():
        missing.append(("subjects_not_informed_reason", _("varför de registrerade inte informerats")))
    return missing


class BreachRule(Rule):
    """A rule about one breach; runs over the whole register (a breach is its own record)."""

    form = FORM_BREACH
    scope = "register"

    def breach_finding(self, breach, ctx, explanation, **extra):
        return self.finding(
            target_type=TargetType.BREACH,
            target_id=breach.pk,
            target_name=breach.title,
            explanation=explanation,
            services=tuple(sorted(ctx.breach_services.get(breach.pk, ()))),
            **extra,
        )


@register
class BreachNotNotifiedInTime(BreachRule):
    """Art. 33.1: notify IMY within 72 hours of becoming aware, unless no risk is likely.

    72 real hours from discovery; a notification at 72:00 is in time. A breach whose risk is not
    yet assessed runs the clock too: the assessment may not delay the notification. A late
    notification is not a gap once its reasons are recorded (Art. 33.1, second sentence).
    """

    code = "BREACH_NOT_NOTIFIED_IN_TIME"
    title = _("Personuppgiftsincident inte anmäld till IMY i tid")
    severity = Severity.CRITICAL
    basis = _("Art. 33.1")
    fix = _(
        "Anmäl incidenten till IMY (imy.se, e-tjänsten för personuppgiftsincidenter) inom 72 timmar från "
        "upptäckten och för in tidpunkt och diarienummer; anmäls den senare, ange skälen till förseningen. "
        "Bedöms incidenten inte medföra någon risk, för in den bedömningen med motivering."
    )
    field = "imy_notified_at"

    def check(self, ctx):
        for breach in ctx.breaches:
            if not breach.needs_notification:
                continue
            unassessed = [] if breach.risk else [str(_("Risken är ännu inte bedömd."))]
            if breach.imy_notified_at is not None:
                if breach.notified_in_time or breach.delay_reason.strip():
                    continue
                explanation = _(
                    "Incidenten anmäldes till IMY %(hours)s efter upptäckten, "
                    "utan angivna skäl till förseningen."
                ) % {"hours": clock_text(breach.hours_to_notification())}
                yield self.breach_finding(breach, ctx, explanation, field="delay_reason")
                continue
            left = breach.hours_left(ctx.now)
            if left >= 0:
                explanation = _(
                    "Incidenten är inte anmäld till IMY; fristen löper ut om %(left)s (72 timmar efter "
                    "upptäckten)."
                ) % {"left": clock_text(left)}
            else:
                explanation = _(
                    "Incidenten är inte anmäld till IMY; fristen på 72 timmar gick ut för %(late)s sedan."
                ) % {"late": clock_text(-left)}
            yield self.breach_finding(breach, ctx, " ".join([str(explanation), *unassessed]))


@register
class BreachSubjectsNotInformed(BreachRule):
    """Art. 34.1: a breach likely to result in a high risk is communicated to the data subjects
    without undue delay, unless one of the Art. 34.3 exceptions is recorded."""

    code = "BREACH_SUBJECTS_NOT_INFORMED"
    title = _("De registrerade har inte informerats om en incident med hög risk")
    severity = Severity.HIGH
    basis = _("Art. 34.1, 34.3")
    fix = _(
        "Informera de berörda eleverna, vårdnadshavarna eller personalen utan onödigt dröjsmål, på ett "
        "klart och tydligt språk, och för in när och hur; eller ange vilket undantag i art. 34.3 som "
        "gäller och varför."
    )
    field = "subjects_informed_at"

    def check(self, ctx):
        for breach in ctx.breaches:
            if breach.risk != BreachRisk.HIGH:
                continue
            if breach.subjects_informed_at is not None or breach.communication_exception:
                continue
            yield self.breach_finding(
                breach,
                ctx,
                _(
                    "Incidenten är bedömd som hög risk men de registrerade har inte informerats och inget "
                    "undantag enligt art. 34.3 är angivet."
                ),
            )


@register
class BreachUndocumentedFields(BreachRule):
    """Art. 33.5: the register documents every breach — the facts, its effects and the remedial
    action — so that IMY can verify compliance with Art. 33."""

    code = "BREACH_UNDOCUMENTED_FIELDS"
    title = _("Personuppgiftsincidenten är inte fullständigt dokumenterad")
    severity = Severity.MEDIUM
    basis = _("Art. 33.5")
    fix = _(
        "Komplettera incidenten: när den inträffade, vilka och hur många registrerade och poster som "
        "berörs, vilka personuppgifter, sannolika konsekvenser, vidtagna åtgärder och riskbedömningen "
        "med motivering."
    )
    field = "occurred_at"

    def check(self, ctx):
        for breach in ctx.breaches:
            missing = missing_breach_facts(breach)
            if not missing:
                continue
            labels = ", ".join(str(label) for _name, label in missing)
            yield self.breach_finding(
                breach,
                ctx,
                ngettext(
                    "Dokumentationen saknar %(n)d uppgift: %(missing)s.",
                    "Dokumentationen saknar %(n)d uppgifter: %(missing)s.",
                    len(missing),
                )
                % {"n": len(missing), "missing": labels},
                field=missing[0][0],
            )
