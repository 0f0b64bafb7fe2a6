"""Build "Mittköpings kommun": a realistic landscape with its defects planted knowingly.

The builder plans every row in Python from one ``random.Random(seed)`` (never the global random),
with dates relative to ``timezone.localdate()`` so that "current year" rules keep working in later
years, and then writes each model with ``bulk_create_with_history`` in large batches: every domain
row, through-model rows included, gets its history row with the given user and the change reason
"Demodata". Bulk paths skip ``save()``, so search texts are refreshed and organisation paths set
here, level by level.

At ``scale`` N the services, people, förvaltningsobjekt, costs, contracts and processing activities
are built N times ("copies"; names in copy 2 onwards carry a district suffix) over one organisation
tree and one capability taxonomy that grow modestly; each copy carries its own planted defects.
"""

from __future__ import annotations

import datetime
import random
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.utils import timezone, translation
from stdnum import luhn
from stdnum.se import orgnr

from gdpr.choices import (
    ActivityStatus,
    BreachRisk,
    BreachStatus,
    DataSubjectCategory,
    DpiaStatus,
    LegalBasis,
    ResidualRisk,
    SecurityReviewOutcome,
    TransferMechanism,
)
from gdpr.gaps.lawfulness import names_a_provision
from gdpr.models import (
    Breach,
    BreachProcessingActivity,
    BreachService,
    Dpia,
    ProcessingActivity,
    ProcessingActivityService,
    ProcessorSecurityReview,
    Transfer,
)
from portfolio.choices import (
    ApprovalStatus,
    AuthenticationMethod,
    CostCategory,
    CostKind,
    Federation,
    Hosting,
    IdentityProvider,
    LifecycleStatus,
    MfaSupport,
    OrganisationKind,
    PlanStatus,
    Pm3Part,
    Provisioning,
    RoleChoices,
    TimeClassification,
)
from portfolio.geography import ADEQUACY_COUNTRIES, is_third_country
from portfolio.models import (
    Application,
    Capability,
    Contract,
    ContractService,
    Cost,
    LearningResource,
    ManagementObject,
    ManagementPlan,
    Organisation,
    Person,
    RoleAssignment,
    ServiceCapability,
    ServiceUsage,
    Vendor,
)

from . import names as N
from .backdate import backdate
from .manifest import DemoManifest

__all__ = ["CHANGE_REASON", "build_demo"]

CHANGE_REASON = "Demodata"
BATCH = 2000
MUNICIPALITY = "Mittköpings kommun"
EMAIL_DOMAIN = "mittkoping.se"

APPLICATIONS_PER_COPY = 300
LEARNING_RESOURCES_PER_COPY = 150
PEOPLE_PER_COPY = 200


def subject_labels(codes: tuple[str, ...] | list[str]) -> str:
    """The data subjects as a reader writes them ("Elever och barn, Personal"), not their codes.

    The description is free text a dataskyddssamordnare reads and exports; the codes belong in
    ``data_subject_categories`` only. The demo is written in Swedish whatever language is active.
    """
    with translation.override("sv"):
        return ", ".join(str(DataSubjectCategory(code).label) for code in codes)


SUBPROCESSOR_LINES = (
    "Microsoft Ireland Operations Ltd (IE)",
    "Amazon Web Services EMEA SARL (LU)",
    "Telia Company AB (SE)",
    "Elastx AB (SE)",
    "Google Cloud EMEA Ltd (IE)",
    "Hetzner Online GmbH (DE)",
    "Safespring AB (SE)",
    "UpCloud Oy (FI)",
)
SECURITY_MEASURES = (
    "Behörighetsstyrning per roll, tvåfaktorsinloggning för personal, loggning och loggkontroll, "
    "kryptering vid överföring och lagring, säkerhetskopiering."
)


def build_demo(*, scale: int = 1, seed: int = 1, user=None, reviewer=None) -> DemoManifest:
    """Build the demo municipality in one transaction and say where its defects are.

    ``scale`` multiplies services, people, förvaltningsobjekt, costs, contracts and processing
    activities (scale 30 gives about 10,000 systems); ``seed`` fixes every random choice, so the
    same seed gives the same data; ``user`` is recorded on every history row; ``reviewer`` (else
    ``user``) as the one who last reviewed the reviewed records. The history is then spread over
    the two years before today (``backdate``), as if the register had been built up over them.
    """
    if scale < 1:
        raise ValueError("scale must be at least 1")
    with transaction.atomic():
        builder = _Builder(scale=scale, seed=seed, user=user, reviewer=reviewer)
        manifest = builder.build()
        # Breaches are dated by what happened to them (occurred, discovered, reported), relative
        # to the seeding; their rows are written when they were reported, not back-dated.
        dated = [m for m in builder.writer.models if m._meta.label not in _DATED_BY_THEIR_FACTS]
        backdate(dated, now=builder.writer.now)
        # Apps above integrations add their part of the demo here (the färdplan, which reads the
        # planted defects): a seam, since integrations may not import them.
        for extra in DEMO_EXTRAS:
            extra(manifest, user=user, today=builder.today)
        return manifest


#: Callables ``(manifest, *, user, today)`` run after the demo is built and back-dated, each
#: adding an app's records (``planning`` registers its demo plan in ``PlanningConfig.ready()``).
DEMO_EXTRAS: list = []


_DATED_BY_THEIR_FACTS = frozenset({"gdpr.Breach", "gdpr.BreachProcessingActivity", "gdpr.BreachService"})


_PLAIN_FIELDS = (
    models.CharField,
    models.TextField,
    models.EmailField,
    models.URLField,
    models.BooleanField,
    models.IntegerField,
    models.PositiveIntegerField,
    models.PositiveSmallIntegerField,
    models.SmallIntegerField,
    models.BigIntegerField,
    models.ForeignKey,
    models.AutoField,
    models.BigAutoField,
)


class _Row:
    """A row of a plain relation model (usage, link, cost, role) without a model instance's cost.

    Keyword names are attnames (``application_id``); fields left out get their default.
    """

    def __init__(self, **values):
        self.__dict__.update(values)


class _HistoryWriter:
    """Write rows and their creation history in bulk, as ``bulk_create_with_history`` would, only faster.

    ``bulk_create_with_history`` spends nearly all its time compiling each value through Django's
    generic insert path (about 4 s at scale 1, two minutes at scale 30). The demo's rows are plain, so
    this writer converts each column once per type, assigns primary keys itself (one ``MAX(id)`` per
    table, sequences reset at the end on PostgreSQL) and inserts with ``executemany``. The history rows
    are exactly those simple-history writes on creation: type "+", the date, the user, the reason.
    """

    def __init__(self, *, user, reason: str):
        self.user_id = getattr(user, "pk", None)
        self.reason = reason
        self.now = timezone.now()
        self.next_id: dict[type, int] = {}
        self.models: list[type] = []
        self.plans: dict[type, tuple] = {}

    def _converter(self, field):
        ops = connection.ops
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            fixed = ops.adapt_datetimefield_value(self.now)
            return lambda value: fixed
        if type(field) in _PLAIN_FIELDS:
            return None
        if type(field) is models.DateTimeField:
            fixed = ops.adapt_datetimefield_value(self.now)
            return lambda value: fixed if value is self.now else field.get_db_prep_save(value, connection)
        if type(field) is models.DecimalField and connection.vendor == "sqlite":
            # What Django's SQLite backend stores: the number as text, at the field's precision.
            exponent = Decimal(1).scaleb(-field.decimal_places)
            return lambda value: None if value is None else str(Decimal(value).quantize(exponent))
        if type(field) is models.DateField:
            return lambda value: None if value is None else ops.adapt_datefield_value(value)
        return lambda value: field.get_db_prep_save(value, connection)

    def _plan(self, model):
        if model not in self.plans:
            quote = connection.ops.quote_name
            fields = [f for f in model._meta.concrete_fields]
            main = [(f.attname, self._converter(f)) for f in fields]
            main_sql = "INSERT INTO {} ({}) VALUES ({})".format(
                quote(model._meta.db_table),
                ", ".join(quote(f.column) for f in fields),
                ", ".join(["%s"] * len(fields)),
            )
            history_model = model.history.model
            fixed = {
                "history_date": connection.ops.adapt_datetimefield_value(self.now),
                "history_change_reason": self.reason,
                "history_type": "+",
                "history_user_id": self.user_id,
            }
            columns, history = [], []
            for f in history_model._meta.concrete_fields:
                if f.attname == "history_id":
                    continue
                columns.append(f.column)
                if f.attname in fixed:
                    # (None, constant): the same value on every history row.
                    history.append((None, fixed[f.attname]))
                else:
                    history.append((f.attname, self._converter(f)))
            history_sql = "INSERT INTO {} ({}) VALUES ({})".format(
                quote(history_model._meta.db_table),
                ", ".join(quote(c) for c in columns),
                ", ".join(["%s"] * len(columns)),
            )
            defaults = {f.attname: f.get_default() for f in fields if f.attname != "id"}
            self.plans[model] = (main, main_sql, history, history_sql, defaults)
        return self.plans[model]

    def insert(self, model, objs: list) -> None:
        main, main_sql, history, history_sql, defaults = self._plan(model)
        table = model._meta.concrete_model  # systems and learning resources share one table
        if table not in self.next_id:
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT MAX(id) FROM {connection.ops.quote_name(model._meta.db_table)}")
                self.next_id[table] = (cursor.fetchone()[0] or 0) + 1
            self.models.append(table)
        start = self.next_id[table]
        self.next_id[table] = start + len(objs)
        main_rows, history_rows = [], []
        for offset, obj in enumerate(objs):
            if isinstance(obj, _Row):
                values = {**defaults, **obj.__dict__, "id": start + offset}
                if "created" in values:
                    values["created"] = values["updated"] = self.now
            else:
                obj.pk = start + offset
                refresh = getattr(obj, "refresh_search_text", None)
                if refresh is not None:
                    refresh()
                if hasattr(obj, "created"):
                    obj.created = obj.updated = self.now
                obj._state.adding = False
                values = obj.__dict__
            main_rows.append(
                tuple(values[name] if convert is None else convert(values[name]) for name, convert in main)
            )
            history_rows.append(
                tuple(
                    convert if name is None else (values[name] if convert is None else convert(values[name]))
                    for name, convert in history
                )
            )
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # COPY is an order of magnitude faster than psycopg's pipelined executemany.
                for sql, rows in ((main_sql, main_rows), (history_sql, history_rows)):
                    with cursor.cursor.copy(_copy_statement(sql)) as copy:
                        for row in rows:
                            copy.write_row(row)
            else:
                for begin in range(0, len(objs), BATCH):
                    cursor.executemany(main_sql, main_rows[begin : begin + BATCH])
                    cursor.executemany(history_sql, history_rows[begin : begin + BATCH])

    def finish(self) -> None:
        """Move PostgreSQL's id sequences past the ids assigned here (a no-op on SQLite)."""
        statements = connection.ops.sequence_reset_sql(no_style(), self.models)
        if statements:
            with connection.cursor() as cursor:
                for sql in statements:
                    cursor.execute(sql)


