"""``manage.py import_ss12000 FILE_OR_DIR [--dry-run] [--user USERNAME]``."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from integrations.ss12000 import SS12000Error, import_ss12000


class Command(BaseCommand):
    help = (
        "Läser SS 12000-svar (/organisations, valfritt /duties och /persons) sparade som JSON-filer "
        "och bygger eller uppdaterar organisationsträdet och personalens tjänster."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", help="En JSON-fil eller en mapp med sparade sidor.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Visa vad som skulle hända utan att spara."
        )
        parser.add_argument("--user", help="Användarnamn som historiken anger för ändringarna.")

    def handle(self, *args, **options) -> None:
        path = Path(options["path"])
        if not path.exists():
            raise CommandError(f"{path} finns inte.")
        user = None
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"Användaren {options['user']} finns inte.")
        try:
            report = import_ss12000(path, user=user, dry_run=options["dry_run"])
        except SS12000Error as exc:
            raise CommandError(str(exc)) from exc
        for name in report.created:
            self.stdout.write(f"ny: {name}")
        for name in report.updated:
            self.stdout.write(f"uppdateras: {name}")
        for note in report.notes:
            self.stdout.write(f"obs: {note}")
        for error in report.errors:
            self.stderr.write(error)
        self.stdout.write(report.summary())
        if report.errors:
            raise CommandError(f"{len(report.errors)} fel: inget har sparats.")
