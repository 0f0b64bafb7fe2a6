"""``manage.py import_inventory FILE [--kind …] [--dry-run] [--user USERNAME]``."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from integrations.columns import KINDS
from integrations.spreadsheets import ImportError_, import_file, max_import_bytes


class Progress:
    """A bar on a terminal; elsewhere (a log, a pipe) a line every twentieth of the file."""

    def __init__(self, stream) -> None:
        self.stream = stream
        self.tty = stream.isatty()
        self.last_step = -1

    def __call__(self, done: int, total: int) -> None:
        if self.tty:
            width = 30
            filled = width * done // max(total, 1)
            self.stream.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} rader")
            if done == total:
                self.stream.write("\n")
            self.stream.flush()
            return
        step = done * 20 // max(total, 1)
        if step != self.last_step:
            self.last_step = step
            self.stream.write(f"Importerar: {done}/{total} rader\n")
            self.stream.flush()


class Command(BaseCommand):
    help = (
        "Importerar ett inventarium (.xlsx eller .csv): system, lärresurser, behandlingar, personer, "
        "kostnader eller avtal. Allt eller inget: ett fel och inget sparas."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", help="Sökväg till .xlsx- eller .csv-filen.")
        parser.add_argument(
            "--kind", choices=sorted(KINDS), help="Vad filen innehåller (gissas annars ur rubrikerna)."
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Visa vad som skulle hända utan att spara."
        )
        parser.add_argument("--user", help="Användarnamn som historiken anger för ändringarna.")

    def handle(self, *args, **options) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"Filen {path} finns inte.")
        if path.stat().st_size > max_import_bytes():
            raise CommandError(
                f"Filen är {path.stat().st_size / 1024 / 1024:.1f} MB; gränsen för en import är "
                f"{max_import_bytes() / 1024 / 1024:.1f} MB."
            )
        user = None
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"Användaren {options['user']} finns inte.")
        progress = Progress(self.stderr._out) if options["verbosity"] > 0 else None
        try:
            report = import_file(
                path.read_bytes(),
                path.name,
                kind=options["kind"],
                user=user,
                dry_run=options["dry_run"],
                progress=progress,
            )
        except ImportError_ as exc:
            raise CommandError(str(exc)) from exc
        for warning in report.warnings:
            self.stderr.write(f"Varning: {warning}")
        if options["verbosity"] > 1 or report.dry_run:
            for row in report.rows:
                notes = f" ({'; '.join(row.notes)})" if row.notes else ""
                self.stdout.write(f"rad {row.row}: {row.status_label} – {row.label}{notes}")
        for error in report.errors:
            self.stderr.write(str(error))
        self.stdout.write(report.summary())
        if report.errors:
            raise CommandError(f"{len(report.errors)} fel: inget har sparats.")
