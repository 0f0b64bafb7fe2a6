"""Rules on transfers outside the EU/EEA (chapter V), stated in the record or implied by its services."""

from django.utils.translation import gettext_lazy as _

from gdpr.choices import TransferMechanism
from portfolio.geography import is_third_country
from portfolio.text import fold

from .base import FORM_TRANSFER, FORM_VENDOR, Rule, Severity, TargetType, register


def _code(country) -> str:
    return str(getattr(country, "code", country) or "").upper()


def implied_countries(service) -> set[str]:
    """Third countries a service sends data to: its vendor's seat and its data location."""
    countries = set()
    if service.vendor is not None and is_third_country(_code(service.vendor.country)):
        countries.add(_code(service.vendor.country))
    if is_third_country(_code(service.data_location)):
        countries.add(_code(service.data_location))
    return countries


@register
class TransferNoMechanism(Rule):
    code = "TRANSFER_NO_MECHANISM"
    title = _("Tredjelandsöverföring utan överföringsmekanism")
    severity = Severity.HIGH
    basis = _("Art. 44–46, 49")
    fix = _(
        "Registrera överföringen med den mekanism som gör den laglig (adekvansbeslut, DPF, "
        "standardavtalsklausuler) eller välj en tjänst som lagrar i EU/EES."
    )
    field = "mechanism"
    form = FORM_TRANSFER

    def check(self, ctx):
        implied: dict[tuple[str, int], set[str]] = {}  # each service's countries, computed once
        for activity in ctx.activities:
            transfers = ctx.transfers.get(activity.pk, [])
            stated = [t for t in transfers if not t.mechanism]
            if stated:
                yield self.activity_finding(
                    activity,
                    ctx,
                    _("Överföring till %(recipients)s saknar mekanism.")
                    % {"recipients": ", ".join(f"{t.recipient} ({_code(t.country)})" for t in stated)},
                )
            # A stated transfer without a mechanism is reported above; do not report its country twice.
            covered = {_code(t.country) for t in transfers}
            for kind, pk, service in ctx.services_of(activity):
                if (kind, pk) not in implied:
                    implied[(kind, pk)] = implied_countries(service)
                missing = sorted(implied[(kind, pk)] - covered)
                if not missing:
                    continue
                yield self.finding(
                    target_type=kind,
                    target_id=pk,
                    target_name=service.name,
                    explanation=_(
                        "%(service)s i behandlingen %(activity)s innebär överföring till %(countries)s "
                        "(leverantörens land eller datalagring) utan registrerad mekanism."
                    )
                    % {"service": service.name, "activity": activity.name, "countries": ", ".join(missing)},
                    activity_id=activity.pk,
                    activity_name=activity.name,
                    services=((kind, pk),),
                )


@register
class DpfNotListed(Rule):
    code = "DPF_NOT_LISTED"
    title = _("Data Privacy Framework men leverantören är inte listad")
    severity = Severity.MEDIUM
    basis = _("Art. 45")
    fix = _(
        "Kontrollera leverantörens certifiering i Data Privacy Framework-listan; saknas den, använd "
        "standardavtalsklausuler med överföringsbedömning."
    )
    field = "dpf_listed"
    form = FORM_VENDOR

    def check(self, ctx):
        for activity in ctx.activities:
            dpf = [t for t in ctx.transfers.get(activity.pk, []) if t.mechanism == TransferMechanism.DPF]
            if not dpf:
                continue
            unlisted: dict[int, tuple[object, set]] = {}
            for transfer in dpf:
                recipient = fold(transfer.recipient)
                for kind, pk, service in ctx.services_of(activity):
                    vendor = service.vendor
                    if vendor is None or vendor.dpf_listed:
                        continue
                    same_country = _code(vendor.country) == _code(transfer.country)
                    if same_country or (recipient and fold(vendor.name) == recipient):
                        unlisted.setdefault(vendor.pk, (vendor, set()))[1].add((kind, pk))
            for vendor_id, (vendor, services) in sorted(unlisted.items()):
                yield self.finding(
                    target_type=TargetType.VENDOR,
                    target_id=vendor_id,
                    target_name=vendor.name,
                    explanation=_(
                        "Behandlingen %(activity)s överför till %(vendor)s med stöd av Data Privacy "
                        "Framework, men leverantören är inte registrerad som listad."
                    )
                    % {"activity": activity.name, "vendor": vendor.name},
                    activity_id=activity.pk,
                    activity_name=activity.name,
                    services=tuple(sorted(services)),
                )


@register
class SccNoTia(Rule):
    """Schrems II (C-311/18): clauses alone do not suffice without assessing the recipient's law."""

    code = "SCC_NO_TIA"
    title = _("Standardavtalsklausuler utan överföringsbedömning")
    severity = Severity.MEDIUM
    basis = _("Art. 46 (C-311/18)")
    fix = _(
        "Gör en överföringsbedömning (TIA) av mottagarlandets lagstiftning och komplettera med "
        "skyddsåtgärder vid behov."
    )
    field = "tia_done"
    form = FORM_TRANSFER

    def check(self, ctx):
        for activity in ctx.activities:
            lacking = [
                t
                for t in ctx.transfers.get(activity.pk, [])
                if t.mechanism == TransferMechanism.SCC and not t.tia_done
            ]
            if lacking:
                yield self.activity_finding(
                    activity,
                    ctx,
                    _(
                        "Överföring till %(recipients)s stöds av standardavtalsklausuler "
                        "utan överföringsbedömning."
                    )
                    % {"recipients": ", ".join(f"{t.recipient} ({_code(t.country)})" for t in lacking)},
                )
