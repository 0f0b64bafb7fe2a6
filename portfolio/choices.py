"""The closed vocabularies of the portfolio, with Swedish labels."""

from django.db import models
from django.utils.translation import gettext_lazy as _

__all__ = [
    "AuthenticationMethod",
    "CostCategory",
    "CostKind",
    "Federation",
    "Hosting",
    "IdentityProvider",
    "LearningResourceKind",
    "LicenceModel",
    "LifecycleStatus",
    "MfaSupport",
    "OrganisationKind",
    "Pm3Part",
    "PlanStatus",
    "ApprovalStatus",
    "Provisioning",
    "RoleChoices",
    "SchoolForm",
    "ServiceKind",
    "Severity",
    "TimeClassification",
    "UserGroup",
]


class OrganisationKind(models.TextChoices):
    PRINCIPAL = "huvudman", _("Huvudman")
    BOARD = "namnd", _("Nämnd")
    ADMINISTRATION = "forvaltning", _("Förvaltning")
    UNIT = "enhet", _("Enhet")
    SCHOOL_UNIT = "skolenhet", _("Skolenhet")


class SchoolForm(models.TextChoices):
    PRESCHOOL = "forskola", _("Förskola")
    PRESCHOOL_CLASS = "forskoleklass", _("Förskoleklass")
    COMPULSORY = "grundskola", _("Grundskola")
    COMPULSORY_ADAPTED = "anpassad_grundskola", _("Anpassad grundskola")
    UPPER_SECONDARY = "gymnasieskola", _("Gymnasieskola")
    UPPER_SECONDARY_ADAPTED = "anpassad_gymnasieskola", _("Anpassad gymnasieskola")
    LEISURE = "fritidshem", _("Fritidshem")
    ADULT = "vuxenutbildning", _("Kommunal vuxenutbildning")
    SFI = "sfi", _("Svenska för invandrare")
    OTHER = "annan", _("Annan skolform")


class ServiceKind(models.TextChoices):
    """The two kinds of service the register keeps in one table."""

    APPLICATION = "application", _("System")
    LEARNING_RESOURCE = "learning_resource", _("Lärresurs")


class UserGroup(models.TextChoices):
    PUPILS = "elever", _("Elever")
    GUARDIANS = "vardnadshavare", _("Vårdnadshavare")
    STAFF = "personal", _("Personal")


class LifecycleStatus(models.TextChoices):
    PLANNED = "planerad", _("Planerad")
    IN_USE = "i_drift", _("I drift")
    PHASING_OUT = "under_avveckling", _("Under avveckling")
    RETIRED = "avvecklad", _("Avvecklad")


class AuthenticationMethod(models.TextChoices):
    LOCAL = "lokala_konton", _("Lokala konton")
    SAML = "saml", _("SAML")
    OIDC = "oidc", _("OpenID Connect")
    OAUTH = "oauth", _("OAuth (social inloggning)")
    LDAP = "ldap", _("LDAP/AD")
    NONE = "ingen", _("Ingen inloggning")

    @classmethod
    def single_sign_on(cls) -> frozenset[str]:
        """Methods through which the municipality's or a federation's identity is used."""
        return frozenset({cls.SAML, cls.OIDC})


class IdentityProvider(models.TextChoices):
    MUNICIPAL = "kommunens_idp", _("Kommunens IdP")
    SKOLFEDERATION = "skolfederation", _("Skolfederation")
    ENTRA_ID = "entra_id", _("Microsoft Entra ID")
    GOOGLE = "google", _("Google Workspace")
    BANKID = "bankid", _("BankID/Freja eID")
    VENDOR = "leverantor", _("Leverantörens egen")
    NONE = "ingen", _("Ingen")


class Federation(models.TextChoices):
    SKOLFEDERATION = "skolfederation", _("Skolfederation")
    SWAMID = "swamid", _("SWAMID")
    EDUGAIN = "edugain", _("eduGAIN")
    OTHER = "annan", _("Annan federation")


class Provisioning(models.TextChoices):
    MANUAL = "manuell", _("Manuell")
    FILE = "fil", _("Filöverföring")
    SS12000 = "ss12000", _("SS 12000")
    SCIM = "scim", _("SCIM")
    JUST_IN_TIME = "jit", _("Vid inloggning (just-in-time)")
    NONE = "ingen", _("Ingen")


class MfaSupport(models.TextChoices):
    UNKNOWN = "okant", _("Okänt")
    NOT_SUPPORTED = "saknas", _("Stöds inte")
    OPTIONAL = "valfritt", _("Valfritt")
    REQUIRED = "krav", _("Krävs")


