"""The fast track for learning resources: most teaching apps need little personal data.

The form's answers classify a learning resource as *no personal data*, *low risk — standard
record* or *needs full assessment*. The rules are explicit and ordered: any reason for a full
assessment wins; otherwise any personal data at all makes it low risk; otherwise none. For
the low-risk case :func:`apply_fast_track` writes the record — it links the resource to the
shared record for teaching apps ("Digitala lärresurser i undervisningen") of the controller,
or creates a draft record with its fields filled — through the same Form and write path as
the web form, so validation and history are the same. For the case that needs a full assessment,
:func:`start_full_assessment` writes the same draft record, so the DPIA can be started from it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import models
from django.utils.translation import gettext_lazy as _

from gdpr.choices import ActivityStatus, DataSubjectCategory, LegalBasis
from gdpr.forms import ProcessingActivityForm
from gdpr.models import ProcessingActivity
from portfolio.choices import AuthenticationMethod, IdentityProvider
from portfolio.countries import country_name
from portfolio.geography import ADEQUACY_COUNTRIES, is_third_country
from portfolio.models import LearningResource, Organisation
from portfolio.services import save_form

__all__ = [
    "Answers",
    "Classification",
    "DataKind",
    "LoginMethod",
    "Outcome",
    "SHARED_ACTIVITY_NAME",
    "apply_fast_track",
    "classify",
    "login_method_of",
    "start_full_assessment",
]

#: The shared record that most teaching apps belong to.
SHARED_ACTIVITY_NAME = "Digitala lärresurser i undervisningen"


class DataKind(models.TextChoices):
    NONE = "ingen", _("Inga personuppgifter (används anonymt)")
    IDENTITY = "identitet", _("Namn, användarnamn eller e-post")
    SCHOOL = "skolkoppling", _("Skola, klass eller årskurs")
    WORK = "elevarbeten", _("Elevarbeten, svar och resultat")
    USAGE = "anvandning", _("Användningsdata och inlärningsanalys (learning analytics)")
    MEDIA = "bild_ljud", _("Bild, ljud eller film på personer")
    PERSONNUMMER = "personnummer", _("Personnummer")
    SENSITIVE = "kansliga", _("Känsliga uppgifter (t.ex. hälsa, funktionsnedsättning, religion, biometri)")


class LoginMethod(models.TextChoices):
    NONE = "ingen", _("Ingen inloggning")
    MUNICIPAL = "kommunens", _("Kommunens inloggning eller Skolfederation")
    VENDOR_ACCOUNT = "leverantorskonto", _("Konto hos leverantören")
    PRIVATE_ACCOUNT = "privat", _("Privat konto (t.ex. egen Google- eller Apple-inloggning)")


def login_method_of(resource: LearningResource) -> str:
    """The questionnaire's answer on login that the register already gives for ``resource`` ("" if unknown).

    Single sign-on or the municipality's directory is the municipality's login; the vendor's own
    accounts are vendor accounts; social login (OAuth) through a provider that is not the
    municipality's tenant means private accounts.
    """
    method = resource.authentication
    if not method:
        return ""
    if method == AuthenticationMethod.NONE:
        return LoginMethod.NONE
    if resource.is_sso or method == AuthenticationMethod.LDAP:
        return LoginMethod.MUNICIPAL
    if method == AuthenticationMethod.OAUTH:
        municipal = {IdentityProvider.MUNICIPAL, IdentityProvider.SKOLFEDERATION, IdentityProvider.ENTRA_ID}
        if resource.identity_provider in municipal:
            return LoginMethod.MUNICIPAL
        return LoginMethod.PRIVATE_ACCOUNT
    return LoginMethod.VENDOR_ACCOUNT


class Outcome(models.TextChoices):
    NO_PERSONAL_DATA = "inga_personuppgifter", _("Inga personuppgifter")
    LOW_RISK = "lag_risk", _("Låg risk – standardbehandling")
    FULL_ASSESSMENT = "full_bedomning", _("Kräver fullständig bedömning")


@dataclass(frozen=True)
class Answers:
    data_kinds: frozenset[str]
    data_subjects: frozenset[str]
    login_method: str
    vendor_country: str = ""
    ads_or_tracking: bool = False
    vendor_other_purposes: bool = False
    #: The vendor is listed in the EU–US Data Privacy Framework (from the vendor register).
    dpf_listed: bool = False


@dataclass
class Classification:
    outcome: str
    reasons: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        return str(Outcome(self.outcome).label)


#: Answers that each call for a full assessment, with the reason shown to the user.
FULL_ASSESSMENT_DATA = {
    DataKind.SENSITIVE: _(
        "Känsliga personuppgifter kräver undantag enligt art. 9.2 och ofta konsekvensbedömning."
    ),
    DataKind.PERSONNUMMER: _(
        "Personnummer får bara behandlas när det är klart motiverat (dataskyddslagen 3 kap. 10 §)."
    ),
    DataKind.MEDIA: _("Bild, ljud eller film på personer kräver en egen bedömning."),
}


def _is_pupil(answers: Answers) -> bool:
    return DataSubjectCategory.PUPILS in answers.data_subjects


def _unsafe_country(answers: Answers) -> bool:
    country = answers.vendor_country.upper()
    if not is_third_country(country):
        return False
    if country == "US":
        return not answers.dpf_listed
    return country not in ADEQUACY_COUNTRIES


def classify(answers: Answers) -> Classification:
    """The outcome and every reason for it. Any full-assessment reason wins over low risk."""
    full: list[str] = []
    personal_kinds = set(answers.data_kinds) - {DataKind.NONE}
    for kind, reason in FULL_ASSESSMENT_DATA.items():
        if kind in personal_kinds:
            full.append(str(reason))
    if DataKind.USAGE in personal_kinds and _is_pupil(answers):
        full.append(str(_("Inlärningsanalys om elever kan vara profilering av barn (art. 22, 35).")))
    if answers.ads_or_tracking:
        full.append(
            str(
                _("Reklam eller spårning är inte förenligt med undervisningens ändamål och kräver bedömning.")
            )
        )
    if answers.vendor_other_purposes:
        full.append(
            str(
                _(
                    "Leverantören använder uppgifterna för egna ändamål och blir då själv "
                    "personuppgiftsansvarig; ett biträdesavtal räcker inte."
                )
            )
        )
    if _unsafe_country(answers):
        full.append(
            str(
                _("Leverantören finns i tredjeland (%(country)s) utan adekvansbeslut eller DPF-listning.")
                % {"country": country_name(answers.vendor_country.upper())}
            )
        )
    if answers.login_method == LoginMethod.PRIVATE_ACCOUNT and _is_pupil(answers):
        full.append(
            str(_("Elever loggar in med privata konton: skolan styr inte vilka uppgifter som delas."))
        )
    if full:
        return Classification(Outcome.FULL_ASSESSMENT, full)

    if not personal_kinds and answers.login_method == LoginMethod.NONE:
        return Classification(
            Outcome.NO_PERSONAL_DATA,
            [str(_("Ingen inloggning och inga uppgifter om personer: ingen behandling av personuppgifter."))],
        )

    low = [
        str(_("Endast vardagliga uppgifter: %(kinds)s."))
        % {
            "kinds": ", ".join(
                str(label).lower() for code, label in DataKind.choices if code in personal_kinds
            )
            or str(_("inloggningsuppgifter"))
        }
    ]
    if answers.login_method == LoginMethod.MUNICIPAL:
        low.append(str(_("Inloggning via kommunens inloggning eller Skolfederation: inga egna konton.")))
    elif answers.login_method == LoginMethod.NONE:
        low.append(str(_("Ingen inloggning.")))
    else:
        low.append(
            str(_("Konton hos leverantören: kontrollera att inga fler uppgifter än nödvändigt samlas in."))
        )
    if is_third_country(answers.vendor_country):
        low.append(str(_("Leverantören finns i tredjeland med adekvansbeslut eller DPF-listning.")))
    else:
        low.append(str(_("Leverantören och uppgifterna finns inom EU/EES.")))
    low.append(
        str(_("Ingen reklam eller spårning, och leverantören använder inte uppgifterna för egna ändamål."))
    )
    return Classification(Outcome.LOW_RISK, low)


def _personal_data_text(answers: Answers) -> str:
    return ", ".join(
        str(label) for code, label in DataKind.choices if code in answers.data_kinds and code != DataKind.NONE
    ) or str(_("Inloggningsuppgifter"))


def _form_initial(activity: ProcessingActivity) -> dict:
    """The current values of ``activity`` as form data, to change a few fields and save the rest."""
    form = ProcessingActivityForm(instance=activity)
    data: dict = {}
    for name, form_field in form.fields.items():
        value = form.initial.get(name, form_field.initial)
        if value is None or value is False or value == "":
            continue
        if isinstance(value, list | tuple):
            data[name] = [getattr(v, "pk", v) for v in value]
        elif isinstance(value, models.Model):
            data[name] = value.pk
        else:
            data[name] = value
    return data


def apply_fast_track(
    resource: LearningResource,
    controller: Organisation,
    answers: Answers,
    *,
    user=None,
    separate_record: bool = False,
) -> tuple[Classification, ProcessingActivity | None]:
    """Classify, and for the low-risk case write the record; returns the outcome and the record.

    The resource is linked to the controller's shared record for teaching apps when one exists
    (unless ``separate_record``); otherwise a draft record is created with its fields filled.
    Either way the write goes through ``ProcessingActivityForm`` and ``save_form``: validated,
    versioned and in history with ``user``.
    """
    result = classify(answers)
    if result.outcome != Outcome.LOW_RISK:
        return result, None
    reason = str(_("Snabbspår för lärresurs"))
    shared = None
    if not separate_record:
        shared = (
            ProcessingActivity.objects.current()
            .filter(controller=controller, name=SHARED_ACTIVITY_NAME)
            .order_by("pk")
            .first()
        )
    if shared is not None:
        data = _form_initial(shared)
        resources = set(data.get("learning_resources", []))
        resources.add(resource.pk)
        data["learning_resources"] = sorted(resources)
        subjects = set(data.get("data_subject_categories", [])) | set(answers.data_subjects)
        data["data_subject_categories"] = sorted(subjects)
        form = ProcessingActivityForm(data=data, instance=shared)
        if not form.is_valid():
            raise ValueError(form.errors.as_text())
        return result, save_form(form, user=user, expected_version=shared.version, reason=reason)

    return result, _save_draft(resource, controller, answers, result, user=user, reason=reason)


def start_full_assessment(
    resource: LearningResource, controller: Organisation, answers: Answers, *, user=None
) -> ProcessingActivity:
    """For answers that call for a full assessment: write the draft record the DPIA will be made on.

    The record is filled from the answers as for the fast track, marked a draft, with the reasons
    for the full assessment in its internal notes; the caller continues with the DPIA of it.
    """
    result = classify(answers)
    if result.outcome != Outcome.FULL_ASSESSMENT:
        raise ValueError(str(_("Svaren kräver ingen fullständig bedömning.")))
    reason = str(_("Snabbspår för lärresurs: fullständig bedömning påbörjad"))
    return _save_draft(resource, controller, answers, result, user=user, reason=reason)


def _save_draft(
    resource: LearningResource,
    controller: Organisation,
    answers: Answers,
    result: Classification,
    *,
    user,
    reason: str,
) -> ProcessingActivity:
    """A draft record for ``resource`` filled from the answers, through the web form's Form and write path."""
    vendor = resource.vendor
    login = {
        LoginMethod.MUNICIPAL: _(
            "Inloggning via kommunens inloggning eller Skolfederation; behörighet styrs av skolan."
        ),
        LoginMethod.NONE: _("Ingen inloggning."),
    }.get(answers.login_method, _("Konto hos leverantören; skolan ansvarar för att konton avslutas."))
    data = {
        # The record's name has room for 200 characters; a long resource name is shortened.
        "name": (str(_("%(resource)s i undervisningen")) % {"resource": resource.name})[:200],
        "controller": controller.pk,
        "status": ActivityStatus.DRAFT,
        "purposes": str(
            _(
                "Att elever och lärare ska kunna använda lärresursen %(resource)s i undervisningen "
                "enligt skollagen (2010:800) och läroplanen."
            )
        )
        % {"resource": resource.name},
        "data_subject_categories": sorted(answers.data_subjects),
        "personal_data_categories": _personal_data_text(answers),
        "involves_children": "on" if DataSubjectCategory.PUPILS in answers.data_subjects else "",
        "recipients": (
            str(_("%(vendor)s (personuppgiftsbiträde)")) % {"vendor": vendor.name}
            if vendor
            else str(_("Inga utanför nämnden"))
        ),
        "retention_criteria": str(
            _(
                "Uppgifterna raderas hos leverantören när eleven eller läraren slutar använda "
                "lärresursen, senast när eleven lämnar skolan."
            )
        ),
        "security_measures": str(login),
        "legal_basis": LegalBasis.PUBLIC_TASK,
        "legal_basis_law": "skollagen (2010:800); lag (2018:218) 2 kap. 2 §",
        "learning_resources": [resource.pk],
        "internal_notes": str(_("Snabbspår: %(outcome)s. %(reasons)s"))
        % {"outcome": result.label, "reasons": " ".join(result.reasons)},
    }
    data = {k: v for k, v in data.items() if v not in ("", None)}
    form = ProcessingActivityForm(data=data)
    if not form.is_valid():
        raise ValueError(form.errors.as_text())
    return save_form(form, user=user, reason=reason)
