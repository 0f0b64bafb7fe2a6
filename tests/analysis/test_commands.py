"""The analysis commands print the same findings as table, CSV and JSON."""

import csv
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from portfolio.choices import AuthenticationMethod, Federation
from portfolio.models import ServiceCapability, ServiceUsage
from tests.factories import ApplicationFactory, CapabilityFactory, ManagementObjectFactory, SchoolUnitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def landscape():
    """One of each defect: a duplicate, an SSO-less system, an ownerless object, an unequal school."""
    capability = CapabilityFactory(name="Schemaläggning")
    schools = SchoolUnitFactory.create_batch(3)
    first = ApplicationFactory(name="=Skola24")  # a formula-looking name must not reach a spreadsheet as one
    second = ApplicationFactory(
        name="Skola 24", authentication=AuthenticationMethod.LOCAL, identity_provider=""
    )
    for app in (first, second):
        ServiceCapability.objects.create(service=app, capability=capability)
    ServiceUsage.objects.create(service=first, organisation=schools[0], users=500)
    ServiceUsage.objects.create(service=first, organisation=schools[1], users=300)
    ServiceUsage.objects.create(service=second, organisation=schools[2], users=40)
    ApplicationFactory(name="Federerad utan id", federation=Federation.SKOLFEDERATION)
    ManagementObjectFactory(name="Ägarlöst objekt")
    return first, second


def run(command, fmt, *args):
    out = io.StringIO()
    call_command(command, f"--format={fmt}", *args, stdout=out)
    return out.getvalue()


COMMANDS = {
    "find_duplicates": ("Skola 24", "members"),
    "sso_coverage": ("Skola 24", "section"),
    "pm3_gaps": ("Ägarlöst objekt", "code"),
    # =Skola24 and Skola 24 are one product: a duplicate to fold, not an overlap on Schemaläggning.
    "standardisation_report": ("Dubblett", "accounts_moving"),
    "equity_report": ("annat system", "school"),
}


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_table_csv_and_json_carry_the_same_findings(landscape, command):
    needle, column = COMMANDS[command]
    table = run(command, "table")
    assert needle in table
    rows = list(csv.DictReader(io.StringIO(run(command, "csv")), delimiter=";"))
    assert rows and column in rows[0]
    assert any(needle in " ".join(row.values()) for row in rows)
    payload = json.loads(run(command, "json"))
    assert needle in json.dumps(payload, ensure_ascii=False)


def test_csv_neutralises_formula_like_names(landscape):
    text = run("find_duplicates", "csv")
    assert "'=Skola24" in text
    assert ";=Skola24" not in text and "\n=Skola24" not in text


def test_json_of_duplicates_is_the_full_cluster(landscape):
    [cluster] = json.loads(run("find_duplicates", "json"))
    assert {m["name"] for m in cluster["members"]} == {"=Skola24", "Skola 24"}
    assert cluster["reasons"] and cluster["explanation"] and cluster["fix"]


def test_standardisation_keep_option_names_the_system_to_keep(landscape):
    _first, second = landscape
    [candidate, *_rest] = json.loads(
        run("standardisation_report", "json", f"--keep=application:{second.pk}")
    )["candidates"]
    assert candidate["keep"]["name"] == "Skola 24"
    with pytest.raises(CommandError):
        run("standardisation_report", "json", "--keep=skola")


def test_pm3_severity_filter(landscape):
    rows = list(csv.DictReader(io.StringIO(run("pm3_gaps", "csv", "--severity=high")), delimiter=";"))
    assert rows and {r["severity"] for r in rows} == {"high"}


def test_the_standardisation_command_weighs_gdpr_facts_like_the_web_page_and_graphql(demo):
    """The command composes gdpr's facts per service, so its ranking agrees with the other faces."""
    import json

    from gdpr.gaps import gdpr_facts_by_service
    from portfolio.analysis import standardisation_report

    with_gaps = json.loads(run("standardisation_report", "json"))
    expected = standardisation_report(gdpr_facts=gdpr_facts_by_service())
    assert [row["subject"] for row in with_gaps["candidates"]] == [c.subject for c in expected.candidates]
    risks = [row["risk_removed"] for row in with_gaps["candidates"]]
    assert risks == [c.risk_removed for c in expected.candidates]
    without_gaps = json.loads(run("standardisation_report", "json", "--without-gdpr"))
    assert risks != [row["risk_removed"] for row in without_gaps["candidates"]]


def test_the_standardisation_command_counts_accounts_and_folds_one_products_registrations(landscape):
    """=Skola24 and Skola 24 are one product: Skola 24 is folded in, not phased out, and no account moves."""
    [row] = list(csv.DictReader(io.StringIO(run("standardisation_report", "csv")), delimiter=";"))
    assert "users_moving" not in row
    assert (row["kind"], row["folded"], row["phase_out"], row["accounts_moving"]) == (
        "dubblett",
        "Skola 24",
        "",
        "0",
    )
    payload = json.loads(run("standardisation_report", "json"))
    [candidate] = payload["candidates"]
    assert candidate["accounts_moving"] == 0 and [s["name"] for s in candidate["folded"]] == ["Skola 24"]
    assert candidate["keep"]["accounts"] == 800 and "users" not in candidate["keep"]
    assert "accounts_moving" in run("standardisation_report", "table")
