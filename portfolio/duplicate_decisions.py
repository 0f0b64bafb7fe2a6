"""Decisions about duplicates, remembered: "not the same product", its undo, and what a merge teaches.

The duplicate finder is evidence, not judgement. When a strateg looks at a cluster and decides
that its registrations are *not* one product, that decision is stored (``DuplicateDecision``,
one row per pair, with history and who decided) and the finder never raises the pair again
while both records are unchanged. The web page and the GraphQL mutation both write through
here, so the rule, the permission and the history are the same on every face.

Both a merge and a decision also teach the municipality's product catalogue
(``CatalogueProduct``), which the finder reads as evidence:

* a merge adds the merged names as aliases of the kept product (the catalogue entry is created,
  or a shipped or municipal one is extended), so "Flipgrid" is known as Flip from now on;
* a "not the same product" decision between a product and the same name with words appended
  ("Vklass" / "Vklass Bokning") records the appended words as a *separate qualifier* of that
  product: for this municipality they name a product of their own. Its undo takes them back.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import combinations

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portfolio.models import Application, CatalogueProduct, DuplicateDecision, LearningResource
from portfolio.services import claim_version, delete_versioned, stamp_history
from portfolio.text import fold, split_lines

__all__ = [
    "DecisionError",
    "DecisionRow",
    "SERVICE_MODELS",
    "ServiceKey",
    "decide_not_same_product",
    "decision_rows",
    "grow_catalogue_after_merge",
    "may_decide",
    "may_undo",
    "parse_service_keys",
    "service_names",
    "undo_not_same_product",
]

#: ("application", 12): a service as the duplicate finder names it.
ServiceKey = tuple[str, int]

SERVICE_MODELS = {"application": Application, "learning_resource": LearningResource}

#: A decision covers every pair of its registrations; more than this is not a cluster but a mistake.
MAX_SERVICES = 60

#: History's change reason when none is given.
DEFAULT_REASON = "Inte samma produkt"


class DecisionError(ValueError):
    """The decision cannot be recorded as asked (unknown services, fewer than two, no permission)."""


#
# Permissions: like a merge, the strateg's right to change the portfolio's services
#


def _service_perms(service_types: Iterable[str]) -> list[str]:
    return [f"portfolio.change_{SERVICE_MODELS[t]._meta.model_name}" for t in set(service_types)]


def may_decide(user, service_types: Iterable[str]) -> bool:
    """Whether ``user`` may decide that services of ``service_types`` are not one product."""
    if user is None or not getattr(user, "is_active", False):
        return False
    return user.has_perms(["portfolio.add_duplicatedecision", *_service_perms(service_types)])


def may_undo(user, service_types: Iterable[str]) -> bool:
    """Whether ``user`` may take back a decision about services of ``service_types``."""
    if user is None or not getattr(user, "is_active", False):
        return False
    return user.has_perms(["portfolio.delete_duplicatedecision", *_service_perms(service_types)])


#
# Reading what the faces send
#


def parse_service_keys(values: Iterable[str]) -> list[ServiceKey]:
    """``["application:12", "learning_resource:3"]`` as keys; :class:`DecisionError` if malformed."""
    keys: list[ServiceKey] = []
    for value in values:
        kind, _sep, pk = str(value).strip().partition(":")
        if kind not in SERVICE_MODELS or not pk.isdigit():
            raise DecisionError(
                _("”%(value)s” är inte en tjänst; skriv application:ID eller learning_resource:ID.")
                % {"value": value}
            )
        keys.append((kind, int(pk)))
    return list(dict.fromkeys(keys))


def _records(keys: Sequence[ServiceKey]):
    """The finder's records of ``keys`` (two queries); :class:`DecisionError` if any is missing."""
    from portfolio.analysis.duplicates import load_service_records

    ids = {kind: [pk for k, pk in keys if k == kind] for kind in SERVICE_MODELS}
    records = load_service_records(
        Application.objects.filter(pk__in=ids["application"]),
        LearningResource.objects.filter(pk__in=ids["learning_resource"]),
    )
    by_key = {record.key: record for record in records}
    missing = [key for key in keys if key not in by_key]
    if missing:
        raise DecisionError(
            _("Tjänsten finns inte (borttagen?): %(keys)s")
            % {"keys": ", ".join(f"{kind}:{pk}" for kind, pk in missing)}
        )
    return [by_key[key] for key in keys]


def service_names(keys: Sequence[ServiceKey]) -> dict[ServiceKey, str]:
    """The names of the services ``keys`` (two queries)."""
    return {record.key: record.name for record in _records(keys)}


