"""Data extraction: records checked against a form, coded influences, studies.csv,
a seeded sample for a second extractor, and field-level agreement.

Three kinds of file, each a plain CSV (or YAML for records) a person edits:

* **extraction records**: one row per study (``study_id`` plus the form's field
  ids as columns; a list or multiple-choice value separates entries with ``;``),
  or YAML (a list of mappings, or ``records: [...]``);
* **coded influences**: the long table ``study_id, influence, direction,
  factor, evidence, reviewer`` (or the columns the form declares), influence
  ids checked against the framework, direction one of facilitator, barrier,
  unclear;
* **studies.csv**: ``study_id`` plus the study attributes the form declares
  (design, country, setting, modality, income level …).

Validation collects every problem (file, row, study, field, value found, what
is allowed) instead of stopping at the first.
"""

from __future__ import annotations

import difflib
import math
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from evidencekit.core.errors import EvidencekitError, InstrumentError, RecordFormatError
from evidencekit.core.problems import Problem

LIST_SEPARATOR = ";"
DIRECTIONS = ("facilitator", "barrier", "unclear")
INFLUENCE_COLUMNS = ("study_id", "influence", "direction", "factor", "evidence", "reviewer")
#: Columns any table may have besides the form's fields: who extracted, and a free note.
STANDARD_COLUMNS = ("reviewer", "note", "notes")
_TRUE = {"yes", "y", "true", "1"}
_FALSE = {"no", "n", "false", "0"}
_DATE = re.compile(r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$")


# --------------------------------------------------------------------------- reading


class Header(list):
    """A file's column names, and the line they are on (for messages about a column)."""

    def __init__(self, names: Iterable[str] = (), line: int | None = None):
        super().__init__(names)
        self.line = line


@dataclass
class Row:
    """One row of an input file: its values, where it came from."""

    values: dict[str, Any]
    file: str
    line: int | None = None

    @property
    def study_id(self) -> str:
        return str(self.values.get("study_id", "") or "").strip()


def read_rows(path: str | Path, *, required: Sequence[str] = ("study_id",),
              what: str = "table") -> tuple[list[str], list[Row]]:
    """Read a CSV (or, for records, a YAML) file into rows with line numbers."""
    path = Path(path)
    if path.suffix.lower() in {".yaml", ".yml"}:
        return _read_yaml_rows(path, required, what)
    from evidencekit.core.csvfile import read_table

    table = read_table(path, required=required, what=what)
    header = Header(table.header, line=table.header_line)
    return header, [Row(dict(values), str(path), line) for line, values in table]


def _read_yaml_rows(path: Path, required: Sequence[str], what: str) -> tuple[list[str], list[Row]]:
    from evidencekit.core.yaml_loader import load_yaml

    try:
        doc = load_yaml(path, name=str(path))
    except InstrumentError as exc:
        raise RecordFormatError("; ".join(exc.problems)) from None
    data = doc.data
    base: tuple[Any, ...] = ()
    if isinstance(data, dict) and "records" in data:
        data, base = data["records"], ("records",)
    if isinstance(data, dict):
        data, base = [data], None  # one record
    if not isinstance(data, list):
        raise RecordFormatError(f"expected a list of {what} rows (mappings) or 'records: [...]'",
                                file=str(path), line=1)
    rows: list[Row] = []
    header: list[str] = []
    for index, entry in enumerate(data):
        line = doc.line_of(() if base is None else (*base, index))
        if not isinstance(entry, dict):
            raise RecordFormatError(f"each {what} row must be a mapping of field → value",
                                    file=str(path), line=line)
        for key in entry:
            if str(key) not in header:
                header.append(str(key))
        rows.append(Row({str(k): v for k, v in entry.items()}, str(path), line))
    missing = [c for c in required if c not in header]
    if missing and rows:
        raise RecordFormatError(f"the {what} lacks {', '.join(missing)}", file=str(path), line=1)
    return header, rows


def read_studies(path: str | Path) -> dict[str, dict[str, str]]:
    """studies.csv → {study_id: {column: value}}; ids must be present and unique."""
    _, rows = read_rows(path, what="studies table")
    out: dict[str, dict[str, str]] = {}
    first_line: dict[str, int | None] = {}
    for row in rows:
        study_id = row.study_id
        if not study_id:
            raise RecordFormatError("the study_id is empty; every study needs an id",
                                    file=row.file, line=row.line)
        if study_id in out:
            raise RecordFormatError(
                f"study {study_id!r} appears twice (first at line {first_line[study_id]}); "
                "keep one row per study", file=row.file, line=row.line)
        out[study_id] = {k: ("" if v is None else str(v).strip())
                         for k, v in row.values.items() if k != "study_id"}
        first_line[study_id] = row.line
    return out


# --------------------------------------------------------------------------- values


def split_list(value: Any) -> list[str]:
    """A list value: a YAML list, or text with entries separated by ';'."""
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return [str(v).strip() for v in value if str(v).strip()]
    return [part.strip() for part in str(value).split(LIST_SEPARATOR) if part.strip()]


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or value == []


def _allowed_match(value: str, allowed: Sequence[Any]) -> Any | None:
    """The allowed value equal to ``value`` ignoring case and spacing (None if none)."""
    wanted = " ".join(str(value).split()).casefold()
    for option in allowed:
        if " ".join(str(option).split()).casefold() == wanted:
            return option
    return None


def check_value(spec: Any, value: Any) -> tuple[Any, str | None]:
    """Check one value against a form field; return (normalised value, problem or None)."""
    kind = spec.type
    allowed = spec.allowed
    if kind in ("string", "text"):
        return str(value).strip(), None
    if kind == "integer":
        text = str(value).strip()
        if isinstance(value, bool) or not re.fullmatch(r"[+-]?\d+", text):
            return value, "expected a whole number"
        number: float = int(text)
    elif kind == "number":
        try:
            number = float(str(value).strip().replace(",", "."))
        except ValueError:
            return value, "expected a number"
        if not math.isfinite(number):
            return value, "expected a finite number"
    elif kind == "boolean":
        if isinstance(value, bool):
            return value, None
        text = str(value).strip().lower()
        if text in _TRUE:
            return True, None
        if text in _FALSE:
            return False, None
        return value, "expected yes or no"
    elif kind == "date":
        text = str(value).strip()
        if not _DATE.match(text):
            return value, "expected a date written YYYY, YYYY-MM or YYYY-MM-DD"
        if len(text) == 10:
            import datetime

            try:
                datetime.date.fromisoformat(text)
            except ValueError:  # 2012-02-30: the pattern allows it, the calendar does not
                return value, "no such day in the calendar"
        return text, None
    elif kind == "choice":
        picks = split_list(value) if spec.multiple else [str(value).strip()]
        if not spec.multiple and LIST_SEPARATOR in str(value):
            return value, "only one value may be picked for this field"
        out = []
        for pick in picks:
            match = _allowed_match(pick, allowed or [])
            if match is None:
                return value, f"{pick!r} is not an allowed value"
            out.append(match)
        return (out if spec.multiple else out[0]), None
    elif kind == "list":
        entries = split_list(value)
        if allowed:
            normalised = []
            for entry in entries:
                match = _allowed_match(entry, allowed)
                if match is None:
                    return value, f"{entry!r} is not an allowed entry"
                normalised.append(match)
            entries = normalised
        return entries, None
    else:
        return value, f"the form declares an unknown field type {kind!r}"
    # numeric bounds
    if spec.min is not None and number < spec.min:
        return value, f"below the minimum {spec.min:g}"
    if spec.max is not None and number > spec.max:
        return value, f"above the maximum {spec.max:g}"
    if allowed and _allowed_match(str(value), allowed) is None and number not in allowed:
        return value, "not an allowed value"
    return number, None


def _allowed_text(spec: Any) -> str:
    if getattr(spec, "values_from", None) == "framework":
        return "an influence id (or name) of the framework"
    if spec.allowed:
        joined = ", ".join(str(a) for a in spec.allowed)
        several = spec.multiple or spec.type == "list"
        return f"any of {joined}, separated by ';'" if several else f"one of {joined}"
    text = {
        "integer": "a whole number", "number": "a number", "boolean": "yes or no",
        "date": "YYYY, YYYY-MM or YYYY-MM-DD", "list": "entries separated by ';'",
    }.get(spec.type, "any text")
    low, high = getattr(spec, "min", None), getattr(spec, "max", None)
    if spec.type in ("integer", "number") and (low is not None or high is not None):
        if low is not None and high is not None:
            text += f" from {low:g} to {high:g}"
        elif low is not None:
            text += f" of at least {low:g}"
        else:
            text += f" of at most {high:g}"
    return text


# --------------------------------------------------------------------------- validation


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
    rows: Sequence[Row], header: Sequence[str], specs: Sequence[Any], *, file: str,
    what: str, studies: Mapping[str, Any] | None, unique_study: bool,
    declared: Sequence[str] | None = None, columns_are: str = "a field of the form",
) -> Checked:
    """Check ``rows`` against ``specs``; a column not in ``declared`` (default: the
    specs' ids) is a problem, named as not being ``columns_are``."""
    checked = Checked(file=file)
    by_id = {s.id: s for s in specs}
    known = list(declared) if declared is not None else list(by_id)
    unknown = [c for c in header if c not in ("study_id", *STANDARD_COLUMNS) and c not in known]
    for column in unknown:
        close = difflib.get_close_matches(column, known, n=1)
        checked.problems.append(Problem(
            message=f"column {column!r} is not {columns_are}"
                    + (f"; did you mean {close[0]!r}?" if close else ""),
            file=file, row=getattr(header, "line", None) or (rows[0].line if rows else 1),
            item=column, item_label="column", allowed=", ".join(known) or "(none)"))
    seen: dict[str, int | None] = {}
    for row in rows:
        study_id = row.study_id
        if not study_id:
            checked.problems.append(Problem(message="the study_id is empty", file=file,
                                            row=row.line))
            continue
        if studies is not None and study_id not in studies:
            checked.problems.append(Problem(
                message="unknown study: not in the studies table", file=file, row=row.line,
                study_id=study_id, value=study_id, allowed="the study ids of studies.csv"))
            continue
        reviewer = str(row.values.get("reviewer") or "").strip()
        if unique_study:
            key = f"{study_id}\x00{reviewer}"
            if key in seen:
                by = f" from reviewer {reviewer}" if reviewer else ""
                checked.problems.append(Problem(
                    message=f"a second {what} row for this study{by} (first at line "
                            f"{seen[key]}); keep one", file=file, row=row.line,
                    study_id=study_id))
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
                    checked.problems.append(Problem(
                        message="a required field is empty", file=file, row=row.line,
                        study_id=study_id, item=spec.id, item_label="field",
                        allowed=_allowed_text(spec)))
                    bad = True
                out[spec.id] = [] if spec.type == "list" or spec.multiple else None
                continue
            normalised, problem = check_value(spec, value)
            if problem:
                checked.problems.append(Problem(
                    message=problem, file=file, row=row.line, study_id=study_id, item=spec.id,
                    item_label="field", value=str(value), allowed=_allowed_text(spec)))
                bad = True
            out[spec.id] = normalised
        for column in unknown:
            out[column] = row.values.get(column)
        if not bad:
            checked.rows.append(out)
    return checked


