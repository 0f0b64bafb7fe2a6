"""Landscape analyses: plain functions over querysets that return dataclasses (docs/architecture.md,
principle 2).

Each analysis loads what it needs in a fixed number of queries and works in memory, so its
query count does not grow with the register. Views, GraphQL resolvers and management commands
only present what these return. See docs/analysis.md.
"""

from .duplicates import ClusterMember, DuplicateCluster, ServiceRecord, cluster_records, find_duplicates
from .equity import EquityCell, EquityColumn, EquityFinding, EquityMatrix, EquitySchool, equity_matrix
from .names import normalise_name
from .pm3 import Pm3Gap, Severity, pm3_gaps
from .sso import CoverageGroup, FederationFinding, ServiceOutsideSso, SsoCoverage, sso_coverage
from .standardisation import (
    DEFAULT_WEIGHTS,
    CapabilityOverlap,
    ConsolidationOutcome,
    OverlapService,
    ProductOption,
    StandardisationCandidate,
    StandardisationReport,
    StandardisationWeights,
    consolidation_outcome,
    standardisation_report,
)

__all__ = [
    "DEFAULT_WEIGHTS",
    "CapabilityOverlap",
    "ClusterMember",
    "ConsolidationOutcome",
    "CoverageGroup",
    "DuplicateCluster",
    "EquityCell",
    "EquityColumn",
    "EquityFinding",
    "EquityMatrix",
    "EquitySchool",
    "FederationFinding",
    "OverlapService",
    "Pm3Gap",
    "ProductOption",
    "ServiceOutsideSso",
    "ServiceRecord",
    "Severity",
    "SsoCoverage",
    "StandardisationCandidate",
    "StandardisationReport",
    "StandardisationWeights",
    "cluster_records",
    "consolidation_outcome",
    "equity_matrix",
    "find_duplicates",
    "normalise_name",
    "pm3_gaps",
    "sso_coverage",
    "standardisation_report",
]
