"""The store's records listed, shown one by one, and counted by source."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import TYPE_CHECKING, Any

from evidencekit.core.errors import PipelineError
from evidencekit.core.model import Record
from evidencekit.core.records.clustering import Clustering, load_clustering, open_existing

if TYPE_CHECKING:  # pragma: no cover
    from evidencekit.core.review import Review


def _summary_row(record: Record, clustering: Clustering) -> dict[str, Any]:
    first = record.authors[0].family if record.authors else ""
    prov = record.provenance
    return {
        "record_id": record.record_id,
        "cluster_id": clustering.cluster_of[record.record_id],
        "is_primary": clustering.is_primary(record.record_id),
        "source": prov.source if prov else "",
        "source_key": record.source_key,
        "year": record.year,
        "first_author": first,
        "title": record.title,
        "doi": record.doi,
    }


def list_records(
    review: Review,
    *,
    source: str | None = None,
    primary_only: bool = False,
    limit: int | None = None,
) -> dict[str, Any]:
    """Summary rows of the stored records (optionally one source, or primaries only)."""
    with open_existing(review) as store:
        clustering = load_clustering(store)
    known = {r.provenance.source for r in clustering.records.values()}
    if source is not None and source not in known:
        raise PipelineError(
            f"no records from source {source!r}; sources: {', '.join(sorted(known)) or '(none)'}"
        )
    out = []
    for record in clustering.records.values():
        if source is not None and record.provenance.source != source:
            continue
        if primary_only and not clustering.is_primary(record.record_id):
            continue
        out.append(_summary_row(record, clustering))
    total = len(out)
    if limit is not None:
        out = out[:limit]
    return {
        "count": total,
        "shown": len(out),
        "unclustered": clustering.unclustered,
        "deduplicated": clustering.deduplicated,
        "records": out,
    }


def show_record(review: Review, record_id: str) -> dict[str, Any]:
    """One record in full: fields, raw fields, provenance, its cluster and links."""
    from evidencekit.core.store import rows

    with open_existing(review) as store:
        with store.read() as conn:
            found = rows.load_records(conn, record_ids=[record_id])
            if not found:
                raise PipelineError(
                    f"no record {record_id!r} in the store; `evidencekit records list` shows "
                    "the ids"
                )
            stored = rows.cluster_map(conn)
            links = [link for link in rows.links(conn) if record_id in (link["a"], link["b"])]
        record = found[0]
        row = stored.get(record_id)
        cluster_id = row.cluster_id if row else record_id
        member_ids = [r for r, c in stored.items() if c.cluster_id == cluster_id] or [record_id]
        with store.read() as conn:
            members = rows.load_records(conn, record_ids=sorted(member_ids), with_raw=False)
    data = record.to_dict()
    data["cluster"] = {
        "cluster_id": cluster_id,
        "is_primary": bool(row.is_primary) if row else True,
        "members": [
            {
                "record_id": m.record_id,
                "source": m.provenance.source,
                "title": m.title,
                "is_primary": bool(stored[m.record_id].is_primary)
                if m.record_id in stored
                else True,
            }
            for m in members
        ],
        "links": [{k: link[k] for k in ("a", "b", "reason", "score", "method")} for link in links],
    }
    return data


def counts_by_source(
    review: Review | None = None, *, clustering: Clustering | None = None
) -> dict[str, Any]:
    """Records per source before and after de-duplication, and the overlaps.

    Per source: ``records`` imported, ``kept`` (records that are the primary of
    their cluster), ``duplicates_removed`` (= records - kept), ``distinct``
    (clusters with at least one record of the source: the studies it found) and
    ``only_here`` (clusters found in this source alone). Over all sources,
    ``duplicates_removed`` is what a PRISMA flow diagram reports.
    """
    if clustering is None:
        if review is None:
            raise ValueError("counts_by_source needs a review or a clustering")
        with open_existing(review) as store:
            clustering = load_clustering(store)
    per: dict[str, Counter] = defaultdict(Counter)
    kinds: dict[str, str] = {}
    files: dict[str, set[str]] = defaultdict(set)
    for rid, record in clustering.records.items():
        prov = record.provenance
        per[prov.source]["records"] += 1
        per[prov.source]["kept"] += clustering.is_primary(rid)
        kinds.setdefault(prov.source, prov.kind)
        files[prov.source].add(prov.file)
    overlaps: dict[str, Counter] = defaultdict(Counter)
    for cid in clustering.members:
        sources = clustering.sources(cid)
        for name in sources:
            per[name]["distinct"] += 1
            if len(sources) == 1:
                per[name]["only_here"] += 1
            for other in sources:
                if other != name:
                    overlaps[name][other] += 1
    table = [
        {
            "source": name,
            "kind": kinds[name],
            "files": len(files[name]),
            "records": c["records"],
            "kept": c["kept"],
            "duplicates_removed": c["records"] - c["kept"],
            "distinct": c["distinct"],
            "only_here": c["only_here"],
        }
        for name, c in per.items()
    ]
    total = len(clustering.records)
    unique = len(clustering.members)
    return {
        "sources": table,
        "totals": {
            "records": total,
            "unique": unique,
            "duplicates_removed": total - unique,
            "unclustered": clustering.unclustered,
            "deduplicated": clustering.deduplicated,
        },
        "overlaps": {name: dict(sorted(o.items())) for name, o in sorted(overlaps.items())},
    }
