"""The import page: dry run first, confirmation by the same user, hostile uploads refused cleanly."""

import io

import pandas as pd
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from integrations.models import ImportUpload
from portfolio.models import Application
from tests.integrations.helpers import csv_bytes, register_counts

pytestmark = pytest.mark.django_db

URL = "/import/"
ROWS = [["Systemnamn", "Leverantör", "Driftform"], ["Skola24", "Skola24 AB", "SaaS"], ["Unikum", "", ""]]


def upload(client, name: str, content: bytes, kind: str = ""):
    return client.post(URL, {"file": SimpleUploadedFile(name, content), "kind": kind})


def test_the_upload_page_has_its_agreed_url_name():
    assert reverse("integrations:import_upload") == URL


def test_a_reader_may_not_import(client, reader):
    client.force_login(reader)
    assert client.get(URL).status_code == 403
    assert upload(client, "s.csv", csv_bytes(ROWS)).status_code == 403


def test_anonymous_users_are_sent_to_the_login_page(client):
    assert client.get(URL).status_code == 302
    assert client.get(reverse("integrations:landscape_download")).status_code == 302


def test_upload_shows_the_dry_run_and_confirming_applies_it_with_the_user_in_history(client, strategist):
    client.force_login(strategist)
    before = register_counts()
    response = upload(client, "system.csv", csv_bytes(ROWS))
    assert response.status_code == 200
    assert "skapas" in response.content.decode()
    assert register_counts() == before  # the dry run wrote nothing
    stored = ImportUpload.objects.get()
    response = client.post(reverse("integrations:import_confirm", args=[stored.pk]))
    assert response.status_code == 200
    app = Application.objects.get(name="Skola24")
    entry = app.history.get()
    assert entry.history_user == strategist and entry.history_change_reason == "Import: system.csv"
    stored.refresh_from_db()
    assert stored.status == "applied" and bytes(stored.content) == b""
    # A confirmation cannot be replayed.
    assert client.post(reverse("integrations:import_confirm", args=[stored.pk])).status_code == 404


def test_one_row_reads_in_the_singular_and_the_confirmed_import_says_what_it_did(client, strategist):
    client.force_login(strategist)
    response = upload(client, "system.csv", csv_bytes(ROWS[:2]))
    planned = response.content.decode()
    assert "1 rad – skapas: 1," in planned and "1 rader" not in planned
    assert '<span class="badge badge--ok">skapas</span>' in planned
    stored = ImportUpload.objects.get()
    done = client.post(reverse("integrations:import_confirm", args=[stored.pk])).content.decode()
    assert "1 rad – skapade: 1," in done and "Importen är genomförd." in done
    assert '<span class="badge badge--ok">skapad</span>' in done
    assert "skapas" not in done


def test_only_the_uploading_user_can_confirm(client, strategist, it_user):
    client.force_login(strategist)
    upload(client, "system.csv", csv_bytes(ROWS))
    stored = ImportUpload.objects.get()
    client.force_login(it_user)
    assert client.post(reverse("integrations:import_confirm", args=[stored.pk])).status_code == 404
    assert not Application.objects.exists()


def test_a_file_with_errors_shows_row_column_value_and_offers_no_confirmation(client, strategist):
    client.force_login(strategist)
    rows = [*ROWS, ["Trasig", "", "Under jorden"]]
    response = upload(client, "system.csv", csv_bytes(rows))
    text = response.content.decode()
    assert "Driftform" in text and "Under jorden" in text and "okänt val" in text
    assert "Bekräfta" not in text
    assert not ImportUpload.objects.exists()


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("../../../etc/passwd.csv", "passwd.csv"),
        ("..\\..\\windows\\system.csv", "system.csv"),
        ("a" * 300 + ".csv", "a" * 96 + ".csv"),
        ("Skolår 2025 – 系统\u202egpj.csv", "Skolår 2025 – 系统gpj.csv"),
    ],
    ids=["traversal", "backslashes", "long", "unicode-and-bidi"],
)
def test_hostile_file_names_are_only_shown_made_harmless(client, strategist, name, shown):
    client.force_login(strategist)
    response = upload(client, name, csv_bytes(ROWS))
    assert response.status_code == 200
    assert ImportUpload.objects.get().filename == shown
    client.post(reverse("integrations:import_confirm", args=[ImportUpload.objects.get().pk]))
    reason = Application.objects.get(name="Skola24").history.get().history_change_reason
    assert reason == f"Import: {shown}"[:100]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("program.exe", b"MZ\x90\x00", "Filtypen .exe"),
        ("bild.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "binära"),
        ("trasig.xlsx", b"Systemnamn;Leverant\xf6r\r\nA;B\r\n", "skadad"),
        ("krypterad.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512, "lösenordsskyddad"),
        ("tom.csv", b"", "tom"),
    ],
    ids=["exe", "png-as-csv", "csv-as-xlsx", "password", "empty"],
)
def test_wrong_types_are_refused_with_a_clear_message(client, strategist, name, content, message):
    client.force_login(strategist)
    response = upload(client, name, content)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ImportUpload.objects.exists()


def test_an_upload_above_the_limit_is_refused(client, strategist, settings):
    settings.IMPORT_MAX_BYTES = 1000
    client.force_login(strategist)
    response = upload(client, "stor.csv", csv_bytes(ROWS) + b"x" * 2000)
    assert response.status_code == 400
    assert "gränsen för en import är" in response.content.decode()


def test_a_data_protection_coordinator_imports_records_but_not_systems(client, data_protection_coordinator):
    client.force_login(data_protection_coordinator)
    page = client.get(URL).content.decode()
    assert 'value="processing_activities"' in page and 'value="systems"' not in page
    response = upload(client, "system.csv", csv_bytes(ROWS))
    assert response.status_code == 403
    assert not Application.objects.exists()


def test_the_template_and_the_landscape_download_as_workbooks(client, strategist, reader):
    client.force_login(strategist)
    response = client.get(reverse("integrations:import_template", args=["systems"]))
    book = pd.read_excel(io.BytesIO(response.content), sheet_name=None)
    assert "Systemnamn" in book["System"].columns
    assert "Förklaring" in book
    client.force_login(reader)
    response = client.get(reverse("integrations:landscape_download"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="landskap-')
