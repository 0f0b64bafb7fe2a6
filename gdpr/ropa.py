"""The Article 30 register as rows: what every face of it (Excel, CSV, JSON, GraphQL, web) shows.

One row per processing activity, one column per Art. 30(1) item (a)–(g) in Swedish, then
lawfulness, the services and their processors, transfers, DPIA and review. The rows are built
from a *reader* that is either the live register or a :class:`portfolio.history.Snapshot` at
an instant, with the same code, so "the register as it stood on 1 March" is exactly that,
relations included. Both readers load one query per model, whatever the register's size.

The file formats live in ``integrations.ropa``; they live apart because ``gdpr`` may not import
``integrations``, yet the GraphQL ``ropa`` field and the web download need the same rows.
"""

from __future__ import annotations

import datetime
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pandas as pd
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from gdpr.choices import (
    ActivityStatus,
    DataSubjectCategory,
    DpiaStatus,
    LegalBasis,
    ResidualRisk,
    SpecialCategory,
    SpecialCategoryCondition,
    TransferMechanism,
)
from gdpr.models import (
    Dpia,
    ProcessingActivity,
    ProcessingActivityService,
    Transfer,
)
from gdpr.models.processing import REVIEW_INTERVAL
from portfolio.history import Snapshot
from portfolio.models import Application, Contract, LearningResource, Organisation, Vendor

__all__ = [
    "ROPA_COLUMNS",
    "Column",
    "LiveReader",
    "ropa_frames",
    "ropa_json",
    "ropa_rows",
    "rows_frame",
    "summary_rows",
]


@dataclass(frozen=True)
class Column:
    key: str
    header: Any  # lazy Swedish text

    @property
    def label(self) -> str:
        return str(self.header)


#: Every face shows these columns in this order.
ROPA_COLUMNS: list[Column] = [
    Column("controller", _("Personuppgiftsansvarig (art. 30.1 a)")),
    Column("controller_contact", _("Kontaktuppgifter till personuppgiftsansvarig (art. 30.1 a)")),
    Column("dpo_contact", _("Dataskyddsombud (art. 30.1 a)")),
    Column("joint_controller", _("Gemensamt personuppgiftsansvarig (art. 30.1 a)")),
    Column("name", _("Behandling")),
    Column("purposes", _("Ändamål (art. 30.1 b)")),
    Column("data_subject_categories", _("Kategorier av registrerade (art. 30.1 c)")),
    Column("personal_data_categories", _("Kategorier av personuppgifter (art. 30.1 c)")),
    Column("recipients", _("Kategorier av mottagare (art. 30.1 d)")),
    Column("transfers", _("Överföringar till tredjeland och skyddsåtgärder (art. 30.1 e)")),
    Column("retention", _("Gallringsfrister (art. 30.1 f)")),
    Column("security_measures", _("Tekniska och organisatoriska säkerhetsåtgärder (art. 30.1 g)")),
    Column("legal_basis", _("Rättslig grund och bestämmelse (art. 6.1, 6.3)")),
    Column("information", _("Information till de registrerade (art. 13–14)")),
    Column("monitoring", _("Övervakningens avgränsning (art. 5.1 c)")),
    Column("special_categories", _("Känsliga personuppgifter (art. 9.1)")),
    Column("special_category_condition", _("Undantag enligt art. 9.2")),
    Column("applications", _("System")),
    Column("learning_resources", _("Lärresurser")),
    Column("processors", _("Personuppgiftsbiträden")),
    Column("processor_agreements", _("Personuppgiftsbiträdesavtal")),
    Column("dpia", _("Konsekvensbedömning (art. 35)")),
    Column("last_reviewed_on", _("Senast granskad")),
    Column("status", _("Status")),
    Column("on_behalf_of", _("Personuppgiftsbiträde för (art. 30.2 a)")),
]

NO_CONTROLLER = _("Utan personuppgiftsansvarig")


class LiveReader:
    """The register as it is now, with the reading interface of :class:`Snapshot`."""

    def __init__(self) -> None:
        self._rows: dict[type[models.Model], dict[Any, models.Model]] = {}
        self.when = None

    def all(self, model: type[models.Model]) -> list[models.Model]:
        if model not in self._rows:
            self._rows[model] = {obj.pk: obj for obj in model._default_manager.order_by("pk")}
        return list(self._rows[model].values())

    def get(self, model: type[models.Model], pk: Any) -> models.Model | None:
        if pk is None:
            return None
        self.all(model)
        return self._rows[model].get(pk)


