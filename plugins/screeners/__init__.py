"""Built-in screeners."""
