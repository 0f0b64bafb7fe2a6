"""Rules on high-risk processing: impact assessments, prior consultation, pupils' biometrics, Art. 22.

**Large scale** is the record's checkbox — or the evidence: when an identity provider measured
more pupils than ``settings.GDPR_LARGE_SCALE_PUPILS`` using one of the activity's services, or its
services at more than ``settings.GDPR_LARGE_SCALE_SCHOOL_SHARE`` of the active school units, the
processing is large scale whatever the checkbox says, and the explanation names the figure. The
evidence is read through ``portfolio.evidence`` (loaded once into the rules' context).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from gdpr.choices import DpiaStatus, ResidualRisk, SpecialCategory
from portfolio.evidence import period_in_words
from portfolio.formats import whole_number

from .base import FORM_DPIA, ActivityRule, Context, Severity, is_pupil_activity, register


@dataclass(frozen=True)
class MeasuredScale:
    """What the identity providers measured of an activity's services: its largest service, its schools."""

    pupils: int
    service_name: str
    schools: int
    school_count: int
    source: str
    period: str

    @property
    def large(self) -> bool:
        if self.pupils > settings.GDPR_LARGE_SCALE_PUPILS:
            return True
        share = settings.GDPR_LARGE_SCALE_SCHOOL_SHARE
        return bool(self.school_count) and self.schools > self.school_count * share

    def describe(self) -> str:
        """"uppmätt: 3 200 elever i Kahoot via Entra ID i november, på 12 av 20 skolor"."""
        return gettext(
            "uppmätt: %(pupils)s elever i %(service)s via %(source)s %(period)s, "
            "på %(schools)d av %(total)d skolor"
        ) % {
            "pupils": whole_number(self.pupils),
            "service": self.service_name,
            "source": self.source,
            "period": self.period,
            "schools": self.schools,
            "total": self.school_count,
        }


def measured_scale(activity, ctx: Context | None) -> MeasuredScale | None:
    """The measured scale of ``activity``'s services, or None without evidence. No query."""
    if ctx is None or not ctx.measured:
        return None
    memo = ctx.cache.setdefault("measured_scale", {})
    if activity.pk in memo:
        return memo[activity.pk]
    best = None
    schools: set[int] = set()
    for _kind, pk, service in ctx.services_of(activity):
        per_school = ctx.measured.get(pk)
        if not per_school:
            continue
        schools.update(o for o, figure in per_school.items() if o is not None and figure.users)
        pupils = sum(figure.pupils for figure in per_school.values())
        if best is None or pupils > best[0]:
            figures = list(per_school.values())
            best = (
                pupils,
                service.name,
                figures[0].source,
                period_in_words(min(f.period_start for f in figures), max(f.period_end for f in figures)),
            )
    result = None
    if best is not None:
        pupils, name, source, period = best
        result = MeasuredScale(pupils, name, len(schools), ctx.school_count, source, period)
    memo[activity.pk] = result
    return result


def is_large_scale(activity, ctx: Context | None = None) -> bool:
    """The checkbox, or (with the rules' context) the measured evidence."""
    if activity.large_scale:
        return True
    scale = measured_scale(activity, ctx)
    return scale is not None and scale.large


def _large_scale_label(activity, ctx: Context | None) -> str:
    scale = measured_scale(activity, ctx)
    if not activity.large_scale and scale is not None and scale.large:
        return str(_("storskalig behandling (%(measured)s)")) % {"measured": scale.describe()}
    return str(_("storskalig behandling"))


def dpia_criteria(activity, ctx: Context | None = None) -> list[str]:
    """The EDPB/IMY criteria (WP248 rev.01, IMY's list) the record meets; two or more → a DPIA.

    With the rules' context, large scale may come from measured use (see the module's docstring).
    """
    met = []
    if activity.profiling:
        met.append(str(_("utvärdering eller poängsättning (profilering)")))
    if activity.automated_decisions:
        met.append(str(_("automatiserade beslut med rättslig verkan")))
    if activity.systematic_monitoring:
        met.append(str(_("systematisk övervakning")))
    if activity.special_categories or activity.criminal_offence_data:
        met.append(str(_("känsliga uppgifter eller uppgifter av mycket personlig karaktär")))
    if is_large_scale(activity, ctx):
        met.append(_large_scale_label(activity, ctx))
    if activity.combines_datasets:
        met.append(str(_("matchning eller samkörning av register")))
    if is_pupil_activity(activity):
        met.append(str(_("sårbara registrerade (barn och elever)")))
    if activity.innovative_technology:
        met.append(str(_("ny teknik")))
    return met


