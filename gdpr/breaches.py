"""Writes and e-mail of the register of breaches: a report from anyone, and who is told of it.

Anyone logged in may report a suspected breach (the earlier the nämnd knows, the earlier the
72 hours can be used well); the dataskyddssamordnare is told by e-mail at once, off the request
path, and takes it from there in the register.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.roles import Role
from gdpr.gaps.breaches import clock_text
from gdpr.models import Breach
from portfolio.services import save_form

__all__ = ["breach_coordinators", "notify_breach_reported", "report_breach", "send_breach_report"]

logger = logging.getLogger(__name__)


def report_breach(form, *, user) -> Breach:
    """Save a report (``BreachReportForm``) as an open breach, reported internally now by ``user``.

    The e-mail to the dataskyddssamordnare is enqueued once the transaction commits, so a report
    that fails to save sends nothing and the reporter does not wait for the mail server.
    """
    with transaction.atomic():
        form.instance.reported_by = user if getattr(user, "pk", None) else None
        form.instance.reported_internally_at = timezone.now()
        breach = save_form(form, user=user, reason="Rapporterad")
        notify_breach_reported(breach)
    return breach


def notify_breach_reported(breach: Breach) -> None:
    from gdpr.tasks import send_breach_report_task

    breach_id = breach.pk
    transaction.on_commit(lambda: send_breach_report_task.enqueue(breach_id))


def breach_coordinators() -> list[str]:
    """E-mail addresses of the active users who keep the register of breaches (the role's group)."""
    users = (
        get_user_model().objects.filter(is_active=True, groups__name=Role.DATA_PROTECTION).exclude(email="")
    )
    return sorted(set(users.values_list("email", flat=True)))


def send_breach_report(breach_id: int) -> int:
    """E-mail the dataskyddssamordnare about a reported breach; return how many were told."""
    breach = Breach.objects.filter(pk=breach_id).select_related("reported_by").first()
    recipients = breach_coordinators()
    if breach is None or not recipients:
        if breach is not None:
            logger.warning(
                "Breach %s was reported but no dataskyddssamordnare has an e-mail address", breach_id
            )
        return 0
    with translation.override(settings.LANGUAGE_CODE):
        link = getattr(settings, "SITE_URL", "").rstrip("/") + breach.get_absolute_url()
        subject = _("Personuppgiftsincident rapporterad: %(title)s") % {"title": breach.title}
        reporter = breach.reported_by.get_username() if breach.reported_by else _("okänd")
        body = "\n".join(
            [
                _("En personuppgiftsincident har rapporterats av %(reporter)s.") % {"reporter": reporter},
                "",
                _("Rubrik: %(title)s") % {"title": breach.title},
                _("Upptäcktes: %(when)s")
                % {"when": timezone.localtime(breach.discovered_at).strftime("%Y-%m-%d %H:%M")},
                _("Tid kvar till anmälan till IMY (72 timmar): %(left)s")
                % {"left": clock_text(breach.hours_left())},
                "",
                breach.description,
                "",
                _("Bedöm risken och dokumentera incidenten: %(link)s") % {"link": link},
            ]
        )
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)
    return len(recipients)
