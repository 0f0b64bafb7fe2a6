"""``manage.py export_ropa``: the Article 30 register as Excel, CSV or JSON, now or as of a date."""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import ngettext

from integrations.ropa import FORMATS, export_ropa
from portfolio.models import Organisation


class Command(BaseCommand):
    help = "Exportera registerförteckningen (art. 30) till Excel, CSV eller JSON."

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=FORMATS, default="xlsx")
        parser.add_argument(
            "--output",
            "-o",
            help="Fil att skriva till (standard: registerforteckning.<format>; "
            "'-' för standard ut, ej för xlsx).",
        )
        parser.add_argument("--controller", help="Bara denna nämnd: namn eller id.")
        parser.add_argument(
            "--as-of", help="Registret som det såg ut vid slutet av detta datum (ÅÅÅÅ-MM-DD)."
        )
        parser.add_argument(
            "--processor", action="store_true", help="Förteckningen enligt art. 30.2 (nämnden som biträde)."
        )

    def handle(self, *args, **options):
        fmt = options["format"]
        as_of = None
        if options["as_of"]:
            try:
                as_of = datetime.date.fromisoformat(options["as_of"])
            except ValueError as exc:
                raise CommandError(f"Ogiltigt datum {options['as_of']!r}: använd ÅÅÅÅ-MM-DD.") from exc
        controller = None
        if options["controller"]:
            value = options["controller"]
            boards = Organisation.objects.controllers()
            controller = (
                boards.filter(pk=int(value)).first() if value.isdigit() else boards.filter(name=value).first()
            )
            if controller is None:
                raise CommandError(f"Ingen nämnd heter {value!r}.")
        output = options["output"] or f"registerforteckning.{fmt}"
        if output == "-":
            if fmt == "xlsx":
                raise CommandError("Excel kan inte skrivas till standard ut; ange --output.")
            target = self.stdout
        else:
            target = output
        count = export_ropa(
            target, fmt=fmt, controller=controller, as_of=as_of, processor=options["processor"]
        )
        if output != "-":
            self.stderr.write(
                ngettext(
                    "%(n)s behandling skriven till %(output)s",
                    "%(n)s behandlingar skrivna till %(output)s",
                    count,
                )
                % {"n": count, "output": output}
            )
