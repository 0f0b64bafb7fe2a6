"""The choices of the färdplan: statuses, action kinds, the findings that motivate an action and
the measurable figures an effektmål can be set on.

Plain choices only (no analysis imports), so that forms, models and GraphQL enums share them.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

__all__ = [
    "GDPR_ACTION_KINDS",
    "gap_matches",
    "gap_reference",
    "METRIC_PARAMETERS",
    "ActionKind",
    "ActionStatus",
    "Comparison",
    "DecidedBy",
    "FindingKind",
    "Metric",
    "PlanStatus",
]


class PlanStatus(models.TextChoices):
    DRAFT = "utkast", _("Utkast")
    DECIDED = "beslutad", _("Beslutad")
    IN_PROGRESS = "genomfors", _("Genomförs")
    CLOSED = "avslutad", _("Avslutad")

    @classmethod
    def decided(cls) -> list[str]:
        """Statuses of a plan someone has decided on (and so binds the register)."""
        return [cls.DECIDED, cls.IN_PROGRESS, cls.CLOSED]


class DecidedBy(models.TextChoices):
    BOARD = "namnd", _("Nämnd")
    MANAGEMENT_COUNCIL = "forvaltningsrad", _("Förvaltningsråd")


class ActionKind(models.TextChoices):
    PHASE_OUT = "phase_out", _("Avveckla")
    REPLACE = "replace", _("Ersätt med annan tjänst")
    INTRODUCE = "introduce", _("Inför")
    MOVE_BEHIND_SSO = "move_behind_sso", _("Flytta bakom SSO")
    JOIN_SKOLFEDERATION = "join_skolfederation", _("Anslut till Skolfederation")
    PROCESSOR_AGREEMENT = "processor_agreement", _("Teckna personuppgiftsbiträdesavtal")
    DPIA = "dpia", _("Gör konsekvensbedömning (DPIA)")
    CONSOLIDATE_CONTRACTS = "consolidate_contracts", _("Samordna avtal")
    FIX_GDPR_GAP = "fix_gdpr_gap", _("Åtgärda dataskyddsbrist")


#: Action kinds the dataskyddssamordnare owns (``planning.manage_gdpr_action``): the processor
#: agreement and the DPIA, which change the register, and closing any other GDPR gap the
#: finding names (a legal basis written down, a breach reported: work on the record itself).
GDPR_ACTION_KINDS = frozenset({ActionKind.PROCESSOR_AGREEMENT, ActionKind.DPIA, ActionKind.FIX_GDPR_GAP})


def gap_reference(ref: str) -> tuple[str, str, int | None]:
    """``finding_ref`` of a GDPR gap — ``CODE`` or ``CODE:target_type:target_id`` — as its parts."""
    code, *target = ref.split(":")
    if len(target) == 2 and target[1].isdigit():
        return code, target[0], int(target[1])
    return code, "", None


def gap_matches(ref: str, service_id: int | None, finding) -> bool:
    """Whether the GDPR finding (``gdpr.gaps.GapFinding``) is the one ``ref`` names: the same rule
    on the same target, or — a bare code — the rule on any target touching ``service_id``."""
    code, target_type, target_id = gap_reference(ref)
    if finding.code != code:
        return False
    if target_id is not None:
        return finding.target_type == target_type and finding.target_id == target_id
    return service_id is None or any(pk == service_id for _kind, pk in finding.services)


class ActionStatus(models.TextChoices):
    PLANNED = "planerad", _("Planerad")
    RUNNING = "pagar", _("Pågår")
    DONE = "klar", _("Klar")
    STOPPED = "stoppad", _("Stoppad")


class FindingKind(models.TextChoices):
    """The analysis finding that motivated an action (``Action.finding_kind``)."""

    DUPLICATE_CLUSTER = "duplicate_cluster", _("Dubblettkluster")
    STANDARDISATION = "standardisation", _("Standardiseringskandidat")
    OUTSIDE_SSO = "outside_sso", _("Tjänst utanför SSO")
    GDPR_GAP = "gdpr_gap", _("Brist i dataskyddet")
    EQUITY_HOLE = "equity_hole", _("Likvärdighetsbrist")


class Metric(models.TextChoices):
    """The register's own figures an effektmål can be set on (computed in ``planning.goals``)."""

    SSO_COVERAGE_USERS = "sso_coverage_users", _("SSO-täckning räknat på användare (%)")
    SERVICES_PER_CAPABILITY = "services_per_capability", _("Tjänster i bruk för en förmåga (antal)")
    OPEN_GDPR_GAPS = "open_gdpr_gaps", _("Öppna dataskyddsbrister av minst given allvarlighet (antal)")
    EQUITY_SHARE = "equity_share", _("Andel skolor av en skolform med tjänst för en förmåga (%)")
    YEARLY_COST = "yearly_cost", _("Årlig kostnad totalt (kr)")
    SKOLFEDERATION_SHARE = "skolfederation_share", _("Andel tjänster i bruk anslutna till Skolfederation (%)")
    COMPLETENESS = "completeness", _("Registrets fullständighet (%)")


#: The goal parameters each metric needs (``Goal.capability``, ``school_form``, ``severity``).
METRIC_PARAMETERS: dict[str, tuple[str, ...]] = {
    Metric.SSO_COVERAGE_USERS: (),
    Metric.SERVICES_PER_CAPABILITY: ("capability",),
    Metric.OPEN_GDPR_GAPS: ("severity",),
    Metric.EQUITY_SHARE: ("capability", "school_form"),
    Metric.YEARLY_COST: (),
    Metric.SKOLFEDERATION_SHARE: (),
    Metric.COMPLETENESS: (),
}


class Comparison(models.TextChoices):
    AT_LEAST = "gte", "≥"
    AT_MOST = "lte", "≤"
