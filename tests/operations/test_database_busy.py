"""On SQLite, a writer that cannot get the lock gets "503, busy, retry" — not a server error."""

import datetime
import json
import sqlite3

import pytest
from django.db import OperationalError
from django.test import RequestFactory

from config.middleware import DatabaseBusyMiddleware, is_database_busy


def _real_lock_error(tmp_path) -> OperationalError:
    """The error SQLite really raises when another connection holds the write lock."""
    path = tmp_path / "locked.sqlite3"
    holder = sqlite3.connect(path, timeout=0.05, isolation_level=None)
    holder.execute("create table t (x)")
    holder.execute("begin immediate")
    writer = sqlite3.connect(path, timeout=0.05)
    try:
        writer.execute("insert into t values (1)")
    except sqlite3.OperationalError as exc:
        return OperationalError(*exc.args)
    finally:
        writer.close()
        holder.execute("rollback")
        holder.close()
    raise AssertionError("SQLite did not refuse the second writer")


def _middleware_answer(path: str, exc: Exception, **headers):
    request = RequestFactory().post(path, **headers)
    return DatabaseBusyMiddleware(lambda r: None).process_exception(request, exc)


def test_a_locked_database_is_recognised_as_busy(tmp_path):
    assert is_database_busy(_real_lock_error(tmp_path))
    assert not is_database_busy(OperationalError("no such table: x"))


def test_a_page_write_meeting_a_locked_database_gets_503_with_retry_after(tmp_path):
    response = _middleware_answer("/system/1/andra/", _real_lock_error(tmp_path))
    assert response.status_code == 503
    assert response["Retry-After"] == "2"
    assert "Försök igen" in response.content.decode()


def test_an_api_write_meeting_a_locked_database_gets_a_json_busy_error(tmp_path):
    response = _middleware_answer("/graphql/", _real_lock_error(tmp_path), HTTP_ACCEPT="application/json")
    assert response.status_code == 503
    assert json.loads(response.content)["errors"][0]["extensions"]["code"] == "BUSY_RETRY"


def test_other_database_errors_are_not_disguised_as_busy():
    assert _middleware_answer("/", OperationalError("no such table: x")) is None


@pytest.mark.django_db
def test_the_busy_middleware_is_installed(settings):
    assert "config.middleware.DatabaseBusyMiddleware" in settings.MIDDLEWARE


@pytest.mark.django_db
def test_a_graphql_mutation_meeting_a_locked_database_gets_503_busy_through_the_real_view(
    client, monkeypatch, tmp_path
):
    """Fault injection: the write path raises the error SQLite really raises under lock contention."""
    from graphql_relay import to_global_id

    from accounts.roles import Role
    from gdpr.graphql import mutations
    from tests.factories import ProcessingActivityFactory, UserFactory

    locked = _real_lock_error(tmp_path)

    def locked_write(*args, **kwargs):
        raise locked

    monkeypatch.setattr(mutations, "mark_reviewed", locked_write)
    activity = ProcessingActivityFactory()
    client.force_login(UserFactory(username="samordnare", role=Role.DATA_PROTECTION))
    query = """mutation($input: MarkReviewedInput!) { markReviewed(input: $input) { errors { field } } }"""
    node_id = to_global_id("ProcessingActivity", activity.pk)
    variables = {"input": {"id": node_id, "version": activity.version}}
    response = client.post(
        "/graphql/", json.dumps({"query": query, "variables": variables}), content_type="application/json"
    )
    assert response.status_code == 503
    assert response["Retry-After"] == "2"
    assert json.loads(response.content)["errors"][0]["extensions"]["code"] == "BUSY_RETRY"
    activity.refresh_from_db()
    assert activity.last_reviewed_on != datetime.date.today()


@pytest.mark.django_db(transaction=True)
def test_a_graphql_mutation_whose_transaction_cannot_open_gets_503_busy_not_400(client, tmp_path):
    """SQLite takes the write lock when the mutation's transaction opens (BEGIN IMMEDIATE): the
    error SQLite raises there must reach the busy middleware too, not become a GraphQL error."""
    from django.db import connection
    from graphql_relay import to_global_id

    from accounts.roles import Role
    from tests.factories import ProcessingActivityFactory, UserFactory

    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL opens a transaction without a lock to wait for: no BEGIN IMMEDIATE")
    locked = _real_lock_error(tmp_path)
    activity = ProcessingActivityFactory()
    client.force_login(UserFactory(username="samordnare", role=Role.DATA_PROTECTION))

    def lock_on_begin(execute, sql, params, many, context):
        if sql.upper().startswith("BEGIN"):
            raise locked
        return execute(sql, params, many, context)

    query = """mutation($input: MarkReviewedInput!) { markReviewed(input: $input) { errors { field } } }"""
    node_id = to_global_id("ProcessingActivity", activity.pk)
    variables = {"input": {"id": node_id, "version": activity.version}}
    with connection.execute_wrapper(lock_on_begin):
        response = client.post(
            "/graphql/", json.dumps({"query": query, "variables": variables}), content_type="application/json"
        )
    assert response.status_code == 503, response.content
    assert response["Retry-After"] == "2"
    assert json.loads(response.content)["errors"][0]["extensions"]["code"] == "BUSY_RETRY"
    activity.refresh_from_db()
    assert activity.last_reviewed_on != datetime.date.today()
