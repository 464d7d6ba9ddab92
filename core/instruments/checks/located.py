"""How a semantic check reports: one ``file:LINE: $.path: message`` line per problem, and
the small helpers messages share."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from evidencekit.core.yaml_loader import json_path

PathKey = tuple[Any, ...]


class _Problems:
    """Collects problems for one document, each with its line and JSON path."""

    def __init__(self, name: str, line_of: Callable[[PathKey], int]):
        self.name = name
        self.line_of = line_of
        self.lines: list[str] = []

    def add(self, path: PathKey, message: str) -> None:
        self.lines.append(f"{self.name}:{self.line_of(path)}: {json_path(path)}: {message}")

    def unique(self, seen: dict[Any, PathKey], key: Any, path: PathKey, what: str) -> None:
        """Report ``key`` if it was seen before (naming the line of the first use)."""
        if key in seen:
            self.add(
                path,
                f"{what} {key!r} is used twice (first at line "
                f"{self.line_of(seen[key])}); give each a different {what}",
            )
        else:
            seen[key] = path


def listing(values: Iterable[Any]) -> str:
    """``a, b, c`` (or ``(none)``), for messages."""
    values = list(values)
    return ", ".join(str(v) for v in values) if values else "(none)"


def bool_hint(key: str) -> str:
    """A hint for a key YAML read as a boolean (unquoted yes/no)."""
    # PyYAML reads unquoted yes/no/on/off as booleans; the loader makes such keys "true"/"false".
    if key in ("true", "false"):
        return ' (YAML reads unquoted yes/no as true/false: write "yes" and "no" in quotes)'
    return ""
