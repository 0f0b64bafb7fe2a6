"""Rules on whether a processing is lawful: Art. 6 basis, Art. 9 condition, Swedish special rules."""

import re

from django.utils.translation import gettext_lazy as _

from gdpr.choices import DataSubjectCategory, LegalBasis, SpecialCategoryCondition
from portfolio.choices import OrganisationKind

from .base import ActivityRule, Severity, register

#: People who stand in a relation of dependence to a school authority (recital 43).
DEPENDENT_SUBJECTS = frozenset(
    {DataSubjectCategory.PUPILS, DataSubjectCategory.GUARDIANS, DataSubjectCategory.STAFF}
)


@register
class NoLegalBasis(ActivityRule):
    code = "NO_LEGAL_BASIS"
    title = _("Rättslig grund saknas")
    severity = Severity.CRITICAL
    basis = _("Art. 6.1")
    fix = _(
        "Välj den rättsliga grunden enligt art. 6.1; för en nämnd oftast "
        "e) uppgift av allmänt intresse eller "
        "c) rättslig förpliktelse, med författningen."
    )
    field = "legal_basis"

    def applies(self, activity, ctx):
        return not activity.legal_basis

    def explain(self, activity, ctx):
        return _("Behandlingen anger ingen rättslig grund.")


@register
class AuthorityLegitimateInterest(ActivityRule):
    code = "AUTHORITY_LEGITIMATE_INTEREST"
    title = _("Myndighet stöder sig på berättigat intresse")
    severity = Severity.HIGH
    basis = _("Art. 6.1 sista stycket")
    fix = _(
        "En nämnd som fullgör sina uppgifter kan inte använda berättigat intresse: välj e) eller c) och ange "
        "författningen."
    )
    field = "legal_basis"

    def applies(self, activity, ctx):
        controller = activity.controller
        public = controller is None or controller.kind == OrganisationKind.BOARD
        return public and activity.legal_basis == LegalBasis.LEGITIMATE_INTERESTS

    def explain(self, activity, ctx):
        return _(
            "Behandlingen stöder sig på berättigat intresse (art. 6.1 f), som inte gäller för myndigheter "
            "när de fullgör sina uppgifter."
        )


@register
class ConsentImbalance(ActivityRule):
    """IMY's Skellefteå decision (DI-2019-2221): pupils' consent to a school is not freely given."""

    code = "CONSENT_IMBALANCE"
    title = _("Samtycke i ett beroendeförhållande")
    severity = Severity.HIGH
    basis = _("Art. 4.11, 7.4, skäl 43 (IMY, Skellefteå 2019)")
    fix = _(
        "Grunda behandlingen på uppgift av allmänt intresse eller rättslig förpliktelse "
        "i stället för samtycke, "
        "eller visa att ett nej inte får någon följd."
    )
    field = "legal_basis"

    def _consent(self, activity) -> bool:
        return (
            activity.legal_basis == LegalBasis.CONSENT
            or activity.special_category_condition == SpecialCategoryCondition.EXPLICIT_CONSENT
        )

    def applies(self, activity, ctx):
        dependent = (
            DEPENDENT_SUBJECTS.intersection(activity.data_subject_categories) or activity.involves_children
        )
        return self._consent(activity) and bool(dependent)

    def field_for(self, activity):
        return "legal_basis" if activity.legal_basis == LegalBasis.CONSENT else "special_category_condition"

    def explain(self, activity, ctx):
        labels = [
            str(label)
            for code, label in DataSubjectCategory.choices
            if code in DEPENDENT_SUBJECTS and code in activity.data_subject_categories
        ]
        if not labels:
            labels = [str(DataSubjectCategory.PUPILS.label)]
        return _(
            "Samtycke från %(subjects)s till en offentlig personuppgiftsansvarig är sällan frivilligt."
        ) % {"subjects": ", ".join(labels).lower()}


