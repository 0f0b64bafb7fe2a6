"""The register practises what it checks: access (Art. 15) and erasure (Art. 17, 5.1 e) of a person.

The proof of erasure does not trust the code under test to know where names live: it reads every
text column of every table in the database, history tables included, and searches them.
"""

import datetime
import json
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from gdpr.models import PersonErasure
from gdpr.subject_rights import departed_people, erase_person, subject_report
from portfolio.forms import PersonForm
from portfolio.models import Organisation, Person
from portfolio.services import save_form
from tests.factories import (
    ApplicationFactory,
    BoardFactory,
    PersonFactory,
    ProcessingActivityFactory,
    RoleAssignmentFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db(transaction=False)

NAME = "Åsa Öberg"
EMAIL = "asa.oberg@mittkoping.se"


def every_text_value() -> list[tuple[str, str, str]]:
    """(table, column, value) for every text-like value in the whole database."""
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            description = connection.introspection.get_table_description(cursor, table)
            columns = [c.name for c in description]
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            for row in cursor.fetchall():
                for column, value in zip(columns, row, strict=True):
                    if isinstance(value, memoryview | bytes):
                        value = bytes(value).decode("utf-8", "replace")
                    if isinstance(value, str):
                        found.append((table, column, value))
    return found


def places_naming(*needles: str) -> set[tuple[str, str]]:
    lowered = [n.casefold() for n in needles]
    return {(t, c) for t, c, v in every_text_value() if any(n in v.casefold() for n in lowered)}


@pytest.fixture
def asa(db):
    """A systemägare who also logs in, edits the register and is named in free text elsewhere."""
    person = PersonFactory(name=NAME, email=EMAIL, title="IT-strateg")
    RoleAssignmentFactory(person=person, application=ApplicationFactory(name="Skolplattformen"))
    user = UserFactory(username="asaob", email=EMAIL, first_name="Åsa", last_name="Öberg")
    # A change she made herself, recorded with her as the user.
    form = PersonForm(data={"name": NAME, "email": EMAIL, "title": "Digital strateg"}, instance=person)
    assert form.is_valid(), form.errors
    save_form(form, user=user, expected_version=person.version)
    board = BoardFactory(dpo_contact=EMAIL)
    ProcessingActivityFactory(controller=board, internal_notes=f"Frågor besvaras av {NAME}s team, {EMAIL}.")
    Organisation.objects.filter(pk=board.pk).update(contact_email=EMAIL.upper())
    return person, user


def test_export_gathers_the_person_their_history_roles_login_changes_and_mentions(asa):
    person, user = asa
    report = subject_report(EMAIL.upper())
    assert report.person["name"] == NAME and report.person["title"] == "Digital strateg"
    assert [row["title"] for row in report.person_history] == ["IT-strateg", "Digital strateg"]
    assert report.person_history[1]["by"] == "asaob"
    assert report.roles[0]["on"] == "Skolplattformen"
    assert report.user["username"] == "asaob"
    assert report.changes_made == {"portfolio.Person": 1}
    tables = {(m.table, m.column) for m in report.mentions}
    assert ("gdpr_processingactivity", "internal_notes") in tables
    assert ("portfolio_organisation", "dpo_contact") in tables
    assert ("portfolio_historicalperson", "name") in tables


def test_export_person_command_prints_json(asa):
    out = StringIO()
    call_command("export_person", EMAIL, stdout=out)
    data = json.loads(out.getvalue())
    assert data["person"]["email"] == EMAIL and data["user"]["username"] == "asaob"


def test_erasure_leaves_the_name_and_email_in_no_table_not_even_history(asa):
    person, user = asa
    coordinator = UserFactory(username="dso")
    assert places_naming(NAME, EMAIL)  # the search would see them
    result = erase_person(EMAIL, user=coordinator, reason="Ärende BUN 2026/412")
    assert places_naming(NAME, EMAIL, "asaob") == set()
    person.refresh_from_db()
    expected = f"Person {person.pk} (borttagen {timezone.localdate():%Y-%m-%d})"
    assert person.name == result.pseudonym == expected
    assert person.email == "" and not person.active
    # The audit trail still reads: every history row is the pseudonym, the erasure is the last one.
    assert {h.name for h in person.history.all()} == {result.pseudonym}
    latest = person.history.latest()
    assert latest.history_user == coordinator and latest.history_change_reason == "Ärende BUN 2026/412"
    # Her own change stays hers, under the pseudonymised and disabled login.
    user.refresh_from_db()
    assert not user.is_active and not user.has_usable_password() and user.email == ""
    assert person.history.filter(history_user=user).count() == 1
    erasure = PersonErasure.objects.get()
    assert erasure.erased_by == coordinator and erasure.changed["portfolio_historicalperson"] >= 2


def test_a_dry_run_reports_what_would_change_and_changes_nothing(asa):
    before = every_text_value()
    result = erase_person(EMAIL, dry_run=True)
    assert result.dry_run and result.changed["gdpr_processingactivity"] == 1
    assert every_text_value() == before
    assert not PersonErasure.objects.exists()


def test_erasure_does_not_touch_a_longer_address_containing_the_email():
    PersonFactory(name="Åsa Öberg", email=EMAIL)
    other = PersonFactory(name="Johanna Berg", email="j" + EMAIL)
    erase_person(EMAIL)
    other.refresh_from_db()
    assert other.email == "j" + EMAIL and other.name == "Johanna Berg"


def test_erase_person_command_refuses_an_unknown_address(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="nobody@mittkoping.se"):
        call_command("erase_person", "nobody@mittkoping.se")


def test_departed_people_are_those_without_roles_activities_or_logins_beyond_retention(db):
    today = datetime.date(2026, 12, 4)
    long_gone = PersonFactory(email="gone@mittkoping.se")
    RoleAssignmentFactory(person=long_gone, ends_on=today - datetime.timedelta(days=731))
    just_left = PersonFactory(email="recent@mittkoping.se")
    RoleAssignmentFactory(person=just_left, ends_on=today - datetime.timedelta(days=729))
    still_there = PersonFactory(email="here@mittkoping.se")
    RoleAssignmentFactory(person=still_there)
    responsible = PersonFactory(email="responsible@mittkoping.se")
    ProcessingActivityFactory(responsible=responsible)
    PersonFactory(email="login@mittkoping.se")  # no role, but logged in this year
    UserFactory(username="login", email="login@mittkoping.se", last_login=datetime.datetime(2026, 6, 1))
    Person.objects.update(updated=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC))
    assert departed_people(on=today, days=730) == [long_gone]


