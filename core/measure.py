"""Ratings on a measure: reading, validation, scoring and "Table 2".

A *unit* (a site, a service) is rated on each item of a measure by one or more
*raters*. Ratings come as a CSV file in one of two layouts, detected from the
header:

* wide: ``unit, rater, <one column per item>`` (an item column is named by the
  item's id or its number, e.g. ``org-culture`` or ``1`` or ``item 1``); the
  ``rater`` column may be left out when each unit has one rater;
* long: ``unit, rater, item, score``, one row per rating.

An empty cell (or ``NA``) is an unrated item. Every other problem (an unknown
item, a score that is not a number or not a point of the scale, a repeated
rating) is an error naming the file and the line. Whether a unit with unrated
items still gets a total is the measure's declared rule
(``scoring.missing``): at most ``max_missing_items`` may be missing, and they are
prorated or counted as the scale minimum.

A *units file* (``unit, income, psw_experience, country, …``) gives the
attributes the validity analyses group by.
"""

from __future__ import annotations

import csv
import functools
import io
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from evidencekit.core.errors import RecordFormatError, RegistryError
from evidencekit.core.model import Rating

#: Cells read as "not rated".
MISSING_MARKERS = frozenset({"", "na", "n/a", "nan", ".", "-", "missing"})
#: Extra columns a wide ratings file may carry; they are ignored.
NOTE_COLUMNS = frozenset({"note", "notes", "comment", "comments"})
#: How many problems one error message lists before it stops counting.
MAX_PROBLEMS = 20
MAX_FILE_BYTES = 50 * 1024 * 1024


class RatingsError(RecordFormatError):
    """A ratings or units file has problems; ``problems`` lists each, with file and line."""

    def __init__(self, problems: Sequence[str]):
        self.problems = list(problems)
        extra = len(self.problems) - 1
        message = self.problems[0] + (f" (and {extra} more problem{'s' * (extra > 1)})"
                                      if extra else "")
        super().__init__(message)


def round_half_up(value: float, places: int = 1) -> float:
    """Round as a published table does (0.75 → 0.8), not to even."""
    quantum = Decimal(1).scaleb(-places)
    return float(Decimal(repr(value)).quantize(quantum, rounding=ROUND_HALF_UP))


# --------------------------------------------------------------------------- CSV


def _decode(data: bytes, name: str) -> str:
    """UTF-8 (with or without BOM), UTF-16 with a BOM, else Windows-1252/Latin-1."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:  # spreadsheet exports on Windows
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


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
        raise RatingsError([f"{name}: the file is larger than {MAX_FILE_BYTES // 2**20} MB; "
                            "is it really a ratings table?"])
    text = _decode(path.read_bytes(), name)
    first = next((line for line in text.splitlines() if line.strip()), "")
    if not first:
        raise RatingsError([f"{name}:1: the file is empty; expected a header row"])
    delimiter = max((",", ";", "\t"), key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header: list[str] | None = None
    rows: list[tuple[int, list[str]]] = []
    start = 1
    for cells in reader:
        line = start
        start = reader.line_num + 1
        cells = [c.strip() for c in cells]
        if not any(cells):
            continue
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
            problems.append(f"{name}:{used}: column {i + 1} has a value but no name in the "
                            "header; name the column or clear it")
    width = len(header)
    for line, cells in rows:
        if len(cells) > width and any(cells[width:]):
            problems.append(f"{name}:{line}: {len(cells)} cells but the header has {width} "
                            "columns; remove the extra cells or name their column")
    _problem_list(problems)
    keep = [i for i in range(width) if i not in unnamed]
    if unnamed:
        header = [header[i] for i in keep]
        rows = [(line, [cells[i] if i < len(cells) else "" for i in keep]) for line, cells in rows]
    return name, header, rows


def _find_column(header: Sequence[str], wanted: str) -> int | None:
    lowered = [h.strip().lower() for h in header]
    return lowered.index(wanted) if wanted in lowered else None


# ----------------------------------------------------------------------- ratings


@dataclass
class Ratings:
    """Validated ratings of units on one measure, with where each came from."""

    measure: Any
    file: str
    layout: str  # "wide" | "long"
    ratings: list[Rating]
    lines: dict[tuple[str, str, str], int] = field(default_factory=dict)
    unit_lines: dict[str, list[int]] = field(default_factory=dict)

    @property
    def units(self) -> list[str]:
        """Units in the order they first appear in the file."""
        return list(dict.fromkeys(r.unit for r in self.ratings))

    @property
    def raters(self) -> list[str]:
        """Raters in the order they first appear in the file."""
        return list(dict.fromkeys(r.rater for r in self.ratings))

    def by_rater(self) -> dict[str, dict[str, dict[str, float | None]]]:
        """rater → unit → item id → score (None when not rated)."""
        out: dict[str, dict[str, dict[str, float | None]]] = {}
        for r in self.ratings:
            out.setdefault(r.rater, {}).setdefault(r.unit, {})[r.item] = r.score
        return out

    def first_line(self, unit: str) -> int | None:
        lines = self.unit_lines.get(unit)
        return min(lines) if lines else None

    @functools.cached_property
    def scores(self) -> Scores:
        """Totals and mean item scores per unit under the measure's missing-data rule."""
        return score_ratings(self)


