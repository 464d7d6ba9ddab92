"""The pairs left for a person, and the decisions they make (one by one or from a CSV)."""

from __future__ import annotations

import getpass
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from evidencekit.core.deduplication.settings import (
    DECISIONS,
    REVIEW_COLUMNS,
    make_pair_id,
    pair_key,
)
from evidencekit.core.errors import PipelineError, RecordFormatError
from evidencekit.core.model import Record
from evidencekit.core.records.clustering import open_existing

if TYPE_CHECKING:  # pragma: no cover
    from evidencekit.core.review import Review


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
                {
                    "pair_id": make_pair_id(a, b),
                    "a": a,
                    "b": b,
                    "score": None,
                    "reason": "decided by a person",
                    "method": "",
                }
                for (a, b) in decided
                if (a, b) not in listed
            ]
        ids = {i for p in (*pairs, *extra) for i in (p["a"], p["b"])}
        records = {
            r.record_id: r for r in rows.load_records(conn, record_ids=sorted(ids), with_raw=False)
        }
    out = []
    for pair in (*pairs, *extra):
        key = pair_key(pair["a"], pair["b"])
        decision = decided.get(key)
        if decision and not include_decided:
            continue
        out.append(_pair_row(pair, records[pair["a"]], records[pair["b"]], decision))
    return out


def _pair_row(
    pair: Mapping[str, Any], a: Record, b: Record, decision: Mapping[str, Any] | None
) -> dict[str, Any]:
    from evidencekit.core.export_records import field_text

    row: dict[str, Any] = {
        "pair_id": pair["pair_id"],
        "record_a": a.record_id,
        "record_b": b.record_id,
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


def decide(
    review: Review, pair: str, decision: str, *, who: str | None = None, note: str = ""
) -> dict[str, Any]:
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


def import_decisions(review: Review, path: str | Path, *, who: str | None = None) -> dict[str, Any]:
    """Read decisions back from a review CSV (its ``decision`` column), all or nothing.

    Rows with an empty decision are skipped. Each row names its pair by
    ``record_a`` and ``record_b`` or by ``pair_id``; an optional ``note`` (and
    ``decided_by``) column is kept with the decision.
    """
    from evidencekit.core.csvfile import read_table
    from evidencekit.core.store import rows

    name = str(path)
    if not Path(path).exists():
        raise RecordFormatError("no such file; check the path", file=name)
    # The project's one CSV reader: a spreadsheet may save the list in its own code page
    # (Excel: Windows-1252, or UTF-16 for "Unicode text") and with ";" or tabs between cells.
    table = read_table(path, name=name, what="decisions list")
    columns = [c for c in table.header if c]
    if "decision" not in columns or not (
        "pair_id" in columns or {"record_a", "record_b"} <= set(columns)
    ):
        raise RecordFormatError(
            "expected a 'decision' column and either 'pair_id' or 'record_a' and 'record_b' "
            f"(found: {', '.join(columns) or 'no header'}); export the list with "
            "`evidencekit dedupe review --csv -o FILE`",
            file=name,
            line=table.header_line,
        )
    who = who or default_who()
    decisions = []
    skipped = 0
    with open_existing(review) as store, store.write() as conn:
        known = _known_pairs(conn)
        for line, row in table:
            value = row.get("decision", "")
            if not value:
                skipped += 1
                continue
            if value.lower() not in DECISIONS:
                raise RecordFormatError(
                    f"decision {value!r} must be 'same', 'different' or empty",
                    file=name,
                    line=line,
                )
            a, b = row.get("record_a", ""), row.get("record_b", "")
            pid = row.get("pair_id", "")
            if a and b:
                a, b = pair_key(a, b)
                if pid and pid != make_pair_id(a, b):
                    raise RecordFormatError(
                        f"pair_id {pid!r} does not belong to records {a} and {b}",
                        file=name,
                        line=line,
                    )
            elif pid in known:
                a, b = known[pid]
            else:
                raise RecordFormatError(
                    f"unknown pair {pid!r}; give record_a and record_b", file=name, line=line
                )
            decisions.append(
                (
                    line,
                    {
                        "a": a,
                        "b": b,
                        "decision": value.lower(),
                        "who": row.get("decided_by") or who,
                        "note": row.get("note", ""),
                    },
                )
            )
        ids = {i for _, d in decisions for i in (d["a"], d["b"])}
        present = rows.existing_ids(conn, ids)
        for line, d in decisions:
            for rid in (d["a"], d["b"]):
                if rid not in present:
                    raise RecordFormatError(f"no record {rid!r} in the store", file=name, line=line)
        rows.add_decisions(conn, [d for _, d in decisions])
    counts = {k: sum(1 for _, d in decisions if d["decision"] == k) for k in DECISIONS}
    return {"decisions": len(decisions), **counts, "skipped": skipped}
