"""Ratings on a measure: reading, validation, scoring and "Table 2".

A *unit* (a site, a service) is rated on each item of a measure by one or more
*raters*. Ratings come as a CSV file in one of two layouts, detected from the
header:

* wide: ``unit, rater, <one column per item>`` (an item column is named by the
  item's id or its number, e.g. ``org-culture`` or ``1`` or ``item 1``); the
  ``rater`` column may be left out when each unit has one rater;
* long: ``unit, rater, item, score``, one row per rating.

An empty cell (or ``NA``) is an unrated item. Every other problem (an unknown
item, a score that is not a number or not a point of the scale, a repeated
rating) is an error naming the file and the line. Whether a unit with unrated
items still gets a total is the measure's declared rule
(``scoring.missing``): at most ``max_missing_items`` may be missing, and they are
prorated or counted as the scale minimum.

A *units file* (``unit, income, psw_experience, country, …``) gives the
attributes the validity analyses group by."""

from __future__ import annotations

from evidencekit.core.measure.ratings import (
    Ratings,
    build_ratings,
    read_ratings,
)
from evidencekit.core.measure.ratings import (
    _ItemResolver as _ItemResolver,
)
from evidencekit.core.measure.ratings import (
    _parse_score as _parse_score,
)
from evidencekit.core.measure.ratings import (
    _read_long as _read_long,
)
from evidencekit.core.measure.ratings import (
    _read_wide as _read_wide,
)
from evidencekit.core.measure.ratings import (
    _scale_text as _scale_text,
)
from evidencekit.core.measure.scores import (
    ItemSummary,
    Scores,
    UnitScore,
    score_ratings,
    total_of,
)
from evidencekit.core.measure.table import (
    MAX_FILE_BYTES,
    MAX_PROBLEMS,
    MISSING_MARKERS,
    NOTE_COLUMNS,
    RatingsError,
    read_csv_table,
    round_half_up,
)
from evidencekit.core.measure.table import (
    _find_column as _find_column,
)
from evidencekit.core.measure.table import (
    _problem_list as _problem_list,
)
from evidencekit.core.measure.table2 import (
    _fmt as _fmt,
)
from evidencekit.core.measure.table2 import (
    plot_results,
    render_table2,
    table2,
    table2_rows,
)
from evidencekit.core.measure.units import (
    Units,
    build_units,
    check_units,
    read_inputs,
    read_units,
)
from evidencekit.core.measure.validity import (
    DEFAULT_ANALYSES,
    load_analyses_file,
    parse_analysis_spec,
    run_validity,
)
from evidencekit.core.measure.validity import (
    _scalar as _scalar,
)

__all__ = [
    "DEFAULT_ANALYSES",
    "ItemSummary",
    "MAX_FILE_BYTES",
    "MAX_PROBLEMS",
    "MISSING_MARKERS",
    "NOTE_COLUMNS",
    "Ratings",
    "RatingsError",
    "Scores",
    "UnitScore",
    "Units",
    "build_ratings",
    "build_units",
    "check_units",
    "load_analyses_file",
    "parse_analysis_spec",
    "plot_results",
    "read_csv_table",
    "read_inputs",
    "read_ratings",
    "read_units",
    "render_table2",
    "round_half_up",
    "run_validity",
    "score_ratings",
    "table2",
    "table2_rows",
    "total_of",
]
