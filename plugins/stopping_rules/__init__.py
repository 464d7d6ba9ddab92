"""Built-in stopping rules for prioritised screening."""
