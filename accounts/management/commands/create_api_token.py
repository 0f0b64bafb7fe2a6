"""``manage.py create_api_token USERNAME [--read-only] [--expires-days N] [--name TEXT]``.

Prints the token once; only its SHA-256 is stored, so a lost token is revoked (in the admin) and
a new one issued, never recovered.
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from accounts.models import ApiToken


class Command(BaseCommand):
    help = "Skapa en API-token för GraphQL-API:t. Token skrivs ut en gång och sparas aldrig i klartext."

    def add_arguments(self, parser):
        parser.add_argument("username", help="Användarnamnet som token ska agera som.")
        parser.add_argument("--read-only", action="store_true", help="Token kan bara läsa, aldrig ändra.")
        parser.add_argument("--expires-days", type=int, default=None, help="Token upphör efter N dagar.")
        parser.add_argument("--name", default="", help="Benämning, t.ex. verktyget som använder token.")

    def handle(self, *args, username: str, read_only: bool, expires_days: int | None, name: str, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"Användaren {username!r} finns inte.")
        if not user.is_active:
            raise CommandError(f"Användaren {username!r} är inte aktiv.")
        if expires_days is not None and expires_days <= 0:
            raise CommandError("--expires-days ska vara ett positivt antal dagar.")
        token, plaintext = ApiToken.issue(user, name=name, read_only=read_only, expires_days=expires_days)
        self.stderr.write(
            f"Token {token.prefix}… för {username}"
            + (" (endast läsning)" if read_only else "")
            + (f", upphör {token.expires_at:%Y-%m-%d}" if token.expires_at else "")
            + ". Spara den nu: den visas aldrig igen."
        )
        self.stdout.write(plaintext)
