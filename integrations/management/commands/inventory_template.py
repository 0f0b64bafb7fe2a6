"""``manage.py inventory_template --kind KIND --out FILE``: an empty workbook to fill in."""

from pathlib import Path

from django.core.management.base import BaseCommand

from integrations.columns import KINDS
from integrations.spreadsheets import template_sheets
from portfolio.spreadsheets import write_xlsx


class Command(BaseCommand):
    help = (
        "Skriver en tom arbetsbok med de rubriker importen väntar sig och ett blad som förklarar "
        "varje kolumn och dess tillåtna värden."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--kind", required=True, choices=sorted(KINDS), help="Vilken sorts inventarium.")
        parser.add_argument("--out", required=True, help="Arbetsboken som skrivs (.xlsx).")

    def handle(self, *args, **options) -> None:
        target = Path(options["out"])
        write_xlsx(template_sheets(KINDS[options["kind"]]), str(target))
        self.stdout.write(f"Skrev {target}")
