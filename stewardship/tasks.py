"""Background tasks of the stewardship app (Django's Tasks API through the ``django-tasks`` backport).

They run on the backend ``settings.TASKS`` names: the database worker (``manage.py db_worker``,
started by ``make demo``), RQ workers with Redis, or in the tests the immediate backend. Each task
takes only JSON-able arguments (ids, language codes) and reads what it needs when it runs.
"""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.utils import timezone, translation
from django_tasks import default_task_backend, task

from analysis_cache import store
from stewardship.analyses import refresh_analyses, run_refresh_hooks
from stewardship.models import ReviewRound
from stewardship.notifications import send_due_notifications

__all__ = [
    "refresh_analyses_task",
    "refresh_every_language_task",
    "send_due_notifications_task",
    "send_round_notifications",
]

logger = logging.getLogger(__name__)

#: How long after a dead holder's lease expires its retry runs (the clocks of the hosts may differ).
RETRY_MARGIN = datetime.timedelta(seconds=5)


@task()
def refresh_analyses_task(language: str) -> str:
    """Compute the analysis suite for the register as it is now (see :func:`refresh_analyses`).

    When another worker holds the lease ("busy"), the task comes back when that lease would expire:
    a holder that finishes leaves the results current and the retry does nothing; a holder that was
    killed mid-refresh leaves an expired lease, and the retry takes it and computes. Once the suite
    is current, the other apps' stored results follow (``REFRESH_HOOKS``: the capability map's facts).
    """
    result = refresh_analyses(language)
    if result.reason != "busy":
        run_refresh_hooks(language)
    else:
        expires = store.lease_expires(language)
        if expires is not None and default_task_backend.supports_defer:
            retry_at = max(expires, timezone.now()) + RETRY_MARGIN
            refresh_analyses_task.using(run_after=retry_at).enqueue(language)
    logger.info("Analyses (%s): %s in %.1f s", language, result.reason, result.elapsed)
    return result.reason


@task()
def refresh_every_language_task() -> int:
    """Enqueue a refresh of the analyses in every language of the site (nightly: the day changes the
    results — ages, contracts in force — so the dashboard's first reader in the morning waits for none)."""
    languages = [code for code, _name in settings.LANGUAGES]
    for code in languages:
        refresh_analyses_task.enqueue(code)
    return len(languages)


@task()
def send_round_notifications(round_id: int) -> int:
    """Send the e-mails of one review round that are due (at its start: the start e-mails).

    Enqueued by :func:`stewardship.notifications.notify_round_started` once the round's transaction
    has committed, so no mail is sent for a round that was rolled back, and the request that
    started it does not wait for the mail server. Each mail is sent once (``Notification``).
    """
    with translation.override(settings.LANGUAGE_CODE):  # the people's language, not the starter's
        return send_due_notifications(rounds=ReviewRound.objects.filter(pk=round_id))


@task()
def send_due_notifications_task() -> int:
    """Every review-round e-mail that is due today (the nightly tasks enqueue it)."""
    return send_due_notifications()
