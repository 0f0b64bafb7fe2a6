"""Rules on the Article 30(1) content of a record: who, why, about whom, to whom, how kept."""

import re

from django.utils.translation import gettext_lazy as _

from gdpr.models.processing import REVIEW_INTERVAL
from portfolio.text import fold

from .base import FORM_ACTIVITY, FORM_ORGANISATION, ActivityRule, Severity, register

#: Purposes that say nothing about why (Art. 5(1)(b) wants "specified, explicit").
GENERIC_PURPOSES = frozenset(
    fold(p)
    for p in (
        "administration",
        "verksamhet",
        "verksamheten",
        "skolverksamhet",
        "undervisning",
        "diverse",
        "övrigt",
        "ovrigt",
        "annat",
        "se avtal",
        "enligt avtal",
        "behandling av personuppgifter",
        "personuppgifter",
        "saknas",
        "tbd",
        "todo",
        "okänt",
        "vet ej",
        "-",
        "?",
        "x",
        "ändamål",
        "allmänt",
        "drift",
        "it",
    )
)
_PUNCTUATION = re.compile(r"[^\w\s]", re.UNICODE)


def is_generic_purpose(text: str) -> bool:
    """Blank, a stock word, or fewer than three words: not a purpose a data subject can read."""
    folded = fold(text)
    bare = " ".join(_PUNCTUATION.sub(" ", folded).split())
    return not bare or folded in GENERIC_PURPOSES or bare in GENERIC_PURPOSES or len(bare.split()) < 3


@register
class MissingPurpose(ActivityRule):
    code = "MISSING_PURPOSE"
    title = _("Ändamål saknas eller är för allmänt")
    severity = Severity.HIGH
    basis = _("Art. 5.1 b, 30.1 b")
    fix = _(
        "Beskriv konkret varför uppgifterna behandlas, "
        "t.ex. ”att dokumentera elevers närvaro enligt skollagen”."
    )
    field = "purposes"

    def applies(self, activity, ctx):
        return is_generic_purpose(activity.purposes)

    def explain(self, activity, ctx):
        if not activity.purposes.strip():
            return _("Behandlingen anger inget ändamål.")
        return _("Ändamålet ”%(purpose)s” är för allmänt för att avgränsa behandlingen.") % {
            "purpose": activity.purposes.strip()[:80]
        }


@register
class MissingCategories(ActivityRule):
    code = "MISSING_CATEGORIES"
    title = _("Kategorier av registrerade eller personuppgifter saknas")
    severity = Severity.HIGH
    basis = _("Art. 30.1 c")
    fix = _("Ange vilka grupper av personer som berörs och vilka slags uppgifter om dem som behandlas.")
    field = "data_subject_categories"

    def applies(self, activity, ctx):
        return not activity.data_subject_categories or not activity.personal_data_categories.strip()

    def field_for(self, activity):
        return (
            "data_subject_categories" if not activity.data_subject_categories else "personal_data_categories"
        )

    def explain(self, activity, ctx):
        missing = []
        if not activity.data_subject_categories:
            missing.append(str(_("kategorier av registrerade")))
        if not activity.personal_data_categories.strip():
            missing.append(str(_("kategorier av personuppgifter")))
        return _("Behandlingen saknar %(missing)s.") % {"missing": str(_(" och ")).join(missing)}


@register
class MissingRecipients(ActivityRule):
    code = "MISSING_RECIPIENTS"
    title = _("Mottagare saknas")
    severity = Severity.MEDIUM
    basis = _("Art. 30.1 d")
    fix = _("Ange vilka som får del av uppgifterna (även biträden och andra myndigheter), eller ”inga”.")
    field = "recipients"

    def applies(self, activity, ctx):
        return not activity.recipients.strip()

    def explain(self, activity, ctx):
        return _("Behandlingen anger inte vilka mottagare uppgifterna lämnas till.")


@register
class MissingController(ActivityRule):
    code = "MISSING_CONTROLLER"
    title = _("Personuppgiftsansvarig eller kontaktuppgifter saknas")
    severity = Severity.HIGH
    basis = _("Art. 30.1 a, 37.7")
    fix = _(
        "Välj den nämnd som är personuppgiftsansvarig och se till att nämnden har kontaktuppgift och "
        "dataskyddsombudets kontakt."
    )
    field = "controller"

    def applies(self, activity, ctx):
        controller = activity.controller
        return controller is None or not controller.contact_email or not controller.dpo_contact

    def field_for(self, activity):
        controller = activity.controller
        if controller is None:
            return "controller"
        return "contact_email" if not controller.contact_email else "dpo_contact"

    def form_for(self, activity):
        # Contact details are fixed on the nämnd, not on the record.
        return FORM_ACTIVITY if activity.controller is None else FORM_ORGANISATION

    def explain(self, activity, ctx):
        controller = activity.controller
        if controller is None:
            return _("Behandlingen har ingen personuppgiftsansvarig nämnd.")
        missing = []
        if not controller.contact_email:
            missing.append(str(_("kontaktuppgift")))
        if not controller.dpo_contact:
            missing.append(str(_("dataskyddsombudets kontakt")))
        return _("%(controller)s saknar %(missing)s.") % {
            "controller": controller.name,
            "missing": str(_(" och ")).join(missing),
        }


@register
class NoSecurityMeasures(ActivityRule):
    code = "NO_SECURITY_MEASURES"
    title = _("Säkerhetsåtgärder saknas")
    severity = Severity.MEDIUM
    basis = _("Art. 30.1 g, 32")
    fix = _(
        "Beskriv de tekniska och organisatoriska säkerhetsåtgärderna, t.ex. behörighetsstyrning, loggning, "
        "kryptering."
    )
    field = "security_measures"

    def applies(self, activity, ctx):
        return not activity.security_measures.strip()

    def explain(self, activity, ctx):
        return _("Behandlingen beskriver inga säkerhetsåtgärder.")


@register
class JointControllerNoArrangement(ActivityRule):
    code = "JOINT_CONTROLLER_NO_ARRANGEMENT"
    title = _("Gemensamt ansvar utan arrangemang")
    severity = Severity.MEDIUM
    basis = _("Art. 26")
    fix = _(
        "Beskriv hur ansvaret är fördelat mellan de gemensamt ansvariga "
        "och hur de registrerade får del av det."
    )
    field = "joint_arrangement"

    def applies(self, activity, ctx):
        return bool(activity.joint_controller.strip()) and not activity.joint_arrangement.strip()

    def explain(self, activity, ctx):
        return _("Behandlingen delas med %(joint)s men arrangemanget enligt art. 26 saknas.") % {
            "joint": activity.joint_controller
        }


@register
class RecordStale(ActivityRule):
    code = "RECORD_STALE"
    title = _("Inte granskad det senaste året")
    severity = Severity.LOW
    basis = _("Art. 5.2")
    fix = _("Gå igenom posten, rätta det som ändrats och markera den som granskad.")
    field = ""

    def applies(self, activity, ctx):
        return activity.last_reviewed_on is None or activity.last_reviewed_on < ctx.today - REVIEW_INTERVAL

    def explain(self, activity, ctx):
        if activity.last_reviewed_on is None:
            return _("Posten har aldrig granskats.")
        return _("Posten granskades senast %(date)s.") % {"date": activity.last_reviewed_on.isoformat()}
