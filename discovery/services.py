"""Domain writes of discovery: a person's decision on a discovered application.

Every write goes through a Form and ``portfolio.services.save_form`` (versioned, recorded with
the user, docs/architecture.md "The write path"). The application's measured use stays on the
application: the evidence reads it as the service's through the decision
(``discovery.evidence``), so undoing a decision gives it back, and the next import of a period
counts it under the service directly.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from portfolio.models import Service
from portfolio.services import save_form

from .choices import Decision, MatchState
from .forms import DecisionForm
from .imports import rematch_applications
from .models import DiscoveredApplication

__all__ = ["decide", "register_service"]


def decide(
    application: DiscoveredApplication, data: dict, *, user, expected_version: int | None
) -> tuple[DecisionForm, DiscoveredApplication | None]:
    """Save a person's decision (``data`` as the DecisionForm takes it); returns the form and the saved row.

    The saved row is ``None`` when the form is invalid (its errors say why).
    """
    form = DecisionForm(data=data, instance=application)
    if not form.is_valid():
        return form, None
    reason = {
        Decision.IS_SERVICE: _("Beslut: är en registrerad tjänst"),
        Decision.NOT_A_SERVICE: _("Beslut: inte en tjänst"),
        Decision.UNDECIDED: _("Beslutet ångrat"),
    }[Decision(form.cleaned_data["decision"])]
    with transaction.atomic():
        if form.cleaned_data["decision"] == Decision.UNDECIDED:
            form.instance.match, form.instance.match_reason = MatchState.UNMATCHED, ""
        saved = save_form(form, user=user, expected_version=expected_version, reason=reason)
        if saved.decision == Decision.UNDECIDED:
            rematch_applications([saved], user=user, reason=reason)
    return form, saved


def register_service(
    application: DiscoveredApplication, service_form, *, user, expected_version: int | None
) -> Service:
    """Create the service of a valid prefilled form and link the application to it, all or nothing.

    A publisher the register does not know is added as a vendor first (the form's checked
    ``vendor_form``) when the form names it and no vendor was chosen.
    """
    reason = _("Registrerad från upptäckt applikation %(name)s") % {"name": application.name}
    with transaction.atomic():
        vendor_form = getattr(service_form, "vendor_form", None)
        if vendor_form is not None:
            service_form.instance.vendor = save_form(vendor_form, user=user, reason=reason)
        service = save_form(service_form, user=user, reason=reason)
        form, saved = decide(
            application,
            {"decision": Decision.IS_SERVICE, "service": service.pk},
            user=user,
            expected_version=expected_version,
        )
        if saved is None:
            raise ValueError(form.errors.as_text())
    return service
