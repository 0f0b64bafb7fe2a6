"""The insights pages, one module per concern: the base, the dashboard, the analyses, the duplicates."""