class _ItemResolver:
    """Maps a column header or an ``item`` cell to a measure item (id, number, 'item 3')."""

    def __init__(self, measure: Any):
        self.measure = measure
        self.by_key: dict[str, Any] = {}
        for item in measure.items:
            self.by_key[item.id.lower()] = item
            self.by_key[str(item.number)] = item

    def __call__(self, text: str) -> Any | None:
        key = text.strip().lower()
        if key in self.by_key:
            return self.by_key[key]
        match = re.fullmatch(r"(?:item|q)[ _\-#]*(\d+)", key)
        if match:
            return self.by_key.get(str(int(match.group(1))))
        return None

    def listing(self) -> str:
        return ", ".join(f"{i.number} ({i.id})" for i in self.measure.items)


def _scale_text(measure: Any) -> str:
    scale = measure.scale
    return f"a whole number from {scale.min} to {scale.max}"


def _parse_score(raw: str, measure: Any) -> tuple[float | None, str | None]:
    """(score, None) or (None, problem). Empty cells and NA are unrated (None, None)."""
    if raw.strip().lower() in MISSING_MARKERS:
        return None, None
    try:
        value = float(raw.replace(",", ".") if raw.count(",") == 1 and "." not in raw else raw)
    except ValueError:
        return None, (f"score {raw!r} is not a number; expected {_scale_text(measure)} "
                      "(leave the cell empty if the item was not rated)")
    if not math.isfinite(value) or not value.is_integer() or int(value) not in measure.scale:
        anchors = measure.scale.anchors
        meaning = "; ".join(f"{k} = {v}" for k, v in sorted(anchors.items())) if anchors else ""
        return None, (f"score {raw} is off the scale; expected {_scale_text(measure)}"
                      + (f" ({meaning})" if meaning else ""))
    return float(int(value)), None


def read_ratings(path: str | Path, measure: Any) -> Ratings:
    """Read and validate a ratings CSV (wide or long, detected from the header).

    Raises :class:`RatingsError` listing every problem with file and line.
    """
    name, header, rows = read_csv_table(path)
    lowered = [h.lower() for h in header]
    if "unit" not in lowered:
        raise RatingsError([f"{name}:1: no 'unit' column; the header must start with "
                            f"'unit, rater, <items>' (wide) or 'unit, rater, item, score' (long), "
                            f"found: {', '.join(header) or '(nothing)'}"])
    if "item" in lowered and "score" in lowered:
        return _read_long(name, header, rows, measure)
    return _read_wide(name, header, rows, measure)