def _copy_statement(insert_sql: str) -> str:
    """``INSERT INTO t (a, b) VALUES (%s, %s)`` → ``COPY t (a, b) FROM STDIN``."""
    head = insert_sql.split(" VALUES ", 1)[0]
    return "COPY " + head.removeprefix("INSERT INTO ") + " FROM STDIN"


def _slug(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return "".join(c if c.isalnum() else "-" for c in plain).strip("-").replace("--", "-")


@dataclass
class _Service:
    """A planned system or learning resource, clean unless a defect says otherwise."""

    model: str  # "app" or "lr"
    name: str
    vendor: str
    product: str
    capabilities: tuple[str, ...]
    host: str
    groups: tuple[str, ...]
    login: str
    personal_data: bool = True
    aliases: tuple[str, ...] = ()
    entity_ids: tuple[str, ...] | None = None  # None: derived from the host and login
    lifecycle: str = LifecycleStatus.IN_USE
    planned_end: datetime.date | None = None
    in_use_from: datetime.date | None = None
    retired_on: datetime.date | None = None
    approval: str = ApprovalStatus.APPROVED
    kind: str = ""
    subjects: tuple[str, ...] = ()
    years: tuple[int, int] | None = None
    licence: str = ""
    coined: bool = False
    #: "all": every school (of its school years, for a learning resource); "some": a pilot school;
    #: "office": the förvaltning only
    reach: str = "some"
    #: Schools fixed by the builder (controlled capabilities); overrides ``reach``.
    schools: list | None = None
    no_object: bool = False
    no_owner: bool = False
    no_record: bool = False
    test_of: str = ""
    obj: object = None
    mo: object = None
    extra: dict = field(default_factory=dict)

    @property
    def in_use(self) -> bool:
        return self.lifecycle in (LifecycleStatus.IN_USE, LifecycleStatus.PHASING_OUT)


class _Builder:
    def __init__(self, *, scale: int, seed: int, user, reviewer=None):
        self.scale = scale
        self.seed = seed
        self.rng = random.Random(seed)
        self.user = user
        self.reviewer = reviewer or user
        self.today = timezone.localdate()
        self.year = self.today.year
        self.manifest = DemoManifest(scale=scale, seed=seed)
        self.counts: dict[str, int] = defaultdict(int)
        self.writer = _HistoryWriter(user=user, reason=CHANGE_REASON)
        #: Vendors of services used where pupils' or special-category data are processed.
        self.sensitive_vendor_keys: set[str] = set()

    #
    # Writing
    #

    def save(self, model, objs: list) -> list:
        """Insert ``objs`` and one history row each; give them primary keys."""
        if objs:
            self.writer.insert(model, objs)
            self.counts[model._meta.label] += len(objs)
        return objs

    def days_ago(self, low: int, high: int) -> datetime.date:
        return self.today - datetime.timedelta(days=self.rng.randint(low, high))

    def days_ahead(self, low: int, high: int) -> datetime.date:
        return self.today + datetime.timedelta(days=self.rng.randint(low, high))

    def suffix(self, copy: int) -> str:
        if copy == 0:
            return ""
        district = N.DISTRICTS[(copy - 1) % len(N.DISTRICTS)]
        round_ = (copy - 1) // len(N.DISTRICTS)
        return f" {district}" + (f" {round_ + 1}" if round_ else "")

    #
    # The whole build
    #

    def build(self) -> DemoManifest:
        self.build_organisations()
        self.build_capabilities()
        self.build_vendors()
        for copy in range(self.scale):
            self.build_copy(copy)
        self.build_security_reviews()
        self.build_breaches()
        self.writer.finish()
        self.manifest.counts = dict(sorted(self.counts.items()))
        return self.manifest

    #
    # Organisations, capabilities, vendors: shared by every copy
    #

    def build_organisations(self) -> None:
        rng = self.rng
        number = "212000" + f"{rng.randint(100, 999)}"
        number = orgnr.format(number + luhn.calc_check_digit(number))
        self.manifest.huvudman_organisation_number = number
        (root,) = self.save(
            Organisation,
            [
                Organisation(
                    name=MUNICIPALITY,
                    kind=OrganisationKind.PRINCIPAL,
                    organisation_number=number,
                    contact_email=f"kommun@{EMAIL_DOMAIN}",
                    external_id="SS12000-HM-1",
                )
            ],
        )
        dpo = f"Dataskyddsombudet, dataskyddsombud@{EMAIL_DOMAIN}, 0123-45 67 00"
        boards = {
            "bun": "Barn- och utbildningsnämnden",
            "gvn": "Gymnasie- och vuxenutbildningsnämnden",
            "ks": "Kommunstyrelsen",
            "sn": "Socialnämnden",
            "kf": "Kultur- och fritidsnämnden",
        }
        board_rows = [
            Organisation(
                name=name,
                kind=OrganisationKind.BOARD,
                parent=root,
                path=f"{root.pk}/",
                contact_email=f"{_slug(name)}@{EMAIL_DOMAIN}",
                # Planted: Kultur- och fritidsnämnden has never named its DPO contact (Art. 37.7).
                dpo_contact="" if key == "kf" else dpo,
            )
            for key, name in boards.items()
        ]
        self.boards = dict(zip(boards, self.save(Organisation, board_rows), strict=True))
        self.manifest.boards_without_dpo_contact = [boards["kf"]]
        administrations = {
            "buf": ("bun", "Barn- och utbildningsförvaltningen"),
            "gvf": ("gvn", "Gymnasie- och vuxenutbildningsförvaltningen"),
            "klf": ("ks", "Kommunledningsförvaltningen"),
            "it": ("ks", "IT-avdelningen"),
            "sf": ("sn", "Socialförvaltningen"),
            "kff": ("kf", "Kultur- och fritidsförvaltningen"),
        }
        rows = [
            Organisation(
                name=name,
                kind=OrganisationKind.ADMINISTRATION,
                parent=self.boards[board],
                path=self.boards[board].subtree_prefix,
                contact_email=f"{_slug(name)}@{EMAIL_DOMAIN}",
            )
            for board, name in administrations.values()
        ]
        self.administrations = dict(zip(administrations, self.save(Organisation, rows), strict=True))
        # Schools: 40 at scale 1, four more per further copy.
        school_count = len(N.SCHOOLS) + 4 * (self.scale - 1)
        codes = rng.sample(range(10_000_000, 100_000_000), school_count)
        rows = []
        self.school_size: dict[str, int] = {}
        for index in range(school_count):
            base, form = N.SCHOOLS[index % len(N.SCHOOLS)]
            extra = index - len(N.SCHOOLS)
            name = base if extra < 0 else f"{base}{self.suffix(1 + extra // len(N.SCHOOLS))}"
            parent = self.administrations[
                "buf" if form in ("forskola", "grundskola", "anpassad_grundskola") else "gvf"
            ]
            size = {
                "forskola": (40, 120),
                "grundskola": (150, 650),
                "anpassad_grundskola": (20, 60),
                "gymnasieskola": (400, 1400),
                "anpassad_gymnasieskola": (30, 80),
                "vuxenutbildning": (300, 900),
            }[form]
            self.school_size[name] = rng.randint(*size)
            rows.append(
                Organisation(
                    name=name,
                    kind=OrganisationKind.SCHOOL_UNIT,
                    school_form=form,
                    parent=parent,
                    path=parent.subtree_prefix,
                    school_unit_code=f"{codes[index]:08d}",
                    external_id=f"SS12000-SE-{codes[index]:08d}",
                    contact_email=f"{_slug(name)}@{EMAIL_DOMAIN}",
                )
            )
        self.schools = self.save(Organisation, rows)
        self.schools_by_form: dict[str, list] = defaultdict(list)
        for school in self.schools:
            self.schools_by_form[school.school_form].append(school)
        # Equity: schools that lack a capability every other school has (planted once, for all copies).
        compulsory = self.schools_by_form["grundskola"]
        picked = rng.sample(compulsory, 4)
        self.lacking = {"Lärplattform": picked[:3], "Närvaro och frånvaro": picked[3:]}
        self.manifest.schools_lacking_capability = {
            capability: sorted(s.name for s in schools) for capability, schools in self.lacking.items()
        }
        # Schools that run another system than their peers (index into the builder's main systems:
        # learning platforms Unikum, Vklass, Google Classroom; attendance SchoolSoft, Tempus, Dexter,
        # Skola24). Everyone else runs Unikum, and SchoolSoft (Tempus in the förskolor).
        others = [s for s in compulsory if s not in picked]
        rng.shuffle(others)
        upper = self.schools_by_form["gymnasieskola"]
        self.platform_choice = {**{s: 1 for s in others[:3]}, **{s: 2 for s in others[3:5]}, upper[-1]: 2}
        self.attendance_choice = {s: 2 if i < 2 else 3 for i, s in enumerate(others[5:9])}
        self.manifest.schools_with_different_system = {
            "Lärplattform": sorted(s.name for s in self.platform_choice),
            "Närvaro och frånvaro": sorted(s.name for s in self.attendance_choice),
        }
        # One pilot school per school form tries out the small, coined services: coverage is then
        # all or little, never half, so that the equity analysis finds the planted gaps, not noise.
        self.pilot_schools = [
            rng.choice([s for s in schools if s not in picked]) for schools in self.schools_by_form.values()
        ]

    def build_capabilities(self) -> None:
        areas = self.save(
            Capability, [Capability(name=area, description=f"Område: {area.lower()}.") for area in N.AREAS]
        )
        rows = []
        for area in areas:
            for leaf in N.AREAS[area.name]:
                rows.append(Capability(name=leaf, parent=area, description=f"{area.name} › {leaf}"))
        self.capabilities = {c.name: c for c in self.save(Capability, rows)}

    def build_vendors(self) -> None:
        rng = self.rng
        taken: set[str] = set()
        rows = []
        for spec in N.VENDORS:
            number = ""
            if spec.country == "SE":
                while True:
                    prefix = "202100" if spec.key == "mtm" else ("802" if spec.key == "sambruk" else "556")
                    body = prefix + "".join(str(rng.randint(0, 9)) for _ in range(9 - len(prefix)))
                    number = orgnr.format(body + luhn.calc_check_digit(body))
                    if number not in taken:
                        taken.add(number)
                        break
            rows.append(
                Vendor(
                    name=spec.name,
                    organisation_number=number,
                    country=spec.country,
                    dpf_listed=spec.dpf_listed,
                    website=spec.website,
                    external_id=f"LEV-{spec.key}",
                )
            )
        self.vendors = dict(zip((s.key for s in N.VENDORS), self.save(Vendor, rows), strict=True))
        self.vendor_specs = {s.key: s for s in N.VENDORS}

    #
    # One copy of the landscape
    #

    def build_copy(self, copy: int) -> None:
        sfx = self.suffix(copy)
        services = self.plan_services(copy, sfx)
        objects = self.build_objects(copy, sfx, services)
        self.write_services(services)
        self.build_plans(objects)
        people = self.build_people(copy)
        self.build_roles(copy, services, objects, people)
        self.build_costs(services, objects)
        contracts = self.build_contracts(sfx, services)
        plans = self.build_activities(copy, sfx, services, people, contracts)
        if copy == 0:
            self.first_activities = plans

    # -- services --------------------------------------------------------------------------

    def plan_services(self, copy: int, sfx: str) -> list[_Service]:
        rng = self.rng
        m = self.manifest
        host_prefix = f"{_slug(sfx)}." if sfx else ""

        def from_product(model: str, p: N.Product, name: str | None = None) -> _Service:
            return _Service(
                model=model,
                name=(name or p.name) + sfx,
                vendor=p.vendor,
                product=p.name + sfx,
                capabilities=p.capabilities,
                host=host_prefix + p.host,
                groups=p.groups,
                login=p.login,
                personal_data=p.personal_data,
                aliases=tuple(a + sfx for a in p.aliases),
                kind=p.kind,
                subjects=p.subjects,
                years=p.years,
                licence=p.licence,
                reach="all" if ("elever" in p.groups or model == "lr") else "office",
            )

        apps = {p.name: from_product("app", p) for p in N.REAL_APPLICATIONS}
        lrs = {p.name: from_product("lr", p) for p in N.REAL_LEARNING_RESOURCES}
        # A product outside the real catalogue, registered under three spellings.
        portal = N.Product(
            "Vårdnadshavarportalen",
            "edvira",
            ("Vårdnadshavarkontakt",),
            "vh.edvira.se",
            ("personal", "vardnadshavare"),
            "saml_muni",
        )
        apps["Vårdnadshavarportalen"] = from_product("app", portal)
        for s in (*apps.values(), *lrs.values()):
            s.in_use_from = self.days_ago(400, 3000)

        # --- duplicates: (model, base, variant name, changes) ---
        def variant(base: _Service, model: str, name: str, **changes) -> _Service:
            clone = _Service(
                **{
                    **vars(base),
                    "model": model,
                    "name": name,
                    "aliases": (),
                    "schools": None,
                    "reach": "some",
                    "extra": {},
                }
            )
            for key, value in changes.items():
                setattr(clone, key, value)
            return clone

        plain = sfx  # suffix in names
        groups: list[list[_Service]] = []
        extra: list[_Service] = []

        def group(base: _Service, *variants: _Service) -> None:
            groups.append([base, *variants])
            extra.extend(variants)

        schoolsoft = apps["SchoolSoft"]
        schoolsoft.entity_ids = (f"https://{schoolsoft.host}/shibboleth",)
        group(
            apps["InfoMentor"],
            variant(apps["InfoMentor"], "app", f"Infomentor{plain} AB"),
            variant(apps["InfoMentor"], "app", f"InfoMentor{plain} 4.2"),
        )
        group(
            apps["Skolon"],
            variant(apps["Skolon"], "app", f"Skolon{plain} för skolan"),
            variant(apps["Skolon"], "app", f"Skolon{plain} app"),
        )
        group(
            apps["Unikum"],
            variant(apps["Unikum"], "app", f"UNIKUM{plain.upper()}"),
            variant(apps["Unikum"], "app", f"Unikum{plain} 3.1"),
        )
        vh = apps["Vårdnadshavarportalen"]
        group(
            vh,
            variant(vh, "app", f"Vardnadshavarportalen{plain}"),
            variant(vh, "app", f"VÅRDNADSHAVARPORTALEN{plain.upper()}"),
        )
        group(
            schoolsoft,
            variant(
                schoolsoft,
                "app",
                f"Närvarorapportering elevadministration{plain}",
                product="",
                host=host_prefix + "narvaro.mittkoping.se",
                entity_ids=schoolsoft.entity_ids,
            ),
        )
        classroom = apps["Google Classroom"]
        group(
            classroom,
            variant(
                classroom,
                "lr",
                f"Classroom{plain}",
                product="",
                kind="plattform",
                subjects=("Alla ämnen",),
                years=(4, 13),
                licence="gratis",
            ),
        )
        ilt = lrs["Inläsningstjänst"]
        group(
            ilt,
            variant(
                ilt, "lr", f"ILT{plain}", aliases=(f"Inläsningstjänst{plain}",), host=host_prefix + "ilt.se"
            ),
            variant(ilt, "lr", f"Inlasningstjanst{plain} AB"),
        )
        teams = apps["Microsoft Teams"]
        group(
            teams,
            variant(teams, "app", f"Teams{plain} för skolan"),
            variant(teams, "app", f"MS Teams{plain}", aliases=(f"Microsoft Teams{plain}",), host=""),
        )
        gleerups = lrs["Gleerups digitala läromedel"]
        group(gleerups, variant(gleerups, "lr", f"Gleerups Portal{plain}", product=""))
        kahoot = lrs["Kahoot!"]
        group(kahoot, variant(kahoot, "lr", f"Kahoot{plain} app"), variant(kahoot, "lr", f"Kahoot{plain} AS"))
        tempus = apps["Tempus"]
        group(tempus, variant(tempus, "app", f"TEMPUS{plain.upper()} 7"))
        ne = lrs["Nationalencyklopedin"]
        group(
            ne,
            variant(
                ne,
                "lr",
                f"NE.se{plain}",
                aliases=(f"Nationalencyklopedin{plain}", f"NE{plain}"),
                host=host_prefix + "ne.se",
            ),
        )
        quizlet = lrs["Quizlet"]
        group(
            quizlet,
            variant(quizlet, "app", f"Quizlet{plain} Inc", licence="", kind="", subjects=(), years=None),
        )
        for members in groups:
            for member in members[1:]:
                member.extra["duplicate"] = True
                member.extra["base"] = members[0]
        # Test environments of production systems.
        tests = [
            (apps["Procapita Utbildning"], f"TESTMILJÖ för Procapita Utbildning{plain}", "test."),
            (apps["Unikum"], f"Unikum{plain}-test", "test-"),
            (apps["Tempus"], f"Tempus{plain} staging", "staging."),
            (apps["Edlevo"], f"Edlevo{plain} test", "test."),
        ]
        for base, name, host in tests:
            env = variant(
                base,
                "app",
                name,
                host=host + base.host,
                personal_data=False,
                reach="office",
                groups=("personal",),
                test_of=base.name,
            )
            extra.append(env)
            m.test_environments.append(name)
            m.test_environment_of[name] = base.name
        m.duplicate_groups.extend([[s.name for s in members] for members in groups])

        services = [*apps.values(), *lrs.values(), *extra]
        app_count = sum(1 for s in services if s.model == "app")
        lr_count = len(services) - app_count
        coined_apps, coined_lrs = N.coined_names()
        generic_vendors = [s.key for s in N.VENDORS if s.generic]
        lr_vendors = [
            s.key
            for s in N.VENDORS
            if s.country in ("SE", "FI", "NO", "DK")
            and not s.generic
            and s.key not in ("skoldata", "kommundata", "vinga", "mtm", "ur")
        ]
        kinds = {
            "Digitala läromedel": "digital_larobok",
            "Prov och bedömning": "bedomning",
            "Samarbetsverktyg": "verktyg",
            "Programmering och skapande": "verktyg",
            "Talsyntes och inläsning": "verktyg",
        }
        subjects = (
            "Matematik",
            "Svenska",
            "Engelska",
            "Biologi",
            "Fysik",
            "Kemi",
            "Historia",
            "Geografi",
            "Samhällskunskap",
            "Religionskunskap",
            "Teknik",
            "Bild",
            "Musik",
            "Moderna språk",
            "Idrott och hälsa",
            "Svenska som andraspråk",
        )
        for index in range(APPLICATIONS_PER_COPY - app_count):
            name, capability = coined_apps[index]
            area = next(a for a, leaves in N.AREAS.items() if capability in leaves)
            groups_ = {
                "Undervisning": ("elever", "personal"),
                "Elevadministration": ("personal", "vardnadshavare"),
                "Kommunikation": ("personal", "vardnadshavare"),
                "Förskola": ("personal", "vardnadshavare"),
                "IT och infrastruktur": ("elever", "personal"),
            }.get(area, ("personal",))
            login = rng.choices(["saml_muni", "oidc_entra", "saml_fed"], weights=[55, 35, 10])[0]
            if login == "saml_fed" and "elever" not in groups_:
                login = "saml_muni"
            services.append(
                _Service(
                    model="app",
                    name=name + sfx,
                    vendor=rng.choice(generic_vendors),
                    product=name + sfx,
                    capabilities=(capability,),
                    host=f"{host_prefix}{_slug(name)}.se",
                    groups=groups_,
                    login=login,
                    personal_data=rng.random() < 0.9,
                    coined=True,
                    reach="office" if rng.random() < 0.6 else "some",
                    in_use_from=self.days_ago(200, 4000),
                )
            )
        for index in range(LEARNING_RESOURCES_PER_COPY - lr_count):
            name, capability = coined_lrs[index]
            low = rng.choice([-1, 0, 1, 4, 7, 10])
            high = min(13, low + rng.choice([2, 3, 5, 8]))
            services.append(
                _Service(
                    model="lr",
                    name=name + sfx,
                    vendor=rng.choice(lr_vendors),
                    product=name + sfx,
                    capabilities=(capability,),
                    host=f"{host_prefix}{_slug(name)}.se",
                    groups=("elever", "personal"),
                    login=rng.choices(["saml_fed", "oidc_entra", "oidc_google"], weights=[50, 30, 20])[0],
                    personal_data=rng.random() < 0.85,
                    coined=True,
                    kind=kinds[capability],
                    subjects=tuple(sorted(rng.sample(subjects, rng.randint(1, 3)))),
                    years=(low, high),
                    licence=rng.choice(["per_anvandare", "per_skola", "kommunlicens", "gratis", "freemium"]),
                    in_use_from=self.days_ago(200, 3000),
                )
            )

        # --- lifecycle and the planted defects on services ---
        coined = [s for s in services if s.coined]
        rng.shuffle(coined)
        pool_apps = [s for s in coined if s.model == "app"]
        pool_lrs = [s for s in coined if s.model == "lr"]

        def take(pool, count, predicate=lambda s: True):
            chosen = [s for s in pool if predicate(s)][:count]
            for s in chosen:
                pool.remove(s)
            return chosen

        for s in take(pool_apps, 15):
            s.lifecycle = LifecycleStatus.RETIRED
            s.retired_on = self.days_ago(30, 900)
            s.in_use_from = s.retired_on - datetime.timedelta(days=rng.randint(400, 3000))
            s.planned_end = s.retired_on
        for s in take(pool_apps, 8):
            s.lifecycle = LifecycleStatus.PLANNED
            s.in_use_from = self.days_ahead(30, 300)
        for s in take(pool_apps, 10):
            s.lifecycle = LifecycleStatus.PHASING_OUT
            s.planned_end = self.days_ahead(120, 500)
        for s in take(pool_lrs, 5):
            s.lifecycle, s.approval = LifecycleStatus.RETIRED, ApprovalStatus.RETIRED
            s.retired_on = self.days_ago(30, 900)
            s.in_use_from = s.retired_on - datetime.timedelta(days=rng.randint(400, 2000))
        for s, status in zip(
            take(pool_lrs, 4),
            (
                ApprovalStatus.REQUESTED,
                ApprovalStatus.UNDER_REVIEW,
                ApprovalStatus.REJECTED,
                ApprovalStatus.REQUESTED,
            ),
            strict=True,
        ):
            s.lifecycle, s.approval = LifecycleStatus.PLANNED, status
            s.in_use_from = None
        # Clean systems that will be retired some day.
        for s in [s for s in pool_apps][:40]:
            s.planned_end = self.days_ahead(400, 2500)
        personal = lambda s: s.personal_data  # noqa: E731
        pupils = lambda s: "elever" in s.groups  # noqa: E731
        # Outside SSO, with many users: local accounts at the vendor, used by many schools.
        for s in take(pool_apps, 5, pupils) + take(pool_lrs, 3):
            s.login, s.reach = "local", "all"
            s.extra["large"] = True
        for s in take(pool_apps, 2, lambda s: "elever" not in s.groups):
            s.login, s.reach = "local", "office"
        m.outside_sso_large.extend(s.name for s in services if s.extra.get("large"))
        # Claiming Skolfederation without an entity ID.
        for s in take(pool_apps, 2, pupils) + take(pool_lrs, 2):
            s.login, s.entity_ids = "saml_fed", ()
            m.federation_without_entity_id.append(s.name)
        for s in take(pool_apps, 4):
            s.no_object = True
            m.systems_without_object.append(s.name)
        for s in take(pool_apps, 4):
            s.no_owner = True
            m.systems_without_owner.append(s.name)
        for s in take(pool_apps, 3):
            s.planned_end = self.days_ago(30, 400)
            s.in_use_from = s.planned_end - datetime.timedelta(days=rng.randint(900, 3000))
            m.systems_past_end_of_life.append(s.name)
        for s, status in zip(
            take(pool_lrs, 4), (ApprovalStatus.REQUESTED, ApprovalStatus.UNDER_REVIEW) * 2, strict=True
        ):
            s.approval = status
            m.resources_in_use_not_approved.append(s.name)
        for s in take(pool_apps, 3, personal) + take(pool_lrs, 2, personal):
            s.no_record = True
            m.services_without_record.append(s.name)
        # Processors without agreement or without sub-processors: the reserved vendors' only systems.
        for key, s in zip(("skoldata", "kommundata", "vinga"), take(pool_apps, 3, personal), strict=True):
            s.vendor = key
            s.extra["reserved"] = key
        m.outside_sso.extend(s.name for s in services if s.login == "local")

        # --- who uses what ---
        self.plan_usage(copy, services)
        return services

    def plan_usage(self, copy: int, services: list[_Service]) -> None:
        rng = self.rng
        m = self.manifest
        # Copy 0 serves the 40 schools; each further copy its own four new schools and a window of
        # twelve of the first 40, so that usage grows linearly with scale, not with scale squared.
        base = len(N.SCHOOLS)
        if copy == 0:
            all_schools = self.schools[:base]
        else:
            window = [self.schools[(copy * 12 + i) % base] for i in range(12)]
            all_schools = [*window, *self.schools[base + 4 * (copy - 1) : base + 4 * copy]]
        forms_for_years = {
            "forskola": (-1, 0),
            "grundskola": (0, 9),
            "anpassad_grundskola": (0, 9),
            "gymnasieskola": (10, 13),
            "anpassad_gymnasieskola": (10, 13),
            "vuxenutbildning": (10, 13),
        }
        # Controlled capabilities: every school uses exactly one main system, bar the planted gaps.

        def main(name: str) -> _Service:
            return next(
                s
                for s in services
                if s.name.startswith(name)
                and not s.extra.get("duplicate")
                and not s.test_of
                and s.model == "app"
            )

        platforms = [main("Unikum"), main("Vklass"), main("Google Classroom")]
        attendance = [main("SchoolSoft"), main("Tempus"), main("Dexter"), main("Skola24")]
        for s in (*platforms, *attendance):
            s.schools = []
        lacking_platform = set(self.lacking["Lärplattform"])
        lacking_attendance = set(self.lacking["Närvaro och frånvaro"])
        for school in all_schools:
            if school not in lacking_platform:
                platforms[self.platform_choice.get(school, 0)].schools.append(school)
            if school not in lacking_attendance:
                default = 1 if school.school_form == "forskola" else 0
                attendance[self.attendance_choice.get(school, default)].schools.append(school)
        # Duplicates: a few schools registered the product again under another name.
        eligible = [s for s in all_schools if s not in lacking_platform and s not in lacking_attendance]
        for s in services:
            if s.extra.get("duplicate"):
                # Registered again by schools that use the product already: no new capability there.
                pool = [x for x in (s.extra["base"].schools or eligible) if x in eligible] or eligible
                s.schools = rng.sample(pool, min(len(pool), rng.randint(1, 3)))
        self.usage: dict[int, list[tuple[object, int]]] = {}
        for index, s in enumerate(services):
            rows: list[tuple[object, int]] = []
            if not s.in_use and s.lifecycle != LifecycleStatus.PHASING_OUT:
                self.usage[index] = rows
                continue
            if s.schools is not None:
                schools = s.schools
            elif s.reach == "office":
                schools = []
            elif s.model == "lr" and s.years:
                low, high = s.years
                fitting = [
                    x
                    for x in all_schools
                    if forms_for_years[x.school_form][0] <= high and forms_for_years[x.school_form][1] >= low
                ] or all_schools
                # A municipal licence reaches every school of the school years; a coined resource is
                # a pilot at one or two schools. Coverage is then all or little, never half, so that
                # the equity analysis finds the planted gaps rather than noise.
                if s.reach == "all":
                    schools = fitting
                else:
                    pilots = [x for x in self.pilot_schools if x in fitting]
                    schools = rng.sample(pilots, 1) if pilots else []
            elif s.reach == "all":
                schools = list(all_schools)
            else:
                schools = rng.sample(self.pilot_schools, 1)
            if "Lärplattform" in s.capabilities:
                schools = [x for x in schools if x not in lacking_platform]
            if "Närvaro och frånvaro" in s.capabilities:
                schools = [x for x in schools if x not in lacking_attendance]
            for school in schools:
                size = self.school_size[school.name]
                share = 1.0 if "elever" in s.groups else 0.12
                if "vardnadshavare" in s.groups:
                    share += 1.4
                users = max(3, int(size * share * rng.uniform(0.5, 1.0)))
                rows.append((school, users))
            office = self.administrations["it" if "Identitet" in " ".join(s.capabilities) else "buf"]
            rows.append((office, rng.randint(3, 60)))
            self.usage[index] = rows
        # Overlap: the controlled capabilities and every in-use service on them.
        for capability in N.CONTROLLED_CAPABILITIES:
            names = [s.name for s in services if capability in s.capabilities and s.in_use]
            m.overlapping_capabilities.setdefault(capability, []).extend(names)

    def write_services(self, services: list[_Service]) -> None:
        login_map = {
            "saml_muni": (AuthenticationMethod.SAML, IdentityProvider.MUNICIPAL, ""),
            "saml_fed": (
                AuthenticationMethod.SAML,
                IdentityProvider.SKOLFEDERATION,
                Federation.SKOLFEDERATION,
            ),
            "oidc_entra": (AuthenticationMethod.OIDC, IdentityProvider.ENTRA_ID, ""),
            "oidc_google": (AuthenticationMethod.OIDC, IdentityProvider.GOOGLE, ""),
            "local": (AuthenticationMethod.LOCAL, IdentityProvider.VENDOR, ""),
        }
        rng = self.rng
        apps, lrs = [], []
        for s in services:
            auth, idp, federation = login_map[s.login]
            if s.entity_ids is not None:
                entity_ids = s.entity_ids
            elif auth == AuthenticationMethod.SAML and s.host:
                entity_ids = (f"https://{s.host}/saml2/metadata",)
            else:
                entity_ids = ()
            spec = self.vendor_specs[s.vendor]
            if spec.country in ("US",):
                location = "IE" if spec.dpf_listed else "US"
            elif spec.country in ("SE", "FI", "NO", "DK", "AT"):
                location = spec.country if spec.country != "NO" else "SE"
            else:
                location = spec.country
            common = dict(
                name=s.name,
                aliases="\n".join(s.aliases),
                vendor=self.vendors[s.vendor],
                product=s.product,
                description=f"{', '.join(s.capabilities)}."
                if not s.test_of
                else f"Testmiljö för {s.test_of}.",
                url=f"https://{s.host}/" if s.host else "",
                user_groups=list(s.groups),
                lifecycle_status=s.lifecycle,
                in_use_from=s.in_use_from,
                planned_end=s.planned_end,
                retired_on=s.retired_on,
                authentication=auth,
                identity_provider=idp,
                federation=federation,
                saml_entity_ids="\n".join(entity_ids),
                provisioning=Provisioning.MANUAL
                if s.login == "local"
                else rng.choice(
                    [Provisioning.SS12000, Provisioning.SCIM, Provisioning.JUST_IN_TIME, Provisioning.FILE]
                ),
                mfa=MfaSupport.NOT_SUPPORTED
                if s.login == "local"
                else rng.choice([MfaSupport.REQUIRED, MfaSupport.OPTIONAL, MfaSupport.REQUIRED]),
                processes_personal_data=s.personal_data,
                hosting=Hosting.ON_PREMISES if s.host.endswith("mittkoping.se") else Hosting.SAAS,
                data_location=location,
            )
            if s.model == "app":
                time = (
                    TimeClassification.ELIMINATE
                    if s.lifecycle in (LifecycleStatus.RETIRED, LifecycleStatus.PHASING_OUT)
                    else rng.choice(
                        [
                            TimeClassification.INVEST,
                            TimeClassification.TOLERATE,
                            TimeClassification.TOLERATE,
                            TimeClassification.MIGRATE,
                        ]
                    )
                )
                s.obj = Application(**common, time_classification=time, management_object=s.mo)
                apps.append(s.obj)
            else:
                low, high = s.years if s.years else (None, None)
                s.obj = LearningResource(
                    **common,
                    resource_type=s.kind,
                    subjects="\n".join(s.subjects),
                    school_year_from=low,
                    school_year_to=high,
                    licence_model=s.licence,
                    approval_status=s.approval,
                )
                lrs.append(s.obj)
        self.save(Application, apps)
        self.save(LearningResource, lrs)
        usage_apps, usage_lrs, caps_apps, caps_lrs = [], [], [], []
        for index, s in enumerate(services):
            for organisation, users in self.usage[index]:
                if s.model == "app":
                    usage_apps.append(
                        _Row(service_id=s.obj.pk, organisation_id=organisation.pk, users=users)
                    )
                else:
                    usage_lrs.append(
                        _Row(service_id=s.obj.pk, organisation_id=organisation.pk, users=users)
                    )
            for capability in s.capabilities:
                if s.model == "app":
                    caps_apps.append(
                        _Row(service_id=s.obj.pk, capability_id=self.capabilities[capability].pk)
                    )
                else:
                    caps_lrs.append(
                        _Row(service_id=s.obj.pk, capability_id=self.capabilities[capability].pk)
                    )
        self.save(ServiceUsage, usage_apps + usage_lrs)
        self.save(ServiceCapability, caps_apps + caps_lrs)

    # -- PM3 -------------------------------------------------------------------------------

    def build_objects(self, copy: int, sfx: str, services: list[_Service]) -> list[ManagementObject]:
        """Create the förvaltningsobjekt and place each system in one (bar the planted ones)."""
        rng = self.rng
        rows = [
            ManagementObject(
                name=name + sfx,
                owner_organisation=self.administrations[owner],
                description=f"Förvaltningsobjekt för {name.lower()}.",
                external_id=f"FO-{copy + 1}-{index + 1:02d}",
            )
            for index, (name, owner, _caps) in enumerate(N.MANAGEMENT_OBJECTS)
        ]
        objects = self.save(ManagementObject, rows)
        by_capability: dict[str, list[ManagementObject]] = defaultdict(list)
        for obj, (_name, _owner, caps) in zip(objects, N.MANAGEMENT_OBJECTS, strict=True):
            for capability in caps:
                by_capability[capability].append(obj)
            if not caps:
                # Objects defined by organisation rather than capability take a few systems each.
                candidates = [
                    s for s in services if s.model == "app" and s.coined and not s.no_object and not s.mo
                ]
                for s in rng.sample(candidates, 3):
                    s.mo = obj
        for s in services:
            if s.model == "app" and not s.no_object and not s.mo:
                s.mo = rng.choice(by_capability.get(s.capabilities[0]) or objects)
        return objects

    def build_plans(self, objects: list[ManagementObject]) -> None:
        """Plans for last year, this year and next year, with the planted PM3 gaps."""
        rng = self.rng
        m = self.manifest
        plans = []
        shuffled = list(objects)
        rng.shuffle(shuffled)
        draft_current, no_current = shuffled[0], shuffled[1]
        no_outcome = shuffled[2:4]
        self.no_owner_objects = shuffled[4:6]
        self.no_lead_objects = shuffled[6:8]
        self.no_it_lead_objects = shuffled[8:9]
        m.objects_without_approved_plan.extend([draft_current.name, no_current.name])
        m.budgets_without_outcome.extend((o.name, self.year - 1) for o in no_outcome)
        m.objects_without_owner.extend(o.name for o in self.no_owner_objects)
        m.objects_without_management_lead.extend(o.name for o in self.no_lead_objects)
        m.objects_without_object_lead.extend(o.name for o in self.no_it_lead_objects)
        self.no_outcome_objects = set(no_outcome)
        self.plan_budgets: dict[tuple[int, int], dict[str, Decimal]] = {}
        for obj in objects:
            for year in (self.year - 1, self.year, self.year + 1):
                if obj is no_current and year == self.year:
                    continue
                budget = {
                    part: Decimal(rng.randrange(50, 2500) * 1000) for part in ManagementPlan.BUDGET_FIELDS
                }
                self.plan_budgets[(obj.pk, year)] = budget
                approved = year <= self.year and not (obj is draft_current and year == self.year)
                plans.append(
                    ManagementPlan(
                        management_object=obj,
                        year=year,
                        status=PlanStatus.APPROVED if approved else PlanStatus.DRAFT,
                        approved_on=datetime.date(year - 1, 12, rng.randint(1, 15)) if approved else None,
                        goals=f"Förvalta och utveckla {obj.name.lower()} under {year}.",
                        **{field: budget[part] for part, field in ManagementPlan.BUDGET_FIELDS.items()},
                    )
                )
        self.save(ManagementPlan, plans)

    # -- people and roles ------------------------------------------------------------------

    def build_people(self, copy: int) -> list[Person]:
        rng = self.rng
        first, last = N.FIRST_NAMES, N.LAST_NAMES
        if not hasattr(self, "name_order"):
            self.name_order = list(range(len(first) * len(last)))
            rng.shuffle(self.name_order)
            self.emails: set[str] = set()
        organisations = [*self.administrations.values(), *self.schools]
        rows = []
        for i in range(PEOPLE_PER_COPY):
            index = copy * PEOPLE_PER_COPY + i
            combo = self.name_order[index % len(self.name_order)]
            name = f"{first[combo % len(first)]} {last[combo // len(first)]}"
            local = _slug(name).replace("-", ".")
            email = f"{local}@{EMAIL_DOMAIN}"
            n = 2
            while email in self.emails:
                email = f"{local}{n}@{EMAIL_DOMAIN}"
                n += 1
            self.emails.add(email)
            rows.append(
                Person(
                    name=name,
                    email=email,
                    title=rng.choice(N.TITLES),
                    organisation=rng.choice(organisations),
                    external_id=f"HR-{index + 1:06d}",
                )
            )
        # Three leavers (planted): marked inactive, yet still holding a role.
        for person in rows[-3:]:
            person.active = False
        return self.save(Person, rows)

    def build_roles(self, copy, services, objects, people) -> None:
        rng = self.rng
        m = self.manifest
        active = people[:-3]
        leavers = people[-3:]
        rows = []

        def role(person, role_, **target):
            rows.append(
                _Row(
                    person_id=person.pk,
                    role=role_,
                    starts_on=self.days_ago(60, 2500),
                    **{f"{name}_id": value.pk for name, value in target.items()},
                )
            )
            return rows[-1]

        for obj in objects:
            if obj not in self.no_owner_objects:
                role(rng.choice(active), RoleChoices.OBJECT_OWNER, management_object=obj)
            if obj not in self.no_lead_objects:
                role(rng.choice(active), RoleChoices.MANAGEMENT_LEAD, management_object=obj)
            role(rng.choice(active), RoleChoices.OBJECT_LEAD_BUSINESS, management_object=obj)
            if obj not in self.no_it_lead_objects:
                role(rng.choice(active), RoleChoices.OBJECT_LEAD_IT, management_object=obj)
        apps = [s for s in services if s.model == "app"]
        for s in apps:
            if not s.no_owner:
                role(rng.choice(active), RoleChoices.SYSTEM_OWNER, service=s.obj)
            if rng.random() < 0.6:
                role(rng.choice(active), RoleChoices.SYSTEM_ADMINISTRATOR, service=s.obj)
        for s in services:
            if s.model == "lr" and rng.random() < 0.2:
                role(rng.choice(active), RoleChoices.SUPER_USER, service=s.obj)
        if copy == 0:
            dpo = active[0]
            for key, board in self.boards.items():
                if key != "kf":
                    role(dpo, RoleChoices.DATA_PROTECTION_OFFICER, organisation=board)
        clean_in_use = [s for s in apps if s.in_use and not s.no_owner]
        for person, s in zip(leavers, rng.sample(clean_in_use, 3), strict=True):
            role(person, RoleChoices.SYSTEM_ADMINISTRATOR, service=s.obj)
            m.roles_held_by_inactive_people.append(
                (person.name, RoleChoices.SYSTEM_ADMINISTRATOR.value, s.name)
            )
        for s in rng.sample(clean_in_use, 3):
            person = rng.choice(active)
            assignment = role(person, RoleChoices.SUPER_USER, service=s.obj)
            assignment.ends_on = self.days_ago(20, 400)
            assignment.starts_on = assignment.ends_on - datetime.timedelta(days=rng.randint(200, 1500))
            m.roles_past_end_date.append((person.name, RoleChoices.SUPER_USER.value, s.name))
        self.save(RoleAssignment, rows)

    # -- costs -----------------------------------------------------------------------------

    def build_costs(self, services, objects) -> None:
        rng = self.rng
        rows = []
        elapsed = max(0.05, self.today.timetuple().tm_yday / 365)
        categories = {
            Pm3Part.BUSINESS_MAINTENANCE: CostCategory.INTERNAL_TIME,
            Pm3Part.BUSINESS_DEVELOPMENT: CostCategory.DEVELOPMENT,
            Pm3Part.IT_MAINTENANCE: CostCategory.OPERATION,
            Pm3Part.IT_DEVELOPMENT: CostCategory.DEVELOPMENT,
        }
        for obj in objects:
            for year in (self.year - 1, self.year):
                budget = self.plan_budgets.get((obj.pk, year))
                if budget is None:
                    continue
                for part, amount in budget.items():
                    rows.append(
                        _Row(
                            management_object_id=obj.pk,
                            year=year,
                            kind=CostKind.BUDGET,
                            pm3_part=part,
                            category=categories[part],
                            amount=amount,
                            description=f"Budget {year}",
                        )
                    )
                    if year == self.year - 1 and obj in self.no_outcome_objects:
                        continue
                    share = rng.uniform(0.85, 1.1) * (1 if year < self.year else elapsed)
                    rows.append(
                        _Row(
                            management_object_id=obj.pk,
                            year=year,
                            kind=CostKind.OUTCOME,
                            pm3_part=part,
                            category=categories[part],
                            amount=(amount * Decimal(share)).quantize(Decimal(1)),
                            description=f"Utfall {year}" + (" hittills" if year == self.year else ""),
                        )
                    )
        for s in services:
            if s.test_of or not s.in_use or rng.random() > 0.6:
                continue
            base = Decimal(rng.randrange(10, 900) * 1000)
            target = {"service_id": s.obj.pk}
            for year in (self.year - 1, self.year):
                amount = base if year < self.year else (base * Decimal(elapsed)).quantize(Decimal(1))
                rows.append(
                    _Row(
                        year=year,
                        kind=CostKind.OUTCOME,
                        category=CostCategory.LICENCE,
                        pm3_part=Pm3Part.IT_MAINTENANCE,
                        amount=amount,
                        description="Licenser" + (" hittills" if year == self.year else ""),
                        **target,
                    )
                )
        self.save(Cost, rows)

    # -- contracts -------------------------------------------------------------------------

    def build_contracts(self, sfx: str, services: list[_Service]) -> dict[str, Contract]:
        rng = self.rng
        m = self.manifest
        by_vendor: dict[str, list[_Service]] = defaultdict(list)
        for s in services:
            by_vendor[s.vendor].append(s)
        keys = sorted(by_vendor, key=lambda k: [v.key for v in N.VENDORS].index(k))
        unreserved = [k for k in keys if k not in ("skoldata", "kommundata", "vinga")]
        ending = set(rng.sample(unreserved, 3))
        rows = []
        for number, key in enumerate(keys, start=1):
            spec = self.vendor_specs[key]
            personal = any(s.personal_data for s in by_vendor[key])
            notice = rng.choice([3, 3, 6, 6, 12]) if key not in ending else rng.choice([3, 6])
            starts = self.days_ago(200, 2500)
            if key in ending:
                ends = self.today + datetime.timedelta(days=rng.randint(20, notice * 28 - 10))
            elif rng.random() < 0.2:
                ends = None
            else:
                ends = self.today + datetime.timedelta(days=notice * 31 + rng.randint(120, 1400))
            short = spec.name.replace(" AB", "").replace(" Oyj", "").replace(" Inc.", "")
            name = f"Licens- och tjänsteavtal {short}{sfx}"
            dpa = starts + datetime.timedelta(days=rng.randint(0, 60)) if personal else None
            dpa = min(dpa, self.today) if dpa else None
            subprocessors = (
                "\n".join(sorted(rng.sample(SUBPROCESSOR_LINES, rng.randint(1, 3)))) if dpa else ""
            )
            if key in ("skoldata", "kommundata"):
                dpa, subprocessors = None, ""
                m.contracts_without_dpa.append(name)
                m.vendors_without_dpa.append(spec.name)
            if key == "vinga":
                subprocessors = ""
                m.contracts_without_subprocessors.append(name)
                m.vendors_without_subprocessors.append(spec.name)
            if key in ending:
                m.contracts_within_notice_period.append(name)
            rows.append(
                Contract(
                    name=name,
                    vendor=self.vendors[key],
                    procurement_reference=f"UH-{self.year - rng.randint(1, 6)}-{number:03d}",
                    starts_on=starts,
                    ends_on=ends,
                    notice_months=notice,
                    annual_value=Decimal(rng.randrange(20, 4000) * 1000),
                    dpa_signed_on=dpa,
                    subprocessors=subprocessors,
                )
            )
        contracts = dict(zip(keys, self.save(Contract, rows), strict=True))
        apps, lrs = [], []
        for key, items in by_vendor.items():
            for s in items:
                if s.model == "app":
                    apps.append(_Row(contract_id=contracts[key].pk, service_id=s.obj.pk))
                else:
                    lrs.append(_Row(contract_id=contracts[key].pk, service_id=s.obj.pk))
        self.save(ContractService, apps + lrs)
        return contracts

    # -- processing activities -------------------------------------------------------------

    def build_activities(self, copy, sfx, services, people, contracts) -> list[dict]:
        rng = self.rng
        m = self.manifest
        active_people = people[:-3]
        plans = []  # dicts of field values plus planning keys

        def plan(name, controller, template=None, **fields):
            entry = {
                "name": name + sfx,
                "controller": self.boards.get(controller),
                "purposes": "",
                "data_subject_categories": [],
                "personal_data_categories": "",
                "recipients": "",
                "retention_period": rng.choice(
                    ["2 år efter avslutad skolgång", "5 år", "1 år", "3 år efter beslut"]
                ),
                "retention_criteria": "Gallras när uppgifterna inte längre behövs för ändamålet.",
                "retention_decision": (
                    f"Dokumenthanteringsplan {controller.upper()} "
                    f"{self.year - rng.randint(1, 5)}:{rng.randint(1, 40)}"
                ),
                "security_measures": SECURITY_MEASURES,
                "legal_basis": LegalBasis.PUBLIC_TASK,
                "legal_basis_law": "skollagen (2010:800); lag (2018:218) 2 kap. 2 §",
                "special_categories": [],
                "special_category_condition": "",
                "status": ActivityStatus.ACTIVE,
                "responsible": rng.choice(active_people),
                "last_reviewed_on": self.days_ago(5, 330),
                "last_reviewed_by": self.reviewer,
                # Changed well before any DPIA (started at most 900 days ago) and any information.
                "content_changed_on": self.days_ago(901, 1300),
                "information_reference": "https://www.mittkoping.se/dataskydd/" + controller,
                "information_updated_on": self.days_ago(30, 600),
                "external_id": "",
                "_services": [],
                "_dpia": "auto",
                "_transfers": "auto",
                "_defects": set(),
            }
            entry.update(fields)
            plans.append(entry)
            return entry

        in_use_personal = [s for s in services if s.in_use and s.personal_data and not s.no_record]
        by_capability: dict[str, list[_Service]] = defaultdict(list)
        for s in in_use_personal:
            for capability in s.capabilities:
                by_capability[capability].append(s)
        template_entries: dict[str, list[dict]] = defaultdict(list)
        for template in N.ACTIVITY_TEMPLATES:
            for qualifier, controller in template.qualifiers:
                name = f"{template.name} {qualifier}".strip() if qualifier else template.name
                entry = plan(
                    name,
                    controller,
                    purposes=template.purpose,
                    data_subject_categories=list(template.subjects),
                    data_subject_description=subject_labels(template.subjects),
                    personal_data_categories=template.data,
                    recipients=template.recipients,
                    legal_basis=template.basis,
                    legal_basis_law=template.law,
                    special_categories=list(template.special),
                    special_category_condition=template.condition,
                    criminal_offence_data="criminal" in template.flags,
                    involves_children="elever" in template.subjects,
                    personal_identity_numbers="pnr" in template.flags,
                    personal_identity_number_need=(
                        "Entydig identifiering krävs för rapportering till myndigheter och hemkommun."
                        if "pnr" in template.flags
                        else ""
                    ),
                    protected_identity="protected" in template.flags,
                    protected_identity_routine=(
                        "Rutin för skyddade personuppgifter BUF 2023: uppgifter om sekretessmarkerade elever "
                        "hanteras endast av särskilt utsedd personal och exporteras aldrig till lärresurser."
                        if "protected" in template.flags
                        else ""
                    ),
                    large_scale="large" in template.flags,
                    combines_datasets="combines" in template.flags,
                )
                entry["_template"] = template
                template_entries[template.name].append(entry)
        # Every in-use personal-data service appears in one or two records of its capabilities.
        candidates_by_key: dict[tuple, list[dict]] = {}
        for s in in_use_personal:
            key = (s.model, s.capabilities)
            if key not in candidates_by_key:
                candidates_by_key[key] = [
                    e
                    for t in N.ACTIVITY_TEMPLATES
                    for e in template_entries[t.name]
                    if set(t.capabilities) & set(s.capabilities)
                    or (s.model == "lr" and t.shares_learning_resources)
                ]
            candidates = candidates_by_key[key]
            for entry in rng.sample(candidates, min(2, len(candidates))):
                entry["_services"].append(s)

        def named(name):
            return next(s for s in services if s.name == name + sfx)

        pupils = ["elever", "vardnadshavare"]
        dedicated = {
            "consent": plan(
                "Skolfotografering och skolkatalog",
                "bun",
                purposes="Fotografera elever för skolkatalog, elevkort och skolans webbplats.",
                data_subject_categories=pupils,
                personal_data_categories="Namn, klass och porträttbild",
                recipients="Anlitad skolfotograf",
                legal_basis=LegalBasis.CONSENT,
                legal_basis_law="",
                involves_children=True,
            ),
            "biometric": plan(
                "Inpassering med fingeravtryck i skolrestaurangen",
                "bun",
                purposes="Kontrollera att endast skolans elever äter i skolrestaurangen.",
                data_subject_categories=["elever"],
                personal_data_categories="Namn, klass och fingeravtrycksmall",
                recipients="Kostenheten",
                special_categories=["biometriska"],
                special_category_condition="a",
                involves_children=True,
            ),
            "monitoring": plan(
                "Kamerabevakning av skolgårdar",
                "bun",
                purposes="Förebygga skadegörelse och inbrott på skolgårdar och i entréer.",
                data_subject_categories=["elever", "personal", "ovriga"],
                personal_data_categories="Bild- och filmupptagningar",
                recipients="Polisen vid begäran",
                legal_basis_law="kamerabevakningslagen (2018:1200) 7 §",
                systematic_monitoring=True,
                involves_children=True,
                monitoring_areas="Skolgårdar och huvudentréer",
                monitoring_around_the_clock=True,
                monitoring_access=(
                    "Säkerhetssamordnaren ser inspelat material efter incident; ingen direktsändning."
                ),
                monitoring_retention_days=7,
            ),
            "profiling": plan(
                "Frånvaroprognoser och tidiga insatser",
                "bun",
                purposes="Förutse vilka elever som riskerar problematisk frånvaro och sätta in stöd tidigt.",
                data_subject_categories=["elever"],
                personal_data_categories="Närvaro, betyg, stödinsatser och riskpoäng",
                recipients="Elevhälsan och rektor",
                profiling=True,
                involves_children=True,
                combines_datasets=True,
                _dpia="completed",
            ),
            "automated_clean": plan(
                "Automatisk placering i förskolekö",
                "bun",
                purposes="Placera barn i förskola efter köordning, syskonförtur och önskemål.",
                data_subject_categories=pupils,
                personal_data_categories="Namn, personnummer, ködatum och önskemål",
                recipients="Vårdnadshavare",
                automated_decisions=True,
                involves_children=True,
                automated_decision_assessment="Beslutet följer fastställda köregler; handläggare granskar "
                "erbjudande och vårdnadshavare kan begära omprövning.",
                personal_identity_numbers=True,
                personal_identity_number_need="Entydig identifiering mot folkbokföringen.",
            ),
            "joint_clean": plan(
                "Elevhälsans samverkan med Region Mittland",
                "bun",
                purposes="Samordna elevhälsans och regionens insatser för elever med psykisk ohälsa.",
                data_subject_categories=["elever"],
                personal_data_categories="Namn, hälsouppgifter och insatser",
                recipients="Region Mittland",
                joint_controller="Region Mittland",
                joint_arrangement="Överenskommelse BUN 2024:7 om fördelning av ansvar och kontaktpunkt.",
                special_categories=["halsa"],
                special_category_condition="h",
                involves_children=True,
                legal_basis_law="skollagen (2010:800) 2 kap. 25 §; hälso- och sjukvårdslagen",
            ),
            # The register practises what it checks: its own processing of people's data (Art. 30).
            "register": plan(
                "Systemkartan: förvaltning av system och registerförteckning",
                "bun",
                purposes=(
                    "Hålla förteckningen över system, lärresurser och behandlingar aktuell: vem som äger, "
                    "förvaltar och ansvarar för vad, och vem som ändrade vad och när (spårbarhet)."
                ),
                data_subject_categories=["personal"],
                data_subject_description="Personal med roller i förvaltningen; användare av systemkartan",
                personal_data_categories=(
                    "Namn, e-postadress, titel, roller, inloggningsnamn och ändringshistorik"
                ),
                recipients="Behörig personal inom förvaltningen",
                retention_period="2 år efter att personens sista roll upphört",
                retention_criteria=(
                    "Personer utan roll, ansvar eller inloggning pseudonymiseras automatiskt efter "
                    "gallringsfristen, även i historiken."
                ),
                legal_basis_law="lag (2018:218) 2 kap. 2 §; kommunallagen (2017:725) 6 kap. 6 §",
            ),
            "joint": plan(
                "Ungdomsmottagningens skolbesök",
                "bun",
                purposes="Boka och genomföra ungdomsmottagningens besök i årskurs 8 och gymnasiet.",
                data_subject_categories=["elever"],
                personal_data_categories="Namn och klass",
                recipients="Region Mittland",
                joint_controller="Region Mittland",
                involves_children=True,
            ),
            "no_transfer": plan(
                "Glosträning med Quizlet",
                "bun",
                purposes="Låta elever öva glosor i moderna språk och engelska med digitala kort.",
                data_subject_categories=["elever", "personal"],
                personal_data_categories="Namn, e-post och resultat",
                recipients="Quizlet Inc.",
                involves_children=True,
                _transfers="none",
                _services=[named("Quizlet")],
            ),
            "no_mechanism": plan(
                "Digitala anslagstavlor med Padlet",
                "bun",
                purposes="Samla elevernas inlägg och bilder på gemensamma digitala anslagstavlor.",
                data_subject_categories=["elever", "personal"],
                personal_data_categories="Namn, inlägg och bilder",
                recipients="Wallwisher Inc.",
                involves_children=True,
                _transfers="no_mechanism",
                _services=[named("Padlet")],
            ),
            "dpf": plan(
                "Filmade genomgångar med Edpuzzle",
                "gvn",
                purposes="Visa filmade genomgångar med inbyggda frågor och följa elevernas svar.",
                data_subject_categories=["elever", "personal"],
                personal_data_categories="Namn, svar och visningsstatistik",
                recipients="Edpuzzle Inc.",
                involves_children=True,
                _transfers="dpf",
                _services=[named("Edpuzzle")],
            ),
            "scc": plan(
                "Matematikträning med Khan Academy",
                "bun",
                purposes="Låta elever öva matematik i egen takt med filmer och övningar.",
                data_subject_categories=["elever", "personal"],
                personal_data_categories="Namn, e-post och resultat",
                recipients="Khan Academy Inc.",
                involves_children=True,
                _transfers="scc_no_tia",
                _services=[named("Khan Academy")],
            ),
        }
        dedicated["consent"]["_defects"].add("consent")
        m.activities_consent_from_pupils.append(dedicated["consent"]["name"])
        m.activities_biometric_or_monitoring_pupils.extend(
            [dedicated["biometric"]["name"], dedicated["monitoring"]["name"]]
        )
        dedicated["biometric"]["_dpia"] = "completed"
        dedicated["monitoring"]["_dpia"] = "completed"
        m.activities_monitoring_unlimited.append(dedicated["monitoring"]["name"])
        m.activities_automated_without_assessment.append(dedicated["profiling"]["name"])
        m.activities_joint_controller_without_arrangement.append(dedicated["joint"]["name"])
        m.activities_us_processor_without_transfer.append(dedicated["no_transfer"]["name"])
        m.activities_transfer_without_mechanism.append(dedicated["no_mechanism"]["name"])
        m.activities_dpf_vendor_not_listed.append(dedicated["dpf"]["name"])
        m.activities_scc_without_tia.append(dedicated["scc"]["name"])
        for key in (
            "consent",
            "biometric",
            "monitoring",
            "profiling",
            "joint",
            "no_transfer",
            "no_mechanism",
            "dpf",
            "scc",
        ):
            dedicated[key]["_defects"].add(key)

        # --- planted defects on generated records, each record carrying one ---
        generated = [e for e in plans if "_template" in e and e["controller"] is not self.boards["kf"]]
        rng.shuffle(generated)

        def pick(count, predicate=lambda e: True):
            chosen = [e for e in generated if predicate(e)][:count]
            for e in chosen:
                generated.remove(e)
                e["_defects"].add("planted")
            return [e for e in chosen]

        needs_dpia = lambda e: self._dpia_required(e)  # noqa: E731
        for e in pick(3):
            e["legal_basis"], e["legal_basis_law"] = "", ""
            m.activities_without_legal_basis.append(e["name"])
        for e in pick(1):
            e["legal_basis"] = LegalBasis.LEGITIMATE_INTERESTS
            m.activities_legitimate_interest.append(e["name"])
        for e in pick(2, lambda e: e["special_categories"]):
            e["special_category_condition"] = ""
            m.activities_special_categories_without_condition.append(e["name"])
        for e, how in zip(
            pick(2, lambda e: e["special_categories"] and needs_dpia(e)), ("none", "in_progress"), strict=True
        ):
            e["_dpia"] = how
            m.activities_dpia_required_not_done.append(e["name"])
        for e in pick(1, lambda e: e["involves_children"] and not needs_dpia(e)):
            e["large_scale"], e["_dpia"] = True, "none"
            m.activities_dpia_required_not_done.append(e["name"])
        for e in pick(1, needs_dpia):
            e["_dpia"] = "high_risk"
            m.activities_high_risk_without_consultation.append(e["name"])
        for e in pick(2, lambda e: e["protected_identity"]):
            e["protected_identity_routine"] = ""
            m.activities_protected_identity_without_routine.append(e["name"])
        for e in pick(2):
            e["retention_period"] = e["retention_criteria"] = e["retention_decision"] = ""
            m.activities_without_retention.append(e["name"])
        for e in pick(2):
            e["security_measures"] = ""
            m.activities_without_security_measures.append(e["name"])
        for e in pick(4):
            e["last_reviewed_on"] = self.days_ago(400, 1400)
            m.activities_stale.append(e["name"])
        for e in pick(2):
            e["last_reviewed_on"], e["last_reviewed_by"] = None, None
            m.activities_never_reviewed.append(e["name"])
        for e in pick(2, lambda e: e["personal_identity_numbers"]):
            e["personal_identity_number_need"] = ""
            m.activities_personnummer_without_need.append(e["name"])
        for e, purpose in zip(pick(2), ("", "Administration"), strict=True):
            e["purposes"] = purpose
            m.activities_without_purpose.append(e["name"])
        for index, e in enumerate(pick(2)):
            if index == 0:
                e["data_subject_categories"], e["involves_children"] = [], False
            else:
                e["personal_data_categories"] = ""
            m.activities_without_categories.append(e["name"])
        for e in pick(1):
            e["recipients"] = ""
            m.activities_without_recipients.append(e["name"])
        for e in pick(1):
            e["controller"], e["status"] = None, ActivityStatus.DRAFT
            m.activities_without_controller.append(e["name"])
        for index, e in enumerate(pick(3)):
            if index == 0:
                e["information_reference"] = ""
            else:  # the record changed after its information was last updated
                e["information_updated_on"] = e["content_changed_on"] - datetime.timedelta(days=30)
            m.activities_data_subjects_not_informed.append(e["name"])
        for index, e in enumerate(pick(2, lambda e: e["_dpia"] == "auto" and needs_dpia(e))):
            e["_dpia"] = "inadequate" if index == 0 else "auto"
            if index == 1:  # completed long ago, the processing changed since
                e["content_changed_on"] = e["information_updated_on"] = self.days_ago(1, 20)
            m.activities_dpia_inadequate.append(e["name"])
        # Many real registers cite a whole law ("skollagen") where Art. 6.3 asks for the provision.
        for e in plans:
            if e["legal_basis"] in (LegalBasis.LEGAL_OBLIGATION, LegalBasis.PUBLIC_TASK) and not (
                names_a_provision(e["legal_basis_law"])
            ):
                e["_defects"].add("provision")
                m.activities_legal_basis_provision_missing.append(e["name"])
        kf = self.boards["kf"]
        m.activities_of_boards_without_dpo.extend(e["name"] for e in plans if e["controller"] is kf)
        reserved_vendors = {"skoldata", "kommundata"}
        for e in plans:
            if any(s.vendor in reserved_vendors or s.vendor == "vinga" for s in e["_services"]):
                e["_defects"].add("processor")
            pupils = e.get("involves_children") or "elever" in e["data_subject_categories"]
            if pupils or e["special_categories"]:
                self.sensitive_vendor_keys.update(s.vendor for s in e["_services"])
        m.clean_activities.extend(e["name"] for e in plans if not e["_defects"] and e["controller"] is not kf)

        # --- write ---
        model_fields = {f.name for f in ProcessingActivity._meta.concrete_fields}
        rows = [ProcessingActivity(**{k: v for k, v in e.items() if k in model_fields}) for e in plans]
        for row, e in zip(self.save(ProcessingActivity, rows), plans, strict=True):
            e["obj"] = row
        app_links, lr_links, transfers, dpias = [], [], [], []
        for e in plans:
            seen = set()
            for s in e["_services"]:
                if id(s) in seen:
                    continue
                seen.add(id(s))
                if s.model == "app":
                    app_links.append(_Row(processing_activity_id=e["obj"].pk, service_id=s.obj.pk))
                else:
                    lr_links.append(_Row(processing_activity_id=e["obj"].pk, service_id=s.obj.pk))
            transfers.extend(self._transfers(e))
            dpia = self._dpia(e)
            if dpia is not None:
                dpias.append(dpia)
        self.save(ProcessingActivityService, app_links + lr_links)
        self.save(Transfer, transfers)
        self.save(Dpia, dpias)
        return plans

    @staticmethod
    def _dpia_required(e: dict) -> bool:
        """The EDPB/IMY test: two or more criteria (pupils count as vulnerable), or an Art. 35(3) case."""
        criteria = [
            e.get("profiling", False),
            e.get("automated_decisions", False),
            e.get("systematic_monitoring", False),
            bool(e["special_categories"]) or e.get("criminal_offence_data", False),
            e.get("large_scale", False),
            e.get("combines_datasets", False),
            e.get("involves_children", False) or "elever" in e["data_subject_categories"],
            e.get("innovative_technology", False),
        ]
        return sum(bool(c) for c in criteria) >= 2

    def _dpia(self, e: dict) -> Dpia | None:
        how = e["_dpia"]
        if how == "auto":
            how = "completed" if self._dpia_required(e) else "none"
        if how == "none":
            return None
        started = self.days_ago(200, 900)
        if how == "inadequate":  # a completed assessment with only a summary: existence is not enough
            return Dpia(
                processing_activity=e["obj"],
                status=DpiaStatus.COMPLETED,
                started_on=started,
                completed_on=started + datetime.timedelta(days=30),
                residual_risk=ResidualRisk.MEDIUM,
                summary="Riskerna bedöms som hanterbara.",
            )
        if how == "in_progress":
            return Dpia(
                processing_activity=e["obj"],
                status=DpiaStatus.IN_PROGRESS,
                started_on=started,
                summary="Bedömningen pågår.",
            )
        completed = min(self.today, started + datetime.timedelta(days=self.rng.randint(20, 120)))
        risk = (
            ResidualRisk.HIGH
            if how == "high_risk"
            else self.rng.choice([ResidualRisk.LOW, ResidualRisk.MEDIUM])
        )
        return Dpia(
            processing_activity=e["obj"],
            status=DpiaStatus.COMPLETED,
            started_on=started,
            completed_on=completed,
            residual_risk=risk,
            summary="Riskerna har bedömts och åtgärder beslutats; se bilaga.",
            processing_description=f"{e['purposes']} Uppgifter: {e['personal_data_categories']}.",
            necessity_assessment=(
                "Behandlingen är nödvändig för uppgiften; mindre ingripande alternativ har prövats."
            ),
            risk_assessment="Obehörig åtkomst, felaktiga uppgifter och röjande av skyddade personuppgifter.",
            risk_measures=SECURITY_MEASURES,
            dpo_opinion="Dataskyddsombudet tillstyrker med de beslutade åtgärderna.",
            dpo_consulted_on=completed,
        )

    def build_security_reviews(self) -> None:
        """A review of every processor of pupils' or sensitive data, but three planted gaps."""
        keys = sorted(self.sensitive_vendor_keys)
        never, old, rejected = self.rng.sample(keys, 3)
        rows = []
        for key in keys:
            if key == never:
                continue
            outcome = SecurityReviewOutcome.REJECTED if key == rejected else SecurityReviewOutcome.APPROVED
            rows.append(
                ProcessorSecurityReview(
                    vendor=self.vendors[key],
                    reviewed_on=self.days_ago(400, 700) if key == old else self.days_ago(10, 300),
                    outcome=outcome,
                    reference=f"Säkerhetsgranskning BUF {self.year}:{len(rows) + 1}",
                )
            )
        self.save(ProcessorSecurityReview, rows)
        self.manifest.vendors_security_not_reviewed.extend(
            sorted(self.vendors[key].name for key in (never, old, rejected))
        )

    def build_breaches(self) -> None:
        """A year of the breaches schools report, at fixed offsets before the seed instant.

        Kinds from IMY's reports on breaches in schools: e-mail to the wrong recipients, a lost
        unencrypted USB stick, a platform exposing grades, a protected identity shown in a
        timetable. Two are notified late without reasons, one high-risk breach was never
        communicated, and one, discovered 30 hours before the seed, is open with its clock running.
        """
        m = self.manifest
        now = self.writer.now
        hours = datetime.timedelta(hours=1)
        days = datetime.timedelta(days=1)
        entries = self.first_activities

        def activity(prefix: str) -> dict:
            return next(e for e in entries if e["name"].startswith(prefix) and e["controller"] is not None)

        def vendor_of(entry: dict):
            keys = sorted({s.vendor for s in entry["_services"] if s.vendor})
            return self.vendors[keys[0]] if keys else None

        guardians = activity("Kommunikation med vårdnadshavare")
        support = activity("Särskilt stöd och åtgärdsprogram")
        platform = activity("Undervisning i lärplattform")
        timetable = activity("Schemaläggning")
        attendance = activity("Närvarorapportering")
        common = {"reported_by": self.user, "status": BreachStatus.CLOSED}
        plans = [
            (
                Breach(
                    title="Klasslista e-postad till fel vårdnadshavare",
                    description="En lärare skickade klasslistan med elevernas namn, personnummer och "
                    "vårdnadshavares telefonnummer till vårdnadshavarna i en annan klass.",
                    occurred_at=now - 301 * days,
                    discovered_at=now - 300 * days,
                    reported_internally_at=now - 300 * days + 2 * hours,
                    data_subject_categories=["elever", "vardnadshavare"],
                    subjects_approx=27,
                    records_approx=27,
                    personal_data_categories="Namn, personnummer, telefonnummer",
                    consequences="Obehöriga vårdnadshavare fick del av personnummer och kontaktuppgifter.",
                    measures="Mottagarna ombads radera e-posten; utskick av klasslistor görs nu från "
                    "lärplattformen till klassens vårdnadshavare.",
                    risk=BreachRisk.RISK,
                    risk_reasoning="Personnummer till ett trettiotal obehöriga, ingen känslig uppgift.",
                    imy_notified_at=now - 300 * days + 30 * hours,
                    imy_reference=f"IMY-{self.year - 1}-1042",
                    **common,
                ),
                guardians,
                None,
            ),
            (
                Breach(
                    title="Förlorat okrypterat USB-minne med åtgärdsprogram",
                    description="En specialpedagog tappade ett okrypterat USB-minne med åtgärdsprogram "
                    "och pedagogiska utredningar.",
                    occurred_at=now - 205 * days,
                    discovered_at=now - 203 * days,
                    reported_internally_at=now - 203 * days + 20 * hours,
                    data_subject_categories=["elever"],
                    subjects_approx=40,
                    records_approx=55,
                    personal_data_categories="Namn, personnummer, kartläggningar och åtgärdsprogram",
                    consequences="Uppgifter om elevers svårigheter kan spridas; risk för kränkning.",
                    measures="USB-minnen förbjudna för elevuppgifter; krypterade lagringsytor införda.",
                    risk=BreachRisk.HIGH,
                    risk_reasoning="Integritetskänsliga uppgifter om barn, okrypterade.",
                    imy_notified_at=now - 203 * days + 90 * hours,
                    imy_reference=f"IMY-{self.year - 1}-2211",
                    subjects_informed_at=now - 200 * days,
                    subjects_informed_how="Brev till vårdnadshavarna och samtal med eleverna.",
                    **common,
                ),
                support,
                None,
            ),
            (
                Breach(
                    title="Lärplattformens API exponerade betyg",
                    description="Ett öppet API i lärplattformen lämnade ut elevers betyg och omdömen till "
                    "inloggade användare på andra skolor.",
                    occurred_at=now - 130 * days,
                    discovered_at=now - 121 * days,
                    reported_internally_at=now - 121 * days + 1 * hours,
                    data_subject_categories=["elever"],
                    subjects_approx=1200,
                    records_approx=5400,
                    personal_data_categories="Namn, klass, betyg och omdömen",
                    consequences="Betyg och omdömen kan ha lästs av obehöriga.",
                    measures="Leverantören stängde API:t; loggar granskade; säkerhetsgranskning beställd.",
                    risk=BreachRisk.HIGH,
                    risk_reasoning="Stort antal barn; uppgifter om prestationer.",
                    imy_notified_at=now - 121 * days + 50 * hours,
                    imy_reference=f"IMY-{self.year}-0318",
                    **common,
                ),
                platform,
                vendor_of(platform),
            ),
            (
                Breach(
                    title="Skyddad identitet visades i schemat",
                    description="En elev med skyddade personuppgifter visades med namn, klass och "
                    "skolans lokaler i det publika schemat.",
                    occurred_at=now - 64 * days,
                    discovered_at=now - 62 * days,
                    reported_internally_at=now - 62 * days,
                    data_subject_categories=["elever"],
                    subjects_approx=1,
                    records_approx=1,
                    personal_data_categories="Namn, klass, var eleven befinner sig under skoldagen",
                    protected_identity=True,
                    consequences="Elevens vistelseort kan ha röjts för den som eleven skyddas mot.",
                    measures="Schemat avpublicerat; sekretessmarkering förs nu över till schemasystemet.",
                    risk=BreachRisk.HIGH,
                    risk_reasoning="Skyddad identitet: fara för elevens säkerhet.",
                    imy_notified_at=now - 62 * days + 80 * hours,
                    imy_reference=f"IMY-{self.year}-0902",
                    delay_reason="Upptäckten gjordes en fredag kväll och rektor nåddes först på måndagen; "
                    "skyddet av eleven prioriterades före anmälan.",
                    subjects_informed_at=now - 62 * days + 6 * hours,
                    subjects_informed_how="Vårdnadshavaren informerades personligen av rektor.",
                    **common,
                ),
                timetable,
                None,
            ),
            (
                Breach(
                    title="Närvarolistor kvarglömda i klassrum",
                    description="Utskrivna närvarolistor låg kvar i ett låst klassrum över en helg.",
                    occurred_at=now - 40 * days - 3 * hours,
                    discovered_at=now - 40 * days,
                    reported_internally_at=now - 40 * days,
                    data_subject_categories=["elever"],
                    subjects_approx=24,
                    records_approx=24,
                    personal_data_categories="Namn och närvaro",
                    consequences="Ingen känd spridning.",
                    measures="Listorna förstörda; utskrift av närvaro avrådd.",
                    risk=BreachRisk.NO_RISK,
                    risk_reasoning="Låst rum, inga känsliga uppgifter, ingen obehörig åtkomst.",
                    not_notified_reason="Osannolikt att incidenten medför en risk (art. 33.1).",
                    **common,
                ),
                attendance,
                None,
            ),
            (
                Breach(
                    title="Inlämningar synliga för elever på andra skolor",
                    description="Elever rapporterar att de ser andra skolors inlämningar i lärplattformen.",
                    discovered_at=now - 30 * hours,
                    reported_internally_at=now - 29 * hours,
                    data_subject_categories=["elever"],
                    reported_by=self.user,
                    status=BreachStatus.OPEN,
                ),
                platform,
                vendor_of(platform),
            ),
        ]
        breaches = []
        for breach, _entry, vendor in plans:
            breach.vendor = vendor
            breaches.append(breach)
        self.save(Breach, breaches)
        links = [
            _Row(breach_id=breach.pk, processing_activity_id=entry["obj"].pk)
            for breach, entry, _vendor in plans
        ]
        self.save(BreachProcessingActivity, links)
        # Each breach names the service it happened in: the first of its activity's services.
        service_links = [
            _Row(breach_id=breach.pk, service_id=entry["_services"][0].obj.pk)
            for breach, entry, _vendor in plans
            if entry["_services"]
        ]
        self.save(BreachService, service_links)
        m.breaches = [b.title for b in breaches]
        m.breaches_notified_late = [breaches[1].title]
        m.breach_clock_running = breaches[5].title
        m.breaches_subjects_not_informed = [breaches[2].title]
        m.breaches_undocumented = [breaches[5].title]
        m.breach_activity_names = sorted({entry["name"] for _b, entry, _v in plans})
        open_vendor = breaches[5].vendor
        if open_vendor is not None and open_vendor.name not in m.vendors_security_not_reviewed:
            m.vendors_security_not_reviewed.append(open_vendor.name)
            m.vendors_security_not_reviewed.sort()

    def _transfers(self, e: dict) -> list[Transfer]:
        how = e["_transfers"]
        if how == "none":
            return []
        vendors = {}
        for s in e["_services"]:
            spec = self.vendor_specs[s.vendor]
            if is_third_country(spec.country):
                vendors[spec.key] = spec
        if not vendors:
            return []
        rows = []
        # The DPF may only carry a transfer when every American vendor in the record is listed, or the
        # DPF line would speak for an unlisted one too: use clauses with an assessment instead.
        all_listed = all(v.dpf_listed for v in vendors.values() if v.country == "US")
        for spec in sorted(vendors.values(), key=lambda v: v.key):
            if how == "no_mechanism":
                mechanism, tia = "", False
            elif how == "dpf":
                mechanism, tia = TransferMechanism.DPF, False
            elif how == "scc_no_tia":
                mechanism, tia = TransferMechanism.SCC, False
            elif spec.country == "US" and spec.dpf_listed and all_listed:
                mechanism, tia = TransferMechanism.DPF, False
            elif spec.country in ADEQUACY_COUNTRIES:
                mechanism, tia = TransferMechanism.ADEQUACY, False
            else:
                mechanism, tia = TransferMechanism.SCC, True
            rows.append(
                Transfer(
                    processing_activity=e["obj"],
                    country=spec.country,
                    recipient=spec.name,
                    mechanism=mechanism,
                    tia_done=tia,
                )
            )
        return rows
