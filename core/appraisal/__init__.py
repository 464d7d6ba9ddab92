"""Quality appraisal: answers read and validated, scored by a scorer plugin, agreed.

The flow, each step a function the CLI and the tests call:

1. :func:`read_answers` reads a long CSV (``study_id, checklist, item, answer,
   reviewer, note``; extra columns are kept) or YAML files (one appraisal per
   file, or a list under ``appraisals:``).
2. :func:`validate_answers` checks every row against its checklist and the
   review: unknown study, checklist or item, an answer code the item does not
   accept, a second answer from the same reviewer, a scored item without an
   answer row, a checklist that is not the one the review maps the study's
   design to. Each problem names the file, the row (or the study), the item,
   the value found and what is allowed.
3. :func:`resolve_consensus` turns one or more reviewers' answers into the
   answers that are scored (a ``consensus`` reviewer's rows, agreement, the
   primary reviewer, or the least favourable answer, as the review declares).
4. :func:`appraise` scores each study with the scorer the checklist names (or
   the review overrides) through the registry, and adds counts per grade, per
   design and per checklist, studies without a checklist for their design, and
   item-level agreement between reviewers.

Nothing is scored from input with errors unless ``skip_invalid`` is set; then
the invalid rows (and appraisals left incomplete) are skipped and listed."""

from __future__ import annotations

from evidencekit.core.appraisal.answers import (
    ANSWER_COLUMNS,
    REQUIRED_COLUMNS,
    AnswerRow,
    AnswersInvalid,
    read_answers,
)
from evidencekit.core.appraisal.answers import (
    _read_csv_answers as _read_csv_answers,
)
from evidencekit.core.appraisal.answers import (
    _read_yaml_answers as _read_yaml_answers,
)
from evidencekit.core.appraisal.answers import (
    _scalar as _scalar,
)
from evidencekit.core.appraisal.consensus import (
    Resolved,
    resolve_consensus,
)
from evidencekit.core.appraisal.consensus import (
    _is_text_item as _is_text_item,
)
from evidencekit.core.appraisal.consensus import (
    _least_favourable as _least_favourable,
)
from evidencekit.core.appraisal.consensus import (
    _merged_complete as _merged_complete,
)
from evidencekit.core.appraisal.consensus import (
    _side_by_side as _side_by_side,
)
from evidencekit.core.appraisal.dual import (
    dual_agreement,
)
from evidencekit.core.appraisal.score import (
    AppraisalReport,
    StudyScore,
    appraise,
    score_files,
    score_one,
)
from evidencekit.core.appraisal.score import (
    _skipped_with_their_appraisal as _skipped_with_their_appraisal,
)
from evidencekit.core.appraisal.settings import (
    CONSENSUS_METHODS,
    SETTINGS_SCHEMA,
    Context,
    Settings,
    load_context,
)
from evidencekit.core.appraisal.settings import (
    _bands_list as _bands_list,
)
from evidencekit.core.appraisal.settings import (
    _norm as _norm,
)
from evidencekit.core.appraisal.table import (
    quality_table,
    table_csv,
)
from evidencekit.core.appraisal.validate import (
    Validated,
    validate_answers,
)
from evidencekit.core.appraisal.validate import (
    _allowed_items as _allowed_items,
)
from evidencekit.core.appraisal.validate import (
    _code_for as _code_for,
)
from evidencekit.core.appraisal.validate import (
    _find_item as _find_item,
)
from evidencekit.core.appraisal.validate import (
    _fold as _fold,
)
from evidencekit.core.appraisal.validate import (
    _scorer_problems as _scorer_problems,
)

# Re-exported for code that imported them from here before the split.
from evidencekit.core.problems import Problem
from evidencekit.core.scoring import AnswerProblem, is_unanswered

__all__ = [
    "AnswerProblem",
    "Problem",
    "is_unanswered",
    "ANSWER_COLUMNS",
    "AnswerRow",
    "AnswersInvalid",
    "AppraisalReport",
    "CONSENSUS_METHODS",
    "Context",
    "REQUIRED_COLUMNS",
    "Resolved",
    "SETTINGS_SCHEMA",
    "Settings",
    "StudyScore",
    "Validated",
    "appraise",
    "dual_agreement",
    "load_context",
    "quality_table",
    "read_answers",
    "resolve_consensus",
    "score_files",
    "score_one",
    "table_csv",
    "validate_answers",
]
