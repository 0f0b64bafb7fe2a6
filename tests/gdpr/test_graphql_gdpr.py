"""GraphQL gdprGaps and ropa present what find_gaps and the export build."""

import pytest
from django.test import RequestFactory

from config.schema import schema
from gdpr.ropa import ROPA_COLUMNS
from tests.factories import BoardFactory, ProcessingActivityFactory, UserFactory

pytestmark = pytest.mark.django_db


def execute(user, query, variables=None):
    request = RequestFactory().post("/graphql/")
    request.user = user
    request.api_token = None
    result = schema.execute(query, variable_values=variables, context_value=request)
    return result.data, [e.message for e in result.errors or []]


GAPS = """
query($severity: String, $controller: ID) {
  gdprGaps(severity: $severity, controller: $controller) {
    code severity basis targetType targetId targetName explanation fix field form acknowledged
  }
}
"""


def test_gdpr_gaps_lists_findings_filtered_by_severity_and_controller(reader):
    board = BoardFactory()
    activity = ProcessingActivityFactory(controller=board, legal_basis="", recipients="")
    ProcessingActivityFactory(security_measures="")
    data, errors = execute(reader, GAPS, {"severity": "high"})
    assert not errors
    assert [(g["code"], g["targetId"], g["field"]) for g in data["gdprGaps"]] == [
        ("NO_LEGAL_BASIS", activity.pk, "legal_basis")
    ]
    data, _errors = execute(reader, GAPS, {"controller": str(board.pk)})
    assert {g["code"] for g in data["gdprGaps"]} == {"NO_LEGAL_BASIS", "MISSING_RECIPIENTS"}


def test_gdpr_gaps_needs_the_view_permission():
    data, errors = execute(UserFactory(), GAPS)
    assert errors == ["Behörighet saknas för registerförteckningen."]


def test_ropa_rows_have_the_export_columns(reader):
    ProcessingActivityFactory(name="Elevers närvaro")
    fields = " ".join(_camel(c.key) for c in ROPA_COLUMNS)
    data, errors = execute(reader, "query { ropa { " + fields + " } }")
    assert not errors
    [row] = data["ropa"]
    assert row["name"] == "Elevers närvaro" and row["legalBasis"].startswith("e) ")
    assert list(row) == [_camel(c.key) for c in ROPA_COLUMNS]


def test_ropa_as_of_a_date_before_the_record_existed_is_empty(reader):
    ProcessingActivityFactory()
    data, errors = execute(reader, 'query { ropa(asOf: "2000-01-01") { name } }')
    assert not errors and data["ropa"] == []


def _camel(key: str) -> str:
    head, *rest = key.split("_")
    return head + "".join(part.title() for part in rest)
