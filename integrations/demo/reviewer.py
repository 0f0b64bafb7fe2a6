"""Who reviewed the demo's records: the demo's dataskyddssamordnare, so a record does not read
"Senast granskad … av –"."""

from __future__ import annotations

from django.contrib.auth import get_user_model

__all__ = ["REVIEWER_USERNAME", "demo_reviewer"]

#: The demo user of the Dataskyddssamordnare role (``create_demo_users`` gives it its password and group).
REVIEWER_USERNAME = "dataskydd"


def demo_reviewer():
    """The demo's dataskyddssamordnare account, made without a usable password if it does not exist yet.

    ``make demo`` seeds before it creates the demo users; ``create_demo_users`` then finds this
    account and sets its password and role group.
    """
    user, created = get_user_model().objects.get_or_create(
        username=REVIEWER_USERNAME, defaults={"email": f"{REVIEWER_USERNAME}@mittkoping.se"}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user
