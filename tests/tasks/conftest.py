"""The real task backends with their workers: the database backend, and RQ where Redis answers.

The rest of the suite runs tasks at once (the immediate backend of ``config.settings.test``); the
tests here enqueue on a real backend, see that nothing has happened yet, run the backend's own
worker until the queue is empty, and check the effect. The worker runs in the test process (the
database worker's ``Worker`` in batch mode, RQ's ``SimpleWorker`` in burst mode) so that it sees the
test database; it needs committed data, hence ``transactional_db``.

RQ uses Redis on ``RQ_TEST_REDIS_URL`` (default ``redis://127.0.0.1:6379/15``: a database of its
own, emptied by these tests); where none answers, the RQ half is skipped with the reason — unless
``RQ_REQUIRED`` is set (``.ci/run`` sets it where Redis answers), which makes that a failure.
"""

import os
from collections.abc import Callable, Iterator

import pytest

DATABASE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
RQ = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
REDIS_URL = os.environ.get("RQ_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def _redis_answers() -> str | None:
    """``None`` when Redis answers at REDIS_URL, else why not."""
    try:
        import redis

        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except Exception as exc:  # noqa: BLE001 - any failure means: no Redis here
        return f"Redis does not answer at {REDIS_URL} ({exc.__class__.__name__}: {exc})"
    return None


def _run_database_worker() -> None:
    from django_tasks_db.management.commands.db_worker import Worker

    Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="tests",
        excluded_queue_names=[],
    ).run()


def _run_rq_worker() -> None:
    import django_rq
    from django_tasks_rq.backend import Job
    from rq import SimpleWorker

    queue = django_rq.get_queue("default", job_class=Job)
    SimpleWorker([queue], connection=queue.connection, job_class=Job).work(burst=True, with_scheduler=True)


@pytest.fixture(params=["database", "rq"])
def task_backend(request, settings, transactional_db) -> Iterator[Callable[[], None]]:
    """Switch the default tasks backend to the real one; yields a function that runs its worker.

    (Changing ``settings.TASKS`` resets django-tasks' backends through ``setting_changed``.)
    """
    if request.param == "rq":
        reason = _redis_answers()
        if reason and os.environ.get("RQ_REQUIRED"):
            pytest.fail(f"RQ_REQUIRED is set but {reason}")
        if reason:
            pytest.skip(reason)
        settings.RQ_QUEUES = {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 600}}
        settings.TASKS = RQ
    else:
        settings.TASKS = DATABASE
    if request.param == "rq":
        import django_rq

        django_rq.get_connection("default").flushdb()
    yield _run_rq_worker if request.param == "rq" else _run_database_worker
    if request.param == "rq":
        import django_rq

        django_rq.get_connection("default").flushdb()


@pytest.fixture
def database_backend(task_backend, request):
    """Only the database backend (tests that look at its table of queued tasks)."""
    if request.node.callspec.params["task_backend"] != "database":
        pytest.skip("looks at the database backend's own table")
    return task_backend