def _problem_list(problems: list[str]) -> None:
    if problems:
        raise RatingsError(problems[:MAX_PROBLEMS] + (
            [f"… {len(problems) - MAX_PROBLEMS} more not shown"]
            if len(problems) > MAX_PROBLEMS else []))


def _read_wide(name: str, header: list[str], rows: list[tuple[int, list[str]]],
               measure: Any) -> Ratings:
    resolve = _ItemResolver(measure)
    unit_col = _find_column(header, "unit")
    rater_col = _find_column(header, "rater")
    problems: list[str] = []
    item_cols: dict[int, Any] = {}
    seen_items: dict[str, str] = {}
    for index, column in enumerate(header):
        if index in (unit_col, rater_col) or column.lower() in NOTE_COLUMNS:
            continue
        item = resolve(column)
        if item is None:
            problems.append(
                f"{name}:1: column {column!r} is not an item of measure {measure.id}; "
                f"its items are {resolve.listing()}; rename the column or remove it")
        elif item.id in seen_items:
            problems.append(f"{name}:1: columns {seen_items[item.id]!r} and {column!r} are both "
                            f"item {item.number} ({item.id}); keep one")
        else:
            item_cols[index] = item
            seen_items[item.id] = column
    for item in measure.items:
        if item.id not in seen_items:
            problems.append(
                f"{name}:1: no column for item {item.number} ({item.id}); add it "
                "(leave a cell empty where the item was not rated)")
    _problem_list(problems)
    ratings: list[Rating] = []
    lines: dict[tuple[str, str, str], int] = {}
    unit_lines: dict[str, list[int]] = {}
    first_row: dict[tuple[str, str], int] = {}
    for line, cells in rows:
        cells = cells + [""] * (len(header) - len(cells))
        unit = cells[unit_col]
        rater = cells[rater_col] if rater_col is not None else ""
        if not unit:
            problems.append(f"{name}:{line}: the unit is empty; name the site or service rated")
            continue
        if rater_col is not None and not rater:
            problems.append(f"{name}:{line}: the rater is empty for unit {unit!r}; "
                            "name the rater (or drop the rater column if each unit has one)")
            continue
        key = (unit, rater)
        if key in first_row:
            who = f" by rater {rater!r}" if rater else ""
            problems.append(f"{name}:{line}: unit {unit!r} is rated again{who} "
                            f"(first at line {first_row[key]}); keep one row per unit and rater")
            continue
        first_row[key] = line
        unit_lines.setdefault(unit, []).append(line)
        for index, item in item_cols.items():
            score, problem = _parse_score(cells[index], measure)
            if problem:
                problems.append(f"{name}:{line}: unit {unit!r}, item {item.number} "
                                f"({item.id}): {problem}")
                continue
            ratings.append(Rating(unit=unit, rater=rater, item=item.id, score=score))
            lines[(unit, rater, item.id)] = line
    if not rows:
        problems.append(f"{name}: no ratings below the header")
    _problem_list(problems)
    return Ratings(measure, name, "wide", ratings, lines, unit_lines)