def article_35_3_cases(activity, ctx: Context | None = None) -> list[str]:
    """The cases Art. 35(3) names outright."""
    cases = []
    large = is_large_scale(activity, ctx)
    measured = "" if activity.large_scale or not large else f" ({measured_scale(activity, ctx).describe()})"
    if activity.profiling and activity.automated_decisions:
        cases.append(str(_("art. 35.3 a: systematisk bedömning med automatiserade beslut")))
    if large and (activity.special_categories or activity.criminal_offence_data):
        cases.append(str(_("art. 35.3 b: storskalig behandling av känsliga uppgifter")) + measured)
    if large and activity.systematic_monitoring:
        cases.append(str(_("art. 35.3 c: storskalig systematisk övervakning")) + measured)
    return cases


def dpia_required(activity, ctx: Context | None = None) -> bool:
    """Whether ``activity`` needs an impact assessment: an Art. 35(3) case or two or more criteria."""
    return bool(article_35_3_cases(activity, ctx)) or len(dpia_criteria(activity, ctx)) >= 2


@register
class DpiaRequiredNotDone(ActivityRule):
    """IMY's Östersund decision (2023): a school platform with pupils' data needed a DPIA."""

    code = "DPIA_REQUIRED_NOT_DONE"
    title = _("Konsekvensbedömning krävs men är inte klar")
    severity = Severity.HIGH
    basis = _("Art. 35 (IMY, Östersund 2023)")
    fix = _("Genomför och slutför en konsekvensbedömning innan behandlingen fortsätter.")
    field = ""
    form = FORM_DPIA

    def applies(self, activity, ctx):
        return dpia_required(activity, ctx) and not ctx.completed_dpia(activity)

    def explain(self, activity, ctx):
        cases = article_35_3_cases(activity, ctx)
        reasons = cases or dpia_criteria(activity, ctx)
        return _("Konsekvensbedömning krävs (%(reasons)s) men ingen är klar.") % {
            "reasons": "; ".join(reasons)
        }


@register
class DpiaHighRiskNoConsultation(ActivityRule):
    code = "DPIA_HIGH_RISK_NO_CONSULTATION"
    title = _("Hög kvarvarande risk utan förhandssamråd")
    severity = Severity.HIGH
    basis = _("Art. 36")
    fix = _(
        "Begär förhandssamråd med IMY innan behandlingen påbörjas, "
        "eller minska risken och gör om bedömningen."
    )
    field = "prior_consultation_on"
    form = FORM_DPIA

    def _open(self, activity, ctx):
        return [
            d
            for d in ctx.dpias.get(activity.pk, [])
            if d.residual_risk == ResidualRisk.HIGH and d.prior_consultation_on is None
        ]

    def applies(self, activity, ctx):
        return bool(self._open(activity, ctx))

    def explain(self, activity, ctx):
        return _("Konsekvensbedömningen anger hög kvarvarande risk men inget förhandssamråd med IMY.")


@register
class BiometricOrMonitoringPupils(ActivityRule):
    """IMY's Skellefteå decision (2019): facial recognition of pupils for attendance was unlawful."""

    code = "BIOMETRIC_OR_MONITORING_PUPILS"
    title = _("Biometri eller övervakning av elever")
    severity = Severity.CRITICAL
    basis = _("Art. 9, 35.3 c")
    fix = _(
        "Upphör med biometrin eller övervakningen om mindre ingripande sätt räcker; annars krävs stöd i lag, "
        "konsekvensbedömning och förhandssamråd."
    )
    field = "special_categories"

    def applies(self, activity, ctx):
        biometric = SpecialCategory.BIOMETRIC in activity.special_categories
        return is_pupil_activity(activity) and (biometric or activity.systematic_monitoring)

    def field_for(self, activity):
        return (
            "special_categories"
            if SpecialCategory.BIOMETRIC in activity.special_categories
            else ("systematic_monitoring")
        )

    def explain(self, activity, ctx):
        what = []
        if SpecialCategory.BIOMETRIC in activity.special_categories:
            what.append(str(_("biometriska uppgifter")))
        if activity.systematic_monitoring:
            what.append(str(_("systematisk övervakning")))
        return _("Elever berörs av %(what)s.") % {"what": str(_(" och ")).join(what)}


