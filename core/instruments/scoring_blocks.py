"""A checklist's ``scoring`` block, checked and typed by the scorer it names.

The checklist schema validates the common part of ``scoring`` (``method``,
``convention``, ``options``, ``notes``); the rest of the block belongs to the
appraisal scorer named by ``method``, which may declare:

- ``scoring_schema``: the JSON Schema of the whole block (``method`` included);
- ``check_scoring(checklist)``: checks a schema cannot express, given the checklist
  as plain data (it has passed both schemas), returning ``(json_path, message)`` pairs
  whose paths start at the document root, e.g. ``(("scoring", "points"), "...")``;
- ``scoring_model(scoring)``: the typed object a ``Checklist``'s ``scoring`` holds
  (default: a :class:`ScoringBlock`).

So the core knows no scorer by name. Problems come back located like every other
instrument error: ``file:LINE: $.scoring.path: message``. A ``method`` no installed
scorer provides is not an error here (the plugin may simply not be installed where
the file is validated); scoring it fails with the list of known scorers.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from evidencekit.core.errors import EvidencekitError

Scorers = Mapping[str, Any]
PathKey = tuple[Any, ...]


@dataclass(frozen=True)
class ScoringBlock:
    """A ``scoring`` block as written, for a scorer that declares no model of its own."""

    method: str
    convention: str | None = None
    options: dict[str, Any] = field(default_factory=dict)
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ScoringBlock:
        return cls(
            method=str(data["method"]),
            convention=data.get("convention"),
            options=dict(data.get("options") or {}),
            raw=dict(data),
        )


@functools.cache
def builtin_scorers() -> dict[str, Any]:
    """The built-in appraisal scorers by name (no third-party plugins): what checks an
    instrument when no plugin manager is at hand."""
    from evidencekit.core.plugin_manager import get_plugin_manager

    return scorers_of(get_plugin_manager(autoload=False))


def scorers_of(pm: Any) -> dict[str, Any]:
    """Every appraisal scorer ``pm`` provides, by name (built-ins if ``pm`` is None)."""
    if pm is None:
        return builtin_scorers()
    from evidencekit.core.registry import Registry

    try:
        registry = Registry(pm)
    except EvidencekitError:  # a broken plugin is reported where providers are used
        return builtin_scorers()
    return {p.name: p.provider for p in registry.providers("appraisal-scorer")}


def _scorer(data: Any, scorers: Scorers | None) -> tuple[Mapping[str, Any], Any] | None:
    scoring = data.get("scoring") if isinstance(data, Mapping) else None
    if not isinstance(scoring, Mapping) or not isinstance(scoring.get("method"), str):
        return None
    found = (builtin_scorers() if scorers is None else scorers).get(scoring["method"])
    return (scoring, found) if found is not None else None


def scoring_schema_problems(data: Any, scorers: Scorers | None = None) -> list[tuple[PathKey, str]]:
    """The ``scoring`` block against its scorer's ``scoring_schema``, as (path, message)."""
    from evidencekit.core.schema_validation import located_errors

    found = _scorer(data, scorers)
    schema = getattr(found[1], "scoring_schema", None) if found else None
    if not schema:
        return []
    return [(("scoring", *path), message) for path, message in located_errors(found[0], schema)]


def scoring_check_problems(data: Any, scorers: Scorers | None = None) -> list[tuple[PathKey, str]]:
    """The scorer's own semantic check of a schema-valid checklist, as (path, message)."""
    found = _scorer(data, scorers)
    check = getattr(found[1], "check_scoring", None) if found else None
    if check is None:
        return []
    return [(tuple(path), str(message)) for path, message in check(data)]


def scoring_model(data: Mapping[str, Any], scorers: Scorers | None = None) -> Any:
    """The typed ``scoring`` of a checklist: the scorer's model, else a ScoringBlock."""
    found = _scorer(data, scorers)
    build = getattr(found[1], "scoring_model", None) if found else None
    if build is not None:
        return build(data["scoring"])
    return ScoringBlock.from_dict(data["scoring"])
