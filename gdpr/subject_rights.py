"""The register's own personal data: access (Art. 15) and erasure (Art. 17, 5.1 e) for one person.

systemkarta keeps people — their names, e-mail addresses and titles, their roles, who changed
what — and its history keeps every past value for ever. A GDPR register must meet its own rules,
so this module finds everything the register holds about one person and pseudonymises it.

The search is generic over the apps registry rather than a list of known fields: every text,
e-mail and JSON column of every model, history tables included, is searched for the person's name,
e-mail address and login name. A field added next year is covered without touching this module,
and ``gdpr`` needs to import no app above it (DESIGN: dependencies point one way).
"""

from __future__ import annotations

import datetime
import json
import re
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from gdpr.models import PersonErasure
from portfolio.models import Person, RoleAssignment

__all__ = [
    "ErasureResult",
    "Mention",
    "SubjectReport",
    "departed_people",
    "erase_person",
    "pseudonym_for",
    "subject_report",
]

#: Columns that hold free text or addresses a name or e-mail can be written into.
_TEXT_FIELDS = (models.CharField, models.TextField, models.EmailField)
#: Tables whose rows are secrets or derived data, never shown and handled on their own.
_SKIPPED_TABLES = {"django_session", "accounts_apitoken"}


@dataclass(frozen=True)
class Mention:
    """One column of one row that names the person."""

    table: str
    model: str
    pk: Any
    column: str
    text: str


@dataclass
class SubjectReport:
    """Everything the register holds about one person (Art. 15), history included."""

    email: str
    person: dict[str, Any] | None
    person_history: list[dict[str, Any]]
    roles: list[dict[str, Any]]
    user: dict[str, Any] | None
    changes_made: dict[str, int]
    mentions: list[Mention]

    def as_json(self) -> str:
        data = {
            "email": self.email,
            "person": self.person,
            "person_history": self.person_history,
            "roles": self.roles,
            "user": self.user,
            "changes_made": self.changes_made,
            "mentions": [vars(m) for m in self.mentions],
        }
        return json.dumps(data, ensure_ascii=False, indent=2, default=str)


@dataclass
class ErasureResult:
    """What an erasure changed (or, on a dry run, would change), per table."""

    pseudonym: str
    changed: dict[str, int] = field(default_factory=dict)
    dry_run: bool = False

    @property
    def total(self) -> int:
        return sum(self.changed.values())


def pseudonym_for(person: Person, on: datetime.date | None = None) -> str:
    """"Person 123 (borttagen 2026-12-04)": the audit trail still reads, the person is gone."""
    on = on or timezone.localdate()
    # Stored data, not interface text: the same in every language.
    return f"Person {person.pk} (borttagen {on.isoformat()})"


def _pseudonymous_email(person: Person) -> str:
    # A syntactically valid address under the reserved .invalid domain (RFC 2606), so e-mail
    # columns stay valid and nothing can ever be delivered to it.
    return f"person-{person.pk}@borttagen.invalid"


def _user_of(email: str):
    if not email:
        return None
    return get_user_model().objects.filter(email__iexact=email).order_by("pk").first()


def _needles(person: Person | None, email: str, user) -> list[str]:
    """What identifies the person in free text: name, e-mail, login name (long enough to be safe)."""
    found = {email.strip()} if email.strip() else set()
    if person is not None and len(person.name.strip()) >= 4:
        found.add(person.name.strip())
    if user is not None:
        for value in (user.username, user.get_full_name()):
            if len(value.strip()) >= 4:
                found.add(value.strip())
    return sorted(found, key=len, reverse=True)


def _searchable_models():
    for model in apps.get_models(include_auto_created=True):
        if model._meta.db_table in _SKIPPED_TABLES or model._meta.proxy or not model._meta.managed:
            continue
        text = [f for f in model._meta.concrete_fields if isinstance(f, _TEXT_FIELDS) and not f.choices]
        data = [f for f in model._meta.concrete_fields if isinstance(f, models.JSONField)]
        if text or data:
            yield model, text, data


def _pattern(needles: list[str]) -> re.Pattern:
    """The needles as whole words: "anna@x.se" is not found in "hanna@x.se", but "Anna Anderssons"
    (the genitive) is "Anna Andersson"."""
    parts = []
    for needle in needles:
        if "@" in needle:
            parts.append(rf"(?<![\w.+-]){re.escape(needle)}(?![\w-]|\.\w)")
        else:
            parts.append(rf"(?<![\w.+-]){re.escape(needle)}s?(?!\w)")
    return re.compile("|".join(parts), re.IGNORECASE)


