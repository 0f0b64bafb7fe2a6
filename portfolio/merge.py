"""Merging two registrations of one product into one (the "merge" action of the duplicate list).

Everything that hangs on the duplicate — schools using it, capabilities, roles, costs, contract
links, data flows — moves to the registration that is kept, row by row with history, so an
as-of read before the merge still shows both registrations as they were. The duplicate's name,
aliases and entity IDs become aliases of the kept one (so the next SAML or spreadsheet import
recognises it) and of the kept product's catalogue entry (so the duplicate finder does), and the
duplicate is then deleted; its history keeps the deletion and why.

Rows of other apps (the GDPR record's processing-activity links) are moved by callables the
caller passes in ``movers``, because ``portfolio`` never imports them (docs/architecture.md, principle 3).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import models, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from portfolio.duplicate_decisions import grow_catalogue_after_merge
from portfolio.models import (
    Application,
    ContractService,
    Cost,
    DataFlow,
    LearningResource,
    RoleAssignment,
    ServiceCapability,
    ServiceUsage,
)
from portfolio.services import claim_version, delete_versioned, stamp_history
from portfolio.text import split_lines

__all__ = ["MergeError", "MergeResult", "Mover", "merge_services"]


class MergeError(ValueError):
    """The two registrations cannot be merged (different kinds, or the same record)."""


@dataclass
class MergeResult:
    kept: Application | LearningResource
    removed_name: str
    #: What moved, per kind of row: {"användning": 3, "roller": 1, …}
    moved: dict[str, int] = field(default_factory=dict)
    #: Rows that already existed on the kept registration and were dropped from the duplicate.
    dropped: dict[str, int] = field(default_factory=dict)


#: ``mover(kept, duplicate, user=…, reason=…) -> (moved, dropped)``, for rows of other apps.
Mover = Callable[..., tuple[int, int]]

_SERVICE_MODELS = (Application, LearningResource)


def move_links(
    through: type[models.Model],
    owner_field: str,
    other_field: str,
    kept: models.Model,
    duplicate: models.Model,
    *,
    user=None,
    reason: str = "",
    combine: Callable[[models.Model, models.Model], bool] | None = None,
) -> tuple[int, int]:
    """Re-point ``duplicate``'s rows in ``through`` at ``kept``; drop those ``kept`` already has.

    Each row is saved or deleted on its own so that its history records the move. ``combine``
    may fold a dropped row into the kept one (e.g. keep the larger user count) and says whether
    it changed it. Returns (moved, dropped). Public so that ``movers`` for other apps reuse it.
    """
    other_attname = through._meta.get_field(other_field).attname
    existing = {
        getattr(row, other_attname): row for row in through._default_manager.filter(**{owner_field: kept})
    }
    moved = dropped = 0
    for row in list(through._default_manager.filter(**{owner_field: duplicate})):
        twin = existing.get(getattr(row, other_attname))
        if twin is not None:
            if combine is not None and combine(twin, row):
                stamp_history(twin, user, reason)
                twin.save()
            stamp_history(row, user, reason)
            row.delete()
            dropped += 1
            continue
        setattr(row, owner_field, kept)
        stamp_history(row, user, reason)
        row.save()
        moved += 1
    return moved, dropped


def _repoint(rows: Iterable[models.Model], field_name: str, kept, *, user, reason) -> int:
    count = 0
    for row in rows:
        setattr(row, field_name, kept)
        stamp_history(row, user, reason)
        row.save()
        count += 1
    return count


def _larger_user_count(twin, row) -> bool:
    if row.users > twin.users:
        twin.users = row.users
        return True
    return False


def _merged_lines(*values: str, exclude: Iterable[str] = ()) -> str:
    """Lines of ``values`` without duplicates (case-insensitive) or any of ``exclude``."""
    seen = {e.casefold() for e in exclude}
    lines = []
    for value in values:
        for line in split_lines(value):
            if line.casefold() not in seen:
                seen.add(line.casefold())
                lines.append(line)
    return "\n".join(lines)


def merge_services(
    kept: Application | LearningResource,
    duplicate: Application | LearningResource,
    *,
    user=None,
    reason: str = "",
    movers: Iterable[Mover] = (),
) -> MergeResult:
    """Fold ``duplicate`` into ``kept`` atomically: everything moves, history says who and why."""
    if type(kept) is not type(duplicate) or type(kept) not in _SERVICE_MODELS:
        raise MergeError(_("Bara två system eller två lärresurser kan slås samman."))
    if kept.pk == duplicate.pk:
        raise MergeError(_("Välj två olika registreringar."))
    owner = "service"
    reason = (reason or _("Sammanslagen med %(name)s") % {"name": duplicate.name})[:100]
    result = MergeResult(kept=kept, removed_name=duplicate.name)

    with transaction.atomic():
        kept = type(kept)._default_manager.select_for_update().get(pk=kept.pk)
        duplicate = type(duplicate)._default_manager.select_for_update().get(pk=duplicate.pk)
        result.kept = kept

        for label, through, other, combine in (
            (_("användning"), ServiceUsage, "organisation", _larger_user_count),
            (_("förmågor"), ServiceCapability, "capability", None),
            (_("avtal"), ContractService, "contract", None),
        ):
            moved, dropped = move_links(
                through, owner, other, kept, duplicate, user=user, reason=reason, combine=combine
            )
            result.moved[label] = moved
            result.dropped[label] = dropped

        # Roles: the same person in the same role on both is one assignment.
        held = set(RoleAssignment.objects.filter(**{owner: kept}).values_list("person_id", "role"))
        moving, dropping = [], []
        for role in RoleAssignment.objects.filter(**{owner: duplicate}):
            (dropping if (role.person_id, role.role) in held else moving).append(role)
        result.moved[_("roller")] = _repoint(moving, owner, kept, user=user, reason=reason)
        for role in dropping:
            delete_versioned(role, user=user, reason=reason)
        result.dropped[_("roller")] = len(dropping)

        result.moved[_("kostnader")] = _repoint(
            Cost.objects.filter(**{owner: duplicate}), owner, kept, user=user, reason=reason
        )
        # A flow between the two registrations would become a flow from the product to itself.
        joining = DataFlow.objects.filter(
            Q(**{f"source_{owner}": duplicate, f"target_{owner}": kept})
            | Q(**{f"source_{owner}": kept, f"target_{owner}": duplicate})
        )
        for flow in joining:
            delete_versioned(flow, user=user, reason=reason)
        result.dropped[_("dataflöden")] = len(joining)
        flows = 0
        for end in ("source", "target"):
            flows += _repoint(
                DataFlow.objects.filter(**{f"{end}_{owner}": duplicate}), f"{end}_{owner}", kept,
                user=user, reason=reason,
            )
        result.moved[_("dataflöden")] = flows

        for mover in movers:
            moved, dropped = mover(kept, duplicate, user=user, reason=reason)
            label = getattr(mover, "label", getattr(mover, "__name__", "övrigt"))
            result.moved[str(label)] = moved
            result.dropped[str(label)] = dropped

        # The duplicate's names and entity IDs stay findable on the kept registration.
        kept.aliases = _merged_lines(
            kept.aliases, duplicate.name, duplicate.aliases, exclude=[kept.name]
        )
        kept.saml_entity_ids = _merged_lines(kept.saml_entity_ids, duplicate.saml_entity_ids)
        if not kept.vendor_id and duplicate.vendor_id:
            kept.vendor_id = duplicate.vendor_id
        duplicate_external_id = duplicate.external_id
        delete_versioned(duplicate, user=user, reason=reason)
        # A re-import by the source system's id then finds the kept registration, not nothing.
        if not kept.external_id and duplicate_external_id:
            kept.external_id = duplicate_external_id
        claim_version(kept, None)
        stamp_history(kept, user, reason)
        kept.save()
        # The catalogue learns the merged names too, so the finder knows them as this product.
        grow_catalogue_after_merge(kept, [duplicate.name, *split_lines(duplicate.aliases)], user=user)
    return result
