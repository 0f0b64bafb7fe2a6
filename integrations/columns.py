"""The documented header mapping of the spreadsheet import, one :class:`KindSpec` per kind.

A municipality's inventory arrives with Swedish or English headers ("Systemnamn"/"Name",
"Leverantör"/"Vendor" …). Each column maps to one field of the *same* Form the web UI uses
(``portfolio/forms.py``, ``gdpr/forms.py``), or to one of a few extra columns that the importer
writes through another Form (a "Systemägare" becomes a ``Person`` and a ``RoleAssignment``).
``docs/import.md`` documents every header listed here, and a test checks that it does.
"""

from dataclasses import dataclass, field

from django.db import models
from django.utils.translation import gettext_lazy as _

from gdpr.choices import (
    ActivityStatus,
    DataSubjectCategory,
    LegalBasis,
    SpecialCategory,
    SpecialCategoryCondition,
)
from gdpr.forms import ProcessingActivityForm
from gdpr.models import ProcessingActivity
from portfolio.choices import (
    ApprovalStatus,
    AuthenticationMethod,
    CostCategory,
    CostKind,
    Federation,
    Hosting,
    IdentityProvider,
    LearningResourceKind,
    LicenceModel,
    LifecycleStatus,
    MfaSupport,
    Pm3Part,
    Provisioning,
    RoleChoices,
    TimeClassification,
    UserGroup,
)
from portfolio.forms import (
    ApplicationForm,
    ContractForm,
    CostForm,
    LearningResourceForm,
    PersonForm,
    ServiceUsageForm,
)
from portfolio.forms_catalogue import CatalogueProductForm
from portfolio.models import (
    Application,
    CatalogueProduct,
    Contract,
    Cost,
    LearningResource,
    Person,
    ServiceUsage,
)
from portfolio.text import fold, strip_diacritics

__all__ = ["KINDS", "Column", "KindSpec", "header_key"]

#: How a cell is read (see ``integrations.spreadsheets.convert_cell``).
TEXT = "text"
LINES = "lines"  # several values separated by ";" or new lines, stored one per line
CHOICE = "choice"
CHOICES = "choices"  # several codes or labels separated by ";" or ","
DATE = "date"
BOOL = "bool"
DECIMAL = "decimal"
INTEGER = "integer"
COUNTRY = "country"
REF = "ref"  # one related record, found by name, code or external id
REFS = "refs"  # several related records separated by ";"


def header_key(header: object) -> str:
    """How headers are compared: case, accents, spacing, a trailing "*" and ":" do not matter."""
    text = strip_diacritics(fold(str(header or ""))).strip().rstrip("*:").strip()
    return " ".join(text.replace("_", " ").split())


@dataclass(frozen=True)
class Column:
    """One spreadsheet column: the form field it fills, its headers, and how its cells are read.

    ``field`` starting with "_" is an extra column the importer writes through another Form.
    ``ref`` names the register a REF/REFS cell is looked up in.
    """

    field: str
    sv: str
    en: str
    aliases: tuple[str, ...] = ()
    kind: str = TEXT
    choices: type[models.TextChoices] | None = None
    ref: str = ""
    required: bool = False
    help: str = ""

    @property
    def headers(self) -> tuple[str, ...]:
        return (self.sv, self.en, *self.aliases)


@dataclass(frozen=True)
class KindSpec:
    """One kind of spreadsheet: its Form, its columns and how a row finds the record it updates.

    ``match`` says how an existing record is found when the row has no known external id:
    "service" (normalised name and vendor), "activity" (name and controller), "contract"
    (name and vendor), "cost" (target, year, category, kind and PM3 part), "person" (e-mail,
    else name), "catalogue" (name), "usage" (service and school).
    """

    key: str
    label: str
    aliases: tuple[str, ...]
    model: type[models.Model]
    form_class: type
    match: str
    columns: tuple[Column, ...] = field(default_factory=tuple)

    def column_for(self, header: object) -> Column | None:
        key = header_key(header)
        for column in self.columns:
            if key in {header_key(h) for h in column.headers}:
                return column
        return None

    @property
    def required_columns(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.required)

    @property
    def label_text(self) -> str:
        return str(self.label)


EXTERNAL_ID = Column(
    "external_id",
    "Externt id",
    "External ID",
    ("Id", "Externt ID", "External identifier"),
    help=_("Id i källsystemet. Finns det redan uppdateras den posten, annars matchas på namn."),
)