def _read_long(name: str, header: list[str], rows: list[tuple[int, list[str]]],
               measure: Any) -> Ratings:
    resolve = _ItemResolver(measure)
    col = {key: _find_column(header, key) for key in ("unit", "rater", "item", "score")}
    problems: list[str] = []
    ratings: list[Rating] = []
    lines: dict[tuple[str, str, str], int] = {}
    unit_lines: dict[str, list[int]] = {}
    for line, cells in rows:
        cells = cells + [""] * (len(header) - len(cells))
        unit = cells[col["unit"]]
        rater = cells[col["rater"]] if col["rater"] is not None else ""
        raw_item = cells[col["item"]]
        if not unit:
            problems.append(f"{name}:{line}: the unit is empty; name the site or service rated")
            continue
        item = resolve(raw_item)
        if item is None:
            problems.append(f"{name}:{line}: item {raw_item!r} is not an item of measure "
                            f"{measure.id}; its items are {resolve.listing()}")
            continue
        score, problem = _parse_score(cells[col["score"]], measure)
        if problem:
            problems.append(f"{name}:{line}: unit {unit!r}, item {item.number} ({item.id}): "
                            f"{problem}")
            continue
        key = (unit, rater, item.id)
        if key in lines:
            who = f" by rater {rater!r}" if rater else ""
            problems.append(f"{name}:{line}: unit {unit!r}, item {item.number} is rated again"
                            f"{who} (first at line {lines[key]}); keep one rating")
            continue
        lines[key] = line
        unit_lines.setdefault(unit, []).append(line)
        ratings.append(Rating(unit=unit, rater=rater, item=item.id, score=score))
    if not rows:
        problems.append(f"{name}: no ratings below the header")
    rated_items = {r.item for r in ratings}
    if ratings:
        for item in measure.items:
            if item.id not in rated_items:
                problems.append(f"{name}: no rating at all for item {item.number} ({item.id}); "
                                "add its rows (with an empty score where it was not rated)")
    _problem_list(problems)
    return Ratings(measure, name, "long", ratings, lines, unit_lines)


def build_ratings(measure: Any, records: Iterable[tuple[str, str, str | int, Any]],
                  name: str = "<ratings>") -> Ratings:
    """Ratings from ``(unit, rater, item id or number, score)`` tuples, validated
    exactly as a long CSV file is (``name`` stands for the file in messages)."""
    rows = [(index + 2, [str(u), str(r), str(i), "" if s is None else str(s)])
            for index, (u, r, i, s) in enumerate(records)]
    return _read_long(name, ["unit", "rater", "item", "score"], rows, measure)


# ------------------------------------------------------------------------- units


@dataclass
class Units:
    """Attributes of each unit, from a units file."""

    file: str
    columns: list[str]
    attributes: dict[str, dict[str, str | None]]
    lines: dict[str, int]

    def levels(self, attribute: str, units: Iterable[str] | None = None) -> list[str]:
        """Distinct values of ``attribute`` (among ``units``), sorted."""
        chosen = self.attributes if units is None else {u: self.attributes[u] for u in units}
        return sorted({a[attribute] for a in chosen.values() if a.get(attribute) is not None})

    def value(self, unit: str, attribute: str) -> str | None:
        return self.attributes.get(unit, {}).get(attribute)

    def require_attribute(self, attribute: str) -> None:
        """Raise RatingsError when the units file has no such column."""
        if attribute not in self.columns:
            raise RatingsError([f"{self.file}:1: no column {attribute!r}; the attributes are "
                                f"{', '.join(self.columns) or '(none)'}"])


def read_units(path: str | Path) -> Units:
    """Read a units file: a ``unit`` column, then one column per attribute."""
    name, header, rows = read_csv_table(path)
    unit_col = _find_column(header, "unit")
    if unit_col is None:
        raise RatingsError([f"{name}:1: no 'unit' column; expected 'unit, <attribute>, …', "
                            f"found: {', '.join(header)}"])
    columns = [h for i, h in enumerate(header) if i != unit_col]
    problems: list[str] = []
    if len(set(columns)) != len(columns):
        problems.append(f"{name}:1: repeated column names: {', '.join(columns)}")
    attributes: dict[str, dict[str, str | None]] = {}
    lines: dict[str, int] = {}
    for line, cells in rows:
        cells = cells + [""] * (len(header) - len(cells))
        unit = cells[unit_col]
        if not unit:
            problems.append(f"{name}:{line}: the unit is empty")
            continue
        if unit in attributes:
            problems.append(f"{name}:{line}: unit {unit!r} appears again (first at line "
                            f"{lines[unit]}); keep one row per unit")
            continue
        values = {h: cells[i] for i, h in enumerate(header) if i != unit_col}
        attributes[unit] = {k: (None if v.lower() in MISSING_MARKERS else v)
                            for k, v in values.items()}
        lines[unit] = line
    if not rows:
        problems.append(f"{name}: no units below the header")
    _problem_list(problems)
    return Units(name, columns, attributes, lines)


