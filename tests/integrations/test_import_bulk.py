"""The bulk import writes what the row-by-row import writes, all or nothing, in a fixed number of queries.

``import_file`` validates every row with the web Form and inserts new records in bulk; with
``bulk=False`` it saves row by row through ``save_form``, the way it always has. The two must
be indistinguishable in what they store (records, links, roles, history rows with user, change
reason, type and version) and in what they report, including where a row depends on an earlier
row of the same file.
"""

import os

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from integrations.spreadsheets import import_file
from portfolio.models import (
    Application,
    LearningResource,
    Person,
    RoleAssignment,
    ServiceCapability,
    ServiceUsage,
    Vendor,
)
from tests.factories import (
    ApplicationFactory,
    CapabilityFactory,
    PersonFactory,
    SchoolUnitFactory,
    UserFactory,
    VendorFactory,
)
from tests.integrations.helpers import csv_bytes, register_counts

pytestmark = pytest.mark.django_db

MODELS = [
    Vendor,
    Person,
    Application,
    LearningResource,
    ServiceCapability,
    ServiceUsage,
    ServiceCapability,
    ServiceUsage,
    RoleAssignment,
]
#: Differ between two runs by nature: keys from a sequence, the clock.
VOLATILE = {"id", "created", "updated", "history_id", "history_date"}


def _value(obj, field):
    if field.many_to_one:
        related = getattr(obj, field.name)
        return None if related is None else str(related)
    return field.value_from_object(obj)


def stored() -> dict[str, list[tuple]]:
    """Every record and history row of the import's models, keys replaced by what they point at."""
    result = {}
    for model in MODELS:
        for table in (model, model.history.model):
            rows = [
                tuple(
                    (field.name, _value(obj, field))
                    for field in table._meta.concrete_fields
                    if field.name not in VOLATILE
                )
                for obj in table._default_manager.all()
            ]
            result[table._meta.label] = sorted(rows, key=repr)
    return result


def report_of(report) -> list[tuple]:
    return [(r.row, r.status, r.label, [str(e) for e in r.errors], list(r.notes)) for r in report.rows]


def both_ways(data: bytes, filename: str = "inventarium.csv", queries: list | None = None, **kwargs):
    """Import ``data`` row by row and in bulk, each from the same starting point; what each stored.

    ``queries``, if given, receives the number of queries each way made.
    """
    outcomes = []
    for bulk in (False, True):
        with transaction.atomic():
            with CaptureQueriesContext(connection) as captured:
                report = import_file(data, filename, bulk=bulk, **kwargs)
            outcomes.append((report_of(report), report.applied, stored()))
            if queries is not None:
                queries.append(len(captured.captured_queries))
            transaction.set_rollback(True)
    return outcomes


@pytest.fixture
def register():
    """What the files below point at: a vendor, capabilities, schools, a person, a system to update."""
    VendorFactory(name="Befintlig Leverantör AB")
    CapabilityFactory(name="Schemaläggning")
    CapabilityFactory(name="Frånvaro")
    SchoolUnitFactory(name="Björkskolan")
    SchoolUnitFactory(name="Ekskolan")
    PersonFactory(name="Eva Ek", email="eva.ek@mittkoping.se")
    ApplicationFactory(name="Gammalt system", vendor=None, external_id="OLD-1", hosting="saas")


SYSTEMS = [
    [
        "Systemnamn",
        "Leverantör",
        "Användargrupper",
        "Verksamhetsförmågor",
        "Används av",
        "Systemägare",
        "Driftform",
        "Externt id",
    ],
    [
        "Schema Pro",
        "Ny Leverantör AB",
        "Elever; Personal",
        "Schemaläggning",
        "Björkskolan",
        "Eva Ek",
        "SaaS",
        "S-1",
    ],
    ["Frånvaro Plus", "Befintlig Leverantör AB", "Personal", "Frånvaro; Schemaläggning", "", "", "", "S-2"],
    # Row 4 uses the vendor row 2 created, and a system owner nobody has heard of yet.
    ["Lärplattform", "Ny Leverantör AB", "Elever", "", "Björkskolan; Ekskolan", "Ny Person", "SaaS", ""],
    # Row 5 updates an existing system; row 6 repeats row 3 with a change (the same file).
    ["Gammalt system", "", "Vårdnadshavare", "", "", "Ny Person", "Egen drift", "OLD-1"],
    ["Frånvaro Plus", "Befintlig Leverantör AB", "Personal", "Frånvaro", "Ekskolan", "Eva Ek", "", "S-2"],
    # Row 7 repeats row 4 unchanged.
    ["Lärplattform", "Ny Leverantör AB", "Elever", "", "Björkskolan; Ekskolan", "Ny Person", "SaaS", ""],
]


