"""Who may use /graphql/: sessions with CSRF, bearer tokens, and nobody anonymously."""

import datetime
import logging

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.authentication import LAST_USED_RESOLUTION
from accounts.models import ApiToken
from portfolio.models import Vendor
from tests.factories import ApplicationFactory
from tests.graphql.conftest import post

pytestmark = pytest.mark.django_db

QUERY = "{ applications(first: 5) { totalCount edges { node { name } } } }"
MUTATION = 'mutation { createVendor(input: {name: "Ny AB", country: "SE"}) { errors { field message } } }'


def test_anonymous_request_gets_an_error_and_no_data(client):
    ApplicationFactory(name="Hemligt system")
    response = post(client, QUERY)
    assert response.status_code == 401
    body = response.json()
    assert "data" not in body
    assert "Inloggning krävs" in body["errors"][0]["message"]
    assert b"Hemligt system" not in response.content


def test_anonymous_browser_is_sent_to_log_in_instead_of_graphiql(client):
    response = client.get("/graphql/", HTTP_ACCEPT="text/html")
    assert response.status_code == 302
    assert "/konto/logga-in/" in response["Location"]


def test_session_user_reads_the_register(client, reader):
    ApplicationFactory(name="Skolplattform")
    client.force_login(reader)
    response = post(client, QUERY)
    assert response.status_code == 200
    assert response.json()["data"]["applications"]["edges"][0]["node"]["name"] == "Skolplattform"


def test_session_post_without_csrf_token_is_refused(reader):
    client = Client(enforce_csrf_checks=True)
    client.force_login(reader)
    response = post(client, QUERY)
    assert response.status_code == 403
    assert "CSRF" in response.json()["errors"][0]["message"]


def test_session_post_with_csrf_token_is_accepted(reader):
    client = Client(enforce_csrf_checks=True)
    client.force_login(reader)
    client.get("/graphql/", HTTP_ACCEPT="text/html")  # sets the csrftoken cookie
    token = client.cookies["csrftoken"].value
    response = post(client, QUERY, HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 200
    assert "errors" not in response.json()


def test_bearer_token_reads_without_csrf(reader, token_for):
    ApplicationFactory(name="Elevregister")
    client = Client(enforce_csrf_checks=True)
    response = post(client, QUERY, HTTP_AUTHORIZATION=f"Bearer {token_for(reader)}")
    assert response.status_code == 200
    assert response.json()["data"]["applications"]["totalCount"] == 1


@pytest.mark.parametrize(
    "header",
    ["Bearer sk_not-a-real-token", "Bearer ", "Token abc", "Bearer " + "x" * 500, "Basic dXNlcjpwYXNz"],
)
def test_malformed_or_unknown_tokens_are_refused_with_a_clear_error(client, header):
    response = post(client, QUERY, HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    body = response.json()
    assert "data" not in body
    assert body["errors"][0]["message"]
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_expired_token_is_refused(client, reader, token_for):
    plaintext = token_for(reader, expires_days=1)
    ApiToken.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    response = post(client, QUERY, HTTP_AUTHORIZATION=f"Bearer {plaintext}")
    assert response.status_code == 401
    assert "utgången" in response.json()["errors"][0]["message"]


def test_revoked_token_is_refused(client, reader, token_for):
    plaintext = token_for(reader)
    ApiToken.objects.get().revoke()
    response = post(client, QUERY, HTTP_AUTHORIZATION=f"Bearer {plaintext}")
    assert response.status_code == 401


def test_token_of_a_deactivated_user_is_refused(client, reader, token_for):
    plaintext = token_for(reader)
    reader.is_active = False
    reader.save()
    assert post(client, QUERY, HTTP_AUTHORIZATION=f"Bearer {plaintext}").status_code == 401


def test_token_request_that_also_carries_a_session_cookie_is_refused(client, reader, token_for):
    """Otherwise a page could add a header and ride the browser's session past CSRF protection."""
    client.force_login(reader)
    response = post(client, QUERY, HTTP_AUTHORIZATION=f"Bearer {token_for(reader)}")
    assert response.status_code == 401
    assert "sessionscookies" in response.json()["errors"][0]["message"]


def test_read_only_token_cannot_mutate_and_is_answered_forbidden(client, it_user, token_for):
    plaintext = token_for(it_user, read_only=True)
    response = post(client, MUTATION, HTTP_AUTHORIZATION=f"Bearer {plaintext}")
    assert response.status_code == 403
    assert "skrivskyddad" in response.json()["errors"][0]["message"]
    assert not Vendor.objects.exists()


def test_token_is_never_logged_nor_kept_in_history(client, it_user, token_for, caplog):
    plaintext = token_for(it_user)
    with caplog.at_level(logging.DEBUG):
        response = post(client, MUTATION, HTTP_AUTHORIZATION=f"Bearer {plaintext}")
        post(client, QUERY, HTTP_AUTHORIZATION="Bearer sk_wrong")
    assert response.json()["data"]["createVendor"]["errors"] == []
    vendor = Vendor.objects.get()
    record = vendor.history.get()
    assert record.history_user == it_user
    assert plaintext not in caplog.text and "sk_wrong" not in caplog.text
    history_text = " ".join(str(v) for v in Vendor.history.values_list())
    assert plaintext not in history_text
    token = ApiToken.objects.get()
    assert token.last_used_at is not None
    assert plaintext not in token.key_hash and token.prefix == plaintext[:10]


def test_graphiql_is_served_to_logged_in_users(client, reader):
    client.force_login(reader)
    response = client.get("/graphql/", HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    assert b"graphiql" in response.content.lower()


def test_get_request_cannot_mutate(client, it_user):
    client.force_login(it_user)
    response = client.get("/graphql/", {"query": MUTATION}, HTTP_ACCEPT="application/json")
    assert response.status_code == 405
    assert not Vendor.objects.exists()




def test_token_use_is_recorded_once_a_minute_not_on_every_request(client, it_user, token_for):
    plaintext = token_for(it_user)
    header = {"HTTP_AUTHORIZATION": f"Bearer {plaintext}"}
    post(client, QUERY, **header)
    first = ApiToken.objects.get().last_used_at
    with CaptureQueriesContext(connection) as queries:
        post(client, QUERY, **header)
    assert not [q for q in queries.captured_queries if q["sql"].startswith("UPDATE")]
    assert ApiToken.objects.get().last_used_at == first
    ApiToken.objects.update(last_used_at=first - LAST_USED_RESOLUTION)
    post(client, QUERY, **header)
    assert ApiToken.objects.get().last_used_at > first
