"""Running a deduplicator over the store, and the review of uncertain pairs.

``run_dedupe`` loads every record and every decision a person made, asks the
deduplicator named in review.yaml (or ``--method``) for links and clusters,
enforces the decisions (a "same" pair is merged, a "different" pair is never
in one cluster), picks each cluster's primary, and replaces the last run's
clusters, links and uncertain pairs in one transaction. Records are never
changed or deleted, so re-running gives the same result.
"""

from __future__ import annotations

import csv
import getpass
import hashlib
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from evidencekit.core.dedupe import DedupeResult, Link, UnionFind
from evidencekit.core.errors import PipelineError, RecordFormatError
from evidencekit.core.model import Record
from evidencekit.core.records import (
    ProgressFn,
    _no_progress,
    build_clustering,
    bulk_work,
    counts_by_source,
    open_existing,
    primary_rank,
)

if TYPE_CHECKING:  # pragma: no cover
    from evidencekit.core.review import Review

DEFAULT_METHOD = "fuzzy"
DECISIONS = ("same", "different")

#: Columns of ``dedupe review --csv``; ``decision`` (same / different / empty) is read back.
REVIEW_COLUMNS = (
    "pair_id", "record_a", "record_b", "score", "reason", "title_a", "title_b", "year_a",
    "year_b", "authors_a", "authors_b", "journal_a", "journal_b", "volume_a", "volume_b",
    "pages_a", "pages_b", "doi_a", "doi_b", "pmid_a", "pmid_b", "source_a", "source_b",
    "note", "decision",
)


def pair_key(a: str, b: str) -> tuple[str, str]:
    """A pair of record ids in a canonical order."""
    return (a, b) if a <= b else (b, a)


def make_pair_id(a: str, b: str) -> str:
    """A short stable id for a pair of records (the same whichever order)."""
    x, y = pair_key(a, b)
    return "p" + hashlib.sha256(f"{x}|{y}".encode()).hexdigest()[:10]


def dedupe_settings(review: Review, method: str | None = None,
                    options: Mapping[str, Any] | None = None) -> tuple[str, dict[str, Any]]:
    """The method and its validated options.

    review.yaml may say ``dedupe: {method: NAME, options: {...}}``; ``options``
    belong to that method. ``method`` given here (``--method``) overrides it; the
    file's options are then used only if they name the same method.
    """
    section = review.section("dedupe")
    unknown = sorted(set(section) - {"method", "options"})
    if unknown:
        raise PipelineError(
            f"{review.file}: dedupe: unknown key(s) {', '.join(unknown)}; "
            "expected 'method' and 'options'"
        )
    configured = section.get("method") or DEFAULT_METHOD
    chosen = method or configured
    if options is None:
        options = section.get("options") or {} if chosen == configured else {}
    if not isinstance(options, Mapping):
        raise PipelineError(f"{review.file}: dedupe.options must be a mapping")
    return chosen, review.registry.validate_options("deduplicator", chosen, options)


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


