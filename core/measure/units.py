"""The units file (unit attributes the validity analyses group by), checked against
the ratings."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from evidencekit.core.measure.ratings import Ratings, read_ratings
from evidencekit.core.measure.table import (
    MISSING_MARKERS,
    RatingsError,
    _find_column,
    _problem_list,
    read_csv_table,
)


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
            raise RatingsError(
                [
                    f"{self.file}:1: no column {attribute!r}; the attributes are "
                    f"{', '.join(self.columns) or '(none)'}"
                ]
            )


def read_units(path: str | Path) -> Units:
    """Read a units file: a ``unit`` column, then one column per attribute."""
    name, header, rows = read_csv_table(path)
    unit_col = _find_column(header, "unit")
    if unit_col is None:
        raise RatingsError(
            [
                f"{name}:1: no 'unit' column; expected 'unit, <attribute>, …', "
                f"found: {', '.join(header)}"
            ]
        )
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
            problems.append(
                f"{name}:{line}: unit {unit!r} appears again (first at line "
                f"{lines[unit]}); keep one row per unit"
            )
            continue
        values = {h: cells[i] for i, h in enumerate(header) if i != unit_col}
        attributes[unit] = {
            k: (None if v.lower() in MISSING_MARKERS else v) for k, v in values.items()
        }
        lines[unit] = line
    if not rows:
        problems.append(f"{name}: no units below the header")
    _problem_list(problems)
    return Units(name, columns, attributes, lines)


def build_units(attributes: Mapping[str, Mapping[str, Any]], name: str = "<units>") -> Units:
    """Units from ``{unit: {attribute: value}}`` (values as text; None is missing)."""
    columns = list(dict.fromkeys(k for attrs in attributes.values() for k in attrs))
    table = {
        str(u): {c: (None if attrs.get(c) is None else str(attrs[c])) for c in columns}
        for u, attrs in attributes.items()
    }
    return Units(name, columns, table, {u: i + 2 for i, u in enumerate(table)})


def check_units(ratings: Ratings, units: Units) -> None:
    """Every rated unit must have a row in the units file (else RatingsError)."""
    problems = []
    for unit in ratings.units:
        if unit not in units.attributes:
            problems.append(
                f"{ratings.file}:{ratings.first_line(unit)}: unit {unit!r} has no row in "
                f"{units.file}; add its attributes there or correct the unit's name "
                f"(units there: {', '.join(units.attributes) or '(none)'})"
            )
        elif all(v is None for v in units.attributes[unit].values()) and units.columns:
            problems.append(
                f"{units.file}:{units.lines[unit]}: unit {unit!r} has no attribute "
                "values; fill them in"
            )
    _problem_list(problems)


def read_inputs(
    measure: Any, ratings_path: str | Path, units_path: str | Path | None = None
) -> tuple[Ratings, Units | None]:
    """Ratings and (optional) units, read and checked against each other before any output."""
    ratings = read_ratings(ratings_path, measure)
    units = read_units(units_path) if units_path else None
    if units is not None:
        check_units(ratings, units)
    return ratings, units
