"""Checks JSON Schema cannot express (unique ids, references inside a file)."""

from __future__ import annotations

from evidencekit.core.yaml_loader import YamlDocument


def semantic_problems(doc: YamlDocument) -> list[str]:
    """Problems beyond the schema, as ``file:LINE: $.path: message`` lines."""
    return []
