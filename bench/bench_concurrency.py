"""Concurrent edits per second through GraphQL on gunicorn (4 workers), and how many were refused."""

from django.conf import settings
from graphql_relay import to_global_id

from bench import Measurement
from bench.concurrent_edits import GunicornServer, run_concurrent_edits

CLIENTS, ROUNDS, RECORDS = 8, 15, 5


def _database_url() -> str:
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"


def run(scale: int) -> list[Measurement]:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from accounts.models import ApiToken
    from accounts.roles import Role
    from gdpr.models import ProcessingActivity

    user, _created = get_user_model().objects.get_or_create(username="bench-samordnare")
    user.groups.add(Group.objects.get(name=Role.DATA_PROTECTION))
    _token, plaintext = ApiToken.issue(user, name="bench")
    pks = list(ProcessingActivity.objects.order_by("pk").values_list("pk", flat=True)[:RECORDS])
    ids = [to_global_id("ProcessingActivity", pk) for pk in pks]
    with GunicornServer(_database_url(), workers=4, settings="config.settings.bench") as server:
        outcome = run_concurrent_edits(server.url, plaintext, ids, clients=CLIENTS, rounds=ROUNDS)
    note = f"{CLIENTS} clients × {ROUNDS} edits on {RECORDS} records, gunicorn 4 workers"
    return [
        Measurement("concurrent edits", "applied per second", outcome.updates_per_second, "1/s", note),
        Measurement("concurrent edits", "applied", outcome.counts["applied"], "", note),
        Measurement("concurrent edits", "refused as stale", outcome.counts["stale"], "", note),
        Measurement("concurrent edits", "busy (503)", outcome.counts["busy"], "", note),
        Measurement("concurrent edits", "server errors", len(outcome.server_errors), "", note),
    ]