def validate_records(path: str | Path, form: Any, *,
                     studies: Mapping[str, Any] | None = None) -> Checked:
    """Check extraction records (one row per study) against ``form``'s fields."""
    header, rows = read_rows(path, what="extraction records")
    checked = _validate_fields(rows, header, form.fields, file=str(path), what="record",
                               studies=studies, unique_study=True,
                               columns_are=f"a field of form {form.ref}")
    checked.kind = "records"
    return checked


def validate_studies(path: str | Path, form: Any) -> Checked:
    """Check studies.csv: ``study_id`` plus study attributes the form declares.

    Columns the form does not declare as study attributes are problems; declared
    attributes may be left out of the file, but a required one that is present
    must not be empty.
    """
    header, rows = read_rows(path, what="studies table")
    attributes = [s for s in (form.study_attributes or form.fields) if s.id != "study_id"]
    # studies.csv may hold a subset of the attributes: only the columns present are checked
    specs = [s for s in attributes if s.id in header]
    checked = _validate_fields(
        rows, header, specs, file=str(path), what="study", studies=None, unique_study=True,
        declared=[s.id for s in attributes],
        columns_are=f"a study attribute of form {form.ref}" if form.study_attributes else
        f"a field of form {form.ref}")
    checked.kind = "studies"
    return checked


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
    path: str | Path, form: Any, framework: Any | None, *,
    studies: Mapping[str, Any] | None = None,
) -> Checked:
    """Check coded influences: columns, directions, and influence ids in the framework.

    An influence written by its name or an alias (``Organisational culture``) is
    accepted and stored as its id; an unknown one names the closest ids.
    """
    specs = [s for s in influence_specs(form) if s.id != "study_id"]
    header, rows = read_rows(path, required=("study_id", "influence"), what="coded influences")
    checked = _validate_fields(rows, header, specs, file=str(path), what="influence",
                               studies=studies, unique_study=False,
                               columns_are="a column of the coded-influences table")
    checked.kind = "influences"
    framework_specs = [s for s in specs if getattr(s, "values_from", None) == "framework"] or \
        [s for s in specs if s.id == "influence"]
    if framework is None:
        return checked
    ids = sorted(framework.ids())
    allowed = (", ".join(ids) if len(ids) <= 30 else
               f"the {len(ids)} entry ids of {framework.ref} (see `evidencekit instruments "
               f"show {framework.id}`)")
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
                checked.problems.append(Problem(
                    message=f"not an influence of framework {framework.ref}"
                            + (f"; did you mean {', '.join(close)}?" if close else ""),
                    file=str(path), row=row.line, study_id=row.study_id or None,
                    item=spec.id, item_label="column", value=str(value), allowed=allowed))
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
    checked.problems.sort(key=lambda p: (p.row or 0))
    return checked


