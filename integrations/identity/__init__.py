"""What the identity providers know: applications, sign-ins and who belongs to which school.

The readers here turn the documented exports of Microsoft Entra ID (Microsoft Graph
``servicePrincipals`` and ``auditLogs/signIns``, and the admin centre's sign-in CSV) and Google
Workspace (Admin SDK Reports API ``activities.list`` for ``token`` and ``saml``) into two plain
shapes: :class:`~integrations.identity.records.DiscoveredApp` and the per-service, per-school,
per-user-group counts of :class:`~integrations.identity.tally.SignInTally`.

Sign-in logs are personal data about pupils and staff. The readers stream (a month of sign-ins
for a large municipality is millions of rows) and keep user identifiers only in memory, long
enough to count distinct users; nothing here writes them anywhere.
"""
