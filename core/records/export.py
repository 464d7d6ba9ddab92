"""The store's records exported (every record, or one merged record per cluster)."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
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
    from evidencekit.core.records.common import bulk_work

    with bulk_work():
        return "".join(
            export_pieces(
                review,
                format,
                all_records=all_records,
                raw=raw,
                state=state,
                require_deduped=require_deduped,
            )
        )


def write_export(
    review: Review,
    format: str,
    path: str | Path,
    *,
    all_records: bool = False,
    raw: bool = False,
    state: dict[str, Any] | None = None,
    require_deduped: bool = False,
) -> None:
    """:func:`export_records` written to ``path`` (atomically, ending with a line
    break as ``core.io.emit`` writes it), one entry at a time.

    Why not the text at once: for 100,000 records the text is about 120 million
    characters, held once as a string and again encoded, several hundred MB at the peak.
    """
    from evidencekit.core.io import atomic_open
    from evidencekit.core.records.common import bulk_work

    # The collector paused: loading 100,000 records and writing their rows makes millions
    # of objects and no cycles, and one full pass over them cost about 1.3 s of 9.
    with bulk_work():
        pieces = export_pieces(
            review,
            format,
            all_records=all_records,
            raw=raw,
            state=state,
            require_deduped=require_deduped,
        )  # errors (never de-duplicated ...) are raised here, before the file is opened
        last = ""
        with atomic_open(path) as handle:
            for piece in pieces:
                if piece:
                    handle.write(piece)
                    last = piece
            if not last.endswith("\n"):
                handle.write("\n")


def export_pieces(
    review: Review,
    format: str = "csv",
    *,
    all_records: bool = False,
    raw: bool = False,
    state: dict[str, Any] | None = None,
    require_deduped: bool = False,
) -> Iterator[str]:
    """The text of :func:`export_records` in pieces (an entry or a CSV row each), made as
    they are asked for. The checks (format, ``require_deduped``) run before it returns."""
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
    keys = list(clustering.records) if all_records else _cluster_order(clustering)

    def pieces(keys: Sequence[str], first: bool = True) -> Iterator[str]:
        return _pieces(clustering, keys, format, all_records=all_records, raw=raw, first=first)

    from evidencekit.core.ahead import can_fork

    if len(keys) < 2 * EXPORT_CHUNK or not can_fork(2):
        return pieces(keys)
    return _side_by_side(
        [keys[a : a + EXPORT_CHUNK] for a in range(0, len(keys), EXPORT_CHUNK)], pieces
    )


#: Entries per slice of a large export made side by side in two processes.
EXPORT_CHUNK = 5_000


def _side_by_side(
    slices: list[Sequence[str]], pieces: Callable[[Sequence[str], bool], Iterator[str]]
) -> Iterator[str]:
    """The text of every slice in order, every second slice made by a forked child
    (``core.ahead``) while this process makes the others: the same text as one process
    makes (a slice's text does not depend on the others')."""
    from evidencekit.core.ahead import Ahead

    jobs = [lambda k=k: "".join(pieces(slices[k], k == 0)) for k in range(len(slices))]
    with Ahead(jobs) as ahead:
        for k in range(len(jobs)):
            yield ahead.get(k)


def _pieces(
    clustering: Clustering,
    keys: Sequence[str],
    format: str,
    *,
    all_records: bool,
    raw: bool,
    first: bool,
) -> Iterator[str]:
    """The pieces of the export of ``keys`` (record ids with ``all_records``, else cluster
    ids); ``first``: the export's first slice (the CSV header, no line break before it)."""
    from evidencekit.core import export_records as ex

    if all_records:
        entries: Iterable[tuple[Record, Sequence[str], str]] = (
            (
                record,
                [record.provenance.source],
                f"evidencekit cluster {clustering.cluster_of[rid]} "
                f"({'primary' if clustering.is_primary(rid) else 'duplicate'})",
            )
            for rid, record in ((rid, clustering.records[rid]) for rid in keys)
        )
    else:
        # Merged one at a time, as written; the writers only read them (no copies).
        entries = ((clustering.merged_view(cid), clustering.sources(cid), "") for cid in keys)
    if format in ("ris", "bibtex"):
        entry = ex.ris_entry if format == "ris" else ex.bibtex_entry
        texts = _joined(entry(r, sources=s, note=n) for r, s, n in entries)
        return texts if first else itertools.chain(["\n"], texts)
    if all_records:
        rows = ex.csv_pieces(
            (_all_row(r, clustering) for r, _, _ in entries), ex.ALL_COLUMNS, raw=raw
        )
    else:
        names = ("title", "authors", "year", "doi", *ex.FIELD_COLUMNS)
        rows = ex.csv_pieces(
            (
                _merged_row(cid, record, sources, clustering, names)
                for cid, (record, sources, _) in zip(keys, entries, strict=True)
            ),
            ex.MERGED_COLUMNS,
            raw=raw,
        )
    return rows if first else itertools.islice(rows, 1, None)  # the header once


def _joined(texts: Iterable[str]) -> Iterator[str]:
    """The pieces of ``"\\n".join(texts)``."""
    for number, text in enumerate(texts):
        if number:
            yield "\n"
        yield text


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


def _merged_row(
    cluster_id: str,
    record: Record,
    sources: Sequence[str],
    clustering: Clustering,
    names: Sequence[str],
) -> list[Any]:
    # The cells in ``MERGED_COLUMNS`` order (a list, not a mapping: 100,000 rows).
    members = clustering.members[cluster_id]
    return [
        record.record_id,
        cluster_id,
        len(members),
        "; ".join(sources),
        *[_text(getattr(record, name)) for name in names],
        "; ".join(members),
    ]


def _text(value: Any) -> str:
    """A field as CSV text, as ``export_records.field_text`` writes it (authors included:
    ``str(author)`` joined by "; ")."""
    if type(value) is str:
        return value
    if value is None:
        return ""
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return str(value)
