"""Send the review rounds' e-mails that are due: start, reminder before the deadline, overdue.

Safe to run daily from cron (``python manage.py send_review_reminders``): each message is sent
once per round, person and kind, however often the command runs.
"""

import datetime

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import ngettext

from stewardship.notifications import send_due_notifications


class Command(BaseCommand):
    help = (
        "Skickar granskningsomgångarnas utskick som är på tur (start, påminnelse, försenad), "
        "vart och ett en gång."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--date",
            type=datetime.date.fromisoformat,
            default=None,
            help="Räkna som om det vore detta datum (ÅÅÅÅ-MM-DD); i dag om det utelämnas.",
        )

    def handle(self, *args, date: datetime.date | None = None, **options) -> None:
        sent = send_due_notifications(today=date)
        if options["verbosity"] >= 1:
            message = ngettext("%(n)s utskick skickat.", "%(n)s utskick skickade.", sent)
            self.stdout.write(message % {"n": sent})
