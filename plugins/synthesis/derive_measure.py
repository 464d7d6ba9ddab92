"""The ``derive-measure`` synthesis method: every influence coded by at least a
threshold share of the studies becomes an item of a new measure, in rank order, rated
on the scale of a template measure (by default the shipped Implementation Measure's
0-3 scale)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from evidencekit.core import __version__, hookimpl
from evidencekit.core.errors import EvidencekitError
from evidencekit.plugins.synthesis._counting import (
    COMMON_OPTIONS,
    THRESHOLD_OPTION,
    check_threshold,
    percent,
    vote_count,
)

DEFAULT_TEMPLATE = "peer-support-implementation-measure"


class DeriveMeasure:
    """Build a measure instrument from the influences that reach a threshold."""

    name = "derive-measure"
    description = (
        "Turn every influence coded by at least a threshold share of studies into "
        "an item of a new measure, in rank order."
    )
    options_schema = {
        "type": "object",
        "required": ["threshold", "id"],
        "properties": {
            "threshold": {**THRESHOLD_OPTION, "default": None},
            "id": {
                "type": "string",
                "pattern": "^[a-z0-9][a-z0-9._-]*$",
                "description": "Id of the new measure (lower case, digits, '-', '.', '_').",
            },
            "version": {
                "type": "string",
                "minLength": 1,
                "default": "1",
                "description": "Version of the new measure.",
            },
            "title": {"type": "string", "minLength": 1, "description": "Title of the new measure."},
            "template": {
                "type": "string",
                "minLength": 1,
                "default": DEFAULT_TEMPLATE,
                "description": "Measure whose scale, anchors, instructions and "
                "missing-item rule the new measure takes.",
            },
            **COMMON_OPTIONS,
        },
        "additionalProperties": False,
    }

    def run(self, studies: Any, framework: Any, options: Mapping[str, Any]) -> dict[str, Any]:
        threshold = check_threshold(options.get("threshold"), "--threshold")
        tie_rule = options.get("tie_rule", "framework-order")
        counted = vote_count(
            studies,
            framework,
            tie_rule=tie_rule,
            denominator=options.get("denominator", "included"),
            threshold=threshold,
        )
        chosen = [e for e in counted["influences"] if e["id"] in counted["retained"]]
        if not chosen:
            top = counted["influences"][0]["share"] if counted["influences"] else None
            raise EvidencekitError(
                f"no influence of {framework.ref} is coded by at least {percent(threshold)} of "
                f"the {counted['n_studies']} studies (the largest share is {percent(top)}); "
                "lower --threshold"
            )
        template = studies.find_instrument(options.get("template", DEFAULT_TEMPLATE), "measure")
        return {
            "method": self.name,
            "items": [e["id"] for e in chosen],
            "threshold": threshold,
            "n_studies": counted["n_studies"],
            "shares": {e["id"]: e["share"] for e in chosen},
            "measure": _measure(options, studies, framework, template, chosen, counted),
        }


def _measure(
    options: Mapping[str, Any],
    studies: Any,
    framework: Any,
    template: Any,
    chosen: list[dict[str, Any]],
    counted: Mapping[str, Any],
) -> dict[str, Any]:
    """The new measure's YAML data: the template's scale and rules, one item per influence,
    and where it all came from."""
    from pathlib import Path

    threshold = counted["threshold"]
    n = len(chosen)
    scale = {"min": template.scale.min, "max": template.scale.max}
    if template.scale.anchors:
        scale["anchors"] = {int(k): v for k, v in template.scale.anchors.items()}
    missing: dict[str, Any] = {"max_missing_items": template.scoring.max_missing_items}
    if template.scoring.max_missing_items:
        missing["rule"] = template.scoring.missing
    codings = Path(studies.codings_file).name
    data: dict[str, Any] = {
        "kind": "measure",
        "id": options["id"],
        "version": str(options.get("version", "1")),
        "title": options.get("title") or f"Measure derived from {framework.title}",
        "description": (
            f"One item per influence of {framework.ref} coded in at least "
            f"{percent(threshold)} of the {counted['n_studies']} included studies, "
            "in descending order of that share."
        ),
        "source": {
            "citation": (
                f"Derived with evidencekit {__version__} (synthesize derive-measure) "
                f"from the coded influences in {codings} (sha256 "
                f"{studies.codings_sha256}) and framework {framework.ref}."
            ),
            "licence": (
                "Derived from the review's own coded data: the review's licence "
                "applies. Scale and anchors from " + template.ref + "."
            ),
        },
        "framework": framework.ref,
    }
    if template.instructions:
        data["instructions"] = template.instructions
    if template.administration:
        data["administration"] = dict(template.administration)
    data["items"] = [
        {"id": e["id"], "number": number, "text": e["name"], "influence": e["id"]}
        for number, e in enumerate(chosen, start=1)
    ]
    data["scale"] = scale
    data["scoring"] = {
        "method": "sum",
        "total_min": n * scale["min"],
        "total_max": n * scale["max"],
        "missing": missing,
    }
    data["derived_from"] = {
        "method": "derive-measure",
        "framework": framework.ref,
        "codings": codings,
        "codings_sha256": studies.codings_sha256,
        "studies": Path(studies.studies_file).name,
        "n_studies": counted["n_studies"],
        "threshold": threshold,
        "template": template.ref,
        "tie_rule": counted["tie_rule"],
        "evidencekit": __version__,
    }
    return data


@hookimpl
def evidencekit_synthesis_methods() -> list[Any]:
    return [DeriveMeasure()]
