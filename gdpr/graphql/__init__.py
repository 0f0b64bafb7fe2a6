"""The GDPR record's part of the GraphQL API: types, root connections and mutations."""
