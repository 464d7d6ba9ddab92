"""The ``vote-count`` synthesis method: the share of included studies coding each
influence, its facilitators and barriers, and a ranking with a stated tie rule — the
reference review's Table 1."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from evidencekit.core import hookimpl
from evidencekit.plugins.synthesis._counting import (
    COMMON_OPTIONS,
    THRESHOLD_OPTION,
    check_threshold,
    vote_count,
)


class VoteCount:
    """Rank the influences of a framework by the share of studies that coded them."""

    name = "vote-count"
    description = (
        "Share of included studies coding each influence, with its facilitators "
        "and barriers, ranked (Table 1)."
    )
    options_schema = {
        "type": "object",
        "properties": {**COMMON_OPTIONS, "threshold": THRESHOLD_OPTION},
        "additionalProperties": False,
    }

    def run(self, studies: Any, framework: Any, options: Mapping[str, Any]) -> dict[str, Any]:
        """``studies`` is a :class:`~evidencekit.core.synthesis.SynthesisData`."""
        threshold = check_threshold(options.get("threshold", THRESHOLD_OPTION["default"]))
        result = vote_count(
            studies,
            framework,
            tie_rule=options.get("tie_rule", "framework-order"),
            denominator=options.get("denominator", "included"),
            threshold=threshold,
        )
        result["method"] = self.name
        return result


@hookimpl
def evidencekit_synthesis_methods() -> list[Any]:
    return [VoteCount()]
