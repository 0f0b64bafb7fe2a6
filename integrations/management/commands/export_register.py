"""``manage.py export_register FILE``: the whole register, history included, in one file (the backup)."""

from django.core.management.base import BaseCommand

from integrations.backup import export_register


class Command(BaseCommand):
    help = "Skriver hela registret, med historik, användare och roller, till en fil (säkerhetskopia)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="Målfil, t.ex. systemkarta-2026-11-23.json.gz")

    def handle(self, *args, file: str, **options):
        counts = export_register(file)
        total = sum(counts.values())
        self.stdout.write(self.style.SUCCESS(f"{total} poster i {len(counts)} tabeller skrivna till {file}"))
