"""``manage.py pm3_gaps``: holes in PM3 förvaltning, most severe first."""

from django.core.management.base import BaseCommand

from portfolio.analysis import Pm3Gap, Severity, pm3_gaps
from portfolio.analysis.output import add_format_argument, render
from portfolio.analysis.shapes import command_columns, command_rows


class Command(BaseCommand):
    help = "Lista brister i PM3-förvaltningen: roller, planer, utfall, avtal, livscykel och godkännanden."

    def add_arguments(self, parser):
        add_format_argument(parser)
        parser.add_argument(
            "--severity", choices=Severity.values, help="Visa bara brister med denna allvarlighetsgrad."
        )

    def handle(self, *args, **options):
        gaps = pm3_gaps()
        if options["severity"]:
            gaps = [g for g in gaps if g.severity == options["severity"]]
        render(
            self.stdout,
            options["format"],
            command_rows(Pm3Gap, gaps),
            command_columns(Pm3Gap),
            full=gaps,
            summary=f"{len(gaps)} brister",
            table_columns=["severity", "code", "target_name", "missing"],
        )
