"""The register of breaches as IMY asks to see it at an inspection (Art. 33.5), now or as of a date.

Read from history like the Article 30 workbook (``gdpr.ropa``): with ``as_of``, every breach, its
links to processing activities, the activities' names and the processors are read as they stood
at the end of that day (``portfolio.history.Snapshot``), so a breach recorded later, or a fact
filled in later, is not shown as known then.
"""

from __future__ import annotations

import datetime
from typing import Any

import pandas as pd
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from gdpr.choices import BreachRisk, BreachStatus, CommunicationException, DataSubjectCategory
from gdpr.models import Breach, BreachProcessingActivity, ProcessingActivity
from gdpr.ropa import LiveReader
from portfolio.history import Snapshot
from portfolio.models import Vendor

__all__ = ["BREACH_COLUMNS", "breach_frame", "breach_rows", "breach_workbook"]

#: (key, heading) of every column of the register of breaches, in the order IMY's form asks.
BREACH_COLUMNS: list[tuple[str, Any]] = [
    ("id", _("Id")),
    ("title", _("Rubrik")),
    ("status", _("Status")),
    ("occurred_at", _("Inträffade")),
    ("discovered_at", _("Upptäcktes")),
    ("reported_internally_at", _("Rapporterades internt")),
    ("description", _("Vad hände")),
    ("processing_activities", _("Behandlingar")),
    ("vendor", _("Personuppgiftsbiträde")),
    ("data_subject_categories", _("Kategorier av registrerade")),
    ("subjects_approx", _("Ungefärligt antal registrerade")),
    ("records_approx", _("Ungefärligt antal registerposter")),
    ("personal_data_categories", _("Kategorier av personuppgifter")),
    ("protected_identity", _("Skyddade personuppgifter")),
    ("special_categories", _("Känsliga personuppgifter")),
    ("consequences", _("Sannolika konsekvenser")),
    ("measures", _("Vidtagna åtgärder")),
    ("risk", _("Riskbedömning")),
    ("risk_reasoning", _("Motivering")),
    ("imy_notified_at", _("Anmäld till IMY")),
    ("hours_to_notification", _("Timmar från upptäckt till anmälan")),
    ("imy_reference", _("IMY:s diarienummer")),
    ("delay_reason", _("Skäl till försenad anmälan")),
    ("not_notified_reason", _("Varför IMY inte underrättats")),
    ("subjects_informed_at", _("De registrerade informerade")),
    ("subjects_informed_how", _("Hur")),
    ("communication_exception", _("Undantag enligt art. 34.3")),
    ("subjects_not_informed_reason", _("Varför de registrerade inte informerats")),
]


def _local(value: datetime.datetime | None) -> datetime.datetime | None:
    """Stockholm wall-clock time without a zone (Excel cells cannot hold one)."""
    if value is None:
        return None
    return timezone.localtime(value).replace(tzinfo=None)


def _label(choices, code: str) -> str:
    return str(choices(code).label) if code in choices.values else ""


def breach_rows(*, as_of: datetime.date | datetime.datetime | None = None) -> list[dict[str, Any]]:
    """Every breach (discovered first, first) keyed by :data:`BREACH_COLUMNS`, as of ``as_of`` or now."""
    reader: Snapshot | LiveReader = Snapshot(as_of) if as_of is not None else LiveReader()
    activities = {a.pk: a for a in reader.all(ProcessingActivity)}
    vendors = {v.pk: v for v in reader.all(Vendor)}
    links: dict[int, list[int]] = {}
    for link in reader.all(BreachProcessingActivity):
        links.setdefault(link.breach_id, []).append(link.processing_activity_id)
    rows = []
    breaches = sorted(reader.all(Breach), key=lambda b: (b.discovered_at, b.pk))
    for breach in breaches:
        names = sorted(
            (activities[pk].name for pk in links.get(breach.pk, []) if pk in activities), key=str.casefold
        )
        vendor = vendors.get(breach.vendor_id)
        hours = None
        if breach.imy_notified_at is not None:
            hours = round((breach.imy_notified_at - breach.discovered_at).total_seconds() / 3600, 1)
        categories = breach.data_subject_categories or []
        rows.append(
            {
                "id": breach.pk,
                "title": breach.title,
                "status": _label(BreachStatus, breach.status),
                "occurred_at": _local(breach.occurred_at),
                "discovered_at": _local(breach.discovered_at),
                "reported_internally_at": _local(breach.reported_internally_at),
                "description": breach.description,
                "processing_activities": "\n".join(names),
                "vendor": vendor.name if vendor else "",
                "data_subject_categories": ", ".join(_label(DataSubjectCategory, c) for c in categories),
                "subjects_approx": breach.subjects_approx,
                "records_approx": breach.records_approx,
                "personal_data_categories": breach.personal_data_categories,
                "protected_identity": gettext("Ja") if breach.protected_identity else gettext("Nej"),
                "special_categories": gettext("Ja") if breach.special_categories else gettext("Nej"),
                "consequences": breach.consequences,
                "measures": breach.measures,
                "risk": _label(BreachRisk, breach.risk) or gettext("Inte bedömd"),
                "risk_reasoning": breach.risk_reasoning,
                "imy_notified_at": _local(breach.imy_notified_at),
                "hours_to_notification": hours,
                "imy_reference": breach.imy_reference,
                "delay_reason": breach.delay_reason,
                "not_notified_reason": breach.not_notified_reason,
                "subjects_informed_at": _local(breach.subjects_informed_at),
                "subjects_informed_how": breach.subjects_informed_how,
                "communication_exception": _label(CommunicationException, breach.communication_exception),
                "subjects_not_informed_reason": breach.subjects_not_informed_reason,
            }
        )
    return rows


def breach_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """The rows with Swedish headings, one column per :data:`BREACH_COLUMNS` entry."""
    data = [[row[key] for key, _heading in BREACH_COLUMNS] for row in rows]
    return pd.DataFrame(data, columns=[str(heading) for _key, heading in BREACH_COLUMNS], dtype=object)


def breach_workbook(
    rows: list[dict[str, Any]], *, on: datetime.date | None = None
) -> dict[str, pd.DataFrame]:
    """The sheets of the workbook: the register, and what it is (date, article) for the inspector."""
    day = on or timezone.localdate()
    about = pd.DataFrame(
        [
            [gettext("Som registret såg ut den"), day.isoformat()],
            [gettext("Antal incidenter"), len(rows)],
            [gettext("Tider"), gettext("Svensk tid (Europe/Stockholm)")],
        ],
        columns=[gettext("Förteckning över personuppgiftsincidenter (art. 33.5)"), ""],
        dtype=object,
    )
    return {gettext("Incidenter"): breach_frame(rows), gettext("Om förteckningen"): about}
