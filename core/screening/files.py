"""Decision files: rows read by a decision-file screener, matched to stored records.

A decision-file screener (``plugins/screeners/decision_files.py`` ships ``csv``,
``rayyan``, ``covidence`` and ``asreview``) is a provider on the
``evidencekit_screeners`` hook with ``reads_decision_files = True`` and::

    read_decisions(path, options) -> list[FileDecision]

``options`` holds ``reviewer`` (whose decisions to take, for files holding several
reviewers' decisions), ``stage`` and ``decision`` (for files whose decision is implied by the
list they were exported from, e.g. Covidence). It raises ``ScreeningError`` or
``RecordFormatError`` naming the file and row for a row it cannot read, and returns
a row with ``decision=""`` (``note`` says why) for a row that holds nothing for this
import (another reviewer's decision, a record never shown).

This module matches every row to a stored record, by record id, else DOI, else
normalised title + year, and reports each unmatched or ambiguous row; then the
decisions are checked and written in one transaction, or nothing is written.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from evidencekit.core.errors import ScreeningError
from evidencekit.core.screening.config import screening_config
from evidencekit.core.screening.write import NewDecision, check_decision, write_decisions


@dataclass(frozen=True)
class FileDecision:
    """One row of a decision file: how it names its record, and the decision."""

    row: int  # the line (or record number) in the file, for messages
    decision: str  # include | exclude | maybe | not-retrieved
    record_id: str = ""
    doi: str = ""
    title: str = ""
    year: int | None = None
    reason: str = ""
    note: str = ""
    study_id: str = ""


@dataclass
class DecisionImport:
    """What importing one decision file did."""

    file: str
    format: str
    stage: str
    reviewer: str
    rows: int = 0
    written: int = 0
    matched_by: dict[str, int] = field(default_factory=lambda: {"id": 0, "doi": 0, "title": 0})
    unmatched: list[dict[str, Any]] = field(default_factory=list)
    ambiguous: list[dict[str, Any]] = field(default_factory=list)
    repeated: list[dict[str, Any]] = field(default_factory=list)
    skipped: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)


def normalise_title(title: str) -> str:
    """A title compared loosely: accents, case, punctuation and spacing ignored."""
    text = unicodedata.normalize("NFKD", title)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    return " ".join(_NON_WORD.sub(" ", text).split())


def normalise_doi(doi: str) -> str:
    """A DOI without resolver prefix, lower case."""
    text = doi.strip().lower()
    for prefix in (
        "https://doi.org/",
        "http://doi.org/",
        "https://dx.doi.org/",
        "http://dx.doi.org/",
        "doi:",
    ):
        if text.startswith(prefix):
            text = text[len(prefix) :]
    return text.strip()


class RecordIndex:
    """Stored records by id, DOI and normalised title + year, each mapped to its primary."""

    def __init__(self, records: Sequence[Any], primary_of: Mapping[str, str]):
        self.primary_of = dict(primary_of)
        self.by_doi: dict[str, set[str]] = defaultdict(set)
        self.by_title: dict[tuple[str, int | None], set[str]] = defaultdict(set)
        for r in records:
            primary = self.primary_of.get(r.record_id, r.record_id)
            if r.doi:
                self.by_doi[normalise_doi(r.doi)].add(primary)
            if r.title:
                self.by_title[(normalise_title(r.title), r.year)].add(primary)

    def match(self, row: FileDecision) -> tuple[str, set[str]]:
        """(how, primaries): how the row matched and the primary records it names."""
        if row.record_id:
            rid = row.record_id.strip()
            return "id", ({self.primary_of[rid]} if rid in self.primary_of else set())
        if row.doi:
            found = self.by_doi.get(normalise_doi(row.doi), set())
            if found:
                return "doi", set(found)
        if row.title:
            return "title", set(self.by_title.get((normalise_title(row.title), row.year), set()))
        return "none", set()


def _describe(row: FileDecision) -> str:
    if row.record_id:
        return f"record id {row.record_id!r}"
    parts = [f"DOI {row.doi!r}"] if row.doi else []
    if row.title:
        parts.append(f"title {row.title[:60]!r}" + (f" ({row.year})" if row.year else ""))
    return " / ".join(parts) or "no record id, DOI or title"


def decision_reader(review: Any, fmt: str) -> Any:
    """The decision-file screener called ``fmt``; the known ones named if there is none."""
    from evidencekit.core.errors import RegistryError

    registry = review.registry
    names = [
        i.name
        for i in registry.providers("screener")
        if getattr(i.provider, "reads_decision_files", False)
    ]
    if fmt not in names:
        raise RegistryError(
            f"unknown decision file format {fmt!r}; known: {', '.join(sorted(names)) or '(none)'}"
        )
    return registry.info("screener", fmt).provider


def import_decision_file(
    review: Any,
    path: str | Path,
    *,
    stage: str,
    reviewer: str,
    fmt: str = "csv",
    decision: str | None = None,
    skip_unmatched: bool = False,
) -> DecisionImport:
    """Read ``path`` with the ``fmt`` screener, match its rows and store the decisions.

    Every unmatched or ambiguous row is reported; unless ``skip_unmatched`` they stop
    the import (ScreeningError, nothing written). A reviewer's two different decisions
    on one record in the file, an unknown reason or a decision the stage does not
    allow stop it too, naming the file and row.
    """
    from evidencekit.core.screening.state import primary_map
    from evidencekit.core.store import open_store, rows

    config = screening_config(review)
    config.stage(stage)
    display = str(path)
    reader = decision_reader(review, fmt)
    options = {"reviewer": reviewer, "decision": decision, "stage": stage}
    file_rows = list(reader.read_decisions(Path(path), options))
    report = DecisionImport(display, fmt, stage, reviewer, rows=len(file_rows))
    report.skipped = [{"row": r.row, "why": r.note} for r in file_rows if not r.decision]
    file_rows = [r for r in file_rows if r.decision]
    if not file_rows:
        first = (
            (
                f" ({len(report.skipped)} rows skipped, e.g. row {report.skipped[0]['row']}: "
                f"{report.skipped[0]['why']})"
            )
            if report.skipped
            else ""
        )
        raise ScreeningError(
            f"{display}: no decisions to import{first}; check --reviewer and "
            "--stage; nothing was written"
        )
    with open_store(review) as store, store.write() as conn:
        primary_of = primary_map(conn)
        index = RecordIndex(rows.load_records(conn, with_raw=False), primary_of)
        chosen: dict[str, tuple[FileDecision, NewDecision]] = {}
        for row in file_rows:
            how, found = index.match(row)
            if len(found) != 1:
                entry = {"row": row.row, "identifier": _describe(row), "candidates": sorted(found)}
                (report.ambiguous if found else report.unmatched).append(entry)
                continue
            report.matched_by[how if how != "none" else "title"] += 1
            record_id = found.pop()
            item = check_decision(
                config,
                NewDecision(
                    record_id,
                    stage,
                    reviewer,
                    row.decision,
                    row.reason,
                    row.note,
                    row.study_id,
                    origin=f"import {Path(path).name} row {row.row}",
                    where=f"{display} row {row.row}",
                ),
            )
            earlier = chosen.get(record_id)
            if earlier is not None:
                if (earlier[1].decision, earlier[1].reason) != (item.decision, item.reason):
                    raise ScreeningError(
                        f"{display} row {row.row}: {reviewer}'s decision {item.decision!r} on "
                        f"record {record_id} contradicts row {earlier[0].row} "
                        f"({earlier[1].decision!r}); keep one of the two rows"
                    )
                report.repeated.append(
                    {"row": row.row, "same_as_row": earlier[0].row, "record_id": record_id}
                )
                continue
            chosen[record_id] = (row, item)
        problems = report.unmatched + report.ambiguous
        if problems and not skip_unmatched:
            first = problems[0]
            what = (
                "matches no stored record"
                if first in report.unmatched
                else (
                    f"matches {len(first['candidates'])} records ({', '.join(first['candidates'])})"
                )
            )
            raise ScreeningError(
                f"{display} row {first['row']}: {first['identifier']} {what}"
                + (f" (and {len(problems) - 1} more rows)" if len(problems) > 1 else "")
                + "; fix the rows or pass --skip-unmatched to store the others; nothing was "
                "written"
            )
        report.written = write_decisions(conn, config, [i for _, i in chosen.values()], primary_of)
    return report