def build_units(attributes: Mapping[str, Mapping[str, Any]], name: str = "<units>") -> Units:
    """Units from ``{unit: {attribute: value}}`` (values as text; None is missing)."""
    columns = list(dict.fromkeys(k for attrs in attributes.values() for k in attrs))
    table = {str(u): {c: (None if attrs.get(c) is None else str(attrs[c])) for c in columns}
             for u, attrs in attributes.items()}
    return Units(name, columns, table, {u: i + 2 for i, u in enumerate(table)})


def check_units(ratings: Ratings, units: Units) -> None:
    """Every rated unit must have a row in the units file (else RatingsError)."""
    problems = []
    for unit in ratings.units:
        if unit not in units.attributes:
            problems.append(
                f"{ratings.file}:{ratings.first_line(unit)}: unit {unit!r} has no row in "
                f"{units.file}; add its attributes there or correct the unit's name "
                f"(units there: {', '.join(units.attributes) or '(none)'})")
        elif all(v is None for v in units.attributes[unit].values()) and units.columns:
            problems.append(f"{units.file}:{units.lines[unit]}: unit {unit!r} has no attribute "
                            "values; fill them in")
    _problem_list(problems)


def read_inputs(measure: Any, ratings_path: str | Path,
                units_path: str | Path | None = None) -> tuple[Ratings, Units | None]:
    """Ratings and (optional) units, read and checked against each other before any output."""
    ratings = read_ratings(ratings_path, measure)
    units = read_units(units_path) if units_path else None
    if units is not None:
        check_units(ratings, units)
    return ratings, units


def plot_results(measure: Any, table: Mapping[str, Any]) -> dict[str, Any]:
    """What the ``measure-plots`` reporter draws: a Table 2 with the measure's scale."""
    return {"kind": "measure-table", "table": table, "title": measure.title,
            "scale": {"min": measure.scale.min, "max": measure.scale.max,
                      "anchors": {str(k): v for k, v in measure.scale.anchors.items()}}}


# ----------------------------------------------------------------------- scoring


@dataclass
class UnitScore:
    """One unit's item scores (the mean over its raters) and its total."""

    unit: str
    items: dict[str, float | None]
    n_raters: int
    missing: list[str]
    total: float | None
    mean_item: float | None
    reason: str | None = None

    @property
    def scored(self) -> bool:
        return self.total is not None


@dataclass
class ItemSummary:
    """One item across the scored units."""

    id: str
    number: int
    text: str
    n: int
    mean: float | None
    min: float | None
    max: float | None

    @property
    def range(self) -> float | None:
        return None if self.min is None or self.max is None else self.max - self.min


@dataclass
class Scores:
    """Every unit's score and every item's summary on one measure."""

    measure: Any
    units: list[UnitScore]
    items: list[ItemSummary]
    file: str = ""

    @property
    def scored(self) -> list[UnitScore]:
        return [u for u in self.units if u.scored]

    def unit(self, name: str) -> UnitScore:
        for u in self.units:
            if u.unit == name:
                return u
        raise KeyError(name)

    def matrix(self) -> tuple[list[str], list[str], Any]:
        """(units, item ids, scored-units × items array with NaN where unrated)."""
        import numpy as np

        item_ids = [i.id for i in self.measure.items]
        units = self.scored
        data = np.array([[np.nan if u.items.get(i) is None else u.items[i] for i in item_ids]
                         for u in units], dtype=float).reshape(len(units), len(item_ids))
        return [u.unit for u in units], item_ids, data

    def to_dict(self) -> dict[str, Any]:
        """The promised JSON shape: ``units: [{unit, total, mean_item}]``,
        ``items: [{id, mean, min, max}]``, and more."""
        m = self.measure
        return {
            "measure": {"id": m.id, "version": m.version, "title": m.title,
                        "scale": {"min": m.scale.min, "max": m.scale.max},
                        "total_range": [m.scoring.total_min, m.scoring.total_max],
                        "missing_rule": {"rule": m.scoring.missing,
                                         "max_missing_items": m.scoring.max_missing_items}},
            "ratings_file": self.file,
            "units": [{"unit": u.unit, "total": u.total, "mean_item": u.mean_item,
                       "scored": u.scored, "n_raters": u.n_raters, "missing_items": u.missing,
                       "items": u.items, **({"reason": u.reason} if u.reason else {})}
                      for u in self.units],
            "items": [{"id": i.id, "number": i.number, "text": i.text, "n": i.n,
                       "mean": i.mean, "min": i.min, "max": i.max, "range": i.range}
                      for i in self.items],
        }


