"""The GraphQL endpoint: the view (session and token access), guards, and schema descriptions."""