def test_bulk_and_row_by_row_store_the_same_records_links_roles_and_history(register):
    user = UserFactory(is_superuser=True)
    queries = []
    (by_row, by_row_applied, by_row_stored), (bulk, bulk_applied, bulk_stored) = both_ways(
        csv_bytes(SYSTEMS), user=user, queries=queries
    )
    assert queries[1] < queries[0] / 2, queries  # the bulk path did run (it did not fall back)
    assert by_row == bulk
    assert by_row_applied and bulk_applied
    assert [status for _row, status, *_rest in bulk] == [
        "created",
        "created",
        "created",
        "updated",
        "updated",
        "unchanged",
    ]
    assert by_row_stored == bulk_stored
    history = dict(bulk_stored["portfolio.HistoricalService"][0])
    assert history["history_user"] == str(user)
    assert history["history_change_reason"] == "Import: inventarium.csv"


def test_bulk_history_rows_name_user_reason_type_and_version():
    user = UserFactory(is_superuser=True)
    rows = [["Systemnamn", "Leverantör", "Verksamhetsförmågor"]]
    CapabilityFactory(name="Schemaläggning")
    rows += [[f"System {n}", f"Leverantör {n % 3}", "Schemaläggning"] for n in range(30)]
    report = import_file(csv_bytes(rows), "trettio.csv", user=user)
    assert report.applied and report.counts["created"] == 30
    for model, count in ((Application, 30), (Vendor, 3), (ServiceCapability, 30)):
        history = model.history.model.objects.all()
        assert history.count() == count
        assert {(h.history_type, h.history_user_id, h.history_change_reason) for h in history} == {
            ("+", user.pk, "Import: trettio.csv")
        }
    assert set(Application.history.values_list("version", flat=True)) == {1}
    system = Application.objects.get(name="System 7")
    assert system.search_text == "system 7"
    assert system.vendor.name == "Leverantör 1"
    assert system.created and system.updated
    assert list(system.capabilities.values_list("name", flat=True)) == ["Schemaläggning"]


def _learning_resources(count: int, last_school_year: str) -> bytes:
    rows = [["Lärresurs", "Leverantör", "Från årskurs", "Till årskurs"]]
    rows += [[f"Resurs {n}", f"Förlag {n % 7}", "1", "3"] for n in range(count - 1)]
    rows.append([f"Resurs {count - 1}", "Förlag 0", "1", last_school_year])
    return csv_bytes(rows)


def test_a_bad_last_row_of_a_large_file_writes_nothing_and_says_where():
    before = register_counts()
    # Årskurs 15 passes the Form's fields and clean() and only breaks a database constraint: the
    # bulk insert is refused, and the file is imported again row by row for the report.
    report = import_file(_learning_resources(300, "15"), "larresurser.csv")
    assert not report.applied
    assert register_counts() == before
    assert report.counts == {"created": 299, "updated": 0, "unchanged": 0, "error": 1}
    (error,) = report.errors
    assert error.row == 301
    assert error.message == "Årskurs anges från −1 (förskola) till 13."


def test_a_form_error_in_the_last_row_is_reported_like_row_by_row():
    by_row, bulk = both_ways(_learning_resources(200, "tre"))
    assert by_row == bulk
    report, applied, _stored = bulk
    assert not applied
    assert report[-1][1] == "error"
    assert report[-1][3] == ["rad 201, kolumn ”Till årskurs”, värde ”tre”: inte ett tal"]


def test_a_dry_run_of_a_valid_file_writes_nothing():
    before = register_counts()
    report = import_file(_learning_resources(50, "4"), "larresurser.csv", dry_run=True)
    assert report.counts["created"] == 50 and not report.applied
    assert register_counts() == before


def test_a_refused_row_leaves_nothing_on_the_record_for_later_rows_to_compare_with(register):
    rows = [
        ["Systemnamn", "Livscykelstatus", "Externt id"],
        ["Nytt namn", "Avvecklad", "OLD-1"],  # refused: no retirement date
        ["Nytt namn", "", "OLD-1"],  # compared with what is stored: a new name, so an update
    ]
    by_row, bulk = both_ways(csv_bytes(rows))
    assert by_row == bulk
    assert [status for _row, status, *_rest in bulk[0]] == ["error", "updated"]


def _systems_file(count: int) -> bytes:
    rows = [
        ["Systemnamn", "Leverantör", "Användargrupper", "Verksamhetsförmågor", "Används av", "Systemägare"]
    ]
    rows += [
        [f"System {n}", f"Leverantör {n}", "Elever; Personal", "Schemaläggning", "Björkskolan", f"Ägare {n}"]
        for n in range(count)
    ]
    return csv_bytes(rows)


