"""``manage.py equity_report``: schools that lack what their peers have, or run something else."""

from django.core.management.base import BaseCommand

from portfolio.analysis import equity_matrix
from portfolio.analysis.output import add_format_argument, render

COLUMNS = ["school", "school_form", "column", "kind", "peers_with", "peers", "explanation", "fix"]


class Command(BaseCommand):
    help = (
        "Likvärdighet: skolenheter × förmågor och ämnen, och var skolor skiljer sig från jämförbara skolor."
    )

    def add_arguments(self, parser):
        add_format_argument(parser)

    def handle(self, *args, **options):
        matrix = equity_matrix()
        rows = [{c: getattr(f, c) for c in COLUMNS} for f in matrix.findings]
        render(
            self.stdout,
            options["format"],
            rows,
            COLUMNS,
            full=matrix,
            summary=f"{len(matrix.findings)} skillnader mellan {len(matrix.schools)} skolenheter",
            table_columns=["school", "kind", "column", "peers_with", "peers"],
        )
