"""``manage.py export_register FILE``: the whole register, history included, in one file (the backup)."""

from django.core.management.base import BaseCommand
from django.utils.translation import ngettext

from integrations.backup import export_register


class Command(BaseCommand):
    help = "Skriver hela registret, med historik, användare och roller, till en fil (säkerhetskopia)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="Målfil, t.ex. systemkarta-2026-11-23.json.gz")

    def handle(self, *args, file: str, **options):
        counts = export_register(file)
        total = sum(counts.values())
        message = ngettext(
            "%(n)s post skriven till %(file)s (tabeller: %(tables)s)",
            "%(n)s poster skrivna till %(file)s (tabeller: %(tables)s)",
            total,
        ) % {"n": total, "file": file, "tables": len(counts)}
        self.stdout.write(self.style.SUCCESS(message))
