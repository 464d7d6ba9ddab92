"""Built-in deduplicators: ``exact`` (identifiers and exact titles) and ``fuzzy``."""
