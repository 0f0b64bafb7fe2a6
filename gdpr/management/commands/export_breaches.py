"""``manage.py export_breaches``: the register of breaches (art. 33.5) as Excel, now or as of a date."""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import ngettext

from gdpr.breach_register import breach_rows, breach_workbook
from portfolio.spreadsheets import write_xlsx


class Command(BaseCommand):
    help = (
        "Exportera förteckningen över personuppgiftsincidenter (art. 33.5) till Excel, "
        "t.ex. inför IMY:s tillsyn."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            "-o",
            default="",
            help="Fil att skriva till (standard: personuppgiftsincidenter-<datum>.xlsx).",
        )
        parser.add_argument(
            "--as-of", help="Förteckningen som den såg ut vid slutet av detta datum (ÅÅÅÅ-MM-DD)."
        )

    def handle(self, *args, **options):
        as_of = None
        if options["as_of"]:
            try:
                as_of = datetime.date.fromisoformat(options["as_of"])
            except ValueError as exc:
                raise CommandError(f"Ogiltigt datum {options['as_of']!r}: använd ÅÅÅÅ-MM-DD.") from exc
            if as_of > timezone.localdate():
                raise CommandError(f"Datumet {as_of} ligger i framtiden.")
        day = as_of or timezone.localdate()
        output = options["output"] or f"personuppgiftsincidenter-{day.isoformat()}.xlsx"
        rows = breach_rows(as_of=as_of)
        write_xlsx(breach_workbook(rows, on=day), output)
        self.stderr.write(
            ngettext(
                "%(n)s personuppgiftsincident skriven till %(output)s",
                "%(n)s personuppgiftsincidenter skrivna till %(output)s",
                len(rows),
            )
            % {"n": len(rows), "output": output}
        )