def find_mentions(needles: list[str]) -> list[Mention]:
    """Every (row, column) of every table whose text names one of ``needles``.

    One query per model with text columns (an OR of case-insensitive ``contains``), then an exact
    case-insensitive match in Python, which also folds Å, Ä and Ö where SQLite's LIKE does not.
    JSON columns are read whole and searched as text (they are small).
    """
    if not needles:
        return []
    pattern = _pattern(needles)
    variants = sorted({v for n in needles for v in (n, n.lower(), n.upper(), n.title())})
    mentions: list[Mention] = []
    for model, text_fields, json_fields in _searchable_models():
        condition = Q()
        for f in text_fields:
            for needle in variants:
                condition |= Q(**{f"{f.attname}__icontains": needle})
        queryset = model._default_manager.all()
        columns = [f.attname for f in (*text_fields, *json_fields)]
        rows = queryset.filter(condition) if not json_fields else queryset
        for row in rows.values("pk", *columns).iterator():
            for f in (*text_fields, *json_fields):
                value = row[f.attname]
                if value in (None, "", [], {}):
                    continue
                text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
                if pattern.search(text):
                    mentions.append(
                        Mention(model._meta.db_table, model._meta.label, row["pk"], f.attname, text)
                    )
    return mentions


def _history_rows(person: Person) -> list[dict[str, Any]]:
    rows = []
    for record in person.history.order_by("history_date", "history_id").select_related("history_user"):
        rows.append(
            {
                "date": record.history_date.isoformat(),
                "type": record.history_type,
                "by": record.history_user.get_username() if record.history_user else "",
                "reason": record.history_change_reason or "",
                "name": record.name,
                "email": record.email,
                "title": record.title,
            }
        )
    return rows


def subject_report(email: str) -> SubjectReport:
    """Art. 15: the person registered with ``email``, their roles and history, their login and changes,
    and every other place the register names them."""
    email = email.strip().lower()
    person = Person.objects.filter(email=email).select_related("organisation").first()
    user = _user_of(email)
    person_data = None
    roles: list[dict[str, Any]] = []
    history: list[dict[str, Any]] = []
    if person is not None:
        person_data = {
            "name": person.name,
            "email": person.email,
            "title": person.title,
            "organisation": str(person.organisation or ""),
            "active": person.active,
            "created": person.created.isoformat(),
        }
        history = _history_rows(person)
        for role in RoleAssignment.objects.filter(person=person).order_by("starts_on", "pk"):
            roles.append(
                {
                    "role": role.get_role_display(),
                    "on": str(role.target),
                    "starts_on": role.starts_on,
                    "ends_on": role.ends_on,
                }
            )
    user_data = None
    changes: dict[str, int] = {}
    if user is not None:
        user_data = {
            "username": user.get_username(),
            "name": user.get_full_name(),
            "email": user.email,
            "date_joined": user.date_joined.isoformat(),
            "last_login": user.last_login.isoformat() if user.last_login else None,
            "groups": sorted(user.groups.values_list("name", flat=True)),
        }
        for model in apps.get_models():
            if hasattr(model, "history_user_id") and hasattr(model, "instance_type"):
                count = model._default_manager.filter(history_user=user).count()
                if count:
                    changes[model.instance_type._meta.label] = count
    mentions = find_mentions(_needles(person, email, user))
    return SubjectReport(email, person_data, history, roles, user_data, changes, mentions)


def _replace_in(value: Any, pattern: re.Pattern, replacement) -> Any:
    if isinstance(value, str):
        return pattern.sub(replacement, value)
    text = json.dumps(value, ensure_ascii=False)
    return json.loads(pattern.sub(lambda m: json.dumps(replacement(m))[1:-1], text))


