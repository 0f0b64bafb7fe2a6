"""``manage.py export_breaches``: the register of breaches for IMY, as of any date, from history."""

import datetime

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from openpyxl import load_workbook

from gdpr.models import BreachProcessingActivity
from tests.factories import BreachFactory, ProcessingActivityFactory, VendorFactory

pytestmark = pytest.mark.django_db


def _rows(path) -> list[dict]:
    sheet = load_workbook(path).worksheets[0]
    values = list(sheet.iter_rows(values_only=True))
    return [dict(zip(values[0], row, strict=True)) for row in values[1:]]


def _backdate(obj, days: int) -> None:
    """Move every history row of ``obj`` ``days`` back, as if it had been recorded then."""
    for row in obj.history.all():
        row.history_date -= datetime.timedelta(days=days)
        row.save()


def test_the_export_writes_every_fact_in_swedish_time(tmp_path):
    discovered = datetime.datetime(2026, 3, 27, 11, 0, tzinfo=datetime.UTC)  # 12:00 in Stockholm
    breach = BreachFactory(
        title="Förlorat USB-minne",
        discovered_at=discovered,
        occurred_at=discovered - datetime.timedelta(hours=5),
        imy_notified_at=discovered + datetime.timedelta(hours=72),
        vendor=VendorFactory(name="Lärplattformen AB"),
        protected_identity=True,
    )
    BreachProcessingActivity.objects.create(
        breach=breach, processing_activity=ProcessingActivityFactory(name="Särskilt stöd")
    )
    path = tmp_path / "incidenter.xlsx"
    call_command("export_breaches", output=str(path))
    [row] = _rows(path)
    assert row["Rubrik"] == "Förlorat USB-minne"
    assert row["Upptäcktes"] == datetime.datetime(2026, 3, 27, 12, 0)
    assert row["Anmäld till IMY"] == datetime.datetime(2026, 3, 30, 13, 0)  # after the spring change
    assert row["Timmar från upptäckt till anmälan"] == 72
    assert row["Behandlingar"] == "Särskilt stöd"
    assert row["Personuppgiftsbiträde"] == "Lärplattformen AB"
    assert row["Skyddade personuppgifter"] == "Ja"
    assert row["Riskbedömning"] == "Risk"
    assert row["Kategorier av registrerade"] == "Elever och barn, Vårdnadshavare"


def test_the_export_as_of_a_date_shows_only_what_was_recorded_by_then(tmp_path):
    early = BreachFactory(title="Klasslista till fel vårdnadshavare", measures="")
    _backdate(early, 10)
    early.measures = "Rutinen för utskick ändrad."
    early.save()
    BreachFactory(title="Inlämningar synliga")
    as_of = timezone.localdate() - datetime.timedelta(days=5)
    path = tmp_path / "then.xlsx"
    call_command("export_breaches", output=str(path), as_of=as_of.isoformat())
    [row] = _rows(path)
    assert row["Rubrik"] == "Klasslista till fel vårdnadshavare"
    assert row["Vidtagna åtgärder"] in (None, "")
    about = load_workbook(path).worksheets[1]
    assert [c.value for c in about[2]] == ["Som registret såg ut den", as_of.isoformat()]


@pytest.mark.parametrize("value", ["2026-13-01", "igår"])
def test_a_bad_date_is_refused_with_a_message(tmp_path, value):
    with pytest.raises(CommandError, match="Ogiltigt datum"):
        call_command("export_breaches", output=str(tmp_path / "x.xlsx"), as_of=value)
    assert not (tmp_path / "x.xlsx").exists()
