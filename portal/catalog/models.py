"""Models of the catalog app (they arrive with their own issue)."""
