"""``manage.py import_identity_provider FILE --source SOURCE [--membership FILE] [--dry-run]``."""

from __future__ import annotations

import datetime
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from discovery.choices import IdentitySource
from discovery.imports import import_identity_file
from integrations.identity.errors import IdentityFileError


class Command(BaseCommand):
    help = _(
        "Läser en export från en identitetsleverantör: Entra ID:s företagsprogram eller "
        "inloggningsloggar, Google Workspace:s OAuth- eller SAML-aktivitet, eller en fil med "
        "skoltillhörighet. Sparar applikationerna, deras matchning mot registret och antal unika "
        "användare per tjänst, skola och användargrupp – aldrig användarnas namn eller adresser."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", help=_("Filen att läsa (JSON, JSON lines eller CSV)."))
        parser.add_argument(
            "--source", required=True, choices=[s.value for s in IdentitySource], help=_("Vad filen är.")
        )
        parser.add_argument(
            "--membership",
            help=_("Fil med användare och skolenhetskod (och grupp) som placerar inloggningar på skolor."),
        )
        parser.add_argument("--since", type=datetime.date.fromisoformat, help=_("Räkna från detta datum."))
        parser.add_argument(
            "--until", type=datetime.date.fromisoformat, help=_("Räkna till och med detta datum.")
        )
        parser.add_argument(
            "--dry-run", action="store_true", help=_("Visa vad som skulle hända utan att spara.")
        )
        parser.add_argument("--user", help=_("Användarnamn som historiken anger för ändringarna."))

    def handle(self, *args, **options) -> None:
        path = Path(options["path"])
        if not path.is_file():
            raise CommandError(_("%(path)s finns inte.") % {"path": path})
        user = None
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(_("Användaren %(user)s finns inte.") % {"user": options["user"]})
        membership = Path(options["membership"]) if options["membership"] else None
        if membership is not None and not membership.is_file():
            raise CommandError(_("%(path)s finns inte.") % {"path": membership})
        try:
            with path.open("rb") as stream:
                members = membership.open("rb") if membership else None
                try:
                    report = import_identity_file(
                        stream,
                        options["source"],
                        file_name=path.name,
                        user=user,
                        dry_run=options["dry_run"],
                        membership=members,
                        since=options["since"],
                        until=options["until"],
                    )
                finally:
                    if members is not None:
                        members.close()
        except IdentityFileError as exc:
            raise CommandError(
                _("%(file)s: %(error)s Inget har sparats.") % {"file": path.name, "error": exc}
            ) from exc
        self.stdout.write(
            ngettext("%(count)s post läst", "%(count)s poster lästa", report.records)
            % {"count": report.records}
        )
        if report.applications:
            self.stdout.write(
                _(
                    "%(apps)s applikationer (%(new)s nya): %(matched)s matchade, %(suggested)s att "
                    "granska, %(unmatched)s oregistrerade"
                )
                % {
                    "apps": report.applications,
                    "new": report.new_applications,
                    "matched": report.matched,
                    "suggested": report.suggested,
                    "unmatched": report.unmatched,
                }
            )
        if report.period:
            self.stdout.write(
                _("Period %(start)s – %(end)s: %(people)s personer, %(rows)s rader uppmätt användning")
                % {"start": report.period[0], "end": report.period[1], "people": report.people,
                   "rows": report.usage_rows}
            )  # fmt: skip
        if report.unknown_schools:
            self.stdout.write(
                _("Okända skolenhetskoder (räknas utan skola): %(codes)s")
                % {"codes": ", ".join(report.unknown_schools)}
            )
        if report.dry_run:
            self.stdout.write(_("Provkörning: inget har sparats."))