@register
class AutomatedDecisionNoAssessment(ActivityRule):
    code = "AUTOMATED_DECISION_NO_ASSESSMENT"
    title = _("Profilering eller automatiserade beslut om elever utan bedömning")
    severity = Severity.HIGH
    basis = _("Art. 22, 35.3 a")
    fix = _(
        "Beskriv bedömningen: vilket beslut, vilken logik, hur en människa granskar det och hur eleven kan "
        "invända."
    )
    field = "automated_decision_assessment"

    def applies(self, activity, ctx):
        automated = activity.profiling or activity.automated_decisions
        return (
            automated and is_pupil_activity(activity) and not activity.automated_decision_assessment.strip()
        )

    def explain(self, activity, ctx):
        return _(
            "Elever profileras eller blir föremål för automatiserade beslut utan dokumenterad bedömning."
        )


#: What Art. 35(7) requires of an assessment, and the DPO's advice (Art. 35(2)): field → label.
DPIA_REQUIRED_PARTS = (
    ("processing_description", _("en systematisk beskrivning av behandlingen (art. 35.7 a)")),
    ("necessity_assessment", _("en bedömning av nödvändighet och proportionalitet (art. 35.7 b)")),
    (
        "risk_assessment",
        _("en bedömning av riskerna för elevernas och övriga registrerades rättigheter (art. 35.7 c)"),
    ),
    ("risk_measures", _("åtgärderna för att hantera riskerna (art. 35.7 d)")),
    ("dpo_opinion", _("dataskyddsombudets råd (art. 35.2)")),
)


def latest_completed_dpia(activity, ctx):
    """The most recently completed assessment of ``activity``, or None."""
    completed = [d for d in ctx.dpias.get(activity.pk, []) if d.status == DpiaStatus.COMPLETED]
    return max(completed, key=lambda d: (d.completed_on, d.pk), default=None)


def dpia_shortcomings(dpia, activity) -> list[str]:
    """What ``dpia`` lacks of Art. 35(7) and 35(2), and whether it predates a change of the processing."""
    lacking = [str(label) for field, label in DPIA_REQUIRED_PARTS if not getattr(dpia, field).strip()]
    problems = []
    if lacking:
        problems.append(str(_("den saknar %(parts)s")) % {"parts": ", ".join(lacking)})
    changed = activity.content_changed_on
    if changed is not None and dpia.completed_on is not None and changed > dpia.completed_on:
        problems.append(
            str(_("den blev klar %(completed)s men behandlingen ändrades %(changed)s"))
            % {"completed": dpia.completed_on, "changed": changed}
        )
    return problems


@register
class DpiaInadequate(ActivityRule):
    """A DPIA that exists is not enough: it must contain what Art. 35(7) lists, carry the DPO's
    advice (35.2) and be reviewed when the processing changes (35.11)."""

    code = "DPIA_INADEQUATE"
    title = _("Konsekvensbedömningen är ofullständig eller inaktuell")
    severity = Severity.HIGH
    basis = _("Art. 35.2, 35.7, 35.11")
    fix = _(
        "Komplettera konsekvensbedömningen med det som saknas (beskrivning, nödvändighet och "
        "proportionalitet, risker, åtgärder, dataskyddsombudets råd) och gör om den när behandlingen "
        "har ändrats."
    )
    field = ""
    form = FORM_DPIA

    def applies(self, activity, ctx):
        dpia = latest_completed_dpia(activity, ctx)
        return dpia is not None and bool(dpia_shortcomings(dpia, activity))

    def explain(self, activity, ctx):
        dpia = latest_completed_dpia(activity, ctx)
        return _("Konsekvensbedömningen räcker inte: %(problems)s.") % {
            "problems": "; ".join(dpia_shortcomings(dpia, activity))
        }
