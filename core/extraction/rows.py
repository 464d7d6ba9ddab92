"""Extraction files read into rows (CSV or YAML), each row located, and list cells split."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from evidencekit.core.errors import InstrumentError, RecordFormatError

LIST_SEPARATOR = ";"


#: Columns any table may have besides the form's fields: who extracted, and a free note.
STANDARD_COLUMNS = ("reviewer", "note", "notes")


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


def read_rows(
    path: str | Path, *, required: Sequence[str] = ("study_id",), what: str = "table"
) -> tuple[list[str], list[Row]]:
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
        raise RecordFormatError(
            f"expected a list of {what} rows (mappings) or 'records: [...]'", file=str(path), line=1
        )
    rows: list[Row] = []
    header: list[str] = []
    for index, entry in enumerate(data):
        line = doc.line_of(() if base is None else (*base, index))
        if not isinstance(entry, dict):
            raise RecordFormatError(
                f"each {what} row must be a mapping of field → value", file=str(path), line=line
            )
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
            raise RecordFormatError(
                "the study_id is empty; every study needs an id", file=row.file, line=row.line
            )
        if study_id in out:
            raise RecordFormatError(
                f"study {study_id!r} appears twice (first at line {first_line[study_id]}); "
                "keep one row per study",
                file=row.file,
                line=row.line,
            )
        out[study_id] = {
            k: ("" if v is None else str(v).strip())
            for k, v in row.values.items()
            if k != "study_id"
        }
        first_line[study_id] = row.line
    return out


def split_list(value: Any) -> list[str]:
    """A list value: a YAML list, or text with entries separated by ';'."""
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return [str(v).strip() for v in value if str(v).strip()]
    return [part.strip() for part in str(value).split(LIST_SEPARATOR) if part.strip()]


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or value == []
