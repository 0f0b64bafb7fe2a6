"""How complete each processing activity's Article 30 entry is, weighted; and per controller.

The facts and their weights are declared ONCE, in :data:`ACTIVITY_FACTS` (``docs/completeness.md``
explains them); scoring, aggregation and the month-end figures reuse the portfolio's machinery in
``portfolio.analysis.completeness`` so that every kind of record is scored the same way.
"""

import datetime
from collections.abc import Iterable

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gdpr.choices import ActivityStatus, LegalBasis
from gdpr.models import ProcessingActivity, ProcessingActivityService
from gdpr.models.processing import REVIEW_INTERVAL
from portfolio.analysis.completeness import Aggregate, Completeness, Fact, aggregate, score_row
from portfolio.history import Snapshot
from portfolio.models import Organisation, Person

__all__ = [
    "ACTIVITY_FACTS",
    "activity_completeness",
    "activity_completeness_at",
    "by_controller",
]


def _has(key: str):
    def present(row) -> bool:
        value = row.get(key)
        if isinstance(value, str):
            return bool(value.strip())
        return value is not None and value is not False and value != []

    return present


def _law_needed(row) -> bool:
    # Art. 6(3): a legal obligation or a public task rests on a law that has to be named.
    return row.get("legal_basis") in (LegalBasis.LEGAL_OBLIGATION, LegalBasis.PUBLIC_TASK)


#: The weights: the ONE place they are declared for the GDPR side (docs/completeness.md).
ACTIVITY_FACTS: tuple[Fact, ...] = (
    Fact("controller", 3, _("saknar personuppgiftsansvarig"), _has("controller_id")),
    Fact("purposes", 3, _("saknar ändamål"), _has("purposes")),
    Fact("legal_basis", 3, _("saknar rättslig grund"), _has("legal_basis")),
    Fact(
        "legal_basis_law",
        1,
        _("saknar författning för den rättsliga grunden"),
        _has("legal_basis_law"),
        _law_needed,
    ),
    Fact(
        "data_subject_categories", 2, _("saknar kategorier av registrerade"), _has("data_subject_categories")
    ),
    Fact(
        "personal_data_categories",
        2,
        _("saknar kategorier av personuppgifter"),
        _has("personal_data_categories"),
    ),
    Fact("recipients", 1, _("saknar mottagare"), _has("recipients")),
    Fact("retention_period", 2, _("saknar gallringsfrist"), _has("retention_period")),
    Fact("security_measures", 2, _("saknar säkerhetsåtgärder"), _has("security_measures")),
    Fact("responsible", 1, _("saknar ansvarig"), _has("responsible_id")),
    Fact("services", 1, _("saknar kopplade system eller lärresurser"), _has("has_services")),
    Fact(
        "special_category_condition",
        2,
        _("saknar undantag enligt art. 9.2"),
        _has("special_category_condition"),
        _has("special_categories"),
    ),
    Fact(
        "personal_identity_number_need",
        1,
        _("saknar motivering för personnummer"),
        _has("personal_identity_number_need"),
        _has("personal_identity_numbers"),
    ),
    Fact(
        "protected_identity_routine",
        1,
        _("saknar rutin för skyddade personuppgifter"),
        _has("protected_identity_routine"),
        _has("protected_identity"),
    ),
)

_VALUES = (
    "name",
    "controller_id",
    "purposes",
    "legal_basis",
    "legal_basis_law",
    "data_subject_categories",
    "personal_data_categories",
    "recipients",
    "retention_period",
    "security_measures",
    "responsible_id",
    "special_categories",
    "special_category_condition",
    "personal_identity_numbers",
    "personal_identity_number_need",
    "protected_identity",
    "protected_identity_routine",
    "last_reviewed_on",
)


def _stale(last_reviewed_on: datetime.date | None, today: datetime.date) -> str:
    if last_reviewed_on is None:
        return str(_("aldrig granskad"))
    if last_reviewed_on < today - REVIEW_INTERVAL:
        return str(_("senast granskad %(day)s") % {"day": last_reviewed_on.isoformat()})
    return ""


def _completeness(row, today: datetime.date, controller, owner) -> Completeness:
    score, possible, missing = score_row(ACTIVITY_FACTS, row)
    return Completeness(
        target_type="processing_activity",
        target_id=row["pk"],
        name=row["name"],
        score=score,
        possible=possible,
        missing=missing,
        stale=_stale(row.get("last_reviewed_on"), today),
        controller=controller,
        owners=[owner] if owner else [],
    )


def activity_completeness(
    activities: QuerySet | None = None, *, today: datetime.date | None = None
) -> list[Completeness]:
    """Completeness of each processing activity (by default every current one). One query."""
    today = today or timezone.localdate()
    queryset = ProcessingActivity.objects.current()
    if activities is not None:
        queryset = ProcessingActivity.objects.filter(pk__in=activities.values("pk"))
    rows = (
        queryset.annotate(
            has_services=Exists(ProcessingActivityService.objects.filter(processing_activity=OuterRef("pk")))
        )
        .values("pk", *_VALUES, "has_services", "controller__name", "responsible__name")
        .order_by("controller__name", "name", "pk")
    )
    return [
        _completeness(
            row,
            today,
            (row["controller_id"], row["controller__name"]) if row["controller_id"] else None,
            (row["responsible_id"], row["responsible__name"]) if row["responsible_id"] else None,
        )
        for row in rows
    ]


def activity_completeness_at(snapshot: Snapshot, day: datetime.date) -> dict[str, list[Completeness]]:
    """Completeness of the processing activities current at ``day``, read from ``snapshot``."""
    with_services = {link.processing_activity_id for link in snapshot.all(ProcessingActivityService)}
    results = []
    for activity in snapshot.all(ProcessingActivity):
        if activity.status == ActivityStatus.RETIRED:
            continue
        row = {"pk": activity.pk, **{name: getattr(activity, name) for name in _VALUES}}
        row["has_services"] = activity.pk in with_services
        controller = snapshot.get(Organisation, activity.controller_id)
        person = snapshot.get(Person, activity.responsible_id)
        results.append(
            _completeness(
                row,
                day,
                (controller.pk, controller.name) if controller else None,
                (person.pk, person.name) if person else None,
            )
        )
    return {"processing_activity": results}


_NO_CONTROLLER = _("Utan personuppgiftsansvarig")


def by_controller(results: Iterable[Completeness]) -> list[Aggregate]:
    """Per controller (nämnd); activities without one together."""
    return aggregate(results, lambda r: [r.controller or (None, str(_NO_CONTROLLER))])
