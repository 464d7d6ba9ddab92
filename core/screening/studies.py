"""Included studies linked to their records, and checks of study lists against them.

The review's studies are the records included at the last screening stage. Reports
of one study share a study id declared on their decisions (``study_id`` on an
include, e.g. Covidence's ``Study`` label); an included record without one is a
study of its own, labelled "Author Year" from its first author and year (with
``a``, ``b`` ... where two studies would get the same label, in record order).
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

#: Columns of `studies export`.
STUDY_COLUMNS = ("study_id", "record_ids")


@dataclass(frozen=True)
class IncludedStudy:
    """One included study and the records (reports) that belong to it."""

    study_id: str
    record_ids: tuple[str, ...]
    declared: bool  # the id came from the decisions, not generated
    title: str
    year: int | None

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["record_ids"] = list(self.record_ids)
        return out


def _label(record: Any) -> str:
    author = record.authors[0].family if record.authors else "Anonymous"
    return f"{author} {record.year}" if record.year else author


def included_studies(review: Any) -> list[IncludedStudy]:
    """The studies included at the last stage, ordered by study id."""
    from evidencekit.core.screening.state import load_state
    from evidencekit.core.store import open_store, rows

    state = load_state(review)
    last = state.config.stages[-1].name
    included = sorted(r for r, f in state.final(last).items() if f.outcome == "include")
    finals = state.final(last)
    with open_store(review) as store, store.read() as conn:
        records = {
            r.record_id: r for r in rows.load_records(conn, record_ids=included, with_raw=False)
        }
    groups: dict[str, list[str]] = defaultdict(list)
    declared: set[str] = set()
    undeclared: list[str] = []
    for rid in included:
        study = finals[rid].study_id
        if study:
            groups[study].append(rid)
            declared.add(study)
        else:
            undeclared.append(rid)
    labels: dict[str, list[str]] = defaultdict(list)
    for rid in undeclared:
        labels[_label(records[rid])].append(rid)
    for label, rids in labels.items():
        if len(rids) == 1 and label not in declared:
            groups[label].append(rids[0])
            continue
        for i, rid in enumerate(rids):
            groups[f"{label}{chr(ord('a') + i) if i < 26 else i}"].append(rid)
    out = []
    for study_id, rids in sorted(groups.items()):
        first = records[rids[0]]
        out.append(
            IncludedStudy(study_id, tuple(rids), study_id in declared, first.title, first.year)
        )
    return out


def export_studies(studies: Iterable[IncludedStudy]) -> str:
    """CSV with ``study_id, record_ids`` (record ids joined by ``; ``)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(STUDY_COLUMNS)
    for s in studies:
        writer.writerow([s.study_id, "; ".join(s.record_ids)])
    return buffer.getvalue()


def study_ids_in(path: str | Path) -> set[str]:
    """The study ids a studies table, answers or codings file names (CSV or YAML)."""
    path = Path(path)
    if path.suffix.lower() in (".yaml", ".yml"):
        from evidencekit.core.yaml_loader import load_yaml

        found: set[str] = set()

        def walk(node: Any) -> None:
            if isinstance(node, dict):
                if isinstance(node.get("study_id"), str | int):
                    found.add(str(node["study_id"]))
                for value in node.values():
                    walk(value)
            elif isinstance(node, list):
                for value in node:
                    walk(value)

        walk(load_yaml(path, name=str(path)).data)
        return found
    from evidencekit.core.csvfile import read_table

    table = read_table(path, required=("study_id",), what="table of studies")
    return {row["study_id"] for row in table.rows if row.get("study_id")}


def check_studies(
    review: Any,
    *,
    studies: str | Path | None = None,
    appraisal: Iterable[str | Path] = (),
    codings: Iterable[str | Path] = (),
) -> dict[str, Any]:
    """Compare the included studies with studies.csv, appraisal answers and codings.

    Reports, per file, the study ids that were never included, and, per kind, the
    included studies the files never name (never appraised, never coded, missing
    from studies.csv). ``ok`` is false when anything is reported.
    """
    included = {s.study_id for s in included_studies(review)}
    out: dict[str, Any] = {"included": sorted(included), "files": [], "ok": True}
    kinds = {
        "studies": [studies] if studies else [],
        "appraisal": list(appraisal),
        "codings": list(codings),
    }
    missing_key = {
        "studies": "not_in_studies",
        "appraisal": "not_appraised",
        "codings": "not_coded",
    }
    for kind, files in kinds.items():
        if not files:
            continue
        named: set[str] = set()
        for f in files:
            ids = study_ids_in(f)
            named |= ids
            stray = sorted(ids - included)
            out["files"].append(
                {"file": str(f), "kind": kind, "studies": len(ids), "never_included": stray}
            )
            if stray:
                out["ok"] = False
        out[missing_key[kind]] = sorted(included - named)
        if out[missing_key[kind]]:
            out["ok"] = False
    return out