def test_the_dataskyddssamordnare_page_shows_the_report_and_erases_after_confirmation(
    client, asa, data_protection_coordinator
):
    client.force_login(data_protection_coordinator)
    page = client.get(reverse("gdpr:subject_report"), {"email": EMAIL})
    assert page.status_code == 200
    assert NAME in page.content.decode() and "gdpr_processingactivity" in page.content.decode()
    refused = client.post(reverse("gdpr:subject_erase"), {"email": EMAIL})  # no confirmation
    assert refused.status_code == 400 and Person.objects.filter(email=EMAIL).exists()
    done = client.post(reverse("gdpr:subject_erase"), {"email": EMAIL, "confirm": "on", "reason": "Begäran"})
    assert done.status_code == 302 and not Person.objects.filter(email=EMAIL).exists()


@pytest.mark.parametrize("role", ["strategist", "it_user", "reader"])
def test_only_the_dataskyddssamordnare_sees_and_erases_a_person(client, request, asa, role):
    client.force_login(request.getfixturevalue(role))
    assert client.get(reverse("gdpr:subject_report"), {"email": EMAIL}).status_code == 403
    response = client.post(reverse("gdpr:subject_erase"), {"email": EMAIL, "confirm": "on"})
    assert response.status_code == 403 and Person.objects.filter(email=EMAIL).exists()
    assert get_user_model().objects.filter(username="asaob", is_active=True).exists()


def test_the_nightly_task_erases_only_the_departed(db):
    from gdpr.tasks import erase_departed_people_task

    gone = PersonFactory(name="Gunnar Gammal", email="gunnar@mittkoping.se")
    RoleAssignmentFactory(person=gone, ends_on=datetime.date(2020, 1, 1))
    here = PersonFactory(name="Nina Ny", email="nina@mittkoping.se")
    RoleAssignmentFactory(person=here)
    Person.objects.update(updated=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC))
    result = erase_departed_people_task.enqueue()
    assert result.return_value == 1
    assert places_naming("Gunnar Gammal", "gunnar@mittkoping.se") == set()
    here.refresh_from_db()
    assert here.name == "Nina Ny"
    assert PersonErasure.objects.get().reason.startswith("Gallring")


def test_erase_person_command_counts_rows_in_the_singular_and_the_plural(db):
    from django.utils import translation

    lone = PersonFactory(name="Ensam Person", email="ensam@mittkoping.se")
    out = StringIO()
    with translation.override("sv"):
        call_command("erase_person", lone.email, "--dry-run", stdout=out)
    first = out.getvalue().splitlines()[0]
    total = erase_person(lone.email, dry_run=True).total
    assert first.endswith(f"skulle ändra {total} rad" if total == 1 else f"skulle ändra {total} rader")
    out = StringIO()
    with translation.override("sv"):
        call_command("erase_person", lone.email, stdout=out)
    done = out.getvalue().splitlines()[0]
    assert done.endswith(f"ändrade {total} rad" if total == 1 else f"ändrade {total} rader")
