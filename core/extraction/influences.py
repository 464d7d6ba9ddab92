"""Coded influences (study, influence, direction) checked against the framework."""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from evidencekit.core.extraction.rows import _empty, read_rows
from evidencekit.core.extraction.validate import Checked, _validate_fields
from evidencekit.core.problems import Problem

DIRECTIONS = ("facilitator", "barrier", "unclear")


INFLUENCE_COLUMNS = ("study_id", "influence", "direction", "factor", "evidence", "reviewer")


def influence_specs(form: Any) -> list[Any]:
    """The coded-influences columns: the form's, or the documented default six."""
    if getattr(form, "influence_columns", None):
        return list(form.influence_columns)
    from evidencekit.core.instruments.models import FormField

    return [
        FormField("influence", "Influence", "string", required=True, values_from="framework"),
        FormField("direction", "Direction", "choice", required=True, allowed=list(DIRECTIONS)),
        FormField("factor", "Factor", "text"),
        FormField("evidence", "Evidence", "text"),
        FormField("reviewer", "Reviewer", "string"),
    ]


def validate_influences(
    path: str | Path,
    form: Any,
    framework: Any | None,
    *,
    studies: Mapping[str, Any] | None = None,
) -> Checked:
    """Check coded influences: columns, directions, and influence ids in the framework.

    An influence written by its name or an alias (``Organisational culture``) is
    accepted and stored as its id; an unknown one names the closest ids.
    """
    specs = [s for s in influence_specs(form) if s.id != "study_id"]
    header, rows = read_rows(path, required=("study_id", "influence"), what="coded influences")
    checked = _validate_fields(
        rows,
        header,
        specs,
        file=str(path),
        what="influence",
        studies=studies,
        unique_study=False,
        columns_are="a column of the coded-influences table",
    )
    checked.kind = "influences"
    framework_specs = [s for s in specs if getattr(s, "values_from", None) == "framework"] or [
        s for s in specs if s.id == "influence"
    ]
    if framework is None:
        return checked
    ids = sorted(framework.ids())
    allowed = (
        ", ".join(ids)
        if len(ids) <= 30
        else f"the {len(ids)} entry ids of {framework.ref} (see `evidencekit instruments "
        f"show {framework.id}`)"
    )
    # Every row is checked, also rows with other problems, so one run lists everything.
    resolved: dict[tuple[int | None, str], str] = {}
    bad_lines: set[int | None] = set()
    for row in rows:
        for spec in framework_specs:
            value = row.values.get(spec.id)
            if _empty(value):
                continue
            try:
                resolved[(row.line, spec.id)] = framework.resolve(str(value).strip()).id
            except KeyError:
                close = difflib.get_close_matches(str(value), ids, n=3, cutoff=0.5)
                checked.problems.append(
                    Problem(
                        message=f"not an influence of framework {framework.ref}"
                        + (f"; did you mean {', '.join(close)}?" if close else ""),
                        file=str(path),
                        row=row.line,
                        study_id=row.study_id or None,
                        item=spec.id,
                        item_label="column",
                        value=str(value),
                        allowed=allowed,
                    )
                )
                bad_lines.add(row.line)
    kept = []
    for out in checked.rows:
        if out["_line"] in bad_lines:
            continue
        for spec in framework_specs:
            if (out["_line"], spec.id) in resolved:
                out[spec.id] = resolved[(out["_line"], spec.id)]
        kept.append(out)
    checked.rows = kept
    checked.problems.sort(key=lambda p: p.row or 0)
    return checked


def sniff_kind(path: str | Path) -> str:
    """'influences', 'studies' or 'records', from the file's columns."""
    header, _ = read_rows(path, required=(), what="table")
    if "influence" in header:
        return "influences"
    if Path(path).stem.lower().startswith("studies"):
        return "studies"
    return "records"
