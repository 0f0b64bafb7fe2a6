"""Sections other apps add to a review round's page: a seam, since stewardship may not import
the apps above it (docs/architecture.md). The färdplan registers the follow-up of the plans being
carried out (``planning.review``), so a plan's follow-up is part of the yearly review round.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

__all__ = ["ROUND_SECTIONS", "RoundSection", "SectionRow", "round_sections"]


@dataclass
class SectionRow:
    text: str
    url: str = ""
    detail: str = ""


@dataclass
class RoundSection:
    title: str
    intro: str = ""
    rows: list[SectionRow] = field(default_factory=list)


#: Callables ``(round) -> RoundSection | None``, registered in the apps' ``AppConfig.ready()``.
ROUND_SECTIONS: list[Callable] = []


def round_sections(round_) -> list[RoundSection]:
    """The sections the registered apps give ``round_`` (those with nothing to say left out)."""
    return [section for hook in ROUND_SECTIONS if (section := hook(round_)) is not None]