@register
class SpecialCategoryNoCondition(ActivityRule):
    code = "SPECIAL_CATEGORY_NO_CONDITION"
    title = _("Känsliga uppgifter utan undantag enligt art. 9.2")
    severity = Severity.CRITICAL
    basis = _("Art. 9")
    fix = _(
        "Ange det undantag i art. 9.2 som tillåter behandlingen, t.ex. g) viktigt allmänt intresse med stöd "
        "i lag."
    )
    field = "special_category_condition"

    def applies(self, activity, ctx):
        return bool(activity.special_categories) and not activity.special_category_condition

    def explain(self, activity, ctx):
        field = activity._meta.get_field("special_categories")
        return _("Behandlingen omfattar %(categories)s men anger inget undantag enligt art. 9.2.") % {
            "categories": ", ".join(field.labels(activity.special_categories)).lower()
        }


@register
class ProtectedIdentityNoRoutine(ActivityRule):
    code = "PROTECTED_IDENTITY_NO_ROUTINE"
    title = _("Skyddade personuppgifter utan rutin")
    severity = Severity.HIGH
    basis = _("Art. 5.1 f, 25, 32")
    fix = _(
        "Beskriv rutinen för personer med skyddade personuppgifter: vem som ser dem, hur de märks och döljs."
    )
    field = "protected_identity_routine"

    def applies(self, activity, ctx):
        return activity.protected_identity and not activity.protected_identity_routine.strip()

    def explain(self, activity, ctx):
        return _("Personer med skyddade personuppgifter behandlas men ingen rutin är beskriven.")


@register
class PersonnummerWithoutNeed(ActivityRule):
    code = "PERSONNUMMER_WITHOUT_NEED"
    title = _("Personnummer utan angivet behov")
    severity = Severity.MEDIUM
    basis = _("Dataskyddslagen (2018:218) 3 kap. 10 §")
    fix = _(
        "Ange varför personnummer behövs (säker identifiering, ändamålet, vikten av den) "
        "eller sluta behandla "
        "dem."
    )
    field = "personal_identity_number_need"

    def applies(self, activity, ctx):
        return activity.personal_identity_numbers and not activity.personal_identity_number_need.strip()

    def explain(self, activity, ctx):
        return _("Personnummer behandlas utan att behovet är angivet.")


#: A reference to a provision rather than to a whole statute: a chapter, a section or an article.
_PROVISION = re.compile(
    r"§|\bkap\b\.?|\bkapitlet\b|\bart(?:ikel)?\.?\s*\d|\bpunkt\b|\bstycket\b", re.IGNORECASE
)


def names_a_provision(text: str) -> bool:
    """Whether ``text`` points at a provision ("skollagen (2010:800) 29 kap. 14 §"), not a whole law."""
    return bool(_PROVISION.search(text or ""))


@register
class LegalBasisProvisionMissing(ActivityRule):
    """Art. 6.3: a legal obligation or public task must be laid down in law, so the record names where.

    IMY refused "legal obligation" as the basis of camera surveillance in a school because the law
    cited was too general to carry it: a whole statute ("skollagen") shows no obligation.
    """

    code = "LEGAL_BASIS_PROVISION_MISSING"
    title = _("Bestämmelsen bakom den rättsliga grunden saknas")
    severity = Severity.HIGH
    basis = _("Art. 6.3")
    fix = _(
        "Ange den bestämmelse som fastställer förpliktelsen eller uppgiften, med kapitel och paragraf, "
        "t.ex. ”skollagen (2010:800) 29 kap. 14 §”, inte bara lagens namn."
    )
    field = "legal_basis_law"

    def applies(self, activity, ctx):
        if activity.legal_basis not in (LegalBasis.LEGAL_OBLIGATION, LegalBasis.PUBLIC_TASK):
            return False
        return not names_a_provision(activity.legal_basis_law)

    def explain(self, activity, ctx):
        basis = LegalBasis(activity.legal_basis).label
        if not activity.legal_basis_law.strip():
            return _("Behandlingen grundas på %(basis)s men anger ingen bestämmelse som fastställer den.") % {
                "basis": basis
            }
        return _(
            "Behandlingen grundas på %(basis)s men hänvisar bara till en hel författning (”%(law)s”), "
            "inte till den bestämmelse som fastställer förpliktelsen eller uppgiften."
        ) % {"basis": basis, "law": activity.legal_basis_law.strip()}