def _run(review: Review, method: str, options: dict[str, Any], progress: ProgressFn
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
            raise PipelineError(f"deduplicator {method!r} ({info.origin}) returned "
                                f"{type(result).__name__}, not a DedupeResult; report this to "
                                "the plugin's authors")
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
                conn, "dedupe", options={"method": method, "options": options},
                versions={"evidencekit": __version__, "deduplicator": method,
                          "plugin": info.origin},
                summary={}, started_at=started,
            )
            rows.replace_dedupe(conn, run_id, method, cluster_rows, links, uncertain)
            from evidencekit.core.screening.carry import carry_over

            moved = carry_over(conn, cluster_rows)
            stored = {rid: _Row(cid, p) for rid, cid, p in cluster_rows}
            counts = counts_by_source(clustering=build_clustering(records, stored))
            summary = DedupeSummary(
                method=method, options=dict(options), records=len(records),
                unique=counts["totals"]["unique"],
                duplicates_removed=counts["totals"]["duplicates_removed"],
                clusters=sum(1 for c in final if len(c) > 1), links=len(links),
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


@dataclass(frozen=True)
class _Row:
    cluster_id: str
    is_primary: bool


def _check_ids(method: str, result: DedupeResult, known: set[str]) -> None:
    ids = [i for link in (*result.links, *result.uncertain) for i in (link.a, link.b)]
    ids.extend(i for cluster in result.clusters for i in cluster)
    unknown = sorted(set(ids) - known)
    if unknown:
        raise PipelineError(
            f"deduplicator {method!r} returned record ids the store does not hold: "
            f"{', '.join(unknown[:5])}; this is a bug in the deduplicator"
        )


def resolve_clusters(
    record_ids: Iterable[str],
    result: DedupeResult,
    decisions: Mapping[tuple[str, str], str],
) -> tuple[list[list[str]], list[str], int]:
    """Final clusters: the deduplicator's, with every person's decision enforced.

    A cluster holding a pair decided "different" is rebuilt from the
    deduplicator's links inside it, strongest first, never joining two groups
    that hold such a pair. Then every pair decided "same" is merged, unless that
    too would join a "different" pair (a conflict, reported). Returns every
    cluster (singletons included, each sorted), the conflicts, and how many of
    the deduplicator's clusters were split.
    """
    ids = list(record_ids)
    apart: dict[str, set[str]] = {}
    for (a, b), decision in decisions.items():
        if decision == "different":
            apart.setdefault(a, set()).add(b)
            apart.setdefault(b, set()).add(a)
    base = UnionFind(ids)
    for cluster in result.clusters:
        for other in cluster[1:]:
            base.union(cluster[0], other)
    groups: dict[Any, list[str]] = {}
    for rid in ids:
        groups.setdefault(base.find(rid), []).append(rid)
    edges: dict[Any, list[tuple[float, str, str]]] = {}
    for link in result.links:
        root = base.find(link.a)
        if root == base.find(link.b):
            score = 1.0 if link.score is None else float(link.score)
            edges.setdefault(root, []).append((score, *pair_key(link.a, link.b)))

    final = UnionFind(ids)
    sets = {rid: {rid} for rid in ids}
    split = 0
    for root, members in groups.items():
        if len(members) == 1:
            continue
        inside = set(members)
        if any(apart.get(rid, set()) & inside for rid in members):
            split += 1  # rebuild it from its own links, strongest first
            for _, a, b in sorted(edges.get(root, []), key=lambda e: (-e[0], e[1], e[2])):
                _join(final, sets, a, b, apart)
        else:
            for other in members[1:]:
                _join(final, sets, members[0], other, apart)
    conflicts: list[str] = []
    for (a, b), decision in sorted(decisions.items()):
        if decision == "same" and a in sets and b in sets and not _join(final, sets, a, b, apart):
            conflicts.append(
                f"{a} and {b} were decided the same study, but joining them would put "
                "records decided different in one cluster; they were kept apart"
            )
    clusters: dict[Any, list[str]] = {}
    for rid in ids:
        clusters.setdefault(final.find(rid), []).append(rid)
    return sorted((sorted(c) for c in clusters.values()), key=lambda c: c[0]), conflicts, split


def _join(uf: UnionFind, sets: dict[str, set[str]], a: str, b: str,
          apart: Mapping[str, set[str]]) -> bool:
    """Union a and b unless their groups hold a pair decided different."""
    sa_, sb = sets[a], sets[b]
    if sa_ is sb:
        return True
    small, large = (sa_, sb) if len(sa_) <= len(sb) else (sb, sa_)
    if any(apart.get(rid, set()) & large for rid in small):
        return False
    uf.union(a, b)
    large |= small
    for rid in small:
        sets[rid] = large
    return True


def assign_primaries(records: Sequence[Record], clusters: Sequence[Sequence[str]]
                     ) -> list[tuple[str, str, bool]]:
    """(record_id, cluster_id, is_primary) for every record.

    The primary is the most complete record (see ``primary_rank``); the cluster
    id is the primary's record id, so a unique record is its own cluster.
    """
    by_id = {r.record_id: r for r in records}
    order = {r.record_id: i for i, r in enumerate(records)}
    out: list[tuple[str, str, bool]] = []
    for cluster in clusters:
        if len(cluster) == 1:  # most records: nothing to choose
            out.append((cluster[0], cluster[0], True))
            continue
        primary = min(cluster, key=lambda rid: primary_rank(by_id[rid], order[rid]))
        out.extend((rid, primary, rid == primary) for rid in cluster)
    out.sort(key=lambda row: order[row[0]])
    return out


def _final_links(links: Sequence[Link], decided: Mapping[tuple[str, str], Mapping[str, Any]],
                 cluster_of: Mapping[str, str]) -> list[tuple[str, str, str, float]]:
    out: dict[tuple[str, str], tuple[str, float]] = {}
    for link in links:
        key = pair_key(link.a, link.b)
        if key[0] != key[1] and cluster_of[key[0]] == cluster_of[key[1]]:
            score = 1.0 if link.score is None else float(link.score)
            if key not in out or score > out[key][1]:
                out[key] = (link.reason, score)
    for key, decision in decided.items():
        if decision["decision"] == "same" and cluster_of.get(key[0]) == cluster_of.get(key[1]):
            who = f" by {decision['who']}" if decision.get("who") else ""
            out[key] = (f"decision: same{who}", 1.0)
    return [(a, b, reason, score) for (a, b), (reason, score) in sorted(out.items())]


def _open_pairs(uncertain: Sequence[Link], decisions: Mapping[tuple[str, str], str],
                cluster_of: Mapping[str, str]) -> list[tuple[str, str, str, str, float]]:
    out: dict[str, tuple[str, str, str, str, float]] = {}
    for link in uncertain:
        a, b = pair_key(link.a, link.b)
        if a == b or (a, b) in decisions or cluster_of[a] == cluster_of[b]:
            continue  # decided already, or already in one cluster through sure links
        pid = make_pair_id(a, b)
        score = 0.0 if link.score is None else float(link.score)
        if pid not in out or score > out[pid][4]:
            out[pid] = (pid, a, b, link.reason, score)
    return sorted(out.values(), key=lambda p: (-p[4], p[1], p[2]))


# -- review of uncertain pairs ----------------------------------------------------------
def review_pairs(review: Review, *, include_decided: bool = False) -> list[dict[str, Any]]:
    """The pairs to review (most similar first), side by side, with any decision.

    By default only the last run's undecided uncertain pairs; with
    ``include_decided`` also every pair a person has decided.
    """
    from evidencekit.core.store import rows

    with open_existing(review) as store, store.read() as conn:
        pairs = rows.uncertain_pairs(conn)
        decided = rows.latest_decisions(conn)
        listed = {pair_key(p["a"], p["b"]) for p in pairs}
        extra = []
        if include_decided:
            extra = [
                {"pair_id": make_pair_id(a, b), "a": a, "b": b, "score": None,
                 "reason": "decided by a person", "method": ""}
                for (a, b) in decided if (a, b) not in listed
            ]
        ids = {i for p in (*pairs, *extra) for i in (p["a"], p["b"])}
        records = {r.record_id: r for r in rows.load_records(conn, record_ids=sorted(ids),
                                                              with_raw=False)}
    out = []
    for pair in (*pairs, *extra):
        key = pair_key(pair["a"], pair["b"])
        decision = decided.get(key)
        if decision and not include_decided:
            continue
        out.append(_pair_row(pair, records[pair["a"]], records[pair["b"]], decision))
    return out


def _pair_row(pair: Mapping[str, Any], a: Record, b: Record,
              decision: Mapping[str, Any] | None) -> dict[str, Any]:
    from evidencekit.core.export_records import field_text

    row: dict[str, Any] = {
        "pair_id": pair["pair_id"], "record_a": a.record_id, "record_b": b.record_id,
        "score": None if pair["score"] is None else round(float(pair["score"]), 4),
        "reason": pair["reason"],
    }
    for name in ("title", "year", "authors", "journal", "volume", "pages", "doi", "pmid"):
        row[f"{name}_a"] = field_text(a, name)
        row[f"{name}_b"] = field_text(b, name)
    row["source_a"] = a.provenance.source
    row["source_b"] = b.provenance.source
    row["note"] = decision["note"] if decision else ""
    row["decision"] = decision["decision"] if decision else ""
    row["decided_by"] = decision["who"] if decision else ""
    return row


def review_csv(rows_: Iterable[Mapping[str, Any]], *, raw: bool = False) -> str:
    """The review list as CSV (``REVIEW_COLUMNS``), for deciding in a spreadsheet
    (formula-like cells neutralised unless ``raw``)."""
    from evidencekit.core.export_records import to_csv

    return to_csv(rows_, REVIEW_COLUMNS, raw=raw)


def default_who() -> str:
    """Who decides, when not given: the operating-system user name."""
    try:
        return getpass.getuser()
    except Exception:  # no user name in some containers
        return "unknown"


def _resolve_pair(pair: str, known_pairs: Mapping[str, tuple[str, str]]) -> tuple[str, str]:
    text = pair.strip()
    if text in known_pairs:
        return known_pairs[text]
    for sep in (",", ";", " ", "|"):
        if sep in text:
            parts = [p for p in (s.strip() for s in text.split(sep)) if p]
            if len(parts) == 2:
                return pair_key(parts[0], parts[1])
    raise PipelineError(
        f"no pair {pair!r}; give a pair id from `evidencekit dedupe review` or two record "
        "ids as 'RECORD_A,RECORD_B'"
    )


def _check_decision(value: str) -> str:
    decision = value.strip().lower()
    if decision not in DECISIONS:
        raise PipelineError(f"decision {value!r} must be 'same' or 'different'")
    return decision


def _known_pairs(conn: Any) -> dict[str, tuple[str, str]]:
    from evidencekit.core.store import rows

    known = {p["pair_id"]: pair_key(p["a"], p["b"]) for p in rows.uncertain_pairs(conn)}
    known.update({make_pair_id(a, b): (a, b) for (a, b) in rows.latest_decisions(conn)})
    return known


def decide(review: Review, pair: str, decision: str, *, who: str | None = None,
           note: str = "") -> dict[str, Any]:
    """Record that a pair is the same study or different studies.

    ``pair`` is a pair id or ``RECORD_A,RECORD_B``. The decision is kept and
    respected by every later ``dedupe`` run (the latest decision on a pair wins).
    """
    from evidencekit.core.store import rows

    decision = _check_decision(decision)
    with open_existing(review) as store, store.write() as conn:
        a, b = _resolve_pair(pair, _known_pairs(conn))
        if a == b:
            raise PipelineError(f"a pair needs two different records, got {a!r} twice")
        missing = sorted({a, b} - rows.existing_ids(conn, (a, b)))
        if missing:
            raise PipelineError(f"no record {', '.join(missing)} in the store")
        row = {"a": a, "b": b, "decision": decision, "who": who or default_who(), "note": note}
        rows.add_decisions(conn, [row])
    return {"pair_id": make_pair_id(a, b), **row}


def import_decisions(review: Review, path: str | Path, *, who: str | None = None
                     ) -> dict[str, Any]:
    """Read decisions back from a review CSV (its ``decision`` column), all or nothing.

    Rows with an empty decision are skipped. Each row names its pair by
    ``record_a`` and ``record_b`` or by ``pair_id``; an optional ``note`` (and
    ``decided_by``) column is kept with the decision.
    """
    from evidencekit.core.encoding import decode_bytes
    from evidencekit.core.store import rows

    name = str(path)
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise RecordFormatError("no such file; check the path", file=name) from None
    # A spreadsheet may save the list in its own code page (Excel: Windows-1252, or
    # UTF-16 for "Unicode text") and with ";" or tabs between cells (European Excel).
    text = decode_bytes(data, file=name).text
    header = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=header.count)
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    columns = [c.strip().lower() for c in reader.fieldnames or []]
    reader.fieldnames = columns
    if "decision" not in columns or not (
        "pair_id" in columns or {"record_a", "record_b"} <= set(columns)
    ):
        raise RecordFormatError(
            "expected a 'decision' column and either 'pair_id' or 'record_a' and 'record_b' "
            f"(found: {', '.join(columns) or 'no header'}); export the list with "
            "`evidencekit dedupe review --csv -o FILE`", file=name, line=1,
        )
    who = who or default_who()
    decisions = []
    skipped = 0
    with open_existing(review) as store, store.write() as conn:
        known = _known_pairs(conn)
        for row in reader:
            line = reader.line_num
            value = (row.get("decision") or "").strip()
            if not value:
                skipped += 1
                continue
            if value.lower() not in DECISIONS:
                raise RecordFormatError(
                    f"decision {value!r} must be 'same', 'different' or empty", file=name,
                    line=line,
                )
            a, b = (row.get("record_a") or "").strip(), (row.get("record_b") or "").strip()
            pid = (row.get("pair_id") or "").strip()
            if a and b:
                a, b = pair_key(a, b)
                if pid and pid != make_pair_id(a, b):
                    raise RecordFormatError(
                        f"pair_id {pid!r} does not belong to records {a} and {b}", file=name,
                        line=line,
                    )
            elif pid in known:
                a, b = known[pid]
            else:
                raise RecordFormatError(f"unknown pair {pid!r}; give record_a and record_b",
                                        file=name, line=line)
            decisions.append((line, {
                "a": a, "b": b, "decision": value.lower(),
                "who": (row.get("decided_by") or "").strip() or who,
                "note": (row.get("note") or "").strip(),
            }))
        ids = {i for _, d in decisions for i in (d["a"], d["b"])}
        present = rows.existing_ids(conn, ids)
        for line, d in decisions:
            for rid in (d["a"], d["b"]):
                if rid not in present:
                    raise RecordFormatError(f"no record {rid!r} in the store", file=name,
                                            line=line)
        rows.add_decisions(conn, [d for _, d in decisions])
    counts = {k: sum(1 for _, d in decisions if d["decision"] == k) for k in DECISIONS}
    return {"decisions": len(decisions), **counts, "skipped": skipped}
