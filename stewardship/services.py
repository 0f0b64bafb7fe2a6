"""Writes of the review round: start a round, confirm a record ("stämmer"), correct it.

A round's selection is made with each model's own FilterSet (the same filters as the register's
lists), and a correction is saved through the record's own Form and ``portfolio.services.save_form``
so that it is validated, versioned and recorded in the record's history like any other edit.

A responsible person is linked to a login by e-mail: ``Person.email`` (stored lower-case) equals
the ``User.email`` of the login, compared case-insensitively (see :func:`people_of`).
"""

import datetime
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from gdpr.completeness import activity_completeness
from gdpr.filters import ProcessingActivityFilterSet
from gdpr.forms import ProcessingActivityForm
from gdpr.models import ProcessingActivity
from gdpr.services import mark_reviewed
from portfolio.analysis.completeness import (
    Completeness,
    application_completeness,
    learning_resource_completeness,
    management_object_completeness,
)
from portfolio.choices import LifecycleStatus
from portfolio.filters import ApplicationFilterSet, LearningResourceFilterSet, ManagementObjectFilterSet
from portfolio.forms import ApplicationForm, LearningResourceForm, ManagementObjectForm
from portfolio.models import Application, LearningResource, ManagementObject, Person
from portfolio.permissions import change_permission
from portfolio.services import claim_version, save_form, stamp_history
from stewardship.models import ItemStatus, ReviewItem, ReviewKind, ReviewRound
from stewardship.notifications import notify_round_started

__all__ = [
    "KIND_SETUP",
    "can_answer",
    "can_manage_rounds",
    "can_review_kind",
    "kind_change_permission",
    "reviewable_kinds",
    "confirm_item",
    "correct_item",
    "form_for",
    "people_of",
    "select_records",
    "start_round",
]

#: Per kind: model, FilterSet, Form, completeness function, and the default selection.
KIND_SETUP: dict[str, dict[str, Any]] = {
    ReviewKind.APPLICATION: {
        "model": Application,
        "filterset": ApplicationFilterSet,
        "form": ApplicationForm,
        "score": application_completeness,
        "base": lambda: Application.objects.exclude(lifecycle_status=LifecycleStatus.RETIRED),
    },
    ReviewKind.LEARNING_RESOURCE: {
        "model": LearningResource,
        "filterset": LearningResourceFilterSet,
        "form": LearningResourceForm,
        "score": learning_resource_completeness,
        "base": lambda: LearningResource.objects.exclude(lifecycle_status=LifecycleStatus.RETIRED),
    },
    ReviewKind.MANAGEMENT_OBJECT: {
        "model": ManagementObject,
        "filterset": ManagementObjectFilterSet,
        "form": ManagementObjectForm,
        "score": management_object_completeness,
        "base": lambda: ManagementObject.objects.all(),
    },
    ReviewKind.PROCESSING_ACTIVITY: {
        "model": ProcessingActivity,
        "filterset": ProcessingActivityFilterSet,
        "form": ProcessingActivityForm,
        "score": activity_completeness,
        "base": lambda: ProcessingActivity.objects.current(),
    },
}

#: Who may start and follow rounds: those who keep the landscape or the GDPR record.
MANAGER_PERMISSIONS = ("portfolio.change_managementobject", "gdpr.change_processingactivity")


def _target_field(kind: str) -> str:
    """The ReviewItem key of a kind: systems and learning resources are both a ``service``."""
    return "service" if kind in (ReviewKind.APPLICATION, ReviewKind.LEARNING_RESOURCE) else kind


def can_manage_rounds(user) -> bool:
    """A digital strateg or dataskyddssamordnare (by their permissions), or a superuser."""
    return bool(user and user.is_active and any(user.has_perm(p) for p in MANAGER_PERMISSIONS))


