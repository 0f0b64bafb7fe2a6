"""Landscape analyses: plain functions over querysets that return dataclasses (DESIGN.md, principle 2).

Each analysis loads what it needs in a fixed number of queries and works in memory, so its
query count does not grow with the register. Views, GraphQL resolvers and management commands
only present what these return.
"""

from .duplicates import ClusterMember, DuplicateCluster, ServiceRecord, cluster_records, find_duplicates
from .names import normalise_name

__all__ = [
    "ClusterMember",
    "DuplicateCluster",
    "ServiceRecord",
    "cluster_records",
    "find_duplicates",
    "normalise_name",
]
