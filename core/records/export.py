"""The store's records exported (every record, or one merged record per cluster)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from evidencekit.core.errors import PipelineError
from evidencekit.core.model import Record
from evidencekit.core.records.clustering import Clustering, load_clustering, open_existing

if TYPE_CHECKING:  # pragma: no cover
    from evidencekit.core.review import Review


# -- export ----------------------------------------------------------------------------
def export_records(
    review: Review,
    format: str = "csv",
    *,
    all_records: bool = False,
    raw: bool = False,
    state: dict[str, Any] | None = None,
    require_deduped: bool = False,
) -> str:
    """The store's records as CSV, RIS or BibTeX text.

    By default one entry per de-duplicated record: the cluster's primary with
    its gaps filled from the other records (``merged_record``). With
    ``all_records`` every imported record, with its cluster. CSV cells that a
    spreadsheet would run as formulas are neutralised unless ``raw``. ``state``, when
    given, receives ``deduplicated`` (a dedupe ever ran) and ``unclustered``
    (records imported after the last one); ``require_deduped`` makes either an
    error instead of an export that mixes un-de-duplicated records in.
    """
    from evidencekit.core import export_records as ex

    if format not in ex.EXPORT_FORMATS:
        raise PipelineError(
            f"export format {format!r} is not one of: {', '.join(ex.EXPORT_FORMATS)}"
        )
    with open_existing(review) as store:
        clustering = load_clustering(store)
    if state is not None:
        state.update(deduplicated=clustering.deduplicated, unclustered=clustering.unclustered)
    if require_deduped and not clustering.deduplicated:
        raise PipelineError(
            "the records were never de-duplicated; run `evidencekit dedupe` "
            "first (or export without --require-deduped)"
        )
    if require_deduped and clustering.unclustered:
        raise PipelineError(
            f"{clustering.unclustered} records were imported after the last "
            "de-duplication; run `evidencekit dedupe` again first (or export "
            "without --require-deduped)"
        )
    if all_records:
        entries = [
            (
                record,
                [record.provenance.source],
                f"evidencekit cluster {clustering.cluster_of[rid]} "
                f"({'primary' if clustering.is_primary(rid) else 'duplicate'})",
            )
            for rid, record in clustering.records.items()
        ]
    else:
        entries = [
            (clustering.merged(cid), clustering.sources(cid), "")
            for cid in _cluster_order(clustering)
        ]  # same order as _cluster_order below
    if format == "ris":
        return ex.to_ris(entries)
    if format == "bibtex":
        return ex.to_bibtex(entries)
    if all_records:
        return ex.to_csv((_all_row(r, clustering) for r, _, _ in entries), ex.ALL_COLUMNS, raw=raw)
    order = _cluster_order(clustering)
    return ex.to_csv(
        (
            _merged_row(cid, record, clustering)
            for cid, (record, _, _) in zip(order, entries, strict=True)
        ),
        ex.MERGED_COLUMNS,
        raw=raw,
    )


def _cluster_order(clustering: Clustering) -> list[str]:
    # Clusters in the order their primaries were imported.
    position = {rid: i for i, rid in enumerate(clustering.records)}
    return sorted(clustering.members, key=lambda c: position[clustering.members[c][0]])


def _fields(record: Record) -> dict[str, Any]:
    from evidencekit.core import export_records as ex

    names = ("title", "authors", "year", "doi", *ex.FIELD_COLUMNS)
    return {name: ex.field_text(record, name) for name in names}


def _all_row(record: Record, clustering: Clustering) -> dict[str, Any]:
    prov = record.provenance
    return {
        "record_id": record.record_id,
        "cluster_id": clustering.cluster_of[record.record_id],
        "is_primary": "true" if clustering.is_primary(record.record_id) else "false",
        "source": prov.source,
        "source_key": record.source_key,
        **_fields(record),
        "kind": prov.kind,
        "file": prov.file,
        "position": prov.position,
        "line": prov.line,
        "format": prov.format,
        "date_searched": prov.date_searched,
    }


def _merged_row(cluster_id: str, record: Record, clustering: Clustering) -> dict[str, Any]:
    members = clustering.members[cluster_id]
    return {
        "record_id": record.record_id,
        "cluster_id": cluster_id,
        "n_records": len(members),
        "sources": "; ".join(clustering.sources(cluster_id)),
        **_fields(record),
        "record_ids": "; ".join(members),
    }
