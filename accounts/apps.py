from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Användare och behörigheter")

    def ready(self) -> None:
        from .roles import DOMAIN_APPS, sync_role_groups

        def _sync(sender, **kwargs):
            if sender.name in DOMAIN_APPS:
                sync_role_groups(using=kwargs.get("using", "default"))

        # Permissions are created per app just before this handler runs for that app (auth's
        # handler is registered first), so syncing after each domain app leaves every group whole.
        post_migrate.connect(_sync, dispatch_uid="accounts.sync_role_groups", weak=False)