def people_of(user) -> models.QuerySet:
    """The register's Person rows that are ``user``: same e-mail address, case-insensitive."""
    email = (getattr(user, "email", "") or "").strip().lower()
    if not email or not getattr(user, "is_authenticated", False):
        return Person.objects.none()
    return Person.objects.filter(email=email)


def kind_change_permission(kind: str) -> str:
    """The permission a round over ``kind``, and an answer to one of its items, needs.

    It is the record model's own change permission (``portfolio.permissions.change_permission``),
    the same one the record's edit page asks for: a round never lets a role change what its
    edit page would refuse.
    """
    return change_permission(KIND_SETUP[ReviewKind(kind).value]["model"])


def can_review_kind(user, kind: str) -> bool:
    """May ``user`` change records of ``kind`` (and so start a round over them or answer for them)?"""
    if kind not in KIND_SETUP:
        return False
    return bool(user is not None and user.is_active and user.has_perm(kind_change_permission(kind)))


def reviewable_kinds(user) -> list[str]:
    """The kinds ``user`` may start a round over: a round manager who may change that kind's records."""
    if not can_manage_rounds(user):
        return []
    return [kind.value for kind in ReviewKind if can_review_kind(user, kind.value)]


def can_answer(user, item: ReviewItem) -> bool:
    """The responsible person themself, or someone who manages rounds — either way only with the
    change permission of the item's record, exactly as the record's own edit page requires."""
    if not can_review_kind(user, item.kind):
        return False
    if can_manage_rounds(user):
        return True
    return people_of(user).filter(pk=item.person_id).exists()


def _as_querydict(params: Mapping[str, Any] | str | None) -> QueryDict:
    if isinstance(params, str):
        return QueryDict(params.lstrip("?"))
    data = QueryDict(mutable=True)
    for key, value in (params or {}).items():
        data.setlist(key, [str(v) for v in value] if isinstance(value, list | tuple) else [str(value)])
    return data


def select_records(kind: str, params: Mapping[str, Any] | str | None) -> models.QuerySet:
    """The records of ``kind`` that the kind's FilterSet selects with ``params``; refuses bad filters."""
    setup = KIND_SETUP[kind]
    filterset = setup["filterset"](_as_querydict(params), queryset=setup["base"]())
    if not filterset.is_valid():
        raise ValidationError(
            {kind: [f"{name}: {'; '.join(errs)}" for name, errs in filterset.errors.items()]}
        )
    return filterset.qs


def _findings(result: Completeness) -> list[str]:
    return [*result.missing, *([result.stale] if result.stale else [])]