def total_of(
    measure: Any, items: Mapping[str, float | None]
) -> tuple[float | None, float | None, list[str]]:
    """(total, mean item score, unrated item ids) of one set of item scores.

    The total is None when more items are unrated than the measure allows.
    """
    rule = measure.scoring
    item_ids = [i.id for i in measure.items]
    missing = [i for i in item_ids if items.get(i) is None]
    rated = [float(items[i]) for i in item_ids if items.get(i) is not None]
    if len(missing) > rule.max_missing_items or not rated:
        return None, None, missing
    if rule.missing == "count-as-min":
        total = sum(rated) + measure.scale.min * len(missing)
        return total, total / len(item_ids), missing
    # prorate: unrated items take the mean of the rated ones (exact when none is missing)
    total = sum(rated) * len(item_ids) / len(rated)
    return total, total / len(item_ids), missing


def score_ratings(ratings: Ratings) -> Scores:
    """Score each unit: item scores averaged over raters, then the total.

    A unit with more unrated items than the measure's ``max_missing_items`` gets
    no total (``total`` None and a ``reason``). Otherwise unrated items are
    prorated (the total is the mean rated item times the number of items) or
    counted as the scale minimum, as the measure declares.
    """
    measure = ratings.measure
    item_ids = [i.id for i in measure.items]
    number = {i.id: i.number for i in measure.items}
    per_unit: dict[str, dict[str, list[float]]] = {}
    raters: dict[str, set[str]] = {}
    for r in ratings.ratings:
        per_unit.setdefault(r.unit, {}).setdefault(r.item, [])
        raters.setdefault(r.unit, set()).add(r.rater)
        if r.score is not None:
            per_unit[r.unit][r.item].append(r.score)
    units: list[UnitScore] = []
    for unit in ratings.units:
        values = per_unit.get(unit, {})
        items = {i: (sum(values[i]) / len(values[i]) if values.get(i) else None)
                 for i in item_ids}
        total, mean_item, missing = total_of(measure, items)
        reason = None
        if total is None:
            numbers = ", ".join(str(number[i]) for i in missing)
            where = ratings.first_line(unit)
            reason = (f"{ratings.file}:{where}: unit {unit!r} not scored: {len(missing)} of "
                      f"{len(item_ids)} items not rated (item {numbers}); the measure allows "
                      f"at most {measure.scoring.max_missing_items}")
        units.append(UnitScore(unit, items, len(raters.get(unit, ())), missing, total,
                               mean_item, reason))
    summaries = []
    for item in measure.items:
        vals = [u.items[item.id] for u in units if u.scored and u.items[item.id] is not None]
        summaries.append(ItemSummary(
            item.id, item.number, item.text, len(vals),
            sum(vals) / len(vals) if vals else None,
            min(vals) if vals else None, max(vals) if vals else None))
    return Scores(measure, units, summaries, ratings.file)


# ----------------------------------------------------------------------- Table 2


