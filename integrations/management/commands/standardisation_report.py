"""``manage.py standardisation_report``: ranked consolidation candidates and overlapping capabilities.

The command lives in ``integrations`` because it composes both sides, as the web page and the
GraphQL field do: ``gdpr`` supplies the open gaps per service as a plain mapping and the portfolio
analysis weighs them (DESIGN.md, principle 3). ``--without-gdpr`` ranks on the landscape alone.
"""

from django.core.management.base import BaseCommand, CommandError

from gdpr.gaps import gap_counts_by_service
from portfolio.analysis import standardisation_report
from portfolio.analysis.output import add_format_argument, render

COLUMNS = [
    "rank",
    "score",
    "kind",
    "subject",
    "keep",
    "phase_out",
    "yearly_saving",
    "users_moving",
    "schools_moving",
    "risk_removed",
    "why",
]


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
            help="Väg inte in öppna dataskyddsbrister i rangordningen.",
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
        gap_counts = None if options["without_gdpr"] else gap_counts_by_service()
        report = standardisation_report(keep=keep, gap_counts=gap_counts)
        rows = [
            {
                "rank": c.rank,
                "score": c.score,
                "kind": "förmåga" if c.kind == "capability" else "dubblett",
                "subject": c.subject,
                "keep": c.keep.name,
                "phase_out": [s.name for s in c.phase_out],
                "yearly_saving": c.yearly_saving,
                "users_moving": c.users_moving,
                "schools_moving": c.schools_moving,
                "risk_removed": c.risk_removed,
                "why": c.why,
            }
            for c in report.candidates
        ]
        render(
            self.stdout,
            options["format"],
            rows,
            COLUMNS,
            full=report,
            summary=f"{len(report.candidates)} kandidater, {len(report.overlaps)} överlappande förmågor",
            table_columns=["rank", "score", "subject", "keep", "phase_out", "yearly_saving"],
        )
