"""Rules on processors (personuppgiftsbiträden): the vendors of the services a record uses."""

import datetime
import re
from collections import defaultdict

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from gdpr.choices import SecurityReviewOutcome

from .base import FORM_CONTRACT, FORM_SECURITY_REVIEW, Rule, Severity, TargetType, is_pupil_activity, register

#: A sub-processor line names its location: "Amazon Web Services (IE)".
_LOCATED = re.compile(r"\(\s*[A-Za-z]{2}\s*\)")


def processors_in_use(ctx):
    """vendor id → (vendor, services of it used by the examined records, names of those records)."""
    if "processors_in_use" in ctx.cache:
        return ctx.cache["processors_in_use"]
    used: dict[int, tuple[object, set[tuple[str, int]], set[str]]] = {}
    for activity in ctx.activities:
        for kind, pk, service in ctx.services_of(activity):
            if service.vendor_id is None:
                continue
            vendor, services, activities = used.setdefault(service.vendor_id, (service.vendor, set(), set()))
            services.add((kind, pk))
            activities.add(activity.name)
    ctx.cache["processors_in_use"] = used
    return used


def _service_names(ctx, services) -> str:
    names = []
    for kind, pk in sorted(services):
        table = ctx.applications if kind == TargetType.APPLICATION else ctx.learning_resources
        names.append(table[pk].name)
    return ", ".join(sorted(names, key=str.casefold))


@register
class ProcessorNoDpa(Rule):
    code = "PROCESSOR_NO_DPA"
    title = _("Personuppgiftsbiträde utan biträdesavtal")
    severity = Severity.HIGH
    basis = _("Art. 28.3")
    fix = _(
        "Teckna ett personuppgiftsbiträdesavtal med leverantören och ange när det undertecknades på avtalet."
    )
    field = "dpa_signed_on"
    form = FORM_CONTRACT

    def check(self, ctx):
        for vendor_id, (vendor, services, activities) in sorted(processors_in_use(ctx).items()):
            if ctx.processor_agreements.get(vendor_id):
                continue
            yield self.finding(
                target_type=TargetType.VENDOR,
                target_id=vendor_id,
                target_name=vendor.name,
                explanation=_(
                    "%(vendor)s behandlar personuppgifter i %(services)s (behandlingar: %(activities)s) "
                    "utan gällande personuppgiftsbiträdesavtal."
                )
                % {
                    "vendor": vendor.name,
                    "services": _service_names(ctx, services),
                    "activities": ", ".join(sorted(activities, key=str.casefold)),
                },
                services=tuple(sorted(services)),
            )


@register
class SubprocessorsUnknown(Rule):
    code = "SUBPROCESSORS_UNKNOWN"
    title = _("Underbiträden och deras placering okända")
    severity = Severity.MEDIUM
    basis = _("Art. 28.2, 28.4")
    fix = _(
        "För in leverantörens underbiträden på avtalet, ett per rad med land, "
        "t.ex. ”Amazon Web Services (IE)”."
    )
    field = "subprocessors"
    form = FORM_CONTRACT

    def check(self, ctx):
        for vendor_id, (vendor, services, _activities) in sorted(processors_in_use(ctx).items()):
            lacking = defaultdict(list)
            for contract in ctx.processor_agreements.get(vendor_id, []):
                lines = contract.subprocessor_list
                if not lines:
                    lacking[contract.name].append(str(_("inga underbiträden angivna")))
                unlocated = [line for line in lines if not _LOCATED.search(line)]
                if unlocated:
                    lacking[contract.name].append(
                        str(_("placering saknas för %(names)s")) % {"names": ", ".join(unlocated)}
                    )
            if not lacking:
                continue
            detail = "; ".join(f"{name}: {', '.join(parts)}" for name, parts in sorted(lacking.items()))
            yield self.finding(
                target_type=TargetType.VENDOR,
                target_id=vendor_id,
                target_name=vendor.name,
                explanation=_(
                    "Biträdesavtalet med %(vendor)s redovisar inte underbiträden fullständigt (%(detail)s)."
                )
                % {"vendor": vendor.name, "detail": detail},
                services=tuple(sorted(services)),
            )


def _year_before(day: datetime.date) -> datetime.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


@register
class ProcessorSecurityNotReviewed(Rule):
    """Art. 28.1 and 32: a controller uses only processors with sufficient guarantees, and checks them.

    Where pupils' data or special categories are processed, a documented review of the
    processor's security (date, outcome, reference) in the last twelve months is expected; a
    review that failed the processor counts as none, and an open personal data breach at the
    processor calls any review into question until the breach is closed.
    """

    code = "PROCESSOR_SECURITY_NOT_REVIEWED"
    title = _("Biträdets säkerhet är inte granskad")
    severity = Severity.HIGH
    basis = _("Art. 28.1, 32")
    fix = _(
        "Granska biträdets tekniska och organisatoriska säkerhetsåtgärder (t.ex. revisionsrapport, "
        "certifiering, säkerhetsbilaga) och dokumentera datum, resultat och referens. Vid en öppen "
        "personuppgiftsincident hos biträdet: utred den, gör om granskningen och avsluta incidenten."
    )
    field = "reviewed_on"
    form = FORM_SECURITY_REVIEW

    def check(self, ctx):
        since = _year_before(ctx.today)
        sensitive: dict[int, tuple[object, set, set]] = {}
        for activity in ctx.activities:
            if not (is_pupil_activity(activity) or activity.special_categories):
                continue
            for kind, pk, service in ctx.services_of(activity):
                if service.vendor_id is None:
                    continue
                entry = sensitive.setdefault(service.vendor_id, (service.vendor, set(), set()))
                entry[1].add((kind, pk))
                entry[2].add(activity.name)
        for vendor_id, (vendor, services, names) in sorted(sensitive.items()):
            review = ctx.latest_security_reviews.get(vendor_id)
            incidents = ctx.open_breaches_by_vendor.get(vendor_id, [])
            if incidents:
                # The count only: the finding is read by roles that may not see breach details.
                problem = ngettext(
                    "%(n)d öppen personuppgiftsincident hos biträdet",
                    "%(n)d öppna personuppgiftsincidenter hos biträdet",
                    len(incidents),
                ) % {"n": len(incidents)}
            elif review is None:
                problem = _("ingen dokumenterad granskning")
            elif review.outcome == SecurityReviewOutcome.REJECTED:
                problem = _("senaste granskningen (%(date)s) underkände biträdet") % {
                    "date": review.reviewed_on
                }
            elif review.reviewed_on < since:
                problem = _("senaste granskningen gjordes %(date)s, för mer än tolv månader sedan") % {
                    "date": review.reviewed_on
                }
            else:
                continue
            yield self.finding(
                target_type=TargetType.VENDOR,
                target_id=vendor_id,
                target_name=vendor.name,
                explanation=_(
                    "%(vendor)s behandlar elevers eller känsliga personuppgifter i %(services)s "
                    "(behandlingar: %(activities)s): %(problem)s."
                )
                % {
                    "vendor": vendor.name,
                    "services": _service_names(ctx, services),
                    "activities": ", ".join(sorted(names, key=str.casefold)),
                    "problem": problem,
                },
                services=tuple(sorted(services)),
            )
