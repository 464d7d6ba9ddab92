"""Decision-file screeners: the project's own CSV, Rayyan, Covidence and ASReview exports.

Each reads one file into :class:`FileDecision` rows (how the row names its record,
and the decision); ``evidencekit.core.screening.files`` matches the rows to stored
records and writes them. A row that cannot be read is an error naming the file and
row. Rows that hold nothing for this import (another reviewer's, another stage's,
a record ASReview never showed) come back with ``decision=""`` and say why in
``note``; the import reports them as skipped.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from evidencekit.core import hookimpl
from evidencekit.core.errors import ScreeningError
from evidencekit.core.screening.files import FileDecision

#: A record id as evidencekit makes them (``r`` + 12 hex digits + ``-`` + position).
OUR_ID = re.compile(r"^r[0-9a-f]{12}-\d+$")

_WORDS = {
    "include": "include",
    "included": "include",
    "yes": "include",
    "1": "include",
    "relevant": "include",
    "exclude": "exclude",
    "excluded": "exclude",
    "no": "exclude",
    "0": "exclude",
    "irrelevant": "exclude",
    "maybe": "maybe",
    "unsure": "maybe",
    "not-retrieved": "not-retrieved",
    "not retrieved": "not-retrieved",
    "not_retrieved": "not-retrieved",
}


def decision_word(value: str, file: str, row: int) -> str:
    """A decision as written in a file → include/exclude/maybe/not-retrieved."""
    word = _WORDS.get(" ".join(value.split()).casefold())
    if word is None:
        raise ScreeningError(
            f"{file} row {row}: decision {value!r} is not one of include, exclude, maybe, "
            "not-retrieved"
        )
    return word


def year_of(value: str) -> int | None:
    match = re.search(r"\b(1[5-9]\d\d|20\d\d)\b", value or "")
    return int(match.group(1)) if match else None


def our_id(*values: str) -> str:
    """The first value that is an evidencekit record id (exports carry them back)."""
    return next((v.strip() for v in values if v and OUR_ID.match(v.strip())), "")


def _table(path: Path, what: str) -> Any:
    from evidencekit.core.csvfile import read_table

    return read_table(path, what=what)


def _skip(line: int, why: str) -> FileDecision:
    return FileDecision(line, "", note=why)


class _DecisionFile:
    """What every decision-file screener shares (the Screener contract)."""

    name = ""
    description = ""
    options_schema: Mapping[str, Any] | None = None
    reads_decision_files = True

    def read_decisions(self, path: Path, options: Mapping[str, Any]) -> list[FileDecision]:
        raise NotImplementedError  # pragma: no cover

    def screen(self, records: Any, options: Mapping[str, Any], context: Any) -> list[FileDecision]:
        """The decisions of ``options["file"]`` (records are matched by the core)."""
        return self.read_decisions(Path(options["file"]), options)


class CsvDecisions(_DecisionFile):
    """The project's own CSV: ``record_id`` (or ``doi``, else ``title`` + ``year``),
    ``decision``, ``reason``, ``note``; optional ``study_id``; ``stage`` and ``reviewer``
    columns (as `decisions export` writes them) keep only the rows of this import."""

    name = "csv"
    description = (
        "Decisions in evidencekit's CSV (record_id or doi or title+year, decision, reason, note)"
    )

    def read_decisions(self, path: Path, options: Mapping[str, Any]) -> list[FileDecision]:
        table = _table(path, "decision file")
        if "decision" not in table.header:
            raise ScreeningError(
                f"{path}:{table.header_line}: the decision file has no "
                f"'decision' column; found: {', '.join(table.header)}"
            )
        if not {"record_id", "doi", "title"} & set(table.header):
            raise ScreeningError(
                f"{path}:{table.header_line}: name each record by a "
                "'record_id', 'doi' or 'title' (+ 'year') column"
            )
        reviewer = str(options.get("reviewer") or "")
        stage = str(options.get("stage") or "")
        out = []
        for line, row in table:
            if reviewer and row.get("reviewer") and row["reviewer"] != reviewer:
                out.append(_skip(line, f"a decision of {row['reviewer']!r}"))
                continue
            if stage and row.get("stage") and row["stage"] != stage:
                out.append(_skip(line, f"a decision at stage {row['stage']!r}"))
                continue
            if not row.get("decision"):
                raise ScreeningError(
                    f"{path} row {line}: the decision is empty; write "
                    "include, exclude, maybe or not-retrieved"
                )
            out.append(
                FileDecision(
                    line,
                    decision_word(row["decision"], str(path), line),
                    record_id=row.get("record_id", ""),
                    doi=row.get("doi", ""),
                    title=row.get("title", ""),
                    year=year_of(row.get("year", "")),
                    reason=row.get("reason", ""),
                    note=row.get("note", ""),
                    study_id=row.get("study_id", ""),
                )
            )
        return out


_RAYYAN_VOTES = re.compile(r'"([^"]+)"\s*=>\s*"([^"]*)"')


def parse_rayyan_notes(notes: str) -> tuple[dict[str, str] | None, list[str]]:
    """Rayyan's ``notes`` → ({reviewer: Included/Excluded/Maybe} or None, exclusion reasons).

    Rayyan writes ``RAYYAN-INCLUSION: {"Ann"=>"Included", "Bob"=>"Excluded"} |
    RAYYAN-LABELS: ... | RAYYAN-EXCLUSION-REASONS: wrong population,foreign language``.
    """
    votes: dict[str, str] | None = None
    reasons: list[str] = []
    for part in notes.split(" | "):
        part = part.strip()
        if part.startswith("RAYYAN-INCLUSION:"):
            votes = dict(_RAYYAN_VOTES.findall(part))
        elif part.startswith("RAYYAN-EXCLUSION-REASONS:"):
            text = part[len("RAYYAN-EXCLUSION-REASONS:") :]
            reasons = [r.strip() for r in text.split(",") if r.strip()]
    return votes, reasons


class RayyanDecisions(_DecisionFile):
    """Rayyan's ``articles.csv``: decisions in ``notes`` as ``RAYYAN-INCLUSION: {...}``.

    The decisions taken are those of the reviewer named by the import (``--reviewer``,
    compared with Rayyan's names without regard to case); rows that reviewer did not
    decide are reported as skipped."""

    name = "rayyan"
    description = (
        "Rayyan articles.csv export (RAYYAN-INCLUSION / RAYYAN-EXCLUSION-REASONS in notes)"
    )

    def read_decisions(self, path: Path, options: Mapping[str, Any]) -> list[FileDecision]:
        table = _table(path, "Rayyan export")
        if "notes" not in table.header:
            raise ScreeningError(
                f"{path}:{table.header_line}: not a Rayyan export: no 'notes' "
                f"column (found: {', '.join(table.header)})"
            )
        reviewer = str(options.get("reviewer") or "").casefold()
        out = []
        for line, row in table:
            votes, reasons = parse_rayyan_notes(row.get("notes", ""))
            if not votes:
                raise ScreeningError(
                    f"{path} row {line}: the notes carry no decision (no RAYYAN-INCLUSION: "
                    "{...}); export from Rayyan with decisions included, or remove the row"
                )
            by_name = {k.casefold(): v for k, v in votes.items()}
            if reviewer in by_name:
                vote = by_name[reviewer]
            else:
                out.append(
                    _skip(
                        line,
                        f"no decision by {options.get('reviewer')!r} (only {', '.join(votes)})",
                    )
                )
                continue
            decision = decision_word(vote, str(path), line)
            note = f"other Rayyan reasons: {', '.join(reasons[1:])}" if len(reasons) > 1 else ""
            out.append(
                FileDecision(
                    line,
                    decision,
                    record_id=our_id(row.get("key", "")),
                    doi=row.get("doi", ""),
                    title=row.get("title", ""),
                    year=year_of(row.get("year", "")),
                    reason=reasons[0] if decision == "exclude" and reasons else "",
                    note=note,
                )
            )
        return out


_COVIDENCE_REASON = re.compile(r"Exclusion reason:\s*([^;\n]+)", re.IGNORECASE)


class CovidenceDecisions(_DecisionFile):
    """A Covidence references export (``Title``, ``Published Year``, ``DOI``, ``Covidence #``,
    ``Study``, ``Notes`` ...): one list (included, excluded, irrelevant) per file."""

    name = "covidence"
    description = (
        "Covidence references export of one list (pass the list's decision; "
        "'Exclusion reason:' notes read)"
    )

    def read_decisions(self, path: Path, options: Mapping[str, Any]) -> list[FileDecision]:
        table = _table(path, "Covidence export")
        if "covidence #" not in table.header or "title" not in table.header:
            raise ScreeningError(
                f"{path}:{table.header_line}: not a Covidence export: it needs "
                f"'Covidence #' and 'Title' columns (found: "
                f"{', '.join(table.header)})"
            )
        given = options.get("decision")
        out = []
        for line, row in table:
            match = _COVIDENCE_REASON.search(row.get("notes", ""))
            reason = match.group(1).strip() if match else ""
            if given:
                decision = decision_word(str(given), str(path), line)
            elif row.get("decision"):
                decision = decision_word(row["decision"], str(path), line)
            elif reason:
                decision = "exclude"
            else:
                raise ScreeningError(
                    f"{path} row {line}: a Covidence export does not say its decision; pass "
                    "--decision include|exclude for the list it was exported from"
                )
            out.append(
                FileDecision(
                    line,
                    decision,
                    record_id=our_id(row.get("ref", ""), row.get("accession number", "")),
                    doi=row.get("doi", ""),
                    title=row.get("title", ""),
                    year=year_of(row.get("published year", "")),
                    reason=reason if decision == "exclude" else "",
                    study_id=row.get("study", "") if decision == "include" else "",
                )
            )
        return out


_ASREVIEW_LABEL = re.compile(r"\bASReview_(relevant|irrelevant|not_seen)\b")


class AsreviewDecisions(_DecisionFile):
    """ASReview LAB exports: CSV with ``asreview_label`` (or ``included`` /
    ``label_included``) 1/0/empty, or RIS with ``ASReview_relevant`` /
    ``ASReview_irrelevant`` / ``ASReview_not_seen`` in the N1 notes."""

    name = "asreview"
    description = "ASReview LAB labelled export (CSV asreview_label/included, or RIS N1 labels)"

    def read_decisions(self, path: Path, options: Mapping[str, Any]) -> list[FileDecision]:
        from evidencekit.core.importing import read_source

        source = read_source(path)
        if source.text.lstrip().startswith("TY  -"):
            return self._ris(source)
        return self._csv(path)

    def _csv(self, path: Path) -> list[FileDecision]:
        table = _table(path, "ASReview export")
        column = next(
            (c for c in ("asreview_label", "included", "label_included") if c in table.header), None
        )
        if column is None:
            raise ScreeningError(
                f"{path}:{table.header_line}: not a labelled ASReview export: "
                "no asreview_label, included or label_included column"
            )
        out = []
        for line, row in table:
            label = row.get(column, "").strip()
            if label in ("", "-1", "nan"):
                out.append(_skip(line, "not screened in ASReview"))
                continue
            if label not in ("0", "1", "0.0", "1.0"):
                raise ScreeningError(f"{path} row {line}: {column} {label!r} is not 1, 0 or empty")
            year = row.get("year", "") or row.get("publication_year", "") or row.get("date", "")
            out.append(
                FileDecision(
                    line,
                    "include" if label.startswith("1") else "exclude",
                    record_id=our_id(row.get("id", ""), row.get("record_id", "")),
                    doi=row.get("doi", ""),
                    title=row.get("title", "") or row.get("primary_title", ""),
                    year=year_of(year),
                    note=row.get("asreview_note", ""),
                )
            )
        return out

    def _ris(self, source: Any) -> list[FileDecision]:
        from evidencekit.plugins.importers.ris import RisImporter

        out = []
        for record in RisImporter().read(source, {}):
            line = record.provenance.line if record.provenance else 0
            notes = " ".join(record.raw.get("N1", []))
            found = _ASREVIEW_LABEL.findall(notes)
            if not found:
                raise ScreeningError(
                    f"{source.display} row {line}: no ASReview label "
                    "(ASReview_relevant / ASReview_irrelevant) in the N1 notes"
                )
            if found[0] == "not_seen":
                out.append(_skip(line, "not screened in ASReview"))
                continue
            out.append(
                FileDecision(
                    line,
                    "include" if found[0] == "relevant" else "exclude",
                    record_id=our_id(record.source_key),
                    doi=record.doi,
                    title=record.title,
                    year=record.year,
                )
            )
        return out


@hookimpl
def evidencekit_screeners() -> list[Any]:
    return [CsvDecisions(), RayyanDecisions(), CovidenceDecisions(), AsreviewDecisions()]
