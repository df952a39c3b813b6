"""Models of the compliance app (they arrive with their own issue)."""
