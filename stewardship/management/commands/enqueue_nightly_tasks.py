"""``python manage.py enqueue_nightly_tasks``: put the nightly work on the tasks backend, for cron.

What runs is ``settings.NIGHTLY_TASKS``: the analyses refreshed in every language for the new day,
the review rounds' due e-mails, and the purge of import uploads never confirmed. The command only
enqueues (it returns at once); a worker (``db_worker``, or RQ's ``rqworker``) runs the tasks.
A host without a worker runs the same work with ``refresh_analyses``, ``send_review_reminders``
and ``purge_expired_uploads`` instead. A crontab line::

    15 2 * * *  cd /srv/systemkarta && .venv/bin/python manage.py enqueue_nightly_tasks
"""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.module_loading import import_string


class Command(BaseCommand):
    help = (
        "Lägger nattens arbete i bakgrundskön: analyserna räknas om, granskningarnas utskick skickas "
        "och utgångna uppladdade importfiler tas bort."
    )

    def handle(self, *args, **options) -> None:
        for path in settings.NIGHTLY_TASKS:
            result = import_string(path).enqueue()
            if options["verbosity"] >= 1:
                self.stdout.write(f"{path}: köad ({result.id})")
