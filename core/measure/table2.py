""" "Table 2": item and total scores per unit, with group means, as rows, Markdown or CSV;
and the data the measure plots draw."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from evidencekit.core.measure.scores import Scores
from evidencekit.core.measure.table import RatingsError, round_half_up
from evidencekit.core.measure.units import Units


def plot_results(measure: Any, table: Mapping[str, Any]) -> dict[str, Any]:
    """What the ``measure-plots`` reporter draws: a Table 2 with the measure's scale."""
    return {
        "kind": "measure-table",
        "table": table,
        "title": measure.title,
        "scale": {
            "min": measure.scale.min,
            "max": measure.scale.max,
            "anchors": {str(k): v for k, v in measure.scale.anchors.items()},
        },
    }


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
        return {
            "item": label,
            "number": number,
            "text": text,
            "scores": values,
            "mean": mean(list(values.values())),
            "groups": {g: mean([values[u] for u in members]) for g, members in groups.items()},
        }

    rows = [
        row(i.id, i.number, i.text, {u.unit: u.items[i.id] for u in scored})
        for i in scores.measure.items
    ]
    total = row("total", None, "Total score", {u.unit: u.total for u in scored})
    mean_item = row("mean_item", None, "Mean item score", {u.unit: u.mean_item for u in scored})
    return {
        "measure": scores.measure.id,
        "units": [u.unit for u in scored],
        "by": by,
        "groups": groups,
        "rows": rows,
        "total": total,
        "mean_item": mean_item,
        "not_scored": [{"unit": u.unit, "reason": u.reason} for u in scores.units if not u.scored],
    }


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
        body.append(
            [
                label,
                *(_fmt(r["scores"][u], whole=not is_mean_row) for u in table["units"]),
                _fmt(r["mean"], whole=False),
                *(_fmt(r["groups"][g], whole=False) for g in groups),
            ]
        )
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

    lines = [
        "| " + " | ".join(esc(h) for h in header) + " |",
        "|" + "|".join(["---", *(["---:"] * (len(header) - 1))]) + "|",
    ]
    lines += ["| " + " | ".join(esc(c) for c in cells) + " |" for cells in body]
    return "\n".join(lines) + "\n"
