"""The portfolio's part of the GraphQL API: types, root connections and mutations."""
