"""``python manage.py purge_expired_uploads``: delete import uploads that were never confirmed in time.

An upload waits in the database for its confirmation for ``CONFIRM_WITHIN`` (12 hours); after that
it cannot be confirmed, and its content — a file that may list people — has no use. The nightly
tasks (``enqueue_nightly_tasks``) run the same purge; this command runs it now, e.g. from cron
where no task worker runs.
"""

from django.core.management.base import BaseCommand
from django.utils.translation import ngettext

from integrations.uploads import purge_expired_uploads


class Command(BaseCommand):
    help = "Tar bort uppladdade importfiler som aldrig bekräftades och inte längre kan bekräftas."

    def handle(self, *args, **options) -> None:
        purged = purge_expired_uploads()
        if options["verbosity"] >= 1:
            self.stdout.write(
                ngettext(
                    "%(n)s utgången uppladdning borttagen.", "%(n)s utgångna uppladdningar borttagna.", purged
                )
                % {"n": purged}
            )
