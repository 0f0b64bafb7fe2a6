"""No user identifier reaches the database, whichever way sign-ins come in; the uploaded file is gone.

Every table is searched — every model's, history tables included, every column as text — for
every user principal name, e-mail address and user id in the files read.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse

from discovery.demo import import_demo_month
from discovery.models import IdentityUpload, MeasuredUsage
from tests.discovery.files import FILES, PEOPLE, source_of
from tests.factories import ApplicationFactory, SchoolUnitFactory

pytestmark = pytest.mark.django_db


def _database_text() -> dict[str, str]:
    """Every table's rows as case-folded text."""
    found = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608 - names from introspection
            found[table] = repr(cursor.fetchall()).casefold()
    return found


def _holding(identifiers: list[str]) -> dict[str, list[str]]:
    wanted = [value.casefold() for value in identifiers]
    return {
        table: hits
        for table, text in _database_text().items()
        if (hits := [value for value in wanted if value in text])
    }


@pytest.mark.parametrize("kind", ["entra-signins", "entra-signins-csv", "google-token", "google-saml"])
def test_no_user_identifier_reaches_any_table_through_the_upload_page(
    client, it_user, settings, tmp_path, kind
):
    settings.DISCOVERY_UPLOAD_DIR = tmp_path / "uploads"
    SchoolUnitFactory(school_unit_code="12345678")
    SchoolUnitFactory(school_unit_code="87654321")
    ApplicationFactory(name="Kahoot Skola", url="https://kahoot.com")
    client.force_login(it_user)
    name, content = FILES[kind]
    members_name, members = FILES["membership"]
    client.post(
        "/upptackt/importera/",
        {
            "source": source_of(kind),
            "file": SimpleUploadedFile(name, content()),
            "membership": SimpleUploadedFile(members_name, members()),
        },
    )
    upload = IdentityUpload.objects.get()
    client.post(reverse("discovery:upload_confirm", args=[upload.pk]))
    upload.refresh_from_db()
    assert upload.status == IdentityUpload.Status.IMPORTED and MeasuredUsage.objects.exists()

    assert _holding([value for person in PEOPLE for value in person]) == {}
    assert not any(Path(settings.DISCOVERY_UPLOAD_DIR).iterdir())


def test_no_user_identifier_of_the_demos_month_reaches_any_table(demo):
    month = import_demo_month(seed=1)
    assert month.sign_ins == 3000 and MeasuredUsage.objects.exists()
    # Every synthetic person shares the domain; their Entra user ids are small-integer UUIDs.
    assert _holding(["@skola.example.se", "00000000-0000-0000-0000-0000000001"]) == {}
