"""``manage.py erase_person EMAIL [--dry-run]``: pseudonymise one person everywhere (Art. 17)."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import ngettext

from gdpr.subject_rights import departed_people, erase_person
from portfolio.models import Person


class Command(BaseCommand):
    help = (
        "Pseudonymisera en person i hela registret, historik inräknad (art. 17). Med --departed: "
        "alla som lämnat för längre sedan än PERSON_RETENTION_DAYS (art. 5.1 e)."
    )

    def add_arguments(self, parser):
        parser.add_argument("email", nargs="?", help="Personens e-postadress.")
        parser.add_argument("--departed", action="store_true", help="Alla som passerat gallringsfristen.")
        parser.add_argument("--dry-run", action="store_true", help="Visa vad som skulle ändras; ändra inget.")
        parser.add_argument("--reason", default="", help="Skäl, t.ex. ärendets diarienummer.")

    def handle(self, *args, **options):
        if bool(options["email"]) == options["departed"]:
            raise CommandError("Ange antingen en e-postadress eller --departed.")
        emails = [options["email"]] if options["email"] else [p.email for p in departed_people()]
        for email in emails:
            try:
                result = erase_person(email, reason=options["reason"], dry_run=options["dry_run"])
            except Person.DoesNotExist as error:
                raise CommandError(str(error)) from error
            # One whole message per outcome and number ("1 rad", "2 rader"), never a sentence of parts.
            if result.dry_run:
                line = ngettext(
                    "%(who)s: skulle ändra %(n)s rad", "%(who)s: skulle ändra %(n)s rader", result.total
                )
            else:
                line = ngettext("%(who)s: ändrade %(n)s rad", "%(who)s: ändrade %(n)s rader", result.total)
            self.stdout.write(line % {"who": result.pseudonym, "n": result.total})
            for table, count in sorted(result.changed.items()):
                self.stdout.write(f"  {table}: {count}")
        if not emails:
            self.stdout.write("Ingen har passerat gallringsfristen.")
