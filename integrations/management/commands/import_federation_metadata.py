"""``manage.py import_federation_metadata FILE --federation NAME [--dry-run] [--user USERNAME]``."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from integrations.saml import DEFAULT_MAX_METADATA_BYTES, MetadataError, import_federation


class Command(BaseCommand):
    help = (
        "Läser en federations SAML-metadata, matchar tjänsteleverantörerna mot registret och "
        "antecknar entity ID och federation på de matchade tjänsterna."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", help="Metadatafilen (XML).")
        parser.add_argument(
            "--federation", required=True, help="skolfederation, swamid, edugain eller annan."
        )
        parser.add_argument("--dry-run", action="store_true", help="Visa allt utan att spara.")
        parser.add_argument("--user", help="Användarnamn som historiken anger för ändringarna.")

    def handle(self, *args, **options) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"Filen {path} finns inte.")
        if path.stat().st_size > DEFAULT_MAX_METADATA_BYTES:
            raise CommandError(f"Filen är större än {DEFAULT_MAX_METADATA_BYTES // 1024 // 1024} MB.")
        user = None
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"Användaren {options['user']} finns inte.")
        try:
            report = import_federation(
                path.read_bytes(),
                federation=options["federation"],
                filename=path.name,
                user=user,
                dry_run=options["dry_run"],
            )
        except MetadataError as exc:
            raise CommandError(str(exc)) from exc
        out = self.stdout.write
        out(f"Federation: {report.federation} ({report.metadata_name or path.name})")
        out("Matchade:")
        for match in report.matched:
            changes = "; ".join(match.changes) or "redan antecknad"
            out(f"  {match.service} ← {match.entity.entity_id} (via {match.how_label}): {changes}")
        out("Testmiljöer (antecknas inte):")
        for entity, service in report.test_entities:
            suffix = f" – hör troligen till {service}" if service else ""
            out(f"  {entity.entity_id} {entity.display_name}{suffix}")
        out("Tvetydiga (flera tjänster matchar):")
        for entity, services in report.ambiguous:
            out(f"  {entity.entity_id}: {', '.join(str(s) for s in services)}")
        out("I federationen men inte i registret:")
        for entity in report.not_in_register:
            out(f"  {entity.entity_id} {entity.display_name}")
        out("I registret med federationen men saknas i metadata:")
        for service in report.claimed_but_missing:
            out(f"  {service}")
        for error in report.errors:
            self.stderr.write(error)
        out(report.summary())
        if report.errors:
            raise CommandError(f"{len(report.errors)} fel: inget har sparats.")
