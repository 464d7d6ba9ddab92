"""Markdown building blocks for the sections steps offer to the report.

One table writer and one number format for every step, so a plugin's section looks like
the built-in ones: cells escaped (record text never becomes markup), numbers rounded by
the project's one rule (:func:`evidencekit.core.numbers.fmt`, half away from zero).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from evidencekit.core.numbers import fmt
from evidencekit.core.safe_cells import markdown_cell


def table(header: Sequence[Any], rows: Sequence[Sequence[Any]]) -> list[str]:
    """A Markdown table as lines (a blank line after it); floats rounded by ``fmt``."""

    def cell(value: Any) -> str:
        return markdown_cell(fmt(value) if isinstance(value, float) else value)

    lines = ["| " + " | ".join(cell(h) for h in header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return lines + [""]


__all__ = ["fmt", "table"]
