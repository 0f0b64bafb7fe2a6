"""The Article 30 register "as of a date" is the register at the end of that day, Swedish time.

An edit made during the day — at one second past midnight or one minute before the next — is in
that day's register; an edit made after midnight Swedish time is not, although in UTC (two hours
behind in summer) it still falls on the same date. Asked through the web download, the export
command and ``ropa_rows`` alike.
"""

from __future__ import annotations

import datetime
import json
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.urls import reverse
from simple_history.models import registered_models

from gdpr.models import ProcessingActivity
from gdpr.ropa import ropa_rows
from tests.factories import BoardFactory, ProcessingActivityFactory

pytestmark = pytest.mark.django_db

STOCKHOLM = ZoneInfo("Europe/Stockholm")
DAY = datetime.date(2025, 5, 25)  # summer time: Stockholm is UTC+2


def at(day: datetime.date, hour: int, minute: int, second: int = 0) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=STOCKHOLM)


def backdate_everything(when: datetime.datetime) -> None:
    """Every history row written so far (records, boards, links …) dated ``when``."""
    for model in registered_models.values():
        model.history.update(history_date=when)


def rename(activity: ProcessingActivity, name: str, when: datetime.datetime) -> None:
    """Rename through ``save()`` (one history row), then date that row ``when``."""
    activity.name = name
    activity.save()
    latest = activity.history.order_by("-history_id").first()
    type(latest).objects.filter(pk=latest.pk).update(history_date=when)


@pytest.fixture
def activity():
    record = ProcessingActivityFactory(name="Elevers närvaro", controller=BoardFactory(name="BUN"))
    backdate_everything(at(DAY - datetime.timedelta(days=5), 12, 0))
    return record


def names_as_of(day: datetime.date) -> set[str]:
    return {row["name"] for row in ropa_rows(as_of=day)}


@pytest.mark.parametrize(
    ("hour", "minute", "second"),
    [(0, 0, 1), (12, 0, 0), (23, 59, 30)],
    ids=["just-after-midnight", "midday", "just-before-midnight"],
)
def test_an_edit_made_during_the_day_is_in_that_days_register(activity, hour, minute, second):
    rename(activity, "Närvaro och frånvaro", at(DAY, hour, minute, second))
    assert names_as_of(DAY) == {"Närvaro och frånvaro"}
    assert names_as_of(DAY - datetime.timedelta(days=1)) == {"Elevers närvaro"}


def test_an_edit_after_midnight_swedish_time_is_not_in_the_previous_days_register(activity):
    after_midnight = at(DAY + datetime.timedelta(days=1), 0, 0, 30)
    assert after_midnight.astimezone(datetime.UTC).date() == DAY  # the same date in UTC
    rename(activity, "Närvaro och frånvaro", after_midnight)
    assert names_as_of(DAY) == {"Elevers närvaro"}
    assert names_as_of(DAY + datetime.timedelta(days=1)) == {"Närvaro och frånvaro"}


def test_a_record_created_late_in_the_day_is_in_that_days_register(activity):
    late = ProcessingActivityFactory(name="Skolskjuts", controller=activity.controller)
    late.history.update(history_date=at(DAY, 23, 59, 59))
    assert names_as_of(DAY) == {"Elevers närvaro", "Skolskjuts"}
    assert names_as_of(DAY - datetime.timedelta(days=1)) == {"Elevers närvaro"}


def test_the_download_as_of_a_date_includes_that_days_edit(activity, client, reader):
    rename(activity, "Närvaro och frånvaro", at(DAY, 23, 59, 30))
    rename(activity, "Närvaro, frånvaro och ledighet", at(DAY + datetime.timedelta(days=1), 0, 0, 30))
    client.force_login(reader)
    url = reverse("gdpr:ropa_download")
    for day, expected in [
        (DAY - datetime.timedelta(days=1), "Elevers närvaro"),
        (DAY, "Närvaro och frånvaro"),
        (DAY + datetime.timedelta(days=1), "Närvaro, frånvaro och ledighet"),
    ]:
        response = client.get(url, {"format": "json", "as_of": day.isoformat()})
        assert response.status_code == 200
        assert [row["Behandling"] for row in response.json()] == [expected], day
        assert day.isoformat() in response["Content-Disposition"]


def test_the_export_command_as_of_a_date_includes_that_days_edit(activity, tmp_path):
    rename(activity, "Närvaro och frånvaro", at(DAY, 23, 59, 30))
    path = tmp_path / "ropa.json"
    call_command("export_ropa", "--format", "json", "--as-of", DAY.isoformat(), "--output", str(path))
    assert [row["Behandling"] for row in json.loads(path.read_text())] == ["Närvaro och frånvaro"]
