"""``manage.py pm3_gaps``: holes in PM3 förvaltning, most severe first."""

from django.core.management.base import BaseCommand

from portfolio.analysis import Severity, pm3_gaps
from portfolio.analysis.output import add_format_argument, render

COLUMNS = [
    "severity",
    "code",
    "title",
    "target_type",
    "target_id",
    "target_name",
    "missing",
    "explanation",
    "fix",
    "field",
]


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
        rows = [{c: getattr(g, c) for c in COLUMNS} for g in gaps]
        render(
            self.stdout,
            options["format"],
            rows,
            COLUMNS,
            full=gaps,
            summary=f"{len(gaps)} brister",
            table_columns=["severity", "code", "target_name", "missing"],
        )
