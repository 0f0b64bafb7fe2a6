"""``python manage.py seed_demo``: build the demo municipality Mittköpings kommun."""

import time

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from integrations.demo import CHANGE_REASON, build_demo, demo_built, demo_reviewer
from integrations.demo.builder import MUNICIPALITY
from portfolio.models import Application, Organisation

PLANTED = """
Planterade brister (med avsikt, för att analyserna ska ha något att hitta; se DemoManifest):
  Landskap: samma produkt under flera namn och stavningar (skiftläge, diakritiska tecken, "AB"/"Inc"/"AS",
  versionsnummer, "app", "för skolan", alias, samma SAML entity ID, samma värd i webbadressen) – minst 10
  grupper bland system och lärresurser; testmiljöer ("TESTMILJÖ för …", "-test", "staging"); flera system
  för samma förmåga (4 närvarosystem, 3 lärplattformar); tjänster utanför single sign-on (lokala konton)
  med många användare; tjänster som anger Skolfederation men saknar entity ID.
  PM3: förvaltningsobjekt utan objektägare, utan förvaltningsledare, utan objektledare IT; system utan
  förvaltningsobjekt eller utan systemägare; roller hos inaktiva personer eller med passerat slutdatum;
  objekt utan fastställd plan för innevarande år; budget utan utfall; avtal inom uppsägningstiden; system
  i drift efter planerat slut; lärresurser i bruk utan godkännande; skolor som saknar en förmåga andra har.
  Dataskydd: behandlingar utan rättslig grund; berättigat intresse hos en nämnd; samtycke från elever;
  känsliga uppgifter utan undantag enligt art. 9.2; konsekvensbedömning som krävs men inte är klar; hög
  kvarvarande risk utan förhandssamråd; biometri och kamerabevakning av elever; amerikanska biträden utan
  överföring eller mekanism; DPF för en leverantör som inte är listad; standardavtalsklausuler utan TIA;
  biträden utan PUB-avtal; PUB-avtal utan underbiträden; skyddade personuppgifter utan rutin; gallring
  saknas; säkerhetsåtgärder saknas; profilering utan bedömning; gemensamt ansvar utan arrangemang; system
  som behandlar personuppgifter men saknas i registret; behandlingar som inte granskats på år eller aldrig;
  personnummer utan angivet behov; ändamål, kategorier eller mottagare saknas; behandling utan
  personuppgiftsansvarig; en nämnd utan kontakt till dataskyddsombudet.
Samma --seed ger samma data. --scale N multiplicerar tjänster, personer, kostnader, avtal och behandlingar
(skala 30 ≈ 10 000 system); bristerna planteras i varje kopia.
"""


class Command(BaseCommand):
    help = (
        "Bygger demokommunen Mittköpings kommun: nämnder, förvaltningar, ca 40 skolenheter, ca 30 förmågor, "
        "60 leverantörer, ca 300 system och 150 lärresurser, 25 förvaltningsobjekt, ca 200 personer, "
        "kostnader, avtal och ca 120 behandlingar – med kända brister planterade."
    )

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.epilog = PLANTED
        from argparse import RawDescriptionHelpFormatter

        parser.formatter_class = RawDescriptionHelpFormatter
        return parser

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=int, default=1, help="Multiplicera antalen (standard 1).")
        parser.add_argument(
            "--seed", type=int, default=1, help="Slumpfrö; samma frö ger samma data (standard 1)."
        )
        parser.add_argument(
            "--if-empty", action="store_true", help="Gör ingenting om det redan finns system i registret."
        )
        parser.add_argument(
            "--user", default="", help="Användarnamn som står som ändringsansvarig i historiken (valfritt)."
        )

    def handle(self, *args, scale: int, seed: int, if_empty: bool, user: str, **options):
        if scale < 1:
            raise CommandError("--scale måste vara minst 1.")
        if if_empty and Application.objects.exists():
            self.stdout.write("Registret innehåller redan system: ingen demodata skapades (--if-empty).")
            return
        acting = None
        if user:
            try:
                acting = get_user_model().objects.get(username=user)
            except get_user_model().DoesNotExist as exc:
                raise CommandError(f"Användaren {user!r} finns inte.") from exc
        if Organisation.objects.filter(name=MUNICIPALITY).exists():
            raise CommandError(f"{MUNICIPALITY} finns redan i registret: bygg demon i en tom databas.")
        started = time.perf_counter()
        reviewer = acting or demo_reviewer()
        manifest = build_demo(scale=scale, seed=seed, user=acting, reviewer=reviewer)
        # Other apps' parts of the demo (discovery's month of sign-ins), through the real imports.
        answers = demo_built.send(Command, user=acting, reviewer=reviewer, scale=scale, seed=seed)
        extra = [line for _receiver, line in answers if line]
        elapsed = time.perf_counter() - started
        if connection.vendor == "postgresql":
            # Planner statistics for tables just filled by bulk writes; autovacuum would take
            # minutes to catch up, and until then PostgreSQL plans for near-empty tables.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        # The dashboard opens at once: its analyses are computed now, not on the first page view.
        call_command("refresh_analyses", verbosity=0)
        if options.get("verbosity", 1) < 1:
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"Mittköpings kommun byggd (skala {scale}, frö {seed}) på {elapsed:.1f} s; "
                f"historik med orsaken ”{CHANGE_REASON}”."
            )
        )
        width = max(len(label) for label in manifest.counts)
        for label, count in manifest.counts.items():
            self.stdout.write(f"  {label:<{width}}  {count:>7}")
        self.stdout.write(
            f"  Planterade dubblettgrupper: {len(manifest.duplicate_groups)}, "
            f"rena behandlingar: {len(manifest.clean_activities)} av "
            f"{manifest.counts.get('gdpr.ProcessingActivity', 0)}."
        )
        for line in extra:
            self.stdout.write(f"  {line}")
