"""The dashboard's analyses are refreshed by a background task, and a refresh cut off is taken up again.

Each test runs on the database backend and on RQ (``task_backend``, see conftest): it enqueues, sees
that nothing happened yet, runs the backend's worker and checks the effect.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from analysis_cache import store
from analysis_cache.models import AnalysisRefresh, AnalysisResult
from stewardship import analyses
from stewardship.analyses import REFRESHED, refresh_analyses
from stewardship.tasks import refresh_analyses_task
from tests.factories import ApplicationFactory, UserFactory
from tests.web.conftest import build_landscape


def stored_state(language: str = "sv") -> set[str]:
    results = AnalysisResult.objects.filter(language=language, name__in=REFRESHED)
    return set(results.values_list("state", flat=True))


def current_state() -> str:
    return analyses.analysis_state(analyses.register_fingerprint(), timezone.localdate())


@pytest.fixture(autouse=True)
def _fresh_process_memory():
    analyses._ENQUEUED.clear()
    analyses.forget_all()
    yield
    analyses._ENQUEUED.clear()


def test_a_stale_dashboard_enqueues_a_refresh_that_the_worker_runs(task_backend, client, settings):
    strategist = UserFactory(username="strateg", role=Role.STRATEGIST)
    settings.ANALYSES_REFRESH = "task"
    build_landscape(2)
    refresh_analyses("sv")
    ApplicationFactory(name="Ny tjänst")  # the register moves on
    client.force_login(strategist)
    stale = client.get(reverse("dashboard"))
    assert stale.context["analyses_current"] is False
    assert stored_state() != {current_state()}  # enqueued, not run in the request
    task_backend()
    assert stored_state() == {current_state()}
    assert client.get(reverse("dashboard")).context["analyses_current"] is True
    assert AnalysisRefresh.objects.get(language="sv").started_at is None  # the lease is given back


def test_a_refresh_that_fails_mid_way_gives_the_lease_back_and_a_rerun_completes(
    task_backend, settings, monkeypatch
):
    build_landscape(1)
    calls = []

    def breaks_once(run):
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("the worker was stopped here")
        return []

    monkeypatch.setitem(analyses.SUITE, "pm3_gaps", breaks_once)
    refresh_analyses_task.enqueue("sv")
    task_backend()
    assert stored_state() == set()  # nothing half-stored
    assert AnalysisRefresh.objects.get(language="sv").started_at is None
    refresh_analyses_task.enqueue("sv")
    task_backend()
    assert stored_state() == {current_state()}


def changed_since_last_refresh() -> str:
    """A register whose stored results are out of date; returns the state they describe."""
    build_landscape(1)
    refresh_analyses("sv")
    before = current_state()
    ApplicationFactory(name="Ny tjänst")
    return before


def test_a_refresh_whose_worker_died_holding_the_lease_is_taken_up_after_the_lease_expires(task_backend):
    before = changed_since_last_refresh()
    dead = store.claim_lease("sv")  # a worker took the lease, then was killed: it never renews it
    refresh_analyses_task.enqueue("sv")
    task_backend()
    assert stored_state() == {before}  # still held: the refresh stood back
    AnalysisRefresh.objects.filter(language="sv").update(
        renewed_at=timezone.now() - store.LEASE_TIMEOUT - datetime.timedelta(seconds=1)
    )
    refresh_analyses_task.enqueue("sv")
    task_backend()
    assert stored_state() == {current_state()}
    row = AnalysisRefresh.objects.get(language="sv")
    assert row.started_at is None and row.finished_at > dead


def test_a_busy_refresh_comes_back_by_itself_when_the_lease_would_expire(database_backend):
    from django_tasks_db.models import DBTaskResult

    changed_since_last_refresh()
    held = store.claim_lease("sv")
    refresh_analyses_task.enqueue("sv")
    database_backend()
    retry = DBTaskResult.objects.get(status="READY")
    assert retry.task_path == "stewardship.tasks.refresh_analyses_task"
    assert retry.run_after >= held + store.LEASE_TIMEOUT  # not before the holder could be declared dead
    # The holder died: its lease expires, and the retry that was waiting for it computes.
    AnalysisRefresh.objects.filter(language="sv").update(renewed_at=held - store.LEASE_TIMEOUT)
    DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())
    database_backend()
    assert stored_state() == {current_state()}
    assert not DBTaskResult.objects.filter(status="READY").exists()  # and it does not come back again


def test_the_holder_renews_its_lease_after_every_analysis(settings, db, monkeypatch):
    build_landscape(1)
    renewals = []
    real = store.renew_lease
    monkeypatch.setattr(
        store, "renew_lease", lambda language, started: renewals.append(1) or real(language, started)
    )
    refresh_analyses("sv")
    assert len(renewals) >= len(REFRESHED)


def test_analyses_refresh_accepts_only_task_or_command(settings, db):
    from django.core.exceptions import ImproperlyConfigured

    settings.ANALYSES_REFRESH = "thread"
    with pytest.raises(ImproperlyConfigured):
        analyses.schedule_refresh("sv")


def test_a_stale_dashboard_rendered_many_times_enqueues_one_refresh_per_state(
    database_backend, client, settings
):
    from django_tasks_db.models import DBTaskResult

    settings.ANALYSES_REFRESH = "task"
    build_landscape(1)
    refresh_analyses("sv")
    client.force_login(UserFactory(username="strateg", role=Role.STRATEGIST))
    queued = DBTaskResult.objects.filter(task_path="stewardship.tasks.refresh_analyses_task")
    ApplicationFactory(name="Första ändringen")
    for _ in range(3):
        assert client.get(reverse("dashboard")).context["analyses_current"] is False
    assert queued.count() == 1
    ApplicationFactory(name="Andra ändringen")
    client.get(reverse("dashboard"))
    assert queued.count() == 2
    database_backend()
    assert client.get(reverse("dashboard")).context["analyses_current"] is True
