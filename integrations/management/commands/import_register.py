"""``manage.py import_register FILE``: restore a backup into an empty database, whole or not at all."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import ngettext

from integrations.backup import RestoreError, import_register


class Command(BaseCommand):
    help = "Läser tillbaka en säkerhetskopia från export_register till en tom databas (allt eller inget)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="Säkerhetskopia skriven av export_register")

    def handle(self, *args, file: str, **options):
        try:
            result = import_register(file)
        except RestoreError as exc:
            raise CommandError(str(exc)) from exc
        if options["verbosity"] >= 2:
            for label, count in sorted(result.written.items()):
                self.stdout.write(f"{label}: {count}")
        for label, count in sorted(result.skipped.items()):
            self.stdout.write(
                ngettext(
                    "%(n)s rad av %(label)s lämnades utanför (ingår inte i säkerhetskopior).",
                    "%(n)s rader av %(label)s lämnades utanför (ingår inte i säkerhetskopior).",
                    count,
                )
                % {"n": count, "label": label}
            )
        message = ngettext(
            "%(n)s post återläst från %(file)s (tabeller: %(tables)s)",
            "%(n)s poster återlästa från %(file)s (tabeller: %(tables)s)",
            result.total,
        ) % {"n": result.total, "file": file, "tables": len(result.written)}
        self.stdout.write(self.style.SUCCESS(message))
