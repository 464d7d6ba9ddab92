"""A ratings file (wide or long layout) read and checked against the measure."""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from evidencekit.core.measure.scores import Scores, score_ratings
from evidencekit.core.measure.table import (
    MISSING_MARKERS,
    NOTE_COLUMNS,
    RatingsError,
    _find_column,
    _problem_list,
    read_csv_table,
)
from evidencekit.core.model import Rating


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
        return None, (
            f"score {raw!r} is not a number; expected {_scale_text(measure)} "
            "(leave the cell empty if the item was not rated)"
        )
    if not math.isfinite(value) or not value.is_integer() or int(value) not in measure.scale:
        anchors = measure.scale.anchors
        meaning = "; ".join(f"{k} = {v}" for k, v in sorted(anchors.items())) if anchors else ""
        return None, (
            f"score {raw} is off the scale; expected {_scale_text(measure)}"
            + (f" ({meaning})" if meaning else "")
        )
    return float(int(value)), None


def read_ratings(path: str | Path, measure: Any) -> Ratings:
    """Read and validate a ratings CSV (wide or long, detected from the header).

    Raises :class:`RatingsError` listing every problem with file and line.
    """
    name, header, rows = read_csv_table(path)
    lowered = [h.lower() for h in header]
    if "unit" not in lowered:
        raise RatingsError(
            [
                f"{name}:1: no 'unit' column; the header must start with "
                f"'unit, rater, <items>' (wide) or 'unit, rater, item, score' (long), "
                f"found: {', '.join(header) or '(nothing)'}"
            ]
        )
    if "item" in lowered and "score" in lowered:
        return _read_long(name, header, rows, measure)
    return _read_wide(name, header, rows, measure)


def _read_wide(
    name: str, header: list[str], rows: list[tuple[int, list[str]]], measure: Any
) -> Ratings:
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
                f"its items are {resolve.listing()}; rename the column or remove it"
            )
        elif item.id in seen_items:
            problems.append(
                f"{name}:1: columns {seen_items[item.id]!r} and {column!r} are both "
                f"item {item.number} ({item.id}); keep one"
            )
        else:
            item_cols[index] = item
            seen_items[item.id] = column
    for item in measure.items:
        if item.id not in seen_items:
            problems.append(
                f"{name}:1: no column for item {item.number} ({item.id}); add it "
                "(leave a cell empty where the item was not rated)"
            )
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
            problems.append(
                f"{name}:{line}: the rater is empty for unit {unit!r}; "
                "name the rater (or drop the rater column if each unit has one)"
            )
            continue
        key = (unit, rater)
        if key in first_row:
            who = f" by rater {rater!r}" if rater else ""
            problems.append(
                f"{name}:{line}: unit {unit!r} is rated again{who} "
                f"(first at line {first_row[key]}); keep one row per unit and rater"
            )
            continue
        first_row[key] = line
        unit_lines.setdefault(unit, []).append(line)
        for index, item in item_cols.items():
            score, problem = _parse_score(cells[index], measure)
            if problem:
                problems.append(
                    f"{name}:{line}: unit {unit!r}, item {item.number} ({item.id}): {problem}"
                )
                continue
            ratings.append(Rating(unit=unit, rater=rater, item=item.id, score=score))
            lines[(unit, rater, item.id)] = line
    if not rows:
        problems.append(f"{name}: no ratings below the header")
    _problem_list(problems)
    return Ratings(measure, name, "wide", ratings, lines, unit_lines)


def _read_long(
    name: str, header: list[str], rows: list[tuple[int, list[str]]], measure: Any
) -> Ratings:
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
            problems.append(
                f"{name}:{line}: item {raw_item!r} is not an item of measure "
                f"{measure.id}; its items are {resolve.listing()}"
            )
            continue
        score, problem = _parse_score(cells[col["score"]], measure)
        if problem:
            problems.append(
                f"{name}:{line}: unit {unit!r}, item {item.number} ({item.id}): {problem}"
            )
            continue
        key = (unit, rater, item.id)
        if key in lines:
            who = f" by rater {rater!r}" if rater else ""
            problems.append(
                f"{name}:{line}: unit {unit!r}, item {item.number} is rated again"
                f"{who} (first at line {lines[key]}); keep one rating"
            )
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
                problems.append(
                    f"{name}: no rating at all for item {item.number} ({item.id}); "
                    "add its rows (with an empty score where it was not rated)"
                )
    _problem_list(problems)
    return Ratings(measure, name, "long", ratings, lines, unit_lines)


def build_ratings(
    measure: Any, records: Iterable[tuple[str, str, str | int, Any]], name: str = "<ratings>"
) -> Ratings:
    """Ratings from ``(unit, rater, item id or number, score)`` tuples, validated
    exactly as a long CSV file is (``name`` stands for the file in messages)."""
    rows = [
        (index + 2, [str(u), str(r), str(i), "" if s is None else str(s)])
        for index, (u, r, i, s) in enumerate(records)
    ]
    return _read_long(name, ["unit", "rater", "item", "score"], rows, measure)
