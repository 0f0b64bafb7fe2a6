"""The closed vocabularies of the GDPR record, labelled as the regulation's Swedish text reads."""

from django.db import models
from django.utils.translation import gettext_lazy as _

__all__ = [
    "ActivityStatus",
    "BreachRisk",
    "BreachStatus",
    "CommunicationException",
    "DataSubjectCategory",
    "DpiaStatus",
    "LegalBasis",
    "ResidualRisk",
    "SecurityReviewOutcome",
    "SpecialCategory",
    "SpecialCategoryCondition",
    "TransferMechanism",
]


class LegalBasis(models.TextChoices):
    """Art. 6(1) (a)–(f)."""

    CONSENT = "a", _("a) Samtycke")
    CONTRACT = "b", _("b) Avtal")
    LEGAL_OBLIGATION = "c", _("c) Rättslig förpliktelse")
    VITAL_INTERESTS = "d", _("d) Grundläggande intresse")
    PUBLIC_TASK = "e", _("e) Uppgift av allmänt intresse eller myndighetsutövning")
    LEGITIMATE_INTERESTS = "f", _("f) Berättigat intresse")


class SpecialCategory(models.TextChoices):
    """Art. 9(1): känsliga personuppgifter."""

    ETHNIC_ORIGIN = "etniskt_ursprung", _("Ras eller etniskt ursprung")
    POLITICAL = "politiska_asikter", _("Politiska åsikter")
    RELIGION = "religios_overtygelse", _("Religiös eller filosofisk övertygelse")
    TRADE_UNION = "fackligt_medlemskap", _("Medlemskap i fackförening")
    GENETIC = "genetiska", _("Genetiska uppgifter")
    BIOMETRIC = "biometriska", _("Biometriska uppgifter för identifiering")
    HEALTH = "halsa", _("Hälsa")
    SEX_LIFE = "sexualliv", _("Sexualliv eller sexuell läggning")


class SpecialCategoryCondition(models.TextChoices):
    """Art. 9(2) (a)–(j): the exception that lifts the ban on processing special categories."""

    EXPLICIT_CONSENT = "a", _("a) Uttryckligt samtycke")
    EMPLOYMENT = "b", _("b) Arbetsrätt och social trygghet")
    VITAL_INTERESTS = "c", _("c) Grundläggande intressen")
    FOUNDATION = "d", _("d) Stiftelser och ideella organisationer")
    MADE_PUBLIC = "e", _("e) Offentliggjorda av den registrerade")
    LEGAL_CLAIMS = "f", _("f) Rättsliga anspråk")
    SUBSTANTIAL_PUBLIC_INTEREST = "g", _("g) Viktigt allmänt intresse")
    HEALTH_CARE = "h", _("h) Hälso- och sjukvård")
    PUBLIC_HEALTH = "i", _("i) Folkhälsa")
    ARCHIVING = "j", _("j) Arkiv, forskning och statistik")


class DataSubjectCategory(models.TextChoices):
    PUPILS = "elever", _("Elever och barn")
    GUARDIANS = "vardnadshavare", _("Vårdnadshavare")
    STAFF = "personal", _("Personal")
    APPLICANTS = "sokande", _("Sökande")
    OTHERS = "ovriga", _("Övriga")


class ActivityStatus(models.TextChoices):
    DRAFT = "utkast", _("Utkast")
    ACTIVE = "aktiv", _("Aktiv")
    RETIRED = "avslutad", _("Avslutad")


class TransferMechanism(models.TextChoices):
    """Chapter V: what makes a transfer outside the EU/EEA lawful."""

    NONE = "", _("Ingen angiven")
    ADEQUACY = "adekvans", _("Beslut om adekvat skyddsnivå (art. 45)")
    DPF = "dpf", _("EU–US Data Privacy Framework (art. 45)")
    SCC = "scc", _("Standardavtalsklausuler (art. 46.2 c)")
    BCR = "bcr", _("Bindande företagsbestämmelser (art. 47)")
    DEROGATION = "art49", _("Undantag för särskilda situationer (art. 49)")


class DpiaStatus(models.TextChoices):
    NOT_STARTED = "ej_paborjad", _("Ej påbörjad")
    IN_PROGRESS = "pagar", _("Pågår")
    COMPLETED = "klar", _("Klar")


class ResidualRisk(models.TextChoices):
    LOW = "lag", _("Låg")
    MEDIUM = "medel", _("Medel")
    HIGH = "hog", _("Hög")


class SecurityReviewOutcome(models.TextChoices):
    """What a review of a processor's security concluded."""

    APPROVED = "approved", _("Godkänd")
    WITH_ACTIONS = "actions", _("Godkänd med åtgärder")
    REJECTED = "rejected", _("Underkänd")


class BreachRisk(models.TextChoices):
    """The controller's assessment of a breach's risk to the data subjects (Art. 33.1, 34.1)."""

    NO_RISK = "ingen", _("Ingen risk (osannolikt att den medför en risk)")
    RISK = "risk", _("Risk")
    HIGH = "hog", _("Hög risk")


class BreachStatus(models.TextChoices):
    OPEN = "oppen", _("Öppen")
    CLOSED = "stangd", _("Avslutad")


class CommunicationException(models.TextChoices):
    """Art. 34.3 (a)–(c): when a high-risk breach need not be communicated to the data subjects."""

    UNINTELLIGIBLE = "a", _("a) Uppgifterna var oläsliga för obehöriga, t.ex. krypterade")
    RISK_REMOVED = "b", _("b) Efterföljande åtgärder gör att den höga risken inte längre är sannolik")
    DISPROPORTIONATE = "c", _("c) Oproportionell ansträngning; offentligt meddelande i stället")
