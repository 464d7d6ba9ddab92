"""Two heuristic stopping rules: N irrelevant records in a row, and a fraction screened.

Neither promises a recall; they are what reviewers use in practice and what the statistical
rule (``hypergeometric.py``) is compared with.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from evidencekit.core import hookimpl
from evidencekit.core.prioritisation import ScreeningHistory, StopVerdict


class ConsecutiveIrrelevant:
    """Stop after ``n`` irrelevant records in a row (priors not counted)."""

    name = "consecutive-irrelevant"
    description = "Stop after N irrelevant records in a row (a heuristic; no recall promised)"
    options_schema = {
        "type": "object",
        "properties": {"n": {"type": "integer", "minimum": 1, "default": 100}},
        "additionalProperties": False,
    }

    def should_stop(self, history: ScreeningHistory, options: Mapping[str, Any]) -> StopVerdict:
        n = int(options.get("n", 100))
        run = 0
        for label in reversed(history.labels[history.n_prior :]):
            if label:
                break
            run += 1
        if run >= n:
            return StopVerdict(
                True,
                f"the last {run} records screened were all irrelevant "
                f"(the rule stops at {n} in a row)",
                {"run": run, "n": n},
            )
        return StopVerdict(
            False,
            f"{run} irrelevant records in a row so far; the rule stops at {n}",
            {"run": run, "n": n},
        )


class FractionScreened:
    """Stop once a fraction of the stage's records has been screened."""

    name = "fraction-screened"
    description = "Stop once a given fraction of the records has been screened"
    options_schema = {
        "type": "object",
        "properties": {
            "fraction": {"type": "number", "exclusiveMinimum": 0, "maximum": 1, "default": 0.5}
        },
        "additionalProperties": False,
    }

    def should_stop(self, history: ScreeningHistory, options: Mapping[str, Any]) -> StopVerdict:
        fraction = float(options.get("fraction", 0.5))
        done = history.n_screened / history.n_total if history.n_total else 1.0
        details = {"screened": history.n_screened, "total": history.n_total, "fraction": fraction}
        if done >= fraction:
            return StopVerdict(
                True,
                f"{history.n_screened} of {history.n_total} records "
                f"({done:.0%}) screened, at least {fraction:.0%}",
                details,
            )
        return StopVerdict(
            False,
            f"{history.n_screened} of {history.n_total} records "
            f"({done:.0%}) screened; the rule stops at {fraction:.0%}",
            details,
        )


@hookimpl
def evidencekit_stopping_rules() -> list[Any]:
    return [ConsecutiveIrrelevant(), FractionScreened()]
