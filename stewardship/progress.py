"""How far a review round has come: per person, per förvaltningsobjekt and per controller."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from stewardship.models import ItemStatus, ReviewItem, ReviewRound

__all__ = ["Progress", "progress_by", "round_items", "round_progress", "result_frames"]


@dataclass
class Progress:
    key: Any
    label: str
    total: int = 0
    confirmed: int = 0
    corrected: int = 0

    @property
    def answered(self) -> int:
        return self.confirmed + self.corrected

    @property
    def open(self) -> int:
        return self.total - self.answered

    @property
    def percent(self) -> int:
        return round(100 * self.answered / self.total) if self.total else 100

    def add(self, item: ReviewItem) -> None:
        self.total += 1
        self.confirmed += item.status == ItemStatus.CONFIRMED
        self.corrected += item.status == ItemStatus.CORRECTED


def round_items(round_: ReviewRound) -> list[ReviewItem]:
    """The round's items with their records, people and groupings joined (one query)."""
    return list(round_.items.with_targets().select_related("confirmed_by").order_by("person__name", "pk"))


def progress_by(
    items: Iterable[ReviewItem], key: Callable[[ReviewItem], tuple[Any, str] | None]
) -> list[Progress]:
    groups: dict[Any, Progress] = {}
    for item in items:
        found = key(item)
        if found is None:
            continue
        groups.setdefault(found[0], Progress(*found)).add(item)
    return sorted(groups.values(), key=lambda p: (p.percent, p.label))


def _person(item: ReviewItem):
    return item.person_id, item.person.name


def _management_object(item: ReviewItem):
    if item.management_object_id:
        return item.management_object_id, item.management_object.name
    if item.service_id and item.service.management_object_id:
        mo = item.service.management_object
        return mo.pk, mo.name
    return None


def _controller(item: ReviewItem):
    if item.processing_activity_id and item.processing_activity.controller_id:
        controller = item.processing_activity.controller
        return controller.pk, controller.name
    return None


def round_progress(items: list[ReviewItem]) -> dict[str, list[Progress]]:
    total = Progress(None, "Totalt")
    for item in items:
        total.add(item)
    return {
        "total": total,
        "by_person": progress_by(items, _person),
        "by_management_object": progress_by(items, _management_object),
        "by_controller": progress_by(items, _controller),
    }


def _progress_frame(rows: list[Progress], heading: str) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                heading: p.label,
                "Poster": p.total,
                "Stämmer": p.confirmed,
                "Rättade": p.corrected,
                "Obesvarade": p.open,
                "Besvarat (%)": p.percent,
            }
            for p in rows
        ],
        columns=[heading, "Poster", "Stämmer", "Rättade", "Obesvarade", "Besvarat (%)"],
    )


def result_frames(round_: ReviewRound) -> dict[str, pd.DataFrame]:
    """The round's result as sheets: every item, then progress per person, object and controller."""
    items = round_items(round_)
    progress = round_progress(items)
    rows = [
        {
            "Typ": item.kind_label,
            "Post": str(item.target),
            "Ansvarig": item.person.name,
            "Status": item.get_status_display(),
            "Fullständighet vid start (%)": item.completeness_at_start,
            "Saknades eller inaktuellt vid start": "; ".join(item.findings),
            "Besvarad": item.confirmed_at,
            "Besvarad av": item.confirmed_by.get_username() if item.confirmed_by else "",
        }
        for item in items
    ]
    columns = [
        "Typ",
        "Post",
        "Ansvarig",
        "Status",
        "Fullständighet vid start (%)",
        "Saknades eller inaktuellt vid start",
        "Besvarad",
        "Besvarad av",
    ]
    frame = pd.DataFrame(rows, columns=columns)
    frame["Besvarad"] = pd.to_datetime(frame["Besvarad"], utc=True)
    return {
        "Poster": frame,
        "Per person": _progress_frame(progress["by_person"], "Ansvarig"),
        "Per förvaltningsobjekt": _progress_frame(progress["by_management_object"], "Förvaltningsobjekt"),
        "Per personuppgiftsansvarig": _progress_frame(progress["by_controller"], "Personuppgiftsansvarig"),
    }