def table2(scores: Scores, units: Units | None = None, by: str | None = None) -> dict[str, Any]:
    """Items × units with each item's mean, totals, mean item scores and group means.

    With ``units`` and ``by`` (an attribute), each row also has the mean of each
    level of that attribute (over scored units with that level).
    """
    scored = scores.scored
    groups: dict[str, list[str]] = {}
    if by is not None:
        if units is None:
            raise RatingsError(["grouping Table 2 by an attribute needs the units file (--units)"])
        units.require_attribute(by)
        for u in scored:
            level = units.value(u.unit, by)
            if level is not None:
                groups.setdefault(level, []).append(u.unit)
        groups = dict(sorted(groups.items()))

    def mean(values: list[float | None]) -> float | None:
        vals = [v for v in values if v is not None]
        return sum(vals) / len(vals) if vals else None

    def row(label: str, number: int | None, text: str, values: dict[str, float | None]):
        return {"item": label, "number": number, "text": text,
                "scores": values, "mean": mean(list(values.values())),
                "groups": {g: mean([values[u] for u in members])
                           for g, members in groups.items()}}

    rows = [row(i.id, i.number, i.text, {u.unit: u.items[i.id] for u in scored})
            for i in scores.measure.items]
    total = row("total", None, "Total score", {u.unit: u.total for u in scored})
    mean_item = row("mean_item", None, "Mean item score", {u.unit: u.mean_item for u in scored})
    return {"measure": scores.measure.id, "units": [u.unit for u in scored],
            "by": by, "groups": groups, "rows": rows, "total": total, "mean_item": mean_item,
            "not_scored": [{"unit": u.unit, "reason": u.reason} for u in scores.units
                           if not u.scored]}


def _fmt(value: float | None, places: int = 2, whole: bool = True) -> str:
    """A Table 2 cell: whole numbers plain (when ``whole``), else ``places`` decimals."""
    if value is None:
        return ""
    if whole and float(value).is_integer():
        return str(int(value))
    return f"{round_half_up(value, places):.{places}f}"


def table2_rows(table: Mapping[str, Any]) -> tuple[list[str], list[list[str]]]:
    """Header and text cells of Table 2, the same for every rendering."""
    groups = list(table["groups"])
    by = table.get("by")
    header = ["Item", *table["units"], "Mean", *(f"{by} = {g}" for g in groups)]
    body = []
    for r in [*table["rows"], table["total"], table["mean_item"]]:
        label = f"{r['number']}. {r['text']}" if r["number"] is not None else r["text"]
        # Scores and totals are whole numbers with one rater; means always get two
        # decimals, so a column of means reads alike (1.00 next to 1.88, not 1).
        is_mean_row = r is table["mean_item"]
        body.append([label, *(_fmt(r["scores"][u], whole=not is_mean_row)
                              for u in table["units"]),
                     _fmt(r["mean"], whole=False),
                     *(_fmt(r["groups"][g], whole=False) for g in groups)])
    return header, body


def render_table2(table: Mapping[str, Any], fmt: str = "markdown", *, raw: bool = False) -> str:
    """Table 2 as Markdown or CSV text (``rich`` output is printed by the CLI).

    CSV cells a spreadsheet would run as formulas are neutralised unless ``raw``.
    """
    header, body = table2_rows(table)
    if fmt == "csv":
        from evidencekit.core.safe_cells import csv_text

        return csv_text(header, body, raw=raw)
    if fmt != "markdown":
        raise ValueError(f"unknown table format {fmt!r}")

    from evidencekit.core.safe_cells import markdown_cell as esc  # units.csv is user text

    lines = ["| " + " | ".join(esc(h) for h in header) + " |",
             "|" + "|".join(["---", *(["---:"] * (len(header) - 1))]) + "|"]
    lines += ["| " + " | ".join(esc(c) for c in cells) + " |" for cells in body]
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------- validity analyses


def _scalar(text: str) -> Any:
    """A spec value as YAML reads it: numbers, booleans, lists, or text."""
    import yaml

    try:
        return yaml.safe_load(text)
    except yaml.YAMLError:
        return text


