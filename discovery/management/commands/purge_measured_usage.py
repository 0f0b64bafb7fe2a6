"""``manage.py purge_measured_usage [--months N]``: delete measured use older than the retention."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from discovery.retention import measured_usage_cutoff, purge_measured_usage


class Command(BaseCommand):
    help = _(
        "Raderar uppmätt användning (antal per tjänst, skola, användargrupp och period) vars period "
        "slutade före lagringstiden, som standard MEASURED_USAGE_RETENTION_MONTHS månader."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--months",
            type=int,
            default=None,
            help=_("Lagringstid i månader (standard: inställningen, %(months)s).")
            % {"months": settings.MEASURED_USAGE_RETENTION_MONTHS},
        )

    def handle(self, *args, **options) -> None:
        cutoff = measured_usage_cutoff(months=options["months"])
        deleted = purge_measured_usage(months=options["months"])
        self.stdout.write(
            _("%(count)s rader uppmätt användning med period före %(cutoff)s raderade.")
            % {"count": deleted, "cutoff": cutoff.isoformat()}
        )
