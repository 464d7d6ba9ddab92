"""Duplicate clusters as stored: each record's cluster and primary, the primary chosen by
completeness, a cluster's merged record."""

from __future__ import annotations

import copy
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields, replace
from operator import attrgetter
from typing import TYPE_CHECKING, Any

from evidencekit.core.model import Author, Provenance, Record
from evidencekit.core.records.common import COMPLETENESS_FIELDS

if TYPE_CHECKING:  # pragma: no cover
    from evidencekit.core.review import Review
    from evidencekit.core.store.db import Store


# -- clusters as stored ---------------------------------------------------------------
_completeness_values = attrgetter(*COMPLETENESS_FIELDS)


def completeness(record: Record) -> int:
    """How many bibliographic fields of ``record`` are filled (not None, "" or [])."""
    # Why counts over one attrgetter tuple: a primary is ranked for every member of every
    # cluster, three times a run; this is the generator over getattr, a fifth the cost.
    # ``tuple.count`` matches as ``in`` does (identity, then ==).
    values = _completeness_values(record)
    return len(values) - values.count(None) - values.count("") - values.count([])


def primary_rank(record: Record, order: int) -> tuple[Any, ...]:
    """Sort key choosing a cluster's primary: most complete first, then the longest
    abstract, then the earliest imported (``order``), then the id (deterministic)."""
    return (-completeness(record), -len(record.abstract), order, record.record_id)


def merged_record(members: Sequence[Record]) -> Record:
    """The primary (``members[0]``) with each empty field filled from the others, in
    order. The stored records are never changed: this returns a copy."""
    merged = _copy_record(members[0])
    for name in COMPLETENESS_FIELDS:
        if getattr(merged, name) in (None, "", []):
            for other in members[1:]:
                value = getattr(other, name)
                if value not in (None, "", []):
                    setattr(merged, name, _copy_value(value))
                    break
    return merged


def merged_view(members: Sequence[Record]) -> Record:
    """What :func:`merged_record` returns, for reading only: the primary itself when no
    field is filled from another record, else a shallow copy with the gaps filled. The
    values are shared with the stored records, so the result must not be changed.

    Why: an export only reads the merged records; copying every field of every record
    was a fifth of the time of exporting 100,000 records.
    """
    primary = members[0]
    filled: dict[str, Any] = {}
    if len(members) > 1:
        for name in COMPLETENESS_FIELDS:
            if getattr(primary, name) in (None, "", []):
                for other in members[1:]:
                    value = getattr(other, name)
                    if value not in (None, "", []):
                        filled[name] = value
                        break
    return replace(primary, **filled) if filled else primary


_ATOMS = (str, int, float, bool, type(None))


def _copy_value(value: Any) -> Any:
    """A deep copy of one field's value: a list of strings or of authors copied directly,
    anything else by ``copy.deepcopy``."""
    if isinstance(value, _ATOMS):
        return value
    kind = type(value)
    if kind is list:
        if all(type(item) is str for item in value):
            return list(value)
        if all(type(item) is Author for item in value):
            return [Author(item.family, item.given) for item in value]
    elif kind is dict and not value:
        return {}  # the raw fields, not loaded for an export
    return copy.deepcopy(value)


def _copy_record(record: Record) -> Record:
    """A deep copy of ``record``, equal to ``copy.deepcopy(record)``.

    Why not deepcopy: exporting 100,000 records spent most of its time in deepcopy's
    generic walk (memo dict, reduce protocol) over a few lists of strings.
    """
    if type(record) is not Record:
        return copy.deepcopy(record)
    provenance = record.provenance
    return Record(
        **{name: _copy_value(getattr(record, name)) for name in _RECORD_FIELDS},
        provenance=None if provenance is None else _copy_provenance(provenance),
    )


def _copy_provenance(provenance: Provenance) -> Provenance:
    if type(provenance) is not Provenance:
        return copy.deepcopy(provenance)
    return Provenance(**{name: _copy_value(getattr(provenance, name)) for name in _PROV_FIELDS})


_RECORD_FIELDS = tuple(f.name for f in fields(Record) if f.name != "provenance")
_PROV_FIELDS = tuple(f.name for f in fields(Provenance))


@dataclass
class Clustering:
    """Every record with its cluster, as the last de-duplication left them.

    Records imported after the last run are their own clusters (``unclustered``
    counts them). ``members[cluster_id]`` lists records primary first.
    """

    records: dict[str, Record]
    cluster_of: dict[str, str]
    members: dict[str, list[str]]
    unclustered: int
    deduplicated: bool

    def primary(self, cluster_id: str) -> Record:
        return self.records[self.members[cluster_id][0]]

    def is_primary(self, record_id: str) -> bool:
        return self.members[self.cluster_of[record_id]][0] == record_id

    def sources(self, cluster_id: str) -> list[str]:
        """The cluster's sources, each once, in the order of its records."""
        names = (self.records[r].provenance.source for r in self.members[cluster_id])
        return list(dict.fromkeys(n for n in names if n))

    def merged(self, cluster_id: str) -> Record:
        return merged_record([self.records[r] for r in self.members[cluster_id]])

    def merged_view(self, cluster_id: str) -> Record:
        """:meth:`merged` without copying, for reading only (:func:`merged_view`)."""
        return merged_view([self.records[r] for r in self.members[cluster_id]])


def load_clustering(store: Store, *, with_raw: bool = False) -> Clustering:
    """Read records and the last run's clusters from the store."""
    from evidencekit.core.store import rows

    with store.read() as conn:
        records = rows.load_records(conn, with_raw=with_raw)
        stored = rows.cluster_map(conn)
        deduplicated = bool(rows.runs(conn, "dedupe"))
    return build_clustering(records, stored, deduplicated=deduplicated)


def build_clustering(
    records: Sequence[Record], stored: Mapping[str, Any], *, deduplicated: bool = True
) -> Clustering:
    """Group records by their stored cluster; unclustered records stand alone."""
    by_id = {r.record_id: r for r in records}
    order = {r.record_id: i for i, r in enumerate(records)}
    cluster_of: dict[str, str] = {}
    members: dict[str, list[str]] = defaultdict(list)
    primaries: dict[str, str] = {}
    unclustered = 0
    for record in records:
        row = stored.get(record.record_id)
        if row is None:
            unclustered += 1
            cid = record.record_id
            primaries[cid] = record.record_id
        else:
            cid = row.cluster_id
            if row.is_primary:
                primaries[cid] = record.record_id
        cluster_of[record.record_id] = cid
        members[cid].append(record.record_id)
    for cid, ids in members.items():
        if len(ids) == 1:
            continue

        def rank(rid: str) -> tuple[Any, ...]:
            return primary_rank(by_id[rid], order[rid])

        first = primaries.get(cid) or min(ids, key=rank)
        rest = sorted((r for r in ids if r != first), key=rank)
        members[cid] = [first, *rest]
    return Clustering(by_id, cluster_of, dict(members), unclustered, deduplicated)


# -- list, show, counts -------------------------------------------------------------
def open_existing(review: Review) -> Store:
    """The review's store, which must exist (an import creates it)."""
    from evidencekit.core.store import open_store

    return open_store(review, create=False)
