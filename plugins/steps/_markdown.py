"""Helpers for a step that writes its own Markdown report section (``StepOutcome.report``).

The report itself is written by the report reporters (``plugins/reporters/report.py``);
these helpers keep a step's own Markdown consistent with it: cells escaped so record text
cannot break a table or inject markup, and numbers rounded by the one rule of
:mod:`evidencekit.core.numbers` (half away from zero).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


def _cell(value: Any) -> str:
    # Record-derived text must not break the table or inject markup.
    text = "" if value is None else str(value)
    for char in ("\\", "|", "<", ">", "*", "_", "`", "[", "]"):
        text = text.replace(char, "\\" + char)
    return " ".join(text.split())


def _table(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> list[str]:
    """A Markdown table (a list of lines, a blank line last)."""
    lines = ["| " + " | ".join(_cell(h) for h in header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_cell(_fmt(v)) for v in row) + " |" for row in rows]
    return lines + [""]


def _fmt(value: Any, places: int = 2) -> str:
    """A number as table text, rounded half away from zero (never half to even)."""
    from evidencekit.core.numbers import fmt

    return fmt(value, places)
