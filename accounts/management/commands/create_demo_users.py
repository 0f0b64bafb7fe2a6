"""``python manage.py create_demo_users``: one user per role group, plus an admin, for the demo.

The passwords are fixed and public (the README shows them) so that anyone who ran ``make demo``
can log in: ENDAST FÖR DEMO – använd aldrig i drift. The command therefore refuses to run with
``DEBUG`` off unless ``--force`` is given.

| username    | group                 | password              |
| ----------- | --------------------- | --------------------- |
| `admin`     | (superuser)           | `demo-admin-2026`     |
| `strateg`   | Digital strateg       | `demo-strateg-2026`   |
| `dataskydd` | Dataskyddssamordnare  | `demo-dataskydd-2026` |
| `it`        | IT-avdelning          | `demo-it-avd-2026`    |
| `lasare`    | Läsare                | `demo-lasare-2026`    |
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.roles import Role, sync_role_groups

__all__ = ["DEMO_USERS", "DemoUser"]

WARNING = "ENDAST FÖR DEMO – använd aldrig i drift"


class DemoUser:
    def __init__(self, username: str, group: str | None, password: str, *, superuser: bool = False):
        self.username = username
        self.group = group
        self.password = password
        self.superuser = superuser


#: The demo accounts; passwords are at least 12 characters and documented in the README.
DEMO_USERS: tuple[DemoUser, ...] = (
    DemoUser("admin", None, "demo-admin-2026", superuser=True),
    DemoUser("strateg", Role.STRATEGIST, "demo-strateg-2026"),
    DemoUser("dataskydd", Role.DATA_PROTECTION, "demo-dataskydd-2026"),
    DemoUser("it", Role.IT, "demo-it-avd-2026"),
    DemoUser("lasare", Role.READER, "demo-lasare-2026"),
)


class Command(BaseCommand):
    help = (
        "Skapar (eller återställer) demoanvändare, en per rollgrupp och en administratör, med kända "
        f"lösenord. {WARNING}. Vägrar köra när DEBUG är avstängt om inte --force anges."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="Kör även när DEBUG är avstängt (t.ex. en demoserver)."
        )

    def handle(self, *args, force: bool, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "DEBUG är avstängt: demoanvändare med kända lösenord skapas inte i en driftmiljö. "
                "Ange --force om detta verkligen är en demomiljö."
            )
        User = get_user_model()
        with transaction.atomic():
            groups = {
                group.name: group for group in Group.objects.filter(name__in=[u.group for u in DEMO_USERS])
            }
            if len(groups) < len({u.group for u in DEMO_USERS if u.group}):
                groups = sync_role_groups()
            for demo in DEMO_USERS:
                user, _created = User.objects.get_or_create(
                    username=demo.username, defaults={"email": f"{demo.username}@mittkoping.se"}
                )
                user.is_active = True
                user.is_staff = demo.superuser
                user.is_superuser = demo.superuser
                user.set_password(demo.password)
                user.save()
                user.groups.set([groups[demo.group]] if demo.group else [])
        width = max(len(u.username) for u in DEMO_USERS)
        line = "=" * 60
        self.stdout.write(line)
        self.stdout.write(self.style.WARNING(f"  {WARNING}"))
        self.stdout.write(line)
        self.stdout.write(f"  {'användarnamn':<{max(width, 12)}}  {'lösenord':<22}  roll")
        for demo in DEMO_USERS:
            role = demo.group or "administratör (superuser)"
            self.stdout.write(f"  {demo.username:<{max(width, 12)}}  {demo.password:<22}  {role}")
        self.stdout.write(line)
        self.stdout.write(self.style.WARNING(f"  {WARNING}"))
        self.stdout.write(line)
