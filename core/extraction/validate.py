"""Extraction records and the studies table checked against the form, every problem
located."""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from evidencekit.core.extraction.rows import STANDARD_COLUMNS, Row, _empty, read_rows
from evidencekit.core.extraction.values import _allowed_text, check_value
from evidencekit.core.problems import Problem


@dataclass
class Checked:
    """Normalised rows and the problems found."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    kind: str = "records"
    file: str = ""

    @property
    def ok(self) -> bool:
        return not self.problems


def _validate_fields(
    rows: Sequence[Row],
    header: Sequence[str],
    specs: Sequence[Any],
    *,
    file: str,
    what: str,
    studies: Mapping[str, Any] | None,
    unique_study: bool,
    declared: Sequence[str] | None = None,
    columns_are: str = "a field of the form",
) -> Checked:
    """Check ``rows`` against ``specs``; a column not in ``declared`` (default: the
    specs' ids) is a problem, named as not being ``columns_are``."""
    checked = Checked(file=file)
    by_id = {s.id: s for s in specs}
    known = list(declared) if declared is not None else list(by_id)
    unknown = [c for c in header if c not in ("study_id", *STANDARD_COLUMNS) and c not in known]
    for column in unknown:
        close = difflib.get_close_matches(column, known, n=1)
        checked.problems.append(
            Problem(
                message=f"column {column!r} is not {columns_are}"
                + (f"; did you mean {close[0]!r}?" if close else ""),
                file=file,
                row=getattr(header, "line", None) or (rows[0].line if rows else 1),
                item=column,
                item_label="column",
                allowed=", ".join(known) or "(none)",
            )
        )
    seen: dict[str, int | None] = {}
    for row in rows:
        study_id = row.study_id
        if not study_id:
            checked.problems.append(
                Problem(message="the study_id is empty", file=file, row=row.line)
            )
            continue
        if studies is not None and study_id not in studies:
            checked.problems.append(
                Problem(
                    message="unknown study: not in the studies table",
                    file=file,
                    row=row.line,
                    study_id=study_id,
                    value=study_id,
                    allowed="the study ids of studies.csv",
                )
            )
            continue
        reviewer = str(row.values.get("reviewer") or "").strip()
        if unique_study:
            key = f"{study_id}\x00{reviewer}"
            if key in seen:
                by = f" from reviewer {reviewer}" if reviewer else ""
                checked.problems.append(
                    Problem(
                        message=f"a second {what} row for this study{by} (first at line "
                        f"{seen[key]}); keep one",
                        file=file,
                        row=row.line,
                        study_id=study_id,
                    )
                )
                continue
            seen[key] = row.line
        out: dict[str, Any] = {"study_id": study_id, "_line": row.line}
        for column in STANDARD_COLUMNS:
            if column in row.values and column not in by_id:
                out[column] = str(row.values.get(column) or "").strip()
        bad = False
        for spec in specs:
            value = row.values.get(spec.id)
            if _empty(value):
                if spec.required:
                    checked.problems.append(
                        Problem(
                            message="a required field is empty",
                            file=file,
                            row=row.line,
                            study_id=study_id,
                            item=spec.id,
                            item_label="field",
                            allowed=_allowed_text(spec),
                        )
                    )
                    bad = True
                out[spec.id] = [] if spec.type == "list" or spec.multiple else None
                continue
            normalised, problem = check_value(spec, value)
            if problem:
                checked.problems.append(
                    Problem(
                        message=problem,
                        file=file,
                        row=row.line,
                        study_id=study_id,
                        item=spec.id,
                        item_label="field",
                        value=str(value),
                        allowed=_allowed_text(spec),
                    )
                )
                bad = True
            out[spec.id] = normalised
        for column in unknown:
            out[column] = row.values.get(column)
        if not bad:
            checked.rows.append(out)
    return checked


def validate_records(
    path: str | Path, form: Any, *, studies: Mapping[str, Any] | None = None
) -> Checked:
    """Check extraction records (one row per study) against ``form``'s fields."""
    header, rows = read_rows(path, what="extraction records")
    checked = _validate_fields(
        rows,
        header,
        form.fields,
        file=str(path),
        what="record",
        studies=studies,
        unique_study=True,
        columns_are=f"a field of form {form.ref}",
    )
    checked.kind = "records"
    return checked


def validate_studies(path: str | Path, form: Any) -> Checked:
    """Check studies.csv: ``study_id`` plus study attributes the form declares.

    Columns the form does not declare as study attributes are problems, except the
    columns an "Author Year" label is read from (``label``, ``first_author``, ``author``,
    ``authors``, ``year``; see :mod:`evidencekit.core.study_labels`), which any studies
    table may carry; declared attributes may be left out of the file, but a required one
    that is present must not be empty.
    """
    from evidencekit.core.study_labels import LABEL_COLUMNS

    header, rows = read_rows(path, what="studies table")
    attributes = [s for s in (form.study_attributes or form.fields) if s.id != "study_id"]
    # studies.csv may hold a subset of the attributes: only the columns present are checked
    specs = [s for s in attributes if s.id in header]
    checked = _validate_fields(
        rows,
        header,
        specs,
        file=str(path),
        what="study",
        studies=None,
        unique_study=True,
        declared=[s.id for s in attributes]
        + [c for c in LABEL_COLUMNS if c not in {s.id for s in attributes}],
        columns_are=f"a study attribute of form {form.ref}"
        if form.study_attributes
        else f"a field of form {form.ref}",
    )
    checked.kind = "studies"
    return checked