def sniff_kind(path: str | Path) -> str:
    """'influences', 'studies' or 'records', from the file's columns."""
    header, _ = read_rows(path, required=(), what="table")
    if "influence" in header:
        return "influences"
    if Path(path).stem.lower().startswith("studies"):
        return "studies"
    return "records"


# --------------------------------------------------------------------------- sampling


def draw_sample(
    study_ids: Iterable[str], *, fraction: float | None = None, n: int | None = None,
    seed: int | None = None,
) -> dict[str, Any]:
    """A seeded random sample of studies for a second extractor.

    Give ``fraction`` (0-1; the sample size is rounded up, so 10 % of 53 studies
    is 6) or ``n``. Without ``seed`` one is drawn and returned: record it, and the
    same call with it gives the same sample. Ids are sorted before sampling, so
    the file order of the studies does not matter.
    """
    population = sorted(dict.fromkeys(str(s) for s in study_ids))
    if (fraction is None) == (n is None):
        raise EvidencekitError("give either a fraction or a number of studies to sample")
    if fraction is not None:
        if not 0 < fraction <= 1:
            raise EvidencekitError(f"the sample fraction must be in (0, 1], got {fraction}")
        # rounded up (a tolerance so 0.1 × 30 is 3, not 4), and never an empty sample
        size = max(1, math.ceil(fraction * len(population) - 1e-9))
    else:
        size = int(n)  # type: ignore[arg-type]
        if size < 1:
            raise EvidencekitError(f"the sample size must be at least 1, got {size}")
    if size > len(population):
        raise EvidencekitError(
            f"cannot sample {size} studies from {len(population)}; lower the number")
    if seed is None:
        import secrets

        seed = secrets.randbelow(2**31)
    import random

    chosen = random.Random(seed).sample(population, size)
    return {"seed": seed, "fraction": fraction, "n": size, "population": len(population),
            "study_ids": sorted(chosen)}


