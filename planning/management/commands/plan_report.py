"""``manage.py plan_report PLAN``: a färdplan's goals today and at a date, its actions, conflicts
and follow-up, as a table, JSON or a workbook."""

import argparse
import datetime
import json

from django.core.management.base import BaseCommand, CommandError

from planning.future import past_day_error
from planning.report import find_plan, plan_report
from planning.workbook import plan_workbook


class Command(BaseCommand):
    help = "Visa en färdplan: effektmål idag och vid en dag, åtgärder, konflikter och uppföljning."

    def add_arguments(self, parser):
        parser.add_argument("plan", help="Färdplanens id eller namn.")
        parser.add_argument("--on", type=_day, help="Dagen (ÅÅÅÅ-MM-DD); planens slut om den utelämnas.")
        parser.add_argument("--format", choices=["table", "json", "xlsx"], default="table")
        parser.add_argument("--output", help="Fil att skriva arbetsboken till (xlsx); annars <plan>.xlsx.")

    def handle(self, *args, **options):
        plan = find_plan(options["plan"])
        if plan is None:
            raise CommandError(
                f"Ingen färdplan heter eller har id {options['plan']!r} (eller flera heter så)."
            )
        if error := past_day_error(options["on"]):
            raise CommandError(error)
        report = plan_report(plan, options["on"])
        if options["format"] == "json":
            self.stdout.write(json.dumps(report, ensure_ascii=False, indent=2))
        elif options["format"] == "xlsx":
            path = options["output"] or f"fardplan-{plan.pk}.xlsx"
            # The same beslutsunderlag the plan's page downloads: one workbook, one writer.
            with open(path, "wb") as stream:
                stream.write(plan_workbook(plan, options["on"]))
            self.stdout.write(path)
        else:
            self._table(report)

    def _table(self, report: dict) -> None:
        plan = report["plan"]
        out = self.stdout
        out.write(f"{plan['name']} ({plan['status_label']}), läget {report['on']}")
        out.write("")
        out.write(f"{'Effektmål':<50} {'Mål':>10} {'Idag':>12} {'Vid slutet':>12}")
        for goal in report["goals"]:
            out.write(
                f"{goal['name'][:50]:<50} {goal['target_label']:>10} {_show(goal['today']):>12} "
                f"{_show(goal['at_end']):>12}"
            )
        out.write("")
        out.write(f"{'Åtgärd':<50} {'Status':<10} {'Slut':<10} Fynd")
        for action in report["actions"]:
            out.write(
                f"{action['name'][:50]:<50} {action['status_label']:<10} {action['planned_end']:<10} "
                f"{action['finding']}"
            )
        for title, key in (("Konflikter", "conflicts"), ("Uppföljning", "follow_up")):
            if report[key]:
                out.write("")
                out.write(title)
                for row in report[key]:
                    about = row.get("action") or row.get("service")
                    out.write(f"  {about}: {row['explanation']}" if about else f"  {row['explanation']}")


def _day(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} är inte ett datum ÅÅÅÅ-MM-DD.") from None


def _show(value) -> str:
    """A figure as a person reads it: whole numbers with spaces between thousands, else one decimal."""
    if value is None:
        return "–"
    if float(value).is_integer():
        return f"{int(value):,}".replace(",", "\u00a0")
    return f"{value:.1f}"