#
# Systems and learning resources share most columns (AbstractService).
#


def _service_columns(name_sv: str, name_aliases: tuple[str, ...]) -> tuple[Column, ...]:
    return (
        Column(
            "name", name_sv, "Name", name_aliases, required=True, help=_("Namnet som används i kommunen.")
        ),
        Column(
            "aliases",
            "Alias",
            "Aliases",
            ("Andra namn",),
            kind=LINES,
            help=_("Andra namn, åtskilda med semikolon."),
        ),
        Column(
            "vendor",
            "Leverantör",
            "Vendor",
            ("Supplier", "Leverantor"),
            kind=REF,
            ref="vendor",
            help=_("Leverantörens namn eller organisationsnummer; en ny leverantör läggs upp."),
        ),
        Column("product", "Produkt", "Product", help=_("Leverantörens produktnamn.")),
        Column("description", "Beskrivning", "Description"),
        Column("url", "Webbadress", "URL", ("Website", "Adress", "Länk"), help=_("https://…")),
        Column(
            "capabilities",
            "Verksamhetsförmågor",
            "Capabilities",
            ("Förmågor", "Förmåga", "Capability"),
            kind=REFS,
            ref="capability",
            help=_("Befintliga förmågor, åtskilda med semikolon: ”Förmåga” eller ”Område › Förmåga”."),
        ),
        Column(
            "organisations",
            "Används av",
            "Used by",
            ("Skolenheter", "Organisationer", "Organisations"),
            kind=REFS,
            ref="organisation",
            help=_(
                "Befintliga organisationer: namn, skolenhetskod eller externt id, åtskilda med semikolon."
            ),
        ),
        Column(
            "user_groups",
            "Användargrupper",
            "User groups",
            ("Målgrupp", "Målgrupper"),
            kind=CHOICES,
            choices=UserGroup,
        ),
        Column(
            "lifecycle_status",
            "Livscykelstatus",
            "Lifecycle status",
            ("Status",),
            kind=CHOICE,
            choices=LifecycleStatus,
        ),
        Column("in_use_from", "I drift från", "In use from", ("Driftstart",), kind=DATE),
        Column("planned_end", "Planerat slut", "Planned end", kind=DATE),
        Column("retired_on", "Avvecklad den", "Retired on", kind=DATE),
        Column(
            "authentication",
            "Inloggningsmetod",
            "Authentication",
            ("Inloggning",),
            kind=CHOICE,
            choices=AuthenticationMethod,
        ),
        Column(
            "identity_provider",
            "Identitetsleverantör",
            "Identity provider",
            ("IdP",),
            kind=CHOICE,
            choices=IdentityProvider,
        ),
        Column("federation", "Federation", "Identity federation", kind=CHOICE, choices=Federation),
        Column(
            "saml_entity_ids",
            "SAML entity ID",
            "SAML entity IDs",
            ("Entity ID", "Entity IDs"),
            kind=LINES,
            help=_("Ett eller flera, åtskilda med semikolon."),
        ),
        Column("provisioning", "Provisionering", "Provisioning", kind=CHOICE, choices=Provisioning),
        Column(
            "mfa",
            "Flerfaktorsinloggning",
            "MFA",
            ("Tvåfaktorsinloggning", "Multi-factor authentication"),
            kind=CHOICE,
            choices=MfaSupport,
        ),
        Column("processes_personal_data", "Behandlar personuppgifter", "Processes personal data", kind=BOOL),
        Column("hosting", "Driftform", "Hosting", kind=CHOICE, choices=Hosting),
        Column(
            "data_location",
            "Datalagring (land)",
            "Data location",
            ("Land för datalagring",),
            kind=COUNTRY,
            help=_("Landskod (SE, IE, US …) eller landets namn."),
        ),
        EXTERNAL_ID,
        Column("notes", "Interna anteckningar", "Notes", ("Anteckningar",)),
        Column(
            "_owner",
            "Systemägare",
            "System owner",
            ("Owner",),
            kind=REF,
            ref="person",
            help=_("Personens e-postadress eller namn; en ny person läggs upp. Läggs till som systemägare."),
        ),
    )