def _pair_filter(first: ServiceKey, second: ServiceKey) -> dict:
    a, b = sorted((first, second))
    return {"first_type": a[0], "first_id": a[1], "second_type": b[0], "second_id": b[1]}


#
# Deciding and undoing
#


def decide_not_same_product(
    services: Sequence[ServiceKey], *, user=None, reason: str = ""
) -> list[DuplicateDecision]:
    """Record that ``services`` (a pair or a whole cluster) are pairwise *not* the same product.

    Atomic: every pair gets its decision (an earlier decision about a pair is renewed: the
    records as they are now, the new reason and decider), or none does. History records the
    user. Returns the decisions, one per pair.
    """
    keys = list(dict.fromkeys(services))
    if len(keys) < 2:
        raise DecisionError(_("Välj minst två registreringar."))
    if len(keys) > MAX_SERVICES:
        raise DecisionError(
            _("Högst %(count)d registreringar i ett beslut.") % {"count": MAX_SERVICES}
        )
    reason = reason.strip()
    history_reason = (reason or DEFAULT_REASON)[:100]
    decisions: list[DuplicateDecision] = []
    with transaction.atomic():
        records = _records(keys)
        for first, second in combinations(records, 2):
            fresh = DuplicateDecision.for_records(first, second, reason=reason, decided_by=user)
            decision = (
                DuplicateDecision.objects.select_for_update()
                .filter(**_pair_filter(first.key, second.key))
                .first()
            )
            if decision is None:
                decision = fresh
            else:
                decision.fingerprint = fresh.fingerprint
                decision.reason = reason
                decision.decided_by = fresh.decided_by
                decision.decided_at = timezone.now()
            stamp_history(decision, user, history_reason)
            try:
                with transaction.atomic():
                    decision.save()
            except IntegrityError as error:  # another request decided the same pair meanwhile
                raise DecisionError(_("Beslutet kunde inte sparas; försök igen.")) from error
            decisions.append(decision)
            _add_separate_qualifier(first, second, user=user)
    return decisions


def undo_not_same_product(services: Sequence[ServiceKey], *, user=None, reason: str = "") -> int:
    """Take back the decisions among ``services`` (a pair or a cluster); returns how many.

    The finder may then raise the pairs again. History keeps the decisions and their undoing.
    """
    keys = list(dict.fromkeys(services))
    if len(keys) < 2:
        raise DecisionError(_("Välj minst två registreringar."))
    if len(keys) > MAX_SERVICES:
        raise DecisionError(
            _("Högst %(count)d registreringar i ett beslut.") % {"count": MAX_SERVICES}
        )
    history_reason = (reason.strip() or _("Beslut ångrat"))[:100]
    undone = 0
    with transaction.atomic():
        for first, second in combinations(keys, 2):
            for decision in DuplicateDecision.objects.select_for_update().filter(
                **_pair_filter(first, second)
            ):
                delete_versioned(decision, user=user, reason=history_reason)
                undone += 1
        if undone:
            existing = [key for key in keys if SERVICE_MODELS[key[0]].objects.filter(pk=key[1]).exists()]
            if len(existing) >= 2:
                for first, second in combinations(_records(existing), 2):
                    _remove_separate_qualifier(first, second, user=user)
    return undone


@dataclass
class DecisionRow:
    """One decision as the pages show it: both names, who decided when, and whether it holds."""

    decision: DuplicateDecision
    first_name: str
    second_name: str
    in_force: bool

    @property
    def keys(self) -> list[str]:
        d = self.decision
        return [f"{d.first_type}:{d.first_id}", f"{d.second_type}:{d.second_id}"]


def decision_rows() -> list[DecisionRow]:
    """Every decision with the names of its services and whether it is in force (four queries).

    A decision is out of force when one of its records changed since (or was removed): the
    finder may raise the pair again, and the page says so.
    """
    from portfolio.analysis.duplicates import load_service_records

    decisions = list(DuplicateDecision.objects.select_related("decided_by"))
    ids: dict[str, set[int]] = {kind: set() for kind in SERVICE_MODELS}
    for d in decisions:
        ids[d.first_type].add(d.first_id)
        ids[d.second_type].add(d.second_id)
    records = load_service_records(
        Application.objects.filter(pk__in=ids["application"]),
        LearningResource.objects.filter(pk__in=ids["learning_resource"]),
    )
    names = {record.key: record.name for record in records}
    in_force = DuplicateDecision.objects.in_force(records) if records else set()
    gone = _("(borttagen)")
    return [
        DecisionRow(
            decision=d,
            first_name=names.get((d.first_type, d.first_id), gone),
            second_name=names.get((d.second_type, d.second_id), gone),
            in_force=d.pair in in_force,
        )
        for d in decisions
    ]