def _codes(value: Any) -> list[str]:
    if not value:
        return []
    if isinstance(value, str):
        return [v for v in value.split(",") if v]
    return list(value)


def _labels(choices: type[models.TextChoices], value: Any) -> str:
    chosen = set(_codes(value))
    return ", ".join(str(label) for code, label in choices.choices if code in chosen)


def _label(choices: type[models.TextChoices], code: str) -> str:
    return str(dict(choices.choices).get(code, code)) if code else ""


def _date(value: datetime.date | None) -> str:
    return value.isoformat() if value else ""


def _lines(items: Iterable[str]) -> str:
    return "\n".join(items)


def _country(value: Any) -> str:
    return str(getattr(value, "code", value) or "")


def ropa_rows(
    *,
    controller: Organisation | int | None = None,
    as_of: datetime.date | datetime.datetime | None = None,
    processor: bool = False,
) -> list[dict[str, str]]:
    """The register's rows, keyed by :data:`ROPA_COLUMNS` keys, as of ``as_of`` (or now).

    ``processor`` selects the Art. 30(2) register (records where the nämnd is a processor for
    someone else) instead of the Art. 30(1) one. Retired records are left out.
    """
    reader: Snapshot | LiveReader = Snapshot(as_of) if as_of is not None else LiveReader()
    on = as_of.date() if isinstance(as_of, datetime.datetime) else (as_of or datetime.date.today())
    controller_id = getattr(controller, "pk", controller)

    organisations = {o.pk: o for o in reader.all(Organisation)}
    vendors = {v.pk: v for v in reader.all(Vendor)}
    applications = {a.pk: a for a in reader.all(Application)}
    learning_resources = {r.pk: r for r in reader.all(LearningResource)}
    app_links: dict[int, list[int]] = defaultdict(list)
    lr_links: dict[int, list[int]] = defaultdict(list)
    for link in reader.all(ProcessingActivityService):
        by_kind = app_links if link.service_id in applications else lr_links
        by_kind[link.processing_activity_id].append(link.service_id)
    agreements: dict[int, list[Contract]] = defaultdict(list)
    for contract in reader.all(Contract):
        if contract.dpa_signed_on and contract.dpa_signed_on <= on and contract.in_force_on(on):
            agreements[contract.vendor_id].append(contract)
    transfers: dict[int, list[Transfer]] = defaultdict(list)
    for transfer in reader.all(Transfer):
        transfers[transfer.processing_activity_id].append(transfer)
    dpias: dict[int, list[Dpia]] = defaultdict(list)
    for dpia in reader.all(Dpia):
        dpias[dpia.processing_activity_id].append(dpia)

    # Whether a record without a DPIA needs one weighs the identity providers' measured scale, as
    # the DPIA rule does (a pupils' record used by 3,000 pupils is large scale whatever its
    # checkbox says). Measured use keeps no history, so a register as of a past day has the
    # checkboxes only.
    evidence_context = _evidence_context() if as_of is None else None

    agreement_texts: dict[int, str] = {}

    def agreement_text(vendor: Vendor) -> str:
        # A vendor shared by many records is described once, not once per record.
        if vendor.pk not in agreement_texts:
            agreement_texts[vendor.pk] = _agreement_text(vendor, agreements[vendor.pk])
        return agreement_texts[vendor.pk]

    activities = [
        a
        for a in reader.all(ProcessingActivity)
        if a.status != ActivityStatus.RETIRED
        and bool(a.acts_as_processor) == processor
        and (controller_id is None or a.controller_id == controller_id)
    ]
    activities.sort(
        key=lambda a: (
            organisations[a.controller_id].name.casefold() if a.controller_id in organisations else "\uffff",
            a.name.casefold(),
            a.pk,
        )
    )

    rows = []
    for activity in activities:
        board = organisations.get(activity.controller_id)
        apps = sorted((applications[pk] for pk in app_links[activity.pk] if pk in applications), key=_by_name)
        lrs = sorted(
            (learning_resources[pk] for pk in lr_links[activity.pk] if pk in learning_resources), key=_by_name
        )
        processor_vendors = sorted(
            {s.vendor_id: vendors[s.vendor_id] for s in (*apps, *lrs) if s.vendor_id in vendors}.values(),
            key=_by_name,
        )
        rows.append(
            {
                "controller": board.name if board else "",
                "controller_contact": board.contact_email if board else "",
                "dpo_contact": board.dpo_contact if board else "",
                "joint_controller": _lines(
                    filter(None, [activity.joint_controller, activity.joint_arrangement])
                ),
                "name": activity.name,
                "purposes": activity.purposes,
                "data_subject_categories": _lines(
                    filter(
                        None,
                        [
                            _labels(DataSubjectCategory, activity.data_subject_categories),
                            activity.data_subject_description,
                        ],
                    )
                ),
                "personal_data_categories": activity.personal_data_categories,
                "recipients": activity.recipients,
                "transfers": _lines(
                    _transfer_text(t) for t in sorted(transfers[activity.pk], key=lambda t: t.pk)
                ),
                "retention": _lines(
                    f"{label}: {value}"
                    for label, value in (
                        (_("Frist"), activity.retention_period),
                        (_("Kriterier"), activity.retention_criteria),
                        (_("Gallringsbeslut"), activity.retention_decision),
                    )
                    if value
                ),
                "security_measures": activity.security_measures,
                "legal_basis": " – ".join(
                    filter(None, [_label(LegalBasis, activity.legal_basis), activity.legal_basis_law])
                ),
                "information": _information_text(activity),
                "monitoring": _monitoring_text(activity),
                "special_categories": ", ".join(
                    filter(
                        None,
                        [
                            _labels(SpecialCategory, activity.special_categories),
                            str(_("Lagöverträdelser (art. 10)")) if activity.criminal_offence_data else "",
                        ],
                    )
                ),
                "special_category_condition": _label(
                    SpecialCategoryCondition, activity.special_category_condition
                ),
                "applications": _lines(a.name for a in apps),
                "learning_resources": _lines(r.name for r in lrs),
                "processors": _lines(
                    f"{v.name} ({_country(v.country)})" if _country(v.country) else v.name
                    for v in processor_vendors
                ),
                "processor_agreements": _lines(agreement_text(v) for v in processor_vendors),
                "dpia": _dpia_text(dpias[activity.pk], activity, evidence_context),
                "last_reviewed_on": _date(activity.last_reviewed_on),
                "status": _label(ActivityStatus, activity.status),
                "on_behalf_of": activity.on_behalf_of,
            }
        )
    return rows