SYSTEMS = KindSpec(
    key="systems",
    label=_("System"),
    aliases=("system", "applications", "application"),
    model=Application,
    form_class=ApplicationForm,
    match="service",
    columns=(
        *_service_columns("Systemnamn", ("Namn", "System", "System name", "Application")),
        Column(
            "management_object",
            "Förvaltningsobjekt",
            "Management object",
            kind=REF,
            ref="management_object",
            help=_("Ett befintligt förvaltningsobjekts namn."),
        ),
        Column(
            "time_classification",
            "TIME-klassning",
            "TIME classification",
            ("TIME",),
            kind=CHOICE,
            choices=TimeClassification,
        ),
    ),
)

LEARNING_RESOURCES = KindSpec(
    key="learning_resources",
    label=_("Lärresurser"),
    aliases=("lärresurser", "larresurser", "learning-resources", "learningresources"),
    model=LearningResource,
    form_class=LearningResourceForm,
    match="service",
    columns=(
        *_service_columns("Lärresurs", ("Namn", "Learning resource", "Titel")),
        Column("kind", "Typ", "Kind", ("Resurstyp", "Type"), kind=CHOICE, choices=LearningResourceKind),
        Column("subjects", "Ämnen", "Subjects", ("Ämne",), kind=LINES, help=_("Åtskilda med semikolon.")),
        Column(
            "school_year_from",
            "Från årskurs",
            "From school year",
            kind=INTEGER,
            help=_("−1 = förskola, 0 = förskoleklass, 1–13."),
        ),
        Column("school_year_to", "Till årskurs", "To school year", kind=INTEGER),
        Column("licence_model", "Licensmodell", "Licence model", kind=CHOICE, choices=LicenceModel),
        Column(
            "approval_status", "Godkännandestatus", "Approval status", kind=CHOICE, choices=ApprovalStatus
        ),
    ),
)

#: Users per school: one row per service and school. A sheet of its own rather than a column per
#: school in the systems sheet, so that the systems and learning resources sheets keep their
#: columns and a municipality with 60 schools does not get 60 columns that change every autumn.
USAGE = KindSpec(
    key="usage",
    label=_("Användning"),
    aliases=("användning", "anvandning", "usage", "användare per skola", "users per school"),
    model=ServiceUsage,
    form_class=ServiceUsageForm,
    match="usage",
    columns=(
        Column(
            "application",
            "System",
            "Application",
            ("Systemnamn",),
            kind=REF,
            ref="application",
            help=_("Systemets namn eller externa id; ange system eller lärresurs på varje rad."),
        ),
        Column(
            "learning_resource",
            "Lärresurs",
            "Learning resource",
            kind=REF,
            ref="learning_resource",
            help=_("Lärresursens namn eller externa id."),
        ),
        Column(
            "organisation",
            "Skola",
            "School",
            ("Skolenhet", "Skolenhetskod", "Organisation", "Enhet"),
            kind=REF,
            ref="organisation",
            required=True,
            help=_(
                "Skolans eller enhetens namn, skolenhetskod eller externa id; den läggs till som användare."
            ),
        ),
        Column(
            "users",
            "Användare",
            "Users",
            ("Antal användare", "Number of users"),
            kind=INTEGER,
            required=True,
            help=_("Antal användare av tjänsten på skolan (angivet, inte mätt)."),
        ),
    ),
)

