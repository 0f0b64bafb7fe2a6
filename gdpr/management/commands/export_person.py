"""``manage.py export_person EMAIL``: everything the register holds about one person (Art. 15)."""

from django.core.management.base import BaseCommand

from gdpr.subject_rights import subject_report


class Command(BaseCommand):
    help = "Skriv ut allt registret innehåller om en person (art. 15), historik inräknad, som JSON."

    def add_arguments(self, parser):
        parser.add_argument("email", help="Personens e-postadress.")

    def handle(self, *args, **options):
        self.stdout.write(subject_report(options["email"]).as_json())