@transaction.atomic
def start_round(
    *,
    name: str,
    deadline: datetime.date,
    kinds: list[str],
    filters: Mapping[str, Mapping[str, Any] | str] | None = None,
    user=None,
    start: datetime.date | None = None,
    reminder_days: int = 14,
) -> ReviewRound:
    """Start a round over the selected records: one item per record and responsible person.

    The responsible persons are the current systemägare of systems and learning resources, the
    objektägare of förvaltningsobjekt and the ``responsible`` of processing activities. What each
    record lacks or how stale it is when the round starts is stored on the item, so the owner's
    page shows it and the round's result can be compared with it.

    ``user`` must manage rounds and hold the change permission of every kind's model
    (:func:`kind_change_permission`); ``user=None`` is the command line's own trusted call.
    """
    start = start or timezone.localdate()
    if deadline < start:
        raise ValidationError({"deadline": _("Sista dagen kan inte ligga före starten.")})
    filters = dict(filters or {})
    kinds = [ReviewKind(k).value for k in kinds]
    if not kinds:
        raise ValidationError({"kinds": _("Välj minst en sorts poster.")})
    if user is not None:
        refused = [k for k in kinds if k not in reviewable_kinds(user)]
        if refused:
            raise PermissionDenied(
                _("Du får inte starta en granskning av: %(kinds)s.")
                % {"kinds": ", ".join(str(ReviewKind(k).label) for k in refused)}
            )
    selections = {kind: select_records(kind, filters.get(kind)) for kind in kinds}
    stored_filters = {
        kind: (_as_querydict(filters.get(kind)).urlencode()) for kind in kinds if filters.get(kind)
    }
    round_ = ReviewRound(
        name=name,
        start=start,
        deadline=deadline,
        kinds=kinds,
        filters=stored_filters,
        started_by=user,
        reminder_days=reminder_days,
    )
    stamp_history(round_, user, _("Omgången startades"))
    round_.save()

    items: list[ReviewItem] = []
    unassigned: list[dict[str, Any]] = []
    for kind, queryset in selections.items():
        for result in KIND_SETUP[kind]["score"](queryset, today=start):
            if not result.owners:
                unassigned.append({"kind": kind, "id": result.target_id, "name": result.name})
                continue
            for person_id, _person_name in result.owners:
                items.append(
                    ReviewItem(
                        round=round_,
                        person_id=person_id,
                        status=ItemStatus.OPEN,
                        findings=_findings(result),
                        completeness_at_start=result.percent,
                        **{f"{_target_field(kind)}_id": result.target_id},
                    )
                )
    bulk_create_with_history(items, ReviewItem, default_user=user, default_change_reason="Omgången startades")
    if unassigned:
        round_.unassigned = unassigned
        ReviewRound.objects.filter(pk=round_.pk).update(unassigned=unassigned)
    notify_round_started(round_)  # after the commit, in the background
    return round_


def _check(user, item: ReviewItem) -> None:
    if not can_answer(user, item):
        raise PermissionDenied(_("Posten är inte din att besvara."))
    if not item.round.is_open:
        raise ValidationError(_("Omgången är avslutad."))


def _answered(item: ReviewItem, status: str, user, reason: str) -> ReviewItem:
    item.status = status
    item.confirmed_at = timezone.now()
    item.confirmed_by = user if getattr(user, "is_authenticated", False) else None
    stamp_history(item, user, reason)
    item.save()
    return item


@transaction.atomic
def confirm_item(item: ReviewItem, *, user, expected_version: int | None = None) -> ReviewItem:
    """The owner says the record is right as it stands ("stämmer").

    The record itself is touched too, with the round named as the reason, so that its history
    shows who confirmed it when and it is no longer stale; a processing activity is marked as
    reviewed (``gdpr.services.mark_reviewed``).
    """
    _check(user, item)
    target = item.target
    reason = _("Bekräftad i granskningen %(round)s") % {"round": item.round.name}
    if isinstance(target, ProcessingActivity):
        mark_reviewed(target, user=user, expected_version=expected_version)
    else:
        claim_version(target, expected_version)
        stamp_history(target, user, reason)
        target.save()
    return _answered(item, ItemStatus.CONFIRMED, user, reason)


def form_for(item: ReviewItem, data=None):
    """The record's own Form, bound to ``data`` when given."""
    return KIND_SETUP[item.kind]["form"](data=data, instance=item.target)


@transaction.atomic
def correct_item(item: ReviewItem, form, *, user, expected_version: int | None = None) -> ReviewItem:
    """Save the owner's correction through the record's Form; the item is marked corrected.

    Raises ``ValueError`` (from ``save_form``) if the form is not valid and
    ``portfolio.services.StaleEditError`` if someone saved the record in between.
    """
    _check(user, item)
    reason = _("Rättad i granskningen %(round)s") % {"round": item.round.name}
    save_form(form, user=user, expected_version=expected_version, reason=reason)
    return _answered(item, ItemStatus.CORRECTED, user, reason)


@transaction.atomic
def close_round(round_: ReviewRound, *, user, on: datetime.date | None = None) -> ReviewRound:
    """Close the round: no more answers or e-mails; the result stays for export."""
    round_.closed_on = on or timezone.localdate()
    stamp_history(round_, user, _("Omgången avslutades"))
    round_.save()
    return round_