PROCESSING_ACTIVITIES = KindSpec(
    key="processing_activities",
    label=_("Behandlingar"),
    aliases=("behandlingar", "processing-activities", "ropa", "registerforteckning"),
    model=ProcessingActivity,
    form_class=ProcessingActivityForm,
    match="activity",
    columns=(
        Column("name", "Behandling", "Name", ("Benämning", "Namn", "Processing activity"), required=True),
        Column(
            "controller",
            "Personuppgiftsansvarig",
            "Controller",
            ("PUA",),
            kind=REF,
            ref="organisation",
            help=_("Den ansvariga nämndens namn eller externa id."),
        ),
        Column("joint_controller", "Gemensamt personuppgiftsansvarig", "Joint controller"),
        Column("joint_arrangement", "Arrangemang mellan gemensamt ansvariga", "Joint arrangement"),
        Column(
            "responsible",
            "Ansvarig",
            "Responsible",
            kind=REF,
            ref="person",
            help=_("En befintlig persons e-postadress eller namn."),
        ),
        Column("status", "Status", "Status", kind=CHOICE, choices=ActivityStatus),
        Column("purposes", "Ändamål", "Purposes", ("Purpose",)),
        Column(
            "data_subject_categories",
            "Kategorier av registrerade",
            "Data subject categories",
            ("Registrerade",),
            kind=CHOICES,
            choices=DataSubjectCategory,
        ),
        Column("data_subject_description", "Registrerade, beskrivning", "Data subjects description"),
        Column(
            "personal_data_categories",
            "Kategorier av personuppgifter",
            "Personal data categories",
            ("Personuppgifter",),
        ),
        Column("involves_children", "Rör barn", "Involves children", kind=BOOL),
        Column("personal_identity_numbers", "Personnummer", "Personal identity numbers", kind=BOOL),
        Column(
            "personal_identity_number_need", "Behov av personnummer", "Need for personal identity numbers"
        ),
        Column("protected_identity", "Skyddade personuppgifter", "Protected identity", kind=BOOL),
        Column(
            "protected_identity_routine", "Rutin för skyddade personuppgifter", "Protected identity routine"
        ),
        Column("recipients", "Mottagare", "Recipients"),
        Column("retention_period", "Gallringsfrist", "Retention period"),
        Column("retention_criteria", "Kriterier för gallring", "Retention criteria"),
        Column("retention_decision", "Gallringsbeslut", "Retention decision"),
        Column("security_measures", "Säkerhetsåtgärder", "Security measures"),
        Column(
            "legal_basis",
            "Rättslig grund",
            "Legal basis",
            kind=CHOICE,
            choices=LegalBasis,
            help=_("Bokstaven a–f enligt art. 6.1 eller dess benämning."),
        ),
        Column(
            "legal_basis_law",
            "Författning",
            "Legal basis law",
            ("Lagrum", "Bestämmelse"),
            help=_("Bestämmelsen med kapitel och paragraf, t.ex. skollagen (2010:800) 29 kap. 14 §."),
        ),
        Column("information_reference", "Information till de registrerade", "Information to data subjects"),
        Column(
            "information_updated_on",
            "Informationen uppdaterad",
            "Information updated on",
            kind=DATE,
        ),
        Column(
            "special_categories",
            "Känsliga personuppgifter",
            "Special categories",
            kind=CHOICES,
            choices=SpecialCategory,
        ),
        Column(
            "special_category_condition",
            "Undantag enligt art. 9.2",
            "Article 9(2) condition",
            kind=CHOICE,
            choices=SpecialCategoryCondition,
        ),
        Column("criminal_offence_data", "Lagöverträdelser (art. 10)", "Criminal offence data", kind=BOOL),
        Column("profiling", "Profilering", "Profiling", kind=BOOL),
        Column("automated_decisions", "Automatiserade beslut", "Automated decisions", kind=BOOL),
        Column(
            "automated_decision_assessment",
            "Bedömning av automatiserade beslut",
            "Automated decision assessment",
        ),
        Column("systematic_monitoring", "Systematisk övervakning", "Systematic monitoring", kind=BOOL),
        Column("monitoring_areas", "Bevakade områden", "Monitored areas"),
        Column("monitoring_hours", "Bevakningstider", "Monitoring hours"),
        Column(
            "monitoring_around_the_clock",
            "Bevakning dygnet runt",
            "Monitoring around the clock",
            kind=BOOL,
        ),
        Column(
            "monitoring_around_the_clock_reason",
            "Skäl till bevakning dygnet runt",
            "Reason for monitoring around the clock",
        ),
        Column("monitoring_access", "Åtkomst till bevakningsmaterial", "Access to monitoring material"),
        Column(
            "monitoring_retention_days",
            "Lagringstid för inspelningar (dagar)",
            "Retention of recordings (days)",
            kind=INTEGER,
        ),
        Column("large_scale", "Storskalig behandling", "Large scale", kind=BOOL),
        Column("innovative_technology", "Ny teknik", "Innovative technology", kind=BOOL),
        Column("combines_datasets", "Samkörning av register", "Combines datasets", kind=BOOL),
        Column(
            "applications",
            "System",
            "Systems",
            kind=REFS,
            ref="application",
            help=_("Befintliga system (namn eller externt id), åtskilda med semikolon."),
        ),
        Column(
            "learning_resources",
            "Lärresurser",
            "Learning resources",
            kind=REFS,
            ref="learning_resource",
            help=_("Befintliga lärresurser (namn eller externt id), åtskilda med semikolon."),
        ),
        Column("acts_as_processor", "Nämnden är personuppgiftsbiträde", "Acts as processor", kind=BOOL),
        Column("on_behalf_of", "För personuppgiftsansvarig", "On behalf of"),
        EXTERNAL_ID,
        Column("internal_notes", "Interna anteckningar", "Internal notes", ("Anteckningar",)),
    ),
)

