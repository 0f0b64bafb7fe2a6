"""``python manage.py refresh_analyses``: compute the dashboard's analyses for the register as it is.

Run it from cron and after bulk imports, so that nobody's page view pays for the computation:
the dashboard shows the stored results at once. Safe to run while the site is up and from
several hosts at once (a lease lets one compute; the others report that a refresh is running).
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from stewardship.analyses import refresh_analyses, run_refresh_hooks


class Command(BaseCommand):
    help = (
        "Räknar om analyserna som översikten visar (dubbletter, standardisering, SSO, PM3, dataskydd, "
        "likvärdighet, fullständighet) för registret som det är nu och sparar dem."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--language",
            action="append",
            default=None,
            help="Språk att räkna för (kan upprepas); alla webbplatsens språk om det utelämnas.",
        )

    def handle(self, *args, language: list[str] | None = None, **options) -> None:
        known = [code for code, _name in settings.LANGUAGES]
        languages = language or known
        unknown = [code for code in languages if code not in known]
        if unknown:
            raise CommandError(f"Okänt språk: {', '.join(unknown)} (kända: {', '.join(known)}).")
        for code in languages:
            result = refresh_analyses(code)
            if result.reason != "busy":
                run_refresh_hooks(code)  # what other apps keep beside the suite (the capability map)
            if options["verbosity"] < 1:
                continue
            if result.reason == "current":
                self.stdout.write(f"[{code}] Analyserna gäller redan registret som det är nu.")
            elif result.reason == "busy":
                self.stdout.write(f"[{code}] En annan process räknar om analyserna just nu.")
            else:
                done = f"[{code}] Analyserna omräknade på {result.elapsed:.1f} s."
                self.stdout.write(self.style.SUCCESS(done))
                if options["verbosity"] >= 2:
                    for name, seconds in sorted(result.seconds.items(), key=lambda item: -item[1]):
                        self.stdout.write(f"  {name:<32} {seconds:>7.2f} s")
