"""A de-duplication run: the deduplicator through the registry, its result checked, the
clusters stored in one transaction."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from evidencekit.core.deduplication.clusters import (
    _check_ids,
    _final_links,
    _open_pairs,
    _Row,
    assign_primaries,
    resolve_clusters,
)
from evidencekit.core.deduplication.settings import DECISIONS, dedupe_settings
from evidencekit.core.duplicate_links import DedupeResult
from evidencekit.core.errors import PipelineError
from evidencekit.core.records.clustering import build_clustering, open_existing
from evidencekit.core.records.common import ProgressFn, _no_progress, bulk_work
from evidencekit.core.records.listing import counts_by_source

if TYPE_CHECKING:  # pragma: no cover
    from evidencekit.core.review import Review


@dataclass
class DedupeSummary:
    """What a de-duplication run found."""

    method: str
    options: dict[str, Any]
    records: int
    unique: int
    duplicates_removed: int
    clusters: int  # clusters of two or more records
    links: int
    uncertain: int
    decisions: dict[str, int]
    conflicts: list[str] = field(default_factory=list)
    stats: dict[str, Any] = field(default_factory=dict)
    by_source: list[dict[str, Any]] = field(default_factory=list)
    run_id: int | None = None
    #: Screening decisions moved to their record's new cluster primary (docs/screening.md).
    screening_moved: list[dict[str, Any]] = field(default_factory=list)
    #: The full counts_by_source() of this run (sources, totals, overlaps), so callers
    #: need not reload the store to report them; not part of the JSON summary.
    counts: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("counts")
        return data


def run_dedupe(
    review: Review,
    method: str | None = None,
    options: Mapping[str, Any] | None = None,
    *,
    progress: ProgressFn | None = None,
) -> DedupeSummary:
    """De-duplicate every stored record; store clusters, links and uncertain pairs.

    ``method`` (default: review.yaml ``dedupe.method``, else ``fuzzy``) names the
    deduplicator; ``options`` override review.yaml ``dedupe.options``. Returns
    the run's summary, also kept in the run history.
    """
    progress = progress or _no_progress
    method, options = dedupe_settings(review, method, options)
    with bulk_work():
        return _run(review, method, options, progress)


def _run(
    review: Review, method: str, options: dict[str, Any], progress: ProgressFn
) -> DedupeSummary:
    from evidencekit.core import __version__
    from evidencekit.core.store import rows
    from evidencekit.core.store.db import utc_now

    info = review.registry.info("deduplicator", method)
    started = utc_now()
    with open_existing(review) as store:
        progress("loading records", 0, None)
        with store.read() as conn:
            records = rows.load_records(conn, with_raw=False)
            decided = rows.latest_decisions(conn)
        progress("loading records", len(records), len(records))
        decisions = {key: d["decision"] for key, d in decided.items()}
        both_ways = {**decisions, **{(b, a): v for (a, b), v in decisions.items()}}
        progress(f"finding duplicates ({method})", 0, None)
        result = info.provider.find_duplicates(records, options, both_ways)
        if not isinstance(result, DedupeResult):
            raise PipelineError(
                f"deduplicator {method!r} ({info.origin}) returned "
                f"{type(result).__name__}, not a DedupeResult; report this to "
                "the plugin's authors"
            )
        progress(f"finding duplicates ({method})", len(records), len(records))
        known = {r.record_id for r in records}
        _check_ids(method, result, known)
        final, conflicts, split = resolve_clusters(
            [r.record_id for r in records], result, decisions
        )
        cluster_rows = assign_primaries(records, final)
        cluster_of = {rid: cid for rid, cid, _ in cluster_rows}
        links = _final_links(result.links, decided, cluster_of)
        uncertain = _open_pairs(result.uncertain, decisions, cluster_of)
        with store.write() as conn:
            run_id = rows.add_run(
                conn,
                "dedupe",
                options={"method": method, "options": options},
                versions={
                    "evidencekit": __version__,
                    "deduplicator": method,
                    "plugin": info.origin,
                },
                summary={},
                started_at=started,
            )
            rows.replace_dedupe(conn, run_id, method, cluster_rows, links, uncertain)
            from evidencekit.core.screening.carry import carry_over

            moved = carry_over(conn, cluster_rows)
            stored = {rid: _Row(cid, p) for rid, cid, p in cluster_rows}
            counts = counts_by_source(clustering=build_clustering(records, stored))
            summary = DedupeSummary(
                method=method,
                options=dict(options),
                records=len(records),
                unique=counts["totals"]["unique"],
                duplicates_removed=counts["totals"]["duplicates_removed"],
                clusters=sum(1 for c in final if len(c) > 1),
                links=len(links),
                uncertain=len(uncertain),
                decisions={d: sum(1 for v in decisions.values() if v == d) for d in DECISIONS},
                conflicts=conflicts,
                stats={**result.stats, "clusters_split_by_decisions": split},
                by_source=counts["sources"],
                run_id=run_id,
                screening_moved=moved,
                counts=counts,
            )
            rows.update_run_summary(conn, run_id, summary.to_dict())
    return summary
