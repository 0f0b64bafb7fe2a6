from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DiscoveryConfig(AppConfig):
    """What the identity providers reveal: discovered applications, measured use, derived SSO."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "discovery"
    verbose_name = _("Upptäckt")

    def ready(self) -> None:
        # portfolio and gdpr read measured evidence through portfolio.evidence, never by importing
        # this app (docs/architecture.md, "Where a lower app offers a seam"): plug the provider in
        # here so it is in place whichever module asks first.
        from portfolio.evidence import register_provider

        from .evidence import PROVIDER
        from .hooks import register_detail_hooks

        register_provider(PROVIDER)
        # The evidence on a service's page (detail-page hooks, as insights registers its own).
        register_detail_hooks()
        # The demo's discovered month: seed_demo announces the built register (integrations may
        # not import this app).
        from integrations.demo.signals import demo_built

        demo_built.connect(_import_demo_month, dispatch_uid="discovery.import_demo_month")


def _import_demo_month(sender, *, user=None, reviewer=None, seed: int = 1, **kwargs) -> str:
    from .demo import import_demo_month

    month = import_demo_month(user=user, reviewer=reviewer, seed=seed)
    return (
        f"Upptäckt: {month.sign_ins} inloggningar av {month.people} personer, "
        f"{len(month.matched)} matchade och {len(month.unregistered)} oregistrerade applikationer."
    )
