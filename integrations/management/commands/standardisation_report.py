"""``manage.py standardisation_report``: ranked consolidation candidates and overlapping capabilities.

The command lives in ``integrations`` because it composes both sides, as the web page and the
GraphQL field do: ``gdpr`` supplies its facts per service (open and serious gaps, a missing
processor agreement) as a plain mapping and the portfolio analysis weighs them (docs/architecture.md,
principle 3). ``--without-gdpr`` ranks on the landscape alone. Usage is counted in accounts (a
school's users summed over schools), so the columns say ``accounts_moving``; ``folded`` lists the
registrations of the product kept, which are neither phased out nor moving.
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext

from gdpr.gaps import gdpr_facts_by_service
from portfolio.analysis import StandardisationCandidate, standardisation_report
from portfolio.analysis.output import add_format_argument, render
from portfolio.analysis.shapes import command_columns, command_rows

TABLE_COLUMNS = ["rank", "score", "subject", "keep", "phase_out", "yearly_saving", "accounts_moving"]


class Command(BaseCommand):
    help = "Rangordna var konsolidering av överlappande system lönar sig mest, och varför."

    def add_arguments(self, parser):
        add_format_argument(parser)
        parser.add_argument(
            "--keep",
            action="append",
            default=[],
            metavar="TYP:ID",
            help="Tjänst som ska behållas där den förekommer, t.ex. application:12 (kan upprepas).",
        )
        parser.add_argument(
            "--without-gdpr",
            action="store_true",
            help="Väg inte in dataskyddsbrister och saknade biträdesavtal i rangordningen.",
        )

    def handle(self, *args, **options):
        keep = []
        for value in options["keep"]:
            kind, _sep, pk = value.partition(":")
            if kind not in ("application", "learning_resource") or not pk.isdigit():
                raise CommandError(
                    f"--keep ska skrivas application:ID eller learning_resource:ID, inte {value!r}."
                )
            keep.append((kind, int(pk)))
        gdpr_facts = None if options["without_gdpr"] else gdpr_facts_by_service()
        report = standardisation_report(keep=keep, gdpr_facts=gdpr_facts)
        render(
            self.stdout,
            options["format"],
            command_rows(StandardisationCandidate, report.candidates),
            command_columns(StandardisationCandidate),
            full=report,
            summary=gettext("Kandidater: %(candidates)s, överlappande förmågor: %(overlaps)s")
            % {"candidates": len(report.candidates), "overlaps": len(report.overlaps)},
            table_columns=TABLE_COLUMNS,
        )
