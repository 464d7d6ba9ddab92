"""Checks JSON Schema cannot express: unique ids, references inside a file,
consistent scoring rules and scales.

:func:`semantic_problems` runs on one document that already passed its schema.
:func:`reference_problems` runs on a whole catalogue and checks references
between files (a measure's influences exist in its framework, a crosswalk's
entries exist on both sides).

Every problem is one line, ``file:LINE: $.json.path: message``."""

from __future__ import annotations

from evidencekit.core.instruments.checks.checklist import (
    _check_answer_source as _check_answer_source,
)
from evidencekit.core.instruments.checks.checklist import (
    _check_checklist as _check_checklist,
)
from evidencekit.core.instruments.checks.checklist import (
    _check_options as _check_options,
)
from evidencekit.core.instruments.checks.checklist import (
    item_codes,
)
from evidencekit.core.instruments.checks.kinds import (
    _NUMERIC as _NUMERIC,
)
from evidencekit.core.instruments.checks.kinds import (
    REQUIRED_INFLUENCE_COLUMNS,
    REVIEW_SECTIONS,
)
from evidencekit.core.instruments.checks.kinds import (
    _check_crosswalk as _check_crosswalk,
)
from evidencekit.core.instruments.checks.kinds import (
    _check_crosswalk_entries as _check_crosswalk_entries,
)
from evidencekit.core.instruments.checks.kinds import (
    _check_field as _check_field,
)
from evidencekit.core.instruments.checks.kinds import (
    _check_form as _check_form,
)
from evidencekit.core.instruments.checks.kinds import (
    _check_framework as _check_framework,
)
from evidencekit.core.instruments.checks.kinds import (
    _check_measure as _check_measure,
)
from evidencekit.core.instruments.checks.kinds import (
    _check_review as _check_review,
)
from evidencekit.core.instruments.checks.located import (
    PathKey,
    bool_hint,
    listing,
)
from evidencekit.core.instruments.checks.located import (
    _Problems as _Problems,
)
from evidencekit.core.instruments.checks.references import (
    _framework_crosswalks as _framework_crosswalks,
)
from evidencekit.core.instruments.checks.references import (
    reference_problems,
)
from evidencekit.core.instruments.checks.semantic import (
    _CHECKS as _CHECKS,
)
from evidencekit.core.instruments.checks.semantic import (
    semantic_problems,
)

__all__ = [
    "PathKey",
    "REQUIRED_INFLUENCE_COLUMNS",
    "REVIEW_SECTIONS",
    "bool_hint",
    "item_codes",
    "listing",
    "reference_problems",
    "semantic_problems",
]
