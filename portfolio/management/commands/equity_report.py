"""``manage.py equity_report``: schools that lack what their peers have, or run something else."""

from django.core.management.base import BaseCommand
from django.utils.translation import ngettext

from portfolio.analysis import EquityFinding, equity_matrix
from portfolio.analysis.output import add_format_argument, render
from portfolio.analysis.shapes import command_columns, command_rows


class Command(BaseCommand):
    help = (
        "Likvärdighet: skolenheter × förmågor och ämnen, och var skolor skiljer sig från jämförbara skolor."
    )

    def add_arguments(self, parser):
        add_format_argument(parser)

    def handle(self, *args, **options):
        matrix = equity_matrix()
        render(
            self.stdout,
            options["format"],
            command_rows(EquityFinding, matrix.findings),
            command_columns(EquityFinding),
            full=matrix,
            summary=ngettext(
                "%(n)s skillnad mellan skolenheterna (skolenheter: %(schools)s)",
                "%(n)s skillnader mellan skolenheterna (skolenheter: %(schools)s)",
                len(matrix.findings),
            )
            % {"n": len(matrix.findings), "schools": len(matrix.schools)},
            table_columns=["school", "kind", "column", "peers_with", "peers"],
        )
