"""Data extraction: records checked against a form, coded influences, studies.csv,
a seeded sample for a second extractor, and field-level agreement.

Three kinds of file, each a plain CSV (or YAML for records) a person edits:

* **extraction records**: one row per study (``study_id`` plus the form's field
  ids as columns; a list or multiple-choice value separates entries with ``;``),
  or YAML (a list of mappings, or ``records: [...]``);
* **coded influences**: the long table ``study_id, influence, direction,
  factor, evidence, reviewer`` (or the columns the form declares), influence
  ids checked against the framework, direction one of facilitator, barrier,
  unclear;
* **studies.csv**: ``study_id`` plus the study attributes the form declares
  (design, country, setting, modality, income level …).

Validation collects every problem (file, row, study, field, value found, what
is allowed) instead of stopping at the first."""

from __future__ import annotations

from evidencekit.core.extraction.double_extraction import (
    _comparable as _comparable,
)
from evidencekit.core.extraction.double_extraction import (
    draw_sample,
    field_agreement,
    influence_agreement,
    split_by_reviewer,
)
from evidencekit.core.extraction.influences import (
    DIRECTIONS,
    INFLUENCE_COLUMNS,
    influence_specs,
    sniff_kind,
    validate_influences,
)
from evidencekit.core.extraction.rows import (
    LIST_SEPARATOR,
    STANDARD_COLUMNS,
    Header,
    Row,
    read_rows,
    read_studies,
    split_list,
)
from evidencekit.core.extraction.rows import (
    _empty as _empty,
)
from evidencekit.core.extraction.rows import (
    _read_yaml_rows as _read_yaml_rows,
)
from evidencekit.core.extraction.validate import (
    Checked,
    validate_records,
    validate_studies,
)
from evidencekit.core.extraction.validate import (
    _validate_fields as _validate_fields,
)
from evidencekit.core.extraction.values import (
    _DATE as _DATE,
)
from evidencekit.core.extraction.values import (
    _FALSE as _FALSE,
)
from evidencekit.core.extraction.values import (
    _TRUE as _TRUE,
)
from evidencekit.core.extraction.values import (
    _allowed_match as _allowed_match,
)
from evidencekit.core.extraction.values import (
    _allowed_text as _allowed_text,
)
from evidencekit.core.extraction.values import (
    check_value,
)

__all__ = [
    "Checked",
    "DIRECTIONS",
    "Header",
    "INFLUENCE_COLUMNS",
    "LIST_SEPARATOR",
    "Row",
    "STANDARD_COLUMNS",
    "check_value",
    "draw_sample",
    "field_agreement",
    "influence_agreement",
    "influence_specs",
    "read_rows",
    "read_studies",
    "sniff_kind",
    "split_by_reviewer",
    "split_list",
    "validate_influences",
    "validate_records",
    "validate_studies",
]
