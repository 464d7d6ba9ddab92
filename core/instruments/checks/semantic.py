"""The semantic checks of one document, by kind."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from evidencekit.core.instruments.checks.checklist import _check_checklist
from evidencekit.core.instruments.checks.kinds import (
    _check_crosswalk,
    _check_form,
    _check_framework,
    _check_measure,
    _check_review,
)
from evidencekit.core.instruments.checks.located import _Problems
from evidencekit.core.yaml_loader import YamlDocument


def semantic_problems(doc: YamlDocument) -> list[str]:
    """Problems beyond the schema, as ``file:LINE: $.path: message`` lines."""
    data = doc.data
    if not isinstance(data, dict):
        return []
    check = _CHECKS.get(data.get("kind"))
    if check is None:
        return []
    problems = _Problems(doc.name, doc.line_of)
    check(data, problems)
    return problems.lines


_CHECKS: dict[str, Callable[[dict[str, Any], _Problems], None]] = {
    "checklist": _check_checklist,
    "framework": _check_framework,
    "measure": _check_measure,
    "form": _check_form,
    "crosswalk": _check_crosswalk,
    "review": _check_review,
}
