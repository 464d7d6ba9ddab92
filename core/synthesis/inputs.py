"""What a synthesis method reads: the included studies, their coded influences, and
(for sensitivity analyses) their appraisal grades, checked before any method runs.

The files are the extraction files of ``docs/extraction.md``: ``studies.csv`` (one row
per included study, its attributes) and the coded influences (``study_id, influence,
direction, factor, evidence, reviewer``). Every problem is reported with the file, the
line, what was found and what is allowed; a method never sees unchecked data.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from evidencekit.core.errors import EvidencekitError, RecordFormatError

#: Columns the coded-influences file must have for a synthesis.
CODING_COLUMNS = ("study_id", "influence", "direction")


class SynthesisInputError(EvidencekitError):
    """The studies, codings or grades cannot be used; ``problems`` lists every one."""

    #: At most this many problems are printed; the rest are counted (a wrong framework
    #: would otherwise print one line per row of the file).
    SHOWN = 30

    def __init__(self, problems: Sequence[str], what: str = "the synthesis inputs"):
        self.problems = [str(p) for p in problems]
        shown = self.problems[: self.SHOWN]
        more = len(self.problems) - len(shown)
        super().__init__(
            f"{len(self.problems)} problem(s) in {what}; nothing was written:\n"
            + "\n".join(shown)
            + (f"\n… and {more} more of the same kinds; fix these first" if more else "")
        )


@dataclass(frozen=True)
class Coding:
    """One row of the coded influences: a study coded an influence in a direction."""

    study_id: str
    influence: str
    direction: str
    factor: str
    line: int | None = None


@dataclass
class SynthesisData:
    """Checked inputs of a synthesis method.

    ``studies`` maps each included study to its attributes (a list-valued attribute,
    such as ``country`` 'Israel; USA', is a list). ``grades`` maps a study to the
    grades of its appraisals (None when no appraisal was given). ``instrument(ref,
    kind)`` finds another instrument (a template measure, a crosswalk) the way the
    review does, honouring its pins.
    """

    studies: dict[str, dict[str, Any]]
    codings: list[Coding]
    studies_file: str = "studies.csv"
    codings_file: str = "codings.csv"
    codings_sha256: str = ""
    studies_header_line: int = 1
    grades: dict[str, list[str]] | None = None
    grades_source: str | None = None
    instrument: Callable[..., Any] | None = field(default=None, repr=False)

    @property
    def attributes(self) -> list[str]:
        """Study attributes present in the studies table, in column order."""
        seen: dict[str, None] = {}
        for values in self.studies.values():
            seen.update(dict.fromkeys(values))
        return list(seen)

    def find_instrument(self, ref: str, kind: str) -> Any:
        """Another instrument by id (``ID`` or ``ID@VERSION``) or YAML file."""
        path = Path(ref)
        if path.suffix.lower() in (".yaml", ".yml") and path.is_file():
            from evidencekit.core.instruments import load_instrument

            found = load_instrument(path)
            if found.kind != kind:
                raise EvidencekitError(f"{ref}: this instrument is a {found.kind}, not a {kind}")
            return found
        if self.instrument is None:
            from evidencekit.core.instruments import build_catalog

            return build_catalog().get(ref, kind=kind)
        return self.instrument(ref, kind=kind)


def sha256_of(path: str | Path) -> str:
    """The SHA-256 of a file's bytes, so a derived result names exactly what it came from."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def read_studies_table(path: str | Path, form: Any | None) -> tuple[dict[str, dict[str, Any]], int]:
    """studies.csv → ({study_id: attributes}, header line), checked against ``form``.

    With a form, each attribute is checked and normalised (a ``list`` attribute is
    split on ';'); without one, values are kept as written.
    """
    from evidencekit.core.extraction import read_rows, read_studies, validate_studies

    header, _ = read_rows(path, what="studies table")
    line = getattr(header, "line", None) or 1
    if form is None:
        return read_studies(path), line
    checked = validate_studies(path, form)
    if checked.problems:
        raise SynthesisInputError([str(p) for p in checked.problems], what=str(path))
    studies: dict[str, dict[str, Any]] = {}
    for row in checked.rows:
        studies[row["study_id"]] = {k: v for k, v in row.items() if k not in ("study_id", "_line")}
    return studies, line