PEOPLE = KindSpec(
    key="people",
    label=_("Personer och roller"),
    aliases=("personer", "people", "roles", "roller", "people-and-roles"),
    model=Person,
    form_class=PersonForm,
    match="person",
    columns=(
        Column("name", "Namn", "Name", ("Person",), required=True),
        Column("email", "E-post", "Email", ("E-mail", "E-postadress", "Mejl")),
        Column("title", "Titel", "Title", ("Befattning",)),
        Column(
            "organisation", "Organisation", "Organization", ("Arbetsplats",), kind=REF, ref="organisation"
        ),
        Column("active", "Aktiv", "Active", kind=BOOL),
        EXTERNAL_ID,
        Column(
            "_role",
            "Roll",
            "Role",
            kind=CHOICE,
            choices=RoleChoices,
            help=_("Rollen personen har; ange också vad den gäller i en av kolumnerna nedan."),
        ),
        Column(
            "_role_management_object",
            "Roll på förvaltningsobjekt",
            "Role on management object",
            kind=REF,
            ref="management_object",
        ),
        Column("_role_application", "Roll på system", "Role on system", kind=REF, ref="application"),
        Column(
            "_role_learning_resource",
            "Roll på lärresurs",
            "Role on learning resource",
            kind=REF,
            ref="learning_resource",
        ),
        Column(
            "_role_organisation", "Roll på organisation", "Role on organisation", kind=REF, ref="organisation"
        ),
        Column("_role_starts_on", "Roll från", "Role from", kind=DATE),
        Column("_role_ends_on", "Roll till", "Role until", kind=DATE),
    ),
)

COSTS = KindSpec(
    key="costs",
    label=_("Kostnader"),
    aliases=("kostnader", "costs", "cost"),
    model=Cost,
    form_class=CostForm,
    match="cost",
    columns=(
        Column(
            "amount",
            "Belopp (kr)",
            "Amount",
            ("Belopp", "Amount (SEK)", "Kostnad"),
            kind=DECIMAL,
            required=True,
            help=_("Kronor; mellanslag som tusentalsavgränsare och decimalkomma går bra."),
        ),
        Column("year", "År", "Year", ("Budgetår",), kind=INTEGER, required=True),
        Column(
            "management_object", "Förvaltningsobjekt", "Management object", kind=REF, ref="management_object"
        ),
        Column("application", "System", "Application", ("Systemnamn",), kind=REF, ref="application"),
        Column("learning_resource", "Lärresurs", "Learning resource", kind=REF, ref="learning_resource"),
        Column("category", "Kategori", "Category", ("Kostnadsslag",), kind=CHOICE, choices=CostCategory),
        Column("kind", "Budget eller utfall", "Budget or outcome", ("Typ",), kind=CHOICE, choices=CostKind),
        Column("pm3_part", "PM3-del", "PM3 part", kind=CHOICE, choices=Pm3Part),
        Column("description", "Beskrivning", "Description"),
        EXTERNAL_ID,
    ),
)

CONTRACTS = KindSpec(
    key="contracts",
    label=_("Avtal"),
    aliases=("avtal", "contracts", "contract"),
    model=Contract,
    form_class=ContractForm,
    match="contract",
    columns=(
        Column("name", "Avtal", "Name", ("Benämning", "Avtalsnamn", "Contract"), required=True),
        Column(
            "vendor",
            "Leverantör",
            "Vendor",
            ("Supplier", "Leverantor"),
            kind=REF,
            ref="vendor",
            help=_("Leverantörens namn eller organisationsnummer; en ny leverantör läggs upp."),
        ),
        Column("applications", "System", "Systems", kind=REFS, ref="application"),
        Column("learning_resources", "Lärresurser", "Learning resources", kind=REFS, ref="learning_resource"),
        Column("procurement_reference", "Upphandlingsreferens", "Procurement reference", ("Diarienummer",)),
        Column("starts_on", "Startdatum", "Start date", ("Avtalsstart",), kind=DATE),
        Column("ends_on", "Slutdatum", "End date", ("Avtalsslut",), kind=DATE),
        Column(
            "notice_months",
            "Uppsägningstid (månader)",
            "Notice period (months)",
            ("Uppsägningstid",),
            kind=INTEGER,
        ),
        Column("annual_value", "Årligt värde (kr)", "Annual value", ("Årligt värde",), kind=DECIMAL),
        Column("licensed_seats", "Antal licenser", "Licensed seats", ("Licenser", "Platser"), kind=INTEGER),
        Column(
            "dpa_signed_on",
            "PUB-avtal undertecknat",
            "DPA signed on",
            ("Personuppgiftsbiträdesavtal undertecknat",),
            kind=DATE,
        ),
        Column(
            "subprocessors",
            "Underbiträden",
            "Sub-processors",
            ("Subprocessors",),
            kind=LINES,
            help=_("Ett per rad eller åtskilda med semikolon: namn (land)."),
        ),
        EXTERNAL_ID,
    ),
)