# --------------------------------------------------------------------------- agreement


def _comparable(spec: Any, value: Any) -> Any:
    """A value in the form compared for agreement: lists as sets, text folded."""
    if value is None or value == []:
        return "(empty)"
    if isinstance(value, list):
        return tuple(sorted(" ".join(str(v).split()).casefold() for v in value))
    if isinstance(value, str):
        return " ".join(value.split()).casefold()
    return value


def field_agreement(
    first: Checked, second: Checked, form: Any, *, only: Iterable[str] | None = None,
) -> dict[str, Any]:
    """Field-level agreement between two extractors on the studies both extracted.

    Per field: percent agreement (Wilson interval) over the shared studies, and
    Cohen's kappa for categorical fields (choice, boolean). Text is compared
    ignoring case and spacing, lists as sets.
    """
    from evidencekit.core.agreement import agreement, percent_agreement

    a = {r["study_id"]: r for r in first.rows}
    b = {r["study_id"]: r for r in second.rows}
    shared = sorted(set(a) & set(b))
    missing = None
    if only is not None:
        wanted = set(only)
        shared = [s for s in shared if s in wanted]
        # a sampled study one extractor has no record for is not compared: say so
        missing = {"first": sorted(wanted - set(a)), "second": sorted(wanted - set(b))}
    fields: dict[str, Any] = {}
    all_a: list[Any] = []
    all_b: list[Any] = []
    disagreements = []
    for spec in form.fields:
        if spec.id == "study_id":
            continue  # the key the records are matched on
        va = [_comparable(spec, a[s].get(spec.id)) for s in shared]
        vb = [_comparable(spec, b[s].get(spec.id)) for s in shared]
        all_a.extend(f"{spec.id}={v}" for v in va)
        all_b.extend(f"{spec.id}={v}" for v in vb)
        categorical = spec.type in ("choice", "boolean") and not spec.multiple
        if categorical:
            entry = agreement([str(v) for v in va], [str(v) for v in vb])
        else:
            pa = percent_agreement(va, vb)
            entry = {"n": pa.n, "agreed": pa.agreed, "percent": pa.percent,
                     "percent_ci": [pa.ci_low, pa.ci_high] if pa.percent is not None else None}
        entry["type"] = spec.type
        fields[spec.id] = entry
        for s, x, y in zip(shared, va, vb, strict=True):
            if x != y:
                disagreements.append({"study_id": s, "field": spec.id,
                                      "first": a[s].get(spec.id), "second": b[s].get(spec.id)})
    overall = percent_agreement(all_a, all_b)
    return {
        "studies": shared,
        "only_in_first": sorted(set(a) - set(b)),
        "only_in_second": sorted(set(b) - set(a)),
        "sample_missing": missing,
        "fields": fields,
        "overall": {"n": overall.n, "agreed": overall.agreed, "percent": overall.percent,
                    "percent_ci": [overall.ci_low, overall.ci_high]
                    if overall.percent is not None else None},
        "disagreements": disagreements,
    }


