"""Everything that changes catalog state; see the modules (store, refresh, recommendations, standards, lookups)."""