def test_the_number_of_queries_does_not_grow_with_the_number_of_changed_rows():
    for n in range(200):
        ApplicationFactory(name=f"System {n}", external_id=f"S-{n}", hosting="saas")
    counts = []
    for size in (20, 200):
        rows = [["Systemnamn", "Driftform", "Externt id"]] + [
            [f"System {n}", "Egen drift", f"S-{n}"] for n in range(size)
        ]
        with transaction.atomic():
            with CaptureQueriesContext(connection) as queries:
                report = import_file(csv_bytes(rows), "system.csv")
            assert report.counts["updated"] == size and report.applied
            counts.append(len(queries.captured_queries))
            transaction.set_rollback(True)
    assert counts[1] - counts[0] <= 10, counts


def test_the_number_of_queries_does_not_grow_with_the_number_of_new_rows():
    CapabilityFactory(name="Schemaläggning")
    SchoolUnitFactory(name="Björkskolan")
    counts = []
    for size in (20, 200):
        with transaction.atomic():
            with CaptureQueriesContext(connection) as queries:
                report = import_file(_systems_file(size), "system.csv")
            assert report.counts["created"] == size and report.applied
            assert RoleAssignment.objects.count() == size
            counts.append(len(queries.captured_queries))
            transaction.set_rollback(True)
    # Bulk inserts are split into batches by the database's limit on parameters (999 on SQLite:
    # about 25 rows of the service table, whose history row is as wide), so ten times the rows
    # take a few more statements per table written; one query per row would be 180 more.
    assert counts[1] - counts[0] <= (200 - 20) // 4, counts


def test_changed_fields_of_stored_records_are_saved_like_row_by_row():
    user = UserFactory(is_superuser=True)
    vendor = VendorFactory(name="Befintlig Leverantör AB")
    school = SchoolUnitFactory(name="Björkskolan")
    for n in range(12):
        system = ApplicationFactory(name=f"System {n}", vendor=vendor, external_id=f"S-{n}", hosting="saas")
        ServiceUsage.objects.create(service=system, organisation=school)
    rows = [["Systemnamn", "Leverantör", "Driftform", "Externt id"]]
    rows += [
        [f"System {n}", "Ny Leverantör AB" if n % 4 == 0 else "", "Egen drift", f"S-{n}"] for n in range(12)
    ]
    queries = []
    (by_row, _applied, by_row_stored), (bulk, applied, bulk_stored) = both_ways(
        csv_bytes(rows), user=user, queries=queries
    )
    assert applied and by_row == bulk
    assert {status for _row, status, *_rest in bulk} == {"updated"}
    assert by_row_stored == bulk_stored  # fields, links kept, version 2, one "~" row each
    assert queries[1] < queries[0] / 2, queries


#
# Property: any small file — valid, invalid, rows depending on earlier rows — gives the same
# report and the same stored records in bulk as row by row.
#

NAMES = st.sampled_from(["Alfa", "alfa", "Beta", "Gamma", "Gammalt system"])
VENDORS = st.sampled_from(
    ["", "Befintlig Leverantör AB", "Ny Leverantör AB", "ny leverantör ab", "Tredje AB"]
)
DATES = st.sampled_from(["", "2024-01-01", "31.02.2025", "2030-01-01"])
STATUSES = st.sampled_from(["", "I drift", "Avvecklad", "okänd"])
OWNERS = st.sampled_from(["", "Eva Ek", "Ny Person", "ny.person@mittkoping.se"])
EXTERNAL_IDS = st.sampled_from(["", "OLD-1", "X-1", "X-2"])
SCHOOLS = st.sampled_from(["", "Björkskolan", "Ekskolan", "Ekskolan; Björkskolan", "Okänd skola"])
ROW = st.tuples(NAMES, VENDORS, DATES, DATES, STATUSES, OWNERS, EXTERNAL_IDS, SCHOOLS).map(list)
HEADERS = [
    "Systemnamn",
    "Leverantör",
    "I drift från",
    "Planerat slut",
    "Livscykelstatus",
    "Systemägare",
    "Externt id",
    "Används av",
]


@pytest.mark.fuzz
@settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "25")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(rows=st.lists(ROW, min_size=1, max_size=7))
def test_any_small_file_gives_the_same_outcome_in_bulk_as_row_by_row(register, rows):
    by_row, bulk = both_ways(csv_bytes([HEADERS, *rows]))
    assert by_row == bulk


def test_a_record_renamed_by_its_external_id_is_found_by_its_new_name_in_bulk_as_row_by_row(register):
    """Found by the property above: bulk lost a rename within the file and created a second Alfa."""
    rows = [
        ["Alfa", "", "", "", "", "", "", "Okänd skola"],  # refused: nothing saved
        ["Alfa", "", "", "", "", "", "OLD-1", ""],  # renames "Gammalt system" to Alfa
        ["Alfa", "", "", "", "", "", "", ""],  # the same Alfa again: unchanged, not a new one
    ]
    by_row, bulk = both_ways(csv_bytes([HEADERS, *rows]))
    assert by_row == bulk
    assert [status for _row, status, *_rest in bulk[0]] == ["error", "updated", "unchanged"]