def _by_name(obj) -> str:
    return obj.name.casefold()


def _transfer_text(transfer: Transfer) -> str:
    mechanism = (
        _label(TransferMechanism, transfer.mechanism) if transfer.mechanism else str(_("mekanism saknas"))
    )
    tia = f", {_('överföringsbedömning gjord')}" if transfer.tia_done else ""
    return f"{transfer.recipient} ({_country(transfer.country)}): {mechanism}{tia}"


def _agreement_text(vendor: Vendor, contracts: list[Contract]) -> str:
    if not contracts:
        return f"{vendor.name}: {_('biträdesavtal saknas')}"
    # The latest agreement, and how many more: a vendor with dozens of contracts must not
    # overflow a spreadsheet cell (Excel's limit is 32,767 characters).
    latest = max(contracts, key=lambda c: (c.dpa_signed_on, c.pk))
    text = f"{vendor.name}: {latest.name} ({_date(latest.dpa_signed_on)})"
    if len(contracts) > 1:
        text += " " + str(_("och %(count)s avtal till")) % {"count": len(contracts) - 1}
    return text


def _information_text(activity) -> str:
    if not activity.information_reference:
        return str(_("Saknas"))
    if activity.information_updated_on is None:
        return activity.information_reference
    return f"{activity.information_reference} ({_('uppdaterad')} {_date(activity.information_updated_on)})"


def _monitoring_text(activity) -> str:
    """The recorded limits of a monitoring (where, when, who sees, how long); blank without one."""
    if not activity.systematic_monitoring:
        return ""
    hours = str(_("dygnet runt")) if activity.monitoring_around_the_clock else activity.monitoring_hours
    days = activity.monitoring_retention_days
    return _lines(
        f"{label}: {value}"
        for label, value in (
            (_("Områden"), activity.monitoring_areas),
            (_("Tider"), hours),
            (_("Skäl till bevakning dygnet runt"), activity.monitoring_around_the_clock_reason),
            (_("Åtkomst"), activity.monitoring_access),
            (_("Lagring"), "" if days is None else ngettext("%(n)s dag", "%(n)s dagar", days) % {"n": days}),
        )
        if value
    )


