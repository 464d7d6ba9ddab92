"""Reading a small ratings or units CSV through the project's CSV reader, and the
error that lists every problem with its file and line."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from evidencekit.core.errors import RecordFormatError

#: Cells read as "not rated".
MISSING_MARKERS = frozenset({"", "na", "n/a", "nan", ".", "-", "missing"})


#: Extra columns a wide ratings file may carry; they are ignored.
NOTE_COLUMNS = frozenset({"note", "notes", "comment", "comments"})


#: How many problems one error message lists before it stops counting.
MAX_PROBLEMS = 20


MAX_PROBLEMS = 20
MAX_FILE_BYTES = 50 * 1024 * 1024


class RatingsError(RecordFormatError):
    """A ratings or units file has problems; ``problems`` lists each, with file and line."""

    def __init__(self, problems: Sequence[str]):
        self.problems = list(problems)
        extra = len(self.problems) - 1
        message = self.problems[0] + (
            f" (and {extra} more problem{'s' * (extra > 1)})" if extra else ""
        )
        super().__init__(message)


def round_half_up(value: float, places: int = 1) -> float:
    """Round as a published table does (0.75 → 0.8), not to even: the one rule of
    :mod:`evidencekit.core.numbers`."""
    from evidencekit.core.numbers import round_half_away

    return round_half_away(value, places)


def read_csv_table(path: str | Path) -> tuple[str, list[str], list[tuple[int, list[str]]]]:
    """Read a small CSV file: (display name, header, [(line, cells)]).

    The delimiter (comma, semicolon or tab) is taken from the header line; blank
    lines are skipped; cells are stripped. Raises RatingsError for a missing,
    empty or oversized file.
    """
    path = Path(path)
    name = str(path)
    if not path.is_file():
        raise RatingsError([f"{name}: no such file; check the path"])
    if path.stat().st_size > MAX_FILE_BYTES:
        raise RatingsError(
            [
                f"{name}: the file is larger than {MAX_FILE_BYTES // 2**20} MB; "
                "is it really a ratings table?"
            ]
        )
    # The project's one CSV reader and decoder (core/csvfile.read_rows, encoding.decode_bytes).
    from evidencekit.core.csvfile import read_rows

    raw = read_rows(path, name=name, what="ratings table")
    if raw.empty:
        raise RatingsError([f"{name}:1: the file is empty; expected a header row"])
    header: list[str] | None = None
    rows: list[tuple[int, list[str]]] = []
    for line, record in raw.rows:
        cells = [c.strip() for c in record]
        if header is None:
            header = cells
            continue
        rows.append((line, cells))
    assert header is not None
    problems = []
    # Spreadsheets often add an empty trailing column; drop unnamed columns that are empty.
    unnamed = [i for i, h in enumerate(header) if not h]
    for i in unnamed:
        used = next((line for line, cells in rows if i < len(cells) and cells[i]), None)
        if used is not None:
            problems.append(
                f"{name}:{used}: column {i + 1} has a value but no name in the "
                "header; name the column or clear it"
            )
    width = len(header)
    for line, cells in rows:
        if len(cells) > width and any(cells[width:]):
            problems.append(
                f"{name}:{line}: {len(cells)} cells but the header has {width} "
                "columns; remove the extra cells or name their column"
            )
    _problem_list(problems)
    keep = [i for i in range(width) if i not in unnamed]
    if unnamed:
        header = [header[i] for i in keep]
        rows = [(line, [cells[i] if i < len(cells) else "" for i in keep]) for line, cells in rows]
    return name, header, rows


def _find_column(header: Sequence[str], wanted: str) -> int | None:
    lowered = [h.strip().lower() for h in header]
    return lowered.index(wanted) if wanted in lowered else None


def _problem_list(problems: list[str]) -> None:
    if problems:
        raise RatingsError(
            problems[:MAX_PROBLEMS]
            + (
                [f"… {len(problems) - MAX_PROBLEMS} more not shown"]
                if len(problems) > MAX_PROBLEMS
                else []
            )
        )
