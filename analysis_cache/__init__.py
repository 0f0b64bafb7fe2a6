"""Computed analysis results kept in the database: a cache shared by every server process.

A leaf app: it imports no other app of the project, stores opaque results under a name, a
language and the register state they were computed from, and hands out a lease so that one
process at a time recomputes. What the analyses are, and when they are stale, is decided by the
caller (``stewardship.analyses``). Not register data: no history, not in backups
(``integrations.backup`` lists the apps it holds), and safe to empty at any time.
"""