def read_codings(
    path: str | Path, form: Any | None, framework: Any, studies: Mapping[str, Any]
) -> list[Coding]:
    """The coded influences, every row checked: columns, directions, influence ids in the
    framework, study ids in the studies table. Raise :class:`SynthesisInputError` listing
    every problem."""
    from evidencekit.core.csvfile import read_table
    from evidencekit.core.extraction import influence_specs, validate_influences

    required = [*CODING_COLUMNS]
    for spec in influence_specs(form):
        if spec.required and spec.id not in required:
            required.append(spec.id)
    # Missing columns first: otherwise every row would repeat "a required field is empty".
    table = read_table(path, what="coded influences")
    missing = [c for c in required if c not in table.header]
    if missing:
        raise RecordFormatError(
            f"the coded influences lack column(s) {', '.join(missing)}; found: "
            f"{', '.join(c for c in table.header if c) or '(none)'}; required: "
            f"{', '.join(required)} (see docs/extraction.md)",
            file=str(path),
            line=table.header_line,
        )
    checked = validate_influences(path, form, framework, studies=studies)
    if checked.problems:
        raise SynthesisInputError([str(p) for p in checked.problems], what=str(path))
    return [
        Coding(
            study_id=row["study_id"],
            influence=row["influence"],
            direction=str(row.get("direction") or ""),
            factor=str(row.get("factor") or "").strip(),
            line=row.get("_line"),
        )
        for row in checked.rows
    ]


def read_grades(path: str | Path, studies: Mapping[str, Any] | None = None) -> dict[str, list[str]]:
    """Appraisal grades per study from ``appraise score --json`` output (or the pipeline's
    ``appraisal.json``), or from a CSV with ``study_id`` and ``grade`` columns (such as
    ``quality-table.csv``). A study appraised with several checklists has several grades.
    """
    import json

    path = Path(path)
    grades: dict[str, list[str]] = {}
    if path.suffix.lower() == ".json":
        try:
            data = json.loads(path.read_text("utf-8-sig"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise RecordFormatError(
                f"cannot read the appraisal result as JSON: {exc}; give "
                "the output of `evidencekit appraise score --json`",
                file=str(path),
            ) from None
        entries = data.get("studies") if isinstance(data, dict) else None
        if not isinstance(entries, list):
            raise RecordFormatError(
                "expected the JSON of `evidencekit appraise score --json` "
                "(an object with a 'studies' list)",
                file=str(path),
            )
        for number, entry in enumerate(entries):
            if not isinstance(entry, dict) or not entry.get("study_id"):
                raise RecordFormatError(f"studies[{number}] has no study_id", file=str(path))
            grades.setdefault(str(entry["study_id"]), []).append(str(entry.get("grade") or ""))
    else:
        from evidencekit.core.csvfile import read_table

        table = read_table(path, required=("study_id", "grade"), what="appraisal grades")
        for _line, row in table:
            grades.setdefault(row["study_id"], []).append(row["grade"])
    if studies is not None:
        unknown = sorted(set(grades) - set(studies))
        if unknown:
            raise RecordFormatError(
                f"grades for {len(unknown)} stud{'y' if len(unknown) == 1 else 'ies'} not in "
                f"the studies table: {', '.join(unknown[:10])}"
                f"{' …' if len(unknown) > 10 else ''}; the appraisal and studies.csv must "
                "name studies alike",
                file=str(path),
            )
    return grades


def grades_from_report(report: Mapping[str, Any]) -> dict[str, list[str]]:
    """Grades per study from an appraisal report's data (``AppraisalReport.to_dict()``)."""
    grades: dict[str, list[str]] = {}
    for entry in report.get("studies", []):
        grades.setdefault(str(entry["study_id"]), []).append(str(entry.get("grade") or ""))
    return grades
