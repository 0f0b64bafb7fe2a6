"""``manage.py pm3_gaps``: holes in PM3 förvaltning, most severe first."""

import argparse

from django.core.management.base import BaseCommand, DjangoHelpFormatter
from django.utils.translation import ngettext

from portfolio.analysis import Pm3Gap, Severity, pm3_gaps
from portfolio.analysis.output import add_format_argument, render
from portfolio.analysis.pm3 import PM3_RULES
from portfolio.analysis.shapes import command_columns, command_rows


class _HelpFormatter(DjangoHelpFormatter, argparse.RawDescriptionHelpFormatter):
    """Keeps the rule list's lines as written."""


def rules_epilog() -> str:
    """Every rule with its code, severity and title: what the output's ``code`` column can say."""
    lines = ["Regler (kod, allvarlighetsgrad: rubrik):"]
    for code, rule in PM3_RULES.items():
        severity = f"{rule.severity}/{rule.graver}" if rule.graver else rule.severity
        lines.append(f"  {code} [{severity}]: {rule.title}")
    return "\n".join(lines)


class Command(BaseCommand):
    help = "Lista brister i PM3-förvaltningen: roller, planer, utfall, avtal, livscykel och godkännanden."

    def create_parser(self, prog_name, subcommand, **kwargs):
        kwargs.setdefault("epilog", rules_epilog())
        kwargs.setdefault("formatter_class", _HelpFormatter)
        return super().create_parser(prog_name, subcommand, **kwargs)

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
            summary=ngettext("%(n)s brist", "%(n)s brister", len(gaps)) % {"n": len(gaps)},
            table_columns=["severity", "code", "target_name", "missing"],
        )
