"""``manage.py sso_coverage``: how much is behind single sign-on, and what is not."""

from django.core.management.base import BaseCommand

from portfolio.analysis import sso_coverage
from portfolio.analysis.output import add_format_argument, render

COLUMNS = [
    "section",
    "key",
    "label",
    "services",
    "services_behind_sso",
    "users",
    "users_behind_sso",
    "explanation",
    "fix",
]
SECTIONS = {
    "by_authentication_method": "inloggningsmetod",
    "by_identity_provider": "identitetsleverantör",
    "by_federation": "federation",
    "by_capability": "förmåga",
    "by_school": "skolenhet",
}


class Command(BaseCommand):
    help = "Andel tjänster bakom single sign-on, tjänster utanför och federationsanslutningar utan entity ID."

    def add_arguments(self, parser):
        add_format_argument(parser)

    def handle(self, *args, **options):
        coverage = sso_coverage()
        rows = [
            {
                "section": "totalt",
                "key": "",
                "label": "alla tjänster i drift",
                "services": coverage.services,
                "services_behind_sso": coverage.services_behind_sso,
                "users": coverage.users,
                "users_behind_sso": coverage.users_behind_sso,
                "explanation": coverage.summary,
            }
        ]
        for attribute, section in SECTIONS.items():
            for group in getattr(coverage, attribute):
                rows.append({"section": section, **{c: getattr(group, c) for c in COLUMNS[1:7]}})
        for service in coverage.outside_sso:
            rows.append(
                {
                    "section": "utanför SSO",
                    "key": f"{service.service_type}:{service.service_id}",
                    "label": service.name,
                    "users": service.users,
                    "explanation": service.explanation,
                    "fix": service.fix,
                }
            )
        for finding in coverage.federation_without_entity_id:
            rows.append(
                {
                    "section": "federation utan entity ID",
                    "key": f"{finding.service_type}:{finding.service_id}",
                    "label": finding.name,
                    "explanation": finding.explanation,
                    "fix": finding.fix,
                }
            )
        render(
            self.stdout,
            options["format"],
            rows,
            COLUMNS,
            full=coverage,
            summary=coverage.summary,
            table_columns=[
                "section",
                "label",
                "services",
                "services_behind_sso",
                "users",
                "users_behind_sso",
            ],
        )