CATALOGUE = KindSpec(
    key="catalogue",
    label=_("Produktkatalog"),
    aliases=("produktkatalog", "katalog", "catalogue", "product-catalogue", "katalogprodukter"),
    model=CatalogueProduct,
    form_class=CatalogueProductForm,
    match="catalogue",
    columns=(
        Column(
            "name",
            "Produktnamn",
            "Product name",
            ("Katalogprodukt",),
            required=True,
            help=_(
                "Produktens namn som leverantören skriver det nu. Samma namn som en levererad produkt "
                "utökar den."
            ),
        ),
        Column(
            "former_names",
            "Tidigare namn",
            "Former names",
            ("Tidigare produktnamn",),
            kind=LINES,
            help=_("Namn som samma produkt hade förut, åtskilda med semikolon."),
        ),
        Column(
            "aliases",
            "Alias",
            "Aliases",
            ("Andra namn", "Förkortningar"),
            kind=LINES,
            help=_("Förkortningar och andra sätt att skriva namnet, åtskilda med semikolon."),
        ),
        Column(
            "family",
            "Produktfamilj",
            "Product family",
            ("Familj", "Family"),
            help=_("Produkter i samma familj visas för granskning, inte som samma produkt."),
        ),
        Column("vendor_name", "Leverantör", "Vendor", ("Supplier", "Leverantor", "Tillverkare")),
        Column(
            "vendor_orgnr",
            "Organisationsnummer",
            "Organisation number",
            ("Orgnr", "Leverantörens organisationsnummer"),
            help=_("Svenskt organisationsnummer, NNNNNN-NNNN; kontrollsiffran prövas."),
        ),
        Column(
            "domains",
            "Domäner",
            "Domains",
            ("Domän", "Webbadresser"),
            kind=LINES,
            help=_("Registrerbara domäner som skola24.se, åtskilda med semikolon."),
        ),
        Column(
            "saml_entity_ids",
            "SAML entity ID",
            "SAML entity IDs",
            ("Entity ID",),
            kind=LINES,
            help=_("Kända entity ID, åtskilda med semikolon."),
        ),
        Column(
            "separate_qualifiers",
            "Tillägg som är egna produkter",
            "Separate qualifiers",
            ("Egna produkter",),
            kind=LINES,
            help=_("Ord efter produktnamnet som betecknar en egen produkt, åtskilda med semikolon."),
        ),
        Column(
            "capability",
            "Verksamhetsförmåga",
            "Capability",
            ("Förmåga",),
            kind=REF,
            ref="capability",
            help=_("En befintlig förmåga: ”Förmåga” eller ”Område › Förmåga”."),
        ),
        Column("source", "Källa", "Source", ("Källor", "Sources"), help=_("Varifrån uppgifterna kommer.")),
    ),
)

#: Every kind, by key; the order is the order of the template workbook and the docs.
KINDS: dict[str, KindSpec] = {
    spec.key: spec
    for spec in (
        SYSTEMS, LEARNING_RESOURCES, USAGE, PROCESSING_ACTIVITIES, PEOPLE, COSTS, CONTRACTS, CATALOGUE
    )
}


def kind_for(name: str) -> KindSpec | None:
    """The kind called ``name`` (its key, Swedish label or an alias), or None."""
    wanted = header_key(name).replace(" ", "_").replace("-", "_")
    for spec in KINDS.values():
        names = {spec.key, header_key(spec.label_text), *(header_key(a) for a in spec.aliases)}
        if wanted in {n.replace(" ", "_").replace("-", "_") for n in names}:
            return spec
    return None