def _evidence_context():
    """The GDPR rules' context of today's register when an identity provider gives measured use
    (``portfolio.evidence``), else None: what ``dpia_required`` reads the measured scale from."""
    from gdpr.gaps.base import Context
    from portfolio import evidence

    return Context.load() if evidence.providers() else None


def _dpia_text(dpias: list[Dpia], activity, context=None) -> str:
    if not dpias:
        # "Saknas" only where one is required (the same test as the DPIA_REQUIRED_NOT_DONE rule,
        # the measured scale included when ``context`` has it).
        from gdpr.gaps.dpia import dpia_required

        return str(_("Saknas")) if dpia_required(activity, context) else str(_("Krävs inte"))
    latest = max(dpias, key=lambda d: (d.started_on or datetime.date.min, d.pk))
    text = _label(DpiaStatus, latest.status)
    if latest.status == DpiaStatus.COMPLETED:
        text += f" {_date(latest.completed_on)}"
    if latest.residual_risk:
        text += f", {_('kvarvarande risk')} {_label(ResidualRisk, latest.residual_risk).lower()}"
    if latest.prior_consultation_on:
        text += f", {_('förhandssamråd')} {_date(latest.prior_consultation_on)}"
    return text


def summary_rows(rows: list[dict[str, str]], *, on: datetime.date | None = None) -> list[dict[str, Any]]:
    """Per controller: how many records, and how many with sensitive data, transfers, DPIAs, due reviews."""
    on = on or datetime.date.today()
    due_before = (on - REVIEW_INTERVAL).isoformat()
    grouped: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in rows:
        grouped[row["controller"] or str(NO_CONTROLLER)].append(row)
    done = str(DpiaStatus.COMPLETED.label)
    return [
        {
            str(_("Personuppgiftsansvarig")): name,
            str(_("Behandlingar")): len(items),
            str(_("Med känsliga personuppgifter")): sum(1 for r in items if r["special_categories"]),
            str(_("Med tredjelandsöverföringar")): sum(1 for r in items if r["transfers"]),
            str(_("Konsekvensbedömning klar")): sum(1 for r in items if r["dpia"].startswith(done)),
            str(_("Ej granskade senaste året")): sum(
                1 for r in items if not r["last_reviewed_on"] or r["last_reviewed_on"] < due_before
            ),
        }
        for name, items in sorted(grouped.items(), key=lambda kv: kv[0].casefold())
    ]


#: Columns whose ISO dates become real dates in a workbook (sortable and filterable as dates).
DATE_COLUMNS = frozenset({"last_reviewed_on"})


def _cell(key: str, value: Any) -> Any:
    if key in DATE_COLUMNS and value:
        return datetime.date.fromisoformat(value)
    return value


def rows_frame(rows: list[dict[str, str]]) -> pd.DataFrame:
    """The rows as a frame with the Swedish headers, in column order (also when empty)."""
    return pd.DataFrame(
        [[_cell(c.key, row[c.key]) for c in ROPA_COLUMNS] for row in rows],
        columns=[c.label for c in ROPA_COLUMNS],
        dtype=object,
    )


def ropa_frames(rows: list[dict[str, str]], *, on: datetime.date | None = None) -> dict[str, pd.DataFrame]:
    """The workbook: a summary sheet, then one sheet per controller."""
    summary = summary_rows(rows, on=on)
    sheets: dict[str, pd.DataFrame] = {str(_("Sammanfattning")): pd.DataFrame(summary)}
    if not summary:
        sheets[str(_("Sammanfattning"))] = pd.DataFrame(columns=[str(_("Personuppgiftsansvarig"))])
    grouped: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in rows:
        grouped[row["controller"] or str(NO_CONTROLLER)].append(row)
    for name in sorted(grouped, key=str.casefold):
        sheets[name] = rows_frame(grouped[name])
    return sheets


def ropa_json(rows: list[dict[str, str]]) -> str:
    """The rows as a JSON list of objects keyed by the Swedish column headers (the CSV's header)."""
    return json.dumps(
        [{c.label: row[c.key] for c in ROPA_COLUMNS} for row in rows], ensure_ascii=False, indent=2
    )