#
# The catalogue learns
#


def _catalogue():
    from portfolio.analysis.catalogue import catalogue_from_database

    return catalogue_from_database()


def _name_key(text: str) -> str:
    from portfolio.analysis.names import compact, normalise_name

    return compact(normalise_name(text))


def _stored_row(name: str) -> CatalogueProduct | None:
    """The municipality's catalogue row called ``name`` (case-folded), if any."""
    wanted = fold(name)
    for row in CatalogueProduct.objects.filter(search_text__contains=wanted):
        if fold(row.name) == wanted:
            return row
    return None


def _save_row(row: CatalogueProduct, *, user, reason: str) -> None:
    if row.pk is not None:
        claim_version(row, None)
    stamp_history(row, user, reason)
    row.save()


def _with_lines(value: str, additions: Iterable[str]) -> str:
    lines = split_lines(value)
    seen = {fold(line) for line in lines}
    for addition in additions:
        if addition and fold(addition) not in seen:
            seen.add(fold(addition))
            lines.append(addition)
    return "\n".join(lines)


def grow_catalogue_after_merge(
    kept: Application | LearningResource, merged_names: Iterable[str], *, user=None
) -> CatalogueProduct | None:
    """Add ``merged_names`` as aliases of the kept product's catalogue entry (created or extended).

    The entry is the catalogue product the kept registration's name (or product) is, else a new
    municipal entry under the kept name. A merged name the catalogue already knows — as this
    product's or as another product's — is left out: the catalogue must not say that one name is
    two products. Returns the row written, or ``None`` when there was nothing new to add.
    """
    catalogue = _catalogue()
    entry = catalogue.by_name(kept.name) or (catalogue.by_name(kept.product) if kept.product else None)
    new_names = []
    for name in merged_names:
        key = _name_key(name)
        known = key in catalogue.names or key == _name_key(kept.name)
        if key and not known and all(_name_key(n) != key for n in new_names):
            new_names.append(name.strip())
    if not new_names:
        return None
    canonical = entry.name if entry is not None else kept.name
    row = _stored_row(canonical)
    today = timezone.localdate().isoformat()
    if row is None:
        vendor = kept.vendor.name if entry is None and kept.vendor_id else ""
        row = CatalogueProduct(
            name=canonical[: CatalogueProduct._meta.get_field("name").max_length],
            vendor_name=vendor,
            source=_("Sammanslagning i systemkartan %(date)s") % {"date": today},
        )
    row.aliases = _with_lines(row.aliases, new_names)
    _save_row(row, user=user, reason=_("Sammanslagning: %(names)s") % {"names": ", ".join(new_names)})
    return row


def _words(name: str) -> list[str]:
    return [word for word in name.replace("(", " ").replace(")", " ").split() if word.strip("-–,:")]


def _qualifier_of(first, second) -> tuple[str, str] | None:
    """(product, qualifier) when one record's name is the other's with words appended."""
    a, b = _words(first.name), _words(second.name)
    if len(a) > len(b):
        a, b = b, a
    if not a or len(b) == len(a) or [fold(w) for w in b[: len(a)]] != [fold(w) for w in a]:
        return None
    return " ".join(a), " ".join(b[len(a) :])


def _add_separate_qualifier(first, second, *, user) -> None:
    found = _qualifier_of(first, second)
    if found is None:
        return
    product, qualifier = found
    entry = _catalogue().by_name(product)
    if entry is not None and fold(qualifier) in {fold(q) for q in entry.separate_qualifiers}:
        return
    canonical = entry.name if entry is not None else product
    row = _stored_row(canonical)
    if row is None:
        row = CatalogueProduct(
            name=canonical,
            source=_("Beslut i systemkartan %(date)s: inte samma produkt")
            % {"date": timezone.localdate().isoformat()},
        )
    row.separate_qualifiers = _with_lines(row.separate_qualifiers, [qualifier])
    _save_row(row, user=user, reason=_("Egen produkt: %(name)s") % {"name": f"{product} {qualifier}"})


def _remove_separate_qualifier(first, second, *, user) -> None:
    found = _qualifier_of(first, second)
    if found is None:
        return
    product, qualifier = found
    entry = _catalogue().by_name(product)
    row = _stored_row(entry.name if entry is not None else product)
    if row is None:
        return
    kept = [q for q in split_lines(row.separate_qualifiers) if fold(q) != fold(qualifier)]
    if len(kept) == len(split_lines(row.separate_qualifiers)):
        return
    row.separate_qualifiers = "\n".join(kept)
    _save_row(row, user=user, reason=_("Beslut ångrat"))
