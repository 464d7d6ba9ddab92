"""Running a deduplicator over the store, and the review of uncertain pairs.

``run_dedupe`` loads every record and every decision a person made, asks the
deduplicator named in review.yaml (or ``--method``) for links and clusters,
enforces the decisions (a "same" pair is merged, a "different" pair is never
in one cluster), picks each cluster's primary, and replaces the last run's
clusters, links and uncertain pairs in one transaction. Records are never
changed or deleted, so re-running gives the same result."""

from __future__ import annotations

from evidencekit.core.deduplication.clusters import (
    _check_ids as _check_ids,
)
from evidencekit.core.deduplication.clusters import (
    _final_links as _final_links,
)
from evidencekit.core.deduplication.clusters import (
    _join as _join,
)
from evidencekit.core.deduplication.clusters import (
    _open_pairs as _open_pairs,
)
from evidencekit.core.deduplication.clusters import (
    _Row as _Row,
)
from evidencekit.core.deduplication.clusters import (
    assign_primaries,
    resolve_clusters,
)
from evidencekit.core.deduplication.decisions import (
    _check_decision as _check_decision,
)
from evidencekit.core.deduplication.decisions import (
    _known_pairs as _known_pairs,
)
from evidencekit.core.deduplication.decisions import (
    _pair_row as _pair_row,
)
from evidencekit.core.deduplication.decisions import (
    _resolve_pair as _resolve_pair,
)
from evidencekit.core.deduplication.decisions import (
    decide,
    default_who,
    import_decisions,
    review_csv,
    review_pairs,
)
from evidencekit.core.deduplication.run import (
    DedupeSummary,
    run_dedupe,
)
from evidencekit.core.deduplication.run import (
    _run as _run,
)
from evidencekit.core.deduplication.settings import (
    DECISIONS,
    DEFAULT_METHOD,
    REVIEW_COLUMNS,
    dedupe_settings,
    make_pair_id,
    pair_key,
)

__all__ = [
    "DECISIONS",
    "DEFAULT_METHOD",
    "DedupeSummary",
    "REVIEW_COLUMNS",
    "assign_primaries",
    "decide",
    "dedupe_settings",
    "default_who",
    "import_decisions",
    "make_pair_id",
    "pair_key",
    "resolve_clusters",
    "review_csv",
    "review_pairs",
    "run_dedupe",
]