def parse_analysis_spec(spec: str, registry: Any) -> tuple[str, dict[str, Any]]:
    """Turn ``NAME``, ``NAME:{json}`` or ``NAME:key=value;key=value`` into (name, options).

    A provider may offer ``options_from_spec(parts)`` for its own shorthand
    (``known-groups:psw_experience=differ``); otherwise each part is
    ``key=value`` with the value read as YAML. Options are then checked against
    the provider's schema.
    """
    import json

    name, _, rest = spec.strip().partition(":")
    name = name.strip()
    provider = registry.get("validity-analysis", name)
    rest = rest.strip()
    options: dict[str, Any]
    if not rest:
        options = {}
    elif rest.startswith("{"):
        try:
            options = json.loads(rest)
        except json.JSONDecodeError as exc:
            raise RegistryError(f"--analysis {spec!r}: the options are not valid JSON ({exc})"
                                ) from None
        if not isinstance(options, dict):
            raise RegistryError(f"--analysis {spec!r}: the options must be a JSON object")
    else:
        parts = [p.strip() for p in rest.split(";") if p.strip()]
        custom = getattr(provider, "options_from_spec", None)
        if custom is not None:
            options = custom(parts)
        else:
            options = {}
            for part in parts:
                key, sep, value = part.partition("=")
                if not sep:
                    raise RegistryError(f"--analysis {spec!r}: expected key=value, got {part!r}")
                options[key.strip()] = _scalar(value.strip())
    return name, registry.validate_options("validity-analysis", name, options)


def load_analyses_file(path: str | Path, registry: Any) -> list[tuple[str, dict[str, Any]]]:
    """Read a YAML list of analyses: ``- name: known-groups`` plus its options."""
    from evidencekit.core.yaml_loader import load_yaml

    doc = load_yaml(Path(path), name=str(path))
    data = doc.data
    if isinstance(data, dict) and "analyses" in data:
        data = data["analyses"]
    if not isinstance(data, list):
        raise RatingsError([f"{path}:1: expected a list of analyses, each "
                            "'- name: <analysis>' with its options"])
    out = []
    for index, entry in enumerate(data):
        if not isinstance(entry, dict) or "name" not in entry:
            raise RatingsError([f"{path}:{doc.line_of((index,))}: each analysis needs a 'name'"])
        options = {k: v for k, v in entry.items() if k != "name"}
        name = str(entry["name"])
        out.append((name, registry.validate_options("validity-analysis", name, options)))
    return out


#: Analyses run when none is named: those that need no options.
DEFAULT_ANALYSES = ("floor-ceiling", "internal-consistency", "inter-rater")


def run_validity(
    measure: Any,
    ratings: Ratings,
    units: Units | None,
    analyses: Sequence[tuple[str, Mapping[str, Any]]],
    registry: Any,
) -> dict[str, Any]:
    """Run each (name, options) analysis; return ``{"analyses": [...]}`` in order.

    Every entry has ``analysis`` (the name), ``options``, its numbers and a
    ``verdict``. Input errors (an attribute the units file lacks, a rated unit
    without attributes) raise RatingsError before anything runs.
    """
    from evidencekit.core.results import check_validity_result

    if units is not None:
        check_units(ratings, units)
    results = []
    for name, options in analyses:
        provider = registry.get("validity-analysis", name)
        needs_units = getattr(provider, "needs_units", False)
        if needs_units and units is None:
            raise RatingsError([f"the {name} analysis groups units by an attribute: "
                                "give the units file with --units FILE"])
        check = getattr(provider, "check_options", None)
        if check is not None:
            check(measure, ratings, units, options)
        who = f"validity analysis {name!r} ({registry.info('validity-analysis', name).origin})"
        result = check_validity_result(
            provider.analyse(measure, ratings, units, dict(options)), who)
        results.append({"analysis": name, "options": dict(options), **result})
    return {"measure": {"id": measure.id, "version": measure.version},
            "ratings_file": ratings.file,
            "units_file": units.file if units is not None else None,
            "n_units": len(ratings.scores.scored),
            "analyses": results}
