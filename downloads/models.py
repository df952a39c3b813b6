"""Models of the downloads app (they arrive with their own issue)."""