class Hosting(models.TextChoices):
    ON_PREMISES = "egen_drift", _("Egen drift")
    VENDOR = "leverantorsdrift", _("Leverantörsdrift")
    SAAS = "saas", _("Molntjänst (SaaS)")
    CLOUD = "moln_iaas", _("Molnplattform (IaaS/PaaS)")


class TimeClassification(models.TextChoices):
    """Gartner's TIME model for application portfolio decisions."""

    TOLERATE = "tolerate", _("Tolerera")
    INVEST = "invest", _("Investera")
    MIGRATE = "migrate", _("Migrera")
    ELIMINATE = "eliminate", _("Avveckla")


class LearningResourceKind(models.TextChoices):
    TEXTBOOK = "digital_larobok", _("Digitalt läromedel")
    APP = "app", _("App")
    PLATFORM = "plattform", _("Lärplattform")
    TOOL = "verktyg", _("Verktyg")
    VIDEO = "film", _("Film och media")
    ASSESSMENT = "bedomning", _("Prov och bedömning")
    OTHER = "ovrigt", _("Övrigt")


class LicenceModel(models.TextChoices):
    FREE = "gratis", _("Kostnadsfri")
    FREEMIUM = "freemium", _("Gratis med betalfunktioner")
    PER_USER = "per_anvandare", _("Per användare")
    PER_SCHOOL = "per_skola", _("Per skola")
    MUNICIPAL = "kommunlicens", _("Kommunlicens")
    OTHER = "annan", _("Annan")


class ApprovalStatus(models.TextChoices):
    REQUESTED = "begard", _("Begärd")
    UNDER_REVIEW = "under_granskning", _("Under granskning")
    APPROVED = "godkand", _("Godkänd")
    REJECTED = "avslagen", _("Avslagen")
    RETIRED = "avvecklad", _("Avvecklad")


class PlanStatus(models.TextChoices):
    DRAFT = "utkast", _("Utkast")
    APPROVED = "faststalld", _("Fastställd")


class Pm3Part(models.TextChoices):
    """PM3 splits a förvaltningsobjekt's budget into business and IT × maintenance and development."""

    BUSINESS_MAINTENANCE = "verksamhet_vidmakthallande", _("Verksamhet – vidmakthållande")
    BUSINESS_DEVELOPMENT = "verksamhet_vidareutveckling", _("Verksamhet – vidareutveckling")
    IT_MAINTENANCE = "it_vidmakthallande", _("IT – vidmakthållande")
    IT_DEVELOPMENT = "it_vidareutveckling", _("IT – vidareutveckling")


class CostCategory(models.TextChoices):
    LICENCE = "licens", _("Licens")
    OPERATION = "drift", _("Drift")
    SUPPORT = "support", _("Support och underhåll")
    DEVELOPMENT = "utveckling", _("Utveckling")
    INTERNAL_TIME = "intern_tid", _("Intern tid")
    OTHER = "ovrigt", _("Övrigt")


class CostKind(models.TextChoices):
    BUDGET = "budget", _("Budget")
    OUTCOME = "utfall", _("Utfall")


class RoleChoices(models.TextChoices):
    OBJECT_OWNER = "objektagare", _("Objektägare")
    OBJECT_LEAD_BUSINESS = "objektledare_verksamhet", _("Objektledare verksamhet")
    OBJECT_LEAD_IT = "objektledare_it", _("Objektledare IT")
    MANAGEMENT_LEAD = "forvaltningsledare", _("Förvaltningsledare")
    SYSTEM_OWNER = "systemagare", _("Systemägare")
    SYSTEM_ADMINISTRATOR = "systemforvaltare", _("Systemförvaltare")
    INFORMATION_OWNER = "informationsagare", _("Informationsägare")
    SUPER_USER = "superanvandare", _("Superanvändare")
    DATA_PROTECTION_OFFICER = "dataskyddsombud", _("Dataskyddsombud")


class Severity(models.TextChoices):
    """How serious a finding is: one scale for PM3 gaps and GDPR gaps, so both lists sort together."""

    CRITICAL = "critical", _("Kritisk")
    HIGH = "high", _("Hög")
    MEDIUM = "medium", _("Medel")
    LOW = "low", _("Låg")

    @classmethod
    def rank(cls, value: str) -> int:
        """0 for the most severe: for sorting and for "at least this severe" thresholds."""
        return [c.value for c in cls].index(value)
