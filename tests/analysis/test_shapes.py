"""One shape per analysis result: the GraphQL type, the Excel export and the command's columns
all come from the dataclass, so a field is added once (portfolio.analysis.shapes)."""

import csv
import dataclasses
import io

import graphene
import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils.translation import gettext_lazy

from portfolio.analysis import (
    DuplicateCluster,
    EquityFinding,
    Pm3Gap,
    ServiceOutsideSso,
    StandardisationCandidate,
)
from portfolio.analysis.shapes import (
    attr,
    command_columns,
    command_rows,
    export_columns,
    export_headers,
    export_rows,
)
from portfolio.choices import AuthenticationMethod
from portfolio.graphql.shapes import object_type
from tests.factories import ApplicationFactory, ManagementObjectFactory

#: The headers of each analysis page's Excel export: a contract with the people who read them.
EXPORT_HEADERS = {
    ServiceOutsideSso: [
        "Tjänst", "Typ", "Leverantör", "Konton", "Organisationer", "Förklaring", "Åtgärd", "Användarsiffra",
    ],
    Pm3Gap: ["Allvarlighet", "Brist", "Gäller", "Saknas", "Förklaring", "Åtgärd"],
    # One row per member: the members' columns sit in the cluster's row.
    DuplicateCluster: ["Nivå", "Registrering", "Typ", "Leverantör", "Roll", "Säkerhet", "Skäl"],
    StandardisationCandidate: [
        "Rang", "Gäller", "Behåll", "Föreslås", "Räknas in i den som behålls", "Fasa ut",
        "Besparing per år (kr)", "Skolor som byter", "Konton som byter",
        "Tjänster utanför SSO som försvinner", "Dataskyddsbrister som försvinner",
        "Den som behålls för med sig", "Motivering", "Kontosiffror",
    ],
}

#: The columns of each analysis command's table and CSV: scripts read them by name.
COMMAND_COLUMNS = {
    Pm3Gap: [
        "severity", "code", "title", "target_type", "target_id", "target_name", "missing", "explanation",
        "fix", "field",
    ],
    DuplicateCluster: [
        "tier", "score", "products", "test_environments", "members", "reasons", "explanation", "fix",
    ],
    StandardisationCandidate: [
        "rank", "score", "kind", "subject", "keep", "folded", "phase_out", "yearly_saving",
        "accounts_moving", "schools_moving", "keep_risks", "risk_removed", "why", "accounts_basis",
    ],
    EquityFinding: ["school", "school_form", "column", "kind", "peers_with", "peers", "explanation", "fix"],
}


@pytest.mark.parametrize("cls", list(EXPORT_HEADERS), ids=lambda c: c.__name__)
def test_each_export_keeps_its_headers(cls):
    assert export_headers(cls) == EXPORT_HEADERS[cls]


@pytest.mark.parametrize("cls", list(COMMAND_COLUMNS), ids=lambda c: c.__name__)
def test_each_command_keeps_its_columns(cls):
    assert command_columns(cls) == COMMAND_COLUMNS[cls]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("page", "cls"), [("analysis:sso_coverage", ServiceOutsideSso), ("analysis:pm3_gaps", Pm3Gap)]
)
def test_the_downloaded_workbook_has_the_shapes_headers(client, strategist, page, cls):
    ApplicationFactory(name="Lokala konton", authentication=AuthenticationMethod.LOCAL, identity_provider="")
    ManagementObjectFactory(name="Ägarlöst objekt")
    client.force_login(strategist)
    response = client.get(reverse(page), {"format": "xlsx"})
    header, *rows = openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True)
    assert list(header) == EXPORT_HEADERS[cls] and rows


@pytest.mark.django_db
def test_the_pm3_command_prints_the_shapes_columns():
    ManagementObjectFactory(name="Ägarlöst objekt")
    out = io.StringIO()
    call_command("pm3_gaps", "--format=csv", stdout=out)
    reader = csv.DictReader(io.StringIO(out.getvalue()), delimiter=";")
    assert reader.fieldnames == COMMAND_COLUMNS[Pm3Gap]
    assert any(row["target_name"] == "Ägarlöst objekt" for row in reader)


@dataclasses.dataclass
class ServiceOutsideSsoWithContract(ServiceOutsideSso):
    """ServiceOutsideSso as it would read after someone adds one field to it, and nothing else."""

    contract: str = attr(gettext_lazy("Avtal"), "Avtalet som täcker tjänsten.", default="")


def test_a_field_added_to_the_dataclass_appears_in_graphql_the_export_and_the_command():
    finding = ServiceOutsideSsoWithContract(
        service_type="application", service_id=7, name="Quizlet", vendor="Quizlet Inc.",
        authentication="lokala_konton", identity_provider="", users=120, organisations=2,
        explanation="Egna konton.", fix="Anslut till IdP.", contract="Avtal 2026",
    )

    # GraphQL: the field, described, next to the old ones.
    finding_type = object_type(
        ServiceOutsideSsoWithContract, "En tjänst utanför SSO, med avtal.", name="OutsideWithContractType"
    )

    class Query(graphene.ObjectType):
        finding = graphene.Field(finding_type, description="Ett fynd.")

        @staticmethod
        def resolve_finding(root, info):
            return finding

    schema = graphene.Schema(query=Query)
    result = schema.execute("{ finding { name contract } }")
    assert result.errors is None
    assert result.data == {"finding": {"name": "Quizlet", "contract": "Avtal 2026"}}
    assert schema.graphql_schema.get_type("OutsideWithContractType").fields["contract"].description

    # Excel: a column headed by the label, after the old ones.
    [row] = export_rows(ServiceOutsideSsoWithContract, [finding])
    assert list(row) == [*EXPORT_HEADERS[ServiceOutsideSso], "Avtal"]
    assert row["Avtal"] == "Avtal 2026"

    # The command: a column named after the field.
    assert command_columns(ServiceOutsideSsoWithContract)[-1] == "contract"
    [line] = command_rows(ServiceOutsideSsoWithContract, [finding])
    assert line["contract"] == "Avtal 2026"


def test_old_api_names_stay_in_graphql_only():
    """A deprecated alias (users for accounts) answers old clients but is no column anywhere."""
    from portfolio.analysis import OverlapService

    assert "users_moving" not in command_columns(StandardisationCandidate)
    assert "Användare som byter" not in [str(a.label) for a in export_columns(StandardisationCandidate)]
    assert "users" not in command_columns(OverlapService)
