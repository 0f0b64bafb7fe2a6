"""The API over real HTTP (pytest-django's live server) with the gql client: token, session, anonymous."""

import pytest
import requests
from gql import Client, gql
from gql.transport.exceptions import TransportQueryError, TransportServerError
from gql.transport.requests import RequestsHTTPTransport

from accounts.models import ApiToken
from accounts.roles import Role, sync_role_groups
from portfolio.models import Vendor
from tests.factories import ApplicationFactory, UserFactory

pytestmark = [pytest.mark.live, pytest.mark.django_db(transaction=True)]

SYSTEMS = gql("{ applications(first: 10, sso: true) { totalCount edges { node { name vendor { name } } } } }")
CREATE_VENDOR = gql(
    """mutation($name: String) { createVendor(input: {name: $name, country: "SE"}) {
         vendor { name version } errors { field message } } }"""
)


@pytest.fixture
def server(live_server):
    sync_role_groups()
    ApplicationFactory(name="Skolplattformen", authentication="saml", identity_provider="kommunens")
    ApplicationFactory(name="Lokalt inlogg", authentication="lokal", identity_provider="")
    return live_server.url + "/graphql/"


def client(url: str, **transport) -> Client:
    return Client(transport=RequestsHTTPTransport(url=url, retries=0, timeout=30, **transport))


def test_tool_with_a_token_reads_and_writes_over_http(server):
    user = UserFactory(username="it-verktyg", role=Role.IT)
    _token, plaintext = ApiToken.issue(user, name="CMDB")
    api = client(server, headers={"Authorization": f"Bearer {plaintext}"})
    result = api.execute(SYSTEMS)
    assert result["applications"]["totalCount"] == 1
    assert result["applications"]["edges"][0]["node"]["name"] == "Skolplattformen"
    created = api.execute(CREATE_VENDOR, variable_values={"name": "Ny Leverantör AB"})
    assert created["createVendor"]["errors"] == []
    assert Vendor.objects.get(name="Ny Leverantör AB").history.get().history_user == user


def test_read_only_token_over_http_cannot_write(server):
    user = UserFactory(username="rapport", role=Role.IT)
    _token, plaintext = ApiToken.issue(user, read_only=True)
    api = client(server, headers={"Authorization": f"Bearer {plaintext}"})
    assert api.execute(SYSTEMS)["applications"]["totalCount"] == 1
    vendors = Vendor.objects.count()
    with pytest.raises(TransportQueryError, match="skrivskyddad"):
        api.execute(CREATE_VENDOR, variable_values={"name": "X"})
    assert Vendor.objects.count() == vendors


def test_browser_session_with_csrf_over_http(server, live_server):
    UserFactory(username="strateg", role=Role.STRATEGIST)
    session = requests.Session()
    login = live_server.url + "/konto/logga-in/"
    session.get(login, timeout=30)
    response = session.post(
        login,
        data={"username": "strateg", "password": "correct-horse-battery",
              "csrfmiddlewaretoken": session.cookies["csrftoken"]},
        headers={"Referer": login},
        timeout=30,
    )
    assert "sessionid" in session.cookies, response.status_code
    cookies = session.cookies.get_dict()
    api = client(server, cookies=cookies, headers={"X-CSRFToken": cookies["csrftoken"], "Referer": server})
    assert api.execute(SYSTEMS)["applications"]["totalCount"] == 1
    without_csrf = client(server, cookies=cookies)
    with pytest.raises((TransportServerError, TransportQueryError)) as refused:
        without_csrf.execute(SYSTEMS)
    assert "CSRF" in str(refused.value) or "403" in str(refused.value)


def test_anonymous_over_http_gets_nothing(server):
    with pytest.raises((TransportServerError, TransportQueryError)) as refused:
        client(server).execute(SYSTEMS)
    assert "Inloggning krävs" in str(refused.value) or "401" in str(refused.value)
    raw = requests.post(server, json={"query": "{ applications { totalCount } }"}, timeout=30)
    assert raw.status_code == 401 and "data" not in raw.json()
