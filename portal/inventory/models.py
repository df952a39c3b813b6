"""Models of the inventory app (they arrive with their own issue)."""
