"""``manage.py export_landscape --out FILE``: the landscape workbook for the strategist."""

from pathlib import Path

from django.core.management.base import BaseCommand

from integrations.landscape_export import landscape_xlsx


class Command(BaseCommand):
    help = (
        "Skriver landskapet till Excel: system och lärresurser med ägare, inloggning, kostnader per år "
        "och GDPR-brister, samt kostnader per förvaltningsobjekt och PM3-del."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--out", default="landskap.xlsx", help="Filen som skrivs (standard: landskap.xlsx)."
        )

    def handle(self, *args, **options) -> None:
        target = Path(options["out"])
        target.write_bytes(landscape_xlsx())
        self.stdout.write(f"Skrev {target}")
