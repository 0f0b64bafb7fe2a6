"""E-mails of the review round: at start, as a reminder before the deadline, and when overdue.

Sent through Django's e-mail framework, so the backend is configuration: the console (or file)
backend by default, SMTP with ``EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend`` and
``EMAIL_HOST`` … in the environment. Each (round, person, kind) is sent at most once: the
:class:`~stewardship.models.Notification` row is written in the same transaction as the send,
under a unique constraint, so ``send_review_reminders`` can run daily from cron, twice by
mistake, or in two processes at once.

Links in the e-mail are absolute when ``SITE_URL`` (e.g. ``https://systemkarta.example.se``) is
set in the settings; otherwise they are paths.
"""

import datetime
import logging
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portfolio.models import Person
from stewardship.models import ItemStatus, Notification, NotificationKind, ReviewItem, ReviewRound

__all__ = ["Due", "due_notifications", "notify_round_started", "send_due_notifications"]

logger = logging.getLogger(__name__)


@dataclass
class Due:
    """One e-mail to send: a kind of message to a person about their items in a round."""

    round: ReviewRound
    person: Person
    kind: str
    items: list[ReviewItem] = field(default_factory=list)


def _kind_due(round_: ReviewRound, open_items: int, today: datetime.date) -> list[str]:
    kinds = []
    if round_.start <= today:
        kinds.append(NotificationKind.START)
    if (
        open_items
        and round_.deadline - datetime.timedelta(days=round_.reminder_days) <= today <= round_.deadline
    ):
        kinds.append(NotificationKind.REMINDER)
    if open_items and today > round_.deadline:
        kinds.append(NotificationKind.OVERDUE)
    return kinds


def due_notifications(today: datetime.date | None = None, rounds=None) -> list[Due]:
    """Every e-mail that is due and not yet sent, for the open rounds (three queries)."""
    today = today or timezone.localdate()
    rounds = (
        rounds if rounds is not None else ReviewRound.objects.filter(closed_on__isnull=True, start__lte=today)
    )
    items = list(
        ReviewItem.objects.filter(round__in=rounds, round__closed_on__isnull=True)
        .with_targets()
        .order_by("round", "person", "pk")
    )
    sent = set(
        Notification.objects.filter(round__in={i.round_id for i in items}).values_list(
            "round_id", "person_id", "kind"
        )
    )
    grouped: dict[tuple[int, int], list[ReviewItem]] = defaultdict(list)
    for item in items:
        grouped[(item.round_id, item.person_id)].append(item)
    due: list[Due] = []
    for (round_id, person_id), person_items in grouped.items():
        round_, person = person_items[0].round, person_items[0].person
        if not person.email or not person.active:
            continue
        open_items = [i for i in person_items if i.status == ItemStatus.OPEN]
        for kind in _kind_due(round_, len(open_items), today):
            if (round_id, person_id, kind) in sent:
                continue
            # A reminder or overdue notice is about what is still open; the start lists everything.
            due.append(
                Due(round_, person, kind, person_items if kind == NotificationKind.START else open_items)
            )
    return due


def _link() -> str:
    return getattr(settings, "SITE_URL", "").rstrip("/") + reverse("stewardship:my_items")


_SUBJECTS = {
    NotificationKind.START: _(
        "Granskning startad: %(round)s – %(count)s poster att bekräfta senast %(deadline)s"
    ),
    NotificationKind.REMINDER: _(
        "Påminnelse: %(round)s – %(count)s poster obesvarade, sista dag %(deadline)s"
    ),
    NotificationKind.OVERDUE: _(
        "Försenad granskning: %(round)s – %(count)s poster obesvarade sedan %(deadline)s"
    ),
}


def _send(due: Due) -> bool:
    context = {
        "round": due.round,
        "person": due.person,
        "kind": due.kind,
        "items": due.items,
        "link": _link(),
    }
    subject = str(_SUBJECTS[due.kind]) % {
        "round": due.round.name,
        "count": len(due.items),
        "deadline": due.round.deadline.isoformat(),
    }
    body = render_to_string("stewardship/email/review.txt", context)
    try:
        with transaction.atomic():
            Notification.objects.create(
                round=due.round, person=due.person, kind=due.kind, email=due.person.email
            )
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [due.person.email])
    except IntegrityError:
        # Another run sent it between our read and our write: it is sent once all the same.
        return False
    return True


def send_due_notifications(today: datetime.date | None = None, rounds=None) -> int:
    """Send every due e-mail once; return how many were sent. A failed send is retried next run."""
    sent = 0
    for due in due_notifications(today, rounds):
        try:
            sent += _send(due)
        except OSError:
            logger.exception(
                "Could not send the %s e-mail of round %s to person %s", due.kind, due.round.pk, due.person.pk
            )
    return sent


def notify_round_started(round_: ReviewRound) -> None:
    """Send the round's start e-mails in the background once the transaction that started it commits.

    Never inside the write transaction: a slow or failing mail server must neither hold the
    register's write lock nor undo the round, and a round that is rolled back sends nothing.
    """
    from stewardship.tasks import send_round_notifications

    round_id = round_.pk
    transaction.on_commit(lambda: send_round_notifications.enqueue(round_id))
