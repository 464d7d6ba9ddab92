"""One extracted value checked against its form field (type, allowed values, dates)."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import Any

from evidencekit.core.extraction.rows import LIST_SEPARATOR, split_list

_TRUE = {"yes", "y", "true", "1"}


_FALSE = {"no", "n", "false", "0"}


_DATE = re.compile(r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$")


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
        "integer": "a whole number",
        "number": "a number",
        "boolean": "yes or no",
        "date": "YYYY, YYYY-MM or YYYY-MM-DD",
        "list": "entries separated by ';'",
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
