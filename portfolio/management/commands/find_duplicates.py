"""``manage.py find_duplicates``: the same product registered more than once, in two tiers."""

from django.core.management.base import BaseCommand

from portfolio.analysis import DuplicateCluster, find_duplicates
from portfolio.analysis.duplicates import TIER_FAMILY, TIER_SAME_PRODUCT
from portfolio.analysis.output import add_format_argument, render
from portfolio.analysis.shapes import command_columns, command_rows

TIERS = (TIER_SAME_PRODUCT, TIER_FAMILY)


class Command(BaseCommand):
    help = (
        "Hitta tjänster som registrerats flera gånger (dubbletter) och testmiljöer registrerade som "
        "tjänster, i två nivåer: samma produkt (same_product) och samma produktfamilj att granska "
        "(family). Med --format json har varje kluster sin nivå (tier), sina medlemmar och skäl."
    )

    def add_arguments(self, parser):
        add_format_argument(parser)
        parser.add_argument(
            "--only-duplicates",
            action="store_true",
            help="Visa inte kluster som bara består av produkt och testmiljö.",
        )
        parser.add_argument(
            "--tier",
            choices=TIERS,
            help="Bara kluster på denna nivå: same_product (samma produkt) eller family (granska).",
        )

    def handle(self, *args, **options):
        clusters = find_duplicates(
            include_test_environments=not options["only_duplicates"], tier=options["tier"]
        )
        render(
            self.stdout,
            options["format"],
            command_rows(DuplicateCluster, clusters),
            command_columns(DuplicateCluster),
            full=clusters,
            summary=f"{len(clusters)} kluster",
            table_columns=["tier", "score", "members", "reasons"],
        )
