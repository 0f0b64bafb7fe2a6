"""The färdplan's part of the yearly review round: the follow-up of every plan being carried out
(overdue actions, actions done while their service is still used, findings gone on their own,
goals whose date has passed unmet), shown on the round's page through
``stewardship.sections.ROUND_SECTIONS``."""

from django.urls import NoReverseMatch
from django.utils.translation import gettext as _

from stewardship.sections import RoundSection, SectionRow

from .followup import open_plans_followup
from .models import Plan

__all__ = ["plan_followup_section"]


def _url(plan_id: int) -> str:
    try:
        return Plan(pk=plan_id).get_absolute_url()
    except NoReverseMatch:  # the plan pages are not mounted (an installation without them)
        return ""


def plan_followup_section(round_) -> RoundSection | None:
    """The section "Färdplanernas uppföljning"; None when no plan is being carried out."""
    followups = open_plans_followup()
    if not followups:
        return None
    section = RoundSection(
        title=_("Färdplanernas uppföljning"),
        intro=_("Beslutade färdplaner som genomförs: det som avviker från planen."),
    )
    for followup in followups:
        url = _url(followup.plan_id)
        for action in followup.actions:
            section.rows.append(SectionRow(f"{followup.plan}: {action.action}", url, action.explanation))
        for goal in followup.goals_not_met:
            section.rows.append(
                SectionRow(f"{followup.plan}: {goal}", url, _("Måldatum passerat utan att målet nåtts."))
            )
    return section
