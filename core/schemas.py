"""Moved to :mod:`evidencekit.core.schema_validation` (the name collided with the
``schemas/`` data package, ``evidencekit.schemas``). This alias keeps code written
against the old name working while branches in flight are merged."""

from evidencekit.core.schema_validation import (
    SCHEMA_BASE,
    SCHEMA_PACKAGE,
    iter_schema_errors,
    load_schema,
    located_errors,
    schema_names,
    validate_document,
    validation_messages,
)

__all__ = [
    "SCHEMA_BASE",
    "SCHEMA_PACKAGE",
    "iter_schema_errors",
    "load_schema",
    "located_errors",
    "schema_names",
    "validate_document",
    "validation_messages",
]
