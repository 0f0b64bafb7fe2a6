"""The GDPR gap rules: one small unit each, with its article (issue 5).

Importing the package registers every rule in :data:`RULES`; faces call :func:`find_gaps`.
"""

# Every rule module is imported here so that RULES never depends on what else was imported.
from . import (  # noqa: F401  (registration)
    breaches,
    dpia,
    flows,
    lawfulness,
    monitoring,
    processors,
    record,
    retention,
    services,
    transfers,
    transparency,
)
from .base import (
    RULES,
    ActivityRule,
    Context,
    GapFinding,
    Rule,
    Severity,
    TargetType,
    find_gaps,
    gap_counts_by_service,
    gdpr_facts_by_service,
)

__all__ = [
    "RULES",
    "ActivityRule",
    "Context",
    "GapFinding",
    "Rule",
    "Severity",
    "TargetType",
    "find_gaps",
    "gap_counts_by_service",
    "gdpr_facts_by_service",
]
