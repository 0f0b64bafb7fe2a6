"""``manage.py gdpr_gaps``: the open GDPR gaps as a table, CSV or JSON."""

import argparse
import json

import pandas as pd
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, DjangoHelpFormatter
from django.utils.translation import ngettext

from gdpr.gaps import RULES, Severity, find_gaps
from gdpr.models import ProcessingActivity
from portfolio.models import Organisation
from portfolio.spreadsheets import write_csv

COLUMNS = [
    "code",
    "severity",
    "title",
    "basis",
    "target_type",
    "target_id",
    "target_name",
    "activity_id",
    "explanation",
    "fix",
    "field",
    "acknowledged",
    "acknowledgement_reason",
]


class _HelpFormatter(DjangoHelpFormatter, argparse.RawDescriptionHelpFormatter):
    """Keeps the rule list's lines as written."""


def rules_epilog() -> str:
    """Every rule with its code, severity and article: what ``--code`` accepts, and why it exists."""
    lines = ["Regler (kod, allvarlighetsgrad, artikel: rubrik):"]
    for code, rule in RULES.items():
        lines.append(f"  {code} [{rule.severity}] {rule.basis}: {rule.title}")
    lines += [
        "",
        "Storskalig behandling (DPIA_REQUIRED_NOT_DONE): kryssrutan, eller uppmätt användning från "
        "identitetsleverantören — fler än GDPR_LARGE_SCALE_PUPILS elever "
        f"(nu {settings.GDPR_LARGE_SCALE_PUPILS}) i en av behandlingens tjänster, eller tjänsterna på mer än "
        f"GDPR_LARGE_SCALE_SCHOOL_SHARE (nu {settings.GDPR_LARGE_SCALE_SCHOOL_SHARE:g}) av skolenheterna.",
    ]
    return "\n".join(lines)


class Command(BaseCommand):
    help = "Lista dataskyddsavvikelser i registerförteckningen."

    def create_parser(self, prog_name, subcommand, **kwargs):
        kwargs.setdefault("epilog", rules_epilog())
        kwargs.setdefault("formatter_class", _HelpFormatter)
        return super().create_parser(prog_name, subcommand, **kwargs)

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=["table", "csv", "json"], default="table")
        parser.add_argument(
            "--severity",
            choices=Severity.values,
            help="Visa bara avvikelser med minst denna allvarlighetsgrad.",
        )
        parser.add_argument("--controller", help="Personuppgiftsansvarig nämnd: namn eller id.")
        parser.add_argument("--code", action="append", help="Bara denna regel (kan upprepas).")
        parser.add_argument("--include-acknowledged", action="store_true", help="Ta med accepterade risker.")

    def handle(self, *args, **options):
        activities = None
        if options["controller"]:
            board = self._controller(options["controller"])
            activities = ProcessingActivity.objects.filter(controller=board)
        findings = find_gaps(
            activities, include_acknowledged=options["include_acknowledged"], codes=options["code"]
        )
        if options["severity"]:
            limit = Severity.rank(options["severity"])
            findings = [f for f in findings if Severity.rank(f.severity) <= limit]
        rows = [{c: getattr(f, c) for c in COLUMNS} for f in findings]
        if options["format"] == "json":
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
        elif options["format"] == "csv":
            self.stdout.write(write_csv(pd.DataFrame(rows, columns=COLUMNS)), ending="")
        else:
            for f in findings:
                mark = " (accepterad)" if f.acknowledged else ""
                self.stdout.write(f"{f.severity:<8} {f.code:<34} {f.target_name}{mark}: {f.explanation}")
            count = len(findings)
            self.stdout.write(ngettext("%(n)s avvikelse", "%(n)s avvikelser", count) % {"n": count})

    def _controller(self, value: str) -> Organisation:
        boards = Organisation.objects.controllers()
        board = boards.filter(pk=int(value)).first() if value.isdigit() else boards.filter(name=value).first()
        if board is None:
            raise CommandError(f"Ingen nämnd heter {value!r}.")
        return board