def influence_agreement(
    first: Checked, second: Checked, framework: Any | None, *,
    only: Iterable[str] | None = None,
) -> dict[str, Any]:
    """Agreement on coded influences for the studies both coders coded.

    *Presence*: for every shared study and every influence (the framework's, or
    all those either coder used), whether it was coded — percent and kappa.
    *Direction*: for influences both coded in a study, whether the sets of
    directions given match.
    """
    from evidencekit.core.agreement import agreement

    def index(checked: Checked) -> dict[str, dict[str, set[str]]]:
        out: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        for r in checked.rows:
            out[r["study_id"]][r["influence"]].add(str(r.get("direction") or ""))
        return out

    a, b = index(first), index(second)
    shared = sorted(set(a) & set(b))
    missing = None
    if only is not None:
        # Both coders were to code every sampled study, and a study with no influence has
        # no rows: a sampled study in one file only is compared as "nothing coded" by the
        # other (listed), and one in neither file is listed and left out.
        wanted = set(only)
        coded = set(a) | set(b)
        shared = sorted(wanted & coded)
        missing = {"first": sorted((wanted & coded) - set(a)),
                   "second": sorted((wanted & coded) - set(b)),
                   "both": sorted(wanted - coded)}
    if framework is not None:
        influences = sorted(framework.ids())
    else:
        influences = sorted({i for s in shared for i in (*a[s], *b[s])})
    pa, pb = [], []
    direction_a, direction_b = [], []
    disagreements = []
    for s in shared:
        for influence in influences:
            in_a, in_b = influence in a[s], influence in b[s]
            pa.append(in_a)
            pb.append(in_b)
            if in_a and in_b:
                da, db = "+".join(sorted(a[s][influence])), "+".join(sorted(b[s][influence]))
                direction_a.append(da)
                direction_b.append(db)
                if da != db:
                    disagreements.append({"study_id": s, "influence": influence,
                                          "first": da, "second": db})
            elif in_a or in_b:
                disagreements.append({"study_id": s, "influence": influence,
                                      "first": "coded" if in_a else "not coded",
                                      "second": "coded" if in_b else "not coded"})
    return {
        "studies": shared,
        "sample_missing": missing,
        "influences": len(influences),
        "presence": agreement(pa, pb, categories=[False, True]),
        "direction": agreement(direction_a, direction_b),
        "disagreements": disagreements,
    }


def split_by_reviewer(checked: Checked, reviewers: Sequence[str] | None = None
                      ) -> tuple[Checked, Checked, list[str]]:
    """Split one file's rows by the ``reviewer`` column into two extractors' rows."""
    names = list(dict.fromkeys(str(r.get("reviewer") or "") for r in checked.rows))
    if reviewers:
        missing = [r for r in reviewers if r not in names]
        if missing:
            raise EvidencekitError(
                f"{checked.file}: no rows from reviewer(s) {', '.join(missing)}; reviewers in "
                f"the file: {', '.join(n or '(unnamed)' for n in names)}")
        names = list(reviewers)
    if len(names) != 2:
        raise EvidencekitError(
            f"{checked.file}: agreement needs exactly two reviewers; the file has "
            f"{len(names)} ({', '.join(n or '(unnamed)' for n in names)}); name two with "
            "--reviewers A,B or give two files")
    parts = []
    for name in names:
        parts.append(Checked(rows=[r for r in checked.rows if str(r.get("reviewer") or "") == name],
                             kind=checked.kind, file=checked.file))
    return parts[0], parts[1], names
