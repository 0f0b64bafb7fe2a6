"""An id no database column can hold is an id that matches nothing — never a server error.

On SQLite, ``/system/?vendor=99999999999999999999`` raised ``OverflowError`` (a 500) and the same
GraphQL filter answered "Python int too large to convert to SQLite INTEGER". The fix sits in the
``in`` lookup every model-choice field validates with (``portfolio.lookups``), so the HTML list,
its export, GraphQL and the edit forms all get it.
"""

import io
import json

import openpyxl
import pytest
from graphql_relay import to_global_id

from portfolio.models import Vendor
from tests.factories import (
    ApplicationFactory,
    ContractFactory,
    LearningResourceFactory,
    PersonFactory,
    ProcessingActivityFactory,
    VendorFactory,
)
from tests.graphql.conftest import post

pytestmark = pytest.mark.django_db

HUGE = "99999999999999999999"  # > 2**64
NEGATIVE_HUGE = "-99999999999999999999"

LIST_FILTERS = [
    ("/system/", "vendor"),
    ("/system/", "management_object"),
    ("/system/", "capability"),
    ("/system/", "organisation"),
    ("/larresurser/", "vendor"),
    ("/avtal/", "vendor"),
    ("/personer/", "organisation"),
    ("/organisationer/", "within"),
    ("/dataskydd/behandlingar/", "controller"),
    ("/dataskydd/behandlingar/", "application"),
]


@pytest.fixture
def register(db):
    """One record in each list the filters below narrow."""
    ApplicationFactory(vendor=VendorFactory())
    LearningResourceFactory(vendor=VendorFactory())
    ContractFactory()
    PersonFactory()
    ProcessingActivityFactory()


@pytest.mark.parametrize("value", [HUGE, NEGATIVE_HUGE])
@pytest.mark.parametrize(("path", "name"), LIST_FILTERS)
def test_a_list_filtered_by_an_impossible_id_shows_nothing(client, strategist, register, path, name, value):
    client.force_login(strategist)
    assert client.get(path).context["paginator"].count > 0
    response = client.get(path, {name: value})
    assert response.status_code == 200
    assert response.context["paginator"].count == 0


@pytest.mark.parametrize(
    ("path", "name"), [("/system/", "vendor"), ("/dataskydd/behandlingar/", "controller")]
)
def test_the_export_filtered_by_an_impossible_id_is_an_empty_workbook(
    client, strategist, register, path, name
):
    client.force_login(strategist)
    response = client.get(f"{path}export.xlsx", {name: HUGE})
    assert response.status_code == 200
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content), read_only=True).active.values)
    assert len([row for row in rows if any(row)]) <= 1  # the header row at most


@pytest.mark.parametrize("value", [HUGE, to_global_id("Vendor", HUGE)])
def test_a_graphql_filter_with_an_impossible_id_is_a_clear_error_not_a_database_message(
    client, it_user, value
):
    VendorFactory()
    client.force_login(it_user)
    query = "query($v: [ID]) { applications(vendor: $v) { totalCount } }"
    body = post(client, query, {"v": [value]}).json()
    text = json.dumps(body, ensure_ascii=False)
    assert "SQLite" not in text and "too large" not in text and "out of range" not in text
    assert "giltigt alternativ" in body["errors"][0]["message"]


def test_an_impossible_id_among_real_ones_is_refused_as_an_invalid_choice():
    from portfolio.filters import ApplicationFilterSet

    vendor = VendorFactory()
    filterset = ApplicationFilterSet({"vendor": [str(vendor.pk), HUGE]})
    assert not filterset.is_valid()
    assert HUGE in str(filterset.errors["vendor"])


def test_the_in_lookup_leaves_out_ids_outside_the_column_and_keeps_the_rest():
    vendor = VendorFactory()
    assert list(Vendor.objects.filter(pk__in=[int(HUGE), vendor.pk, -int(HUGE)])) == [vendor]
    assert list(Vendor.objects.filter(pk__in=[int(HUGE)])) == []
    assert Vendor.objects.exclude(pk__in=[int(HUGE)]).count() == 1
