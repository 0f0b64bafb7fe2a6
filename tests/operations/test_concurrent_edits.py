"""Many clients editing the same records at once through GraphQL on gunicorn with several workers:
every change is applied or refused as stale — none silently lost, no server error."""

import pytest
from django.db import connection
from graphql_relay import to_global_id

from accounts.models import ApiToken
from accounts.roles import Role
from bench.concurrent_edits import GunicornServer, run_concurrent_edits
from tests.factories import ProcessingActivityFactory, UserFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.live]


def _database_url() -> str:
    settings = connection.settings_dict
    if connection.vendor == "postgresql":
        host, port = settings.get("HOST") or "127.0.0.1", settings.get("PORT") or 5432
        return f"postgres://{settings['USER']}@{host}:{port}/{settings['NAME']}"
    return f"sqlite:///{settings['NAME']}"


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_concurrent_edits_on_postgresql_are_applied_or_refused_as_stale_never_lost():
    user = UserFactory(username="samordnare", role=Role.DATA_PROTECTION)
    _token, plaintext = ApiToken.issue(user)
    activities = ProcessingActivityFactory.create_batch(3)
    ids = [to_global_id("ProcessingActivity", a.pk) for a in activities]
    history_before = {a.pk: a.history.count() for a in activities}

    with GunicornServer(_database_url(), workers=4) as server:
        outcome = run_concurrent_edits(server.url, plaintext, ids, clients=6, rounds=5)

    assert outcome.server_errors == []
    assert outcome.counts["applied"] + outcome.counts["stale"] == 6 * 5
    assert outcome.counts["stale"] > 0, "the clients never collided: the test proves nothing"
    for activity, record_id in zip(activities, ids, strict=True):
        activity.refresh_from_db()
        applied = outcome.applied[record_id]
        # One version step and one history row per applied change, each with its own value.
        assert activity.version == 1 + len(applied)
        new_rows = activity.history.count() - history_before[activity.pk]
        assert new_rows == len(applied)
        recorded = set(activity.history.values_list("purposes", flat=True))
        assert set(applied) <= recorded
        latest = activity.history.all()[: len(applied)]
        assert all(h.history_user_id == user.pk for h in latest)