@transaction.atomic
def erase_person(
    email: str, *, user=None, reason: str = "", dry_run: bool = False, on: datetime.date | None = None
) -> ErasureResult:
    """Art. 17: pseudonymise the person registered with ``email`` everywhere, history included.

    The person's row becomes "Person 123 (borttagen …)" with no e-mail or title (saved with
    history, by ``user``); every other text that names them — in any table, live or history —
    has the name replaced by that pseudonym and the e-mail address by an undeliverable one. A
    login of the same address is pseudonymised and disabled, its sessions ended, its API tokens
    revoked; the changes it made stay attributed to the pseudonymised login, so the audit trail
    still reads. The stored analyses, which may quote names, are emptied (they are recomputed).
    The act itself is recorded as a :class:`~gdpr.models.PersonErasure`. With ``dry_run`` nothing
    is written and the result says what would change.
    """
    email = email.strip().lower()
    person = Person.objects.filter(email=email).first()
    account = _user_of(email)
    if person is None and account is None:
        message = _("Ingen person eller användare har e-postadressen %(email)s.") % {"email": email}
        raise Person.DoesNotExist(message)
    on = on or timezone.localdate()
    if person is not None:
        pseudonym = pseudonym_for(person, on)
    else:
        pseudonym = f"Användare {account.pk} (borttagen {on.isoformat()})"
    fake_email = _pseudonymous_email(person) if person is not None else f"user-{account.pk}@borttagen.invalid"
    needles = _needles(person, email, account)
    email_pattern = re.compile(re.escape(email), re.IGNORECASE) if email else None

    def replacement(match: re.Match) -> str:
        if email_pattern is not None and email_pattern.search(match.group(0)):
            return fake_email
        return pseudonym

    result = ErasureResult(pseudonym=pseudonym, dry_run=dry_run)
    pattern = _pattern(needles)
    for mention in find_mentions(needles):
        result.changed[mention.table] = result.changed.get(mention.table, 0) + 1
        if dry_run:
            continue
        model = apps.get_model(mention.model)
        row = model._default_manager.filter(pk=mention.pk)
        current = row.values_list(mention.column, flat=True).first()
        row.update(**{mention.column: _replace_in(current, pattern, replacement)})
    if dry_run:
        transaction.set_rollback(True)
        return result

    if person is not None:
        person.refresh_from_db()
        person.name, person.email, person.title, person.external_id = pseudonym, "", "", ""
        person.active = False
        person._change_reason = reason or "Raderad enligt art. 17"
        person._history_user = user
        person.save()
    if account is not None:
        _disable_login(account, person.pk if person is not None else None)
    _forget_derived_data()
    PersonErasure.objects.create(
        pseudonym=pseudonym,
        erased_by=user,
        reason=reason or "Begäran enligt art. 17",
        changed=result.changed,
    )
    return result


def _disable_login(account, person_pk: int | None) -> None:
    from django.contrib.sessions.models import Session

    ref = person_pk if person_pk is not None else account.pk
    account.username = f"borttagen-{ref}-{account.pk}"
    account.first_name = account.last_name = ""
    account.email = ""
    account.is_active = False
    account.set_unusable_password()
    account.save()
    for session in Session.objects.all().iterator():
        if session.get_decoded().get("_auth_user_id") == str(account.pk):
            session.delete()
    token_model = apps.get_model("accounts", "ApiToken")
    token_model.objects.filter(user=account, revoked_at__isnull=True).update(revoked_at=timezone.now())


def _forget_derived_data() -> None:
    """Stored analysis results are pickled and may quote names: drop them, they are recomputed."""
    try:
        result_model = apps.get_model("analysis_cache", "AnalysisResult")
    except LookupError:
        return
    result_model.objects.all().delete()


def departed_people(*, on: datetime.date | None = None, days: int | None = None):
    """People kept longer than the retention period after they left (Art. 5.1 e).

    Someone has left when they hold no current role, are responsible for no processing activity,
    and have not logged in within the period; the period counts from the end of their last role
    (or their last change, for someone who never held one). ``PERSON_RETENTION_DAYS`` sets it.
    Already pseudonymised people (no e-mail) are not counted again.
    """
    on = on or timezone.localdate()
    days = settings.PERSON_RETENTION_DAYS if days is None else days
    cutoff = on - datetime.timedelta(days=days)
    current_roles = RoleAssignment.objects.current(on).values("person_id")
    late_roles = RoleAssignment.objects.filter(Q(ends_on__isnull=True) | Q(ends_on__gt=cutoff))
    late_roles = late_roles.values("person_id")
    people = (
        Person.objects.exclude(email="")
        .exclude(pk__in=current_roles)
        .exclude(pk__in=late_roles)
        .exclude(processing_activities__isnull=False)
        .filter(updated__date__lt=cutoff)
    )
    recent_logins = get_user_model().objects.filter(last_login__date__gte=cutoff)
    recent_logins = recent_logins.values_list("email", flat=True)
    recent = {address.lower() for address in recent_logins if address}
    return [p for p in people.order_by("pk") if p.email not in recent]
