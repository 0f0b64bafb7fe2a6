"""``manage.py standardisation_report``: ranked consolidation candidates and overlapping capabilities.

Open GDPR gaps are not weighed here: ``portfolio`` may not read ``gdpr`` (DESIGN.md, principle 3).
The GraphQL field ``standardisationCandidates`` composes them in the root schema.
"""

from django.core.management.base import BaseCommand, CommandError

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

    def handle(self, *args, **options):
        keep = []
        for value in options["keep"]:
            kind, _sep, pk = value.partition(":")
            if kind not in ("application", "learning_resource") or not pk.isdigit():
                raise CommandError(
                    f"--keep ska skrivas application:ID eller learning_resource:ID, inte {value!r}."
                )
            keep.append((kind, int(pk)))
        report = standardisation_report(keep=keep)
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
