"""The ``subgroup`` synthesis method: the vote count within each level of a study
attribute (or declared pools of levels), compared with the whole review."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from evidencekit.core import hookimpl
from evidencekit.core.errors import EvidencekitError
from evidencekit.plugins.synthesis._counting import (
    COMMON_OPTIONS,
    SMALL_SUBGROUP,
    THRESHOLD_OPTION,
    check_attribute,
    check_threshold,
    compare,
    join,
    names,
    norm,
    percent,
    study_levels,
    vote_count,
)

NOT_RECORDED = "(not recorded)"
#: How many of a subgroup's strongest influences its result names.
STRONGEST = 3


class Subgroup:
    """Vote counting within the levels of a study attribute."""

    name = "subgroup"
    description = (
        "Vote count within each level of a study attribute (or pooled levels): "
        "what drops below the threshold, how the order changes (Kendall's tau-b)."
    )
    options_schema = {
        "type": "object",
        "required": ["by"],
        "properties": {
            "by": {
                "type": "string",
                "minLength": 1,
                "description": "The study attribute (a column of studies.csv).",
            },
            "groups": {
                "type": "object",
                "minProperties": 1,
                "additionalProperties": {
                    "type": "array",
                    "minItems": 1,
                    "items": {"type": "string", "minLength": 1},
                },
                "description": "Subgroups as pools of levels: {label: [level, …]}.",
            },
            "threshold": THRESHOLD_OPTION,
            "small": {
                "type": "integer",
                "minimum": 1,
                "default": SMALL_SUBGROUP,
                "description": "Subgroups with fewer studies are called small.",
            },
            **COMMON_OPTIONS,
        },
        "additionalProperties": False,
    }

    @staticmethod
    def options_from_spec(text: str) -> dict[str, Any]:
        """``ATTRIBUTE[;groups=A/B+C]`` → options. Groups are separated by '/', the levels
        pooled in one group joined by '+'; ``label:a+b`` names a pooled group."""
        attribute, *rest = [p.strip() for p in text.split(";")]
        if not attribute:
            raise EvidencekitError(f"--by {text!r}: name a study attribute, e.g. --by modality")
        options: dict[str, Any] = {"by": attribute}
        for part in rest:
            if not part:
                continue
            key, sep, value = part.partition("=")
            if key.strip() != "groups" or not sep:
                raise EvidencekitError(
                    f"--by {text!r}: unknown part {part!r}; write "
                    "ATTRIBUTE or ATTRIBUTE;groups=A/B+C"
                )
            groups: dict[str, list[str]] = {}
            for chunk in value.split("/"):
                label, colon, levels = chunk.strip().partition(":")
                members = [
                    lev.strip() for lev in (levels if colon else label).split("+") if lev.strip()
                ]
                if not members:
                    raise EvidencekitError(f"--by {text!r}: group {chunk!r} names no level")
                groups[label.strip() if colon else "+".join(members)] = members
            options["groups"] = groups
        return options

    def run(self, studies: Any, framework: Any, options: Mapping[str, Any]) -> dict[str, Any]:
        attribute = options["by"]
        threshold = check_threshold(options.get("threshold", THRESHOLD_OPTION["default"]))
        tie_rule = options.get("tie_rule", "framework-order")
        denominator = options.get("denominator", "included")
        small = int(options.get("small", SMALL_SUBGROUP))
        check_attribute(studies, attribute)
        levels_of = {s: study_levels(a.get(attribute)) for s, a in studies.studies.items()}
        found = sorted({lev for levs in levels_of.values() for lev in levs}, key=norm)
        declared = options.get("groups")
        if declared:
            groups = {label: [norm(m) for m in members] for label, members in declared.items()}
        else:
            groups = {lev: [norm(lev)] for lev in found}
        whole = vote_count(
            studies, framework, tie_rule=tie_rule, denominator=denominator, threshold=threshold
        )
        members: dict[str, set[str]] = {
            label: {s for s, levs in levels_of.items() if any(norm(v) in pool for v in levs)}
            for label, pool in groups.items()
        }
        placed = [s for group in members.values() for s in group]
        outside = sorted(set(studies.studies) - set(placed))
        subgroups = []
        for label, chosen in members.items():
            part = vote_count(
                studies,
                framework,
                chosen,
                tie_rule=tie_rule,
                denominator=denominator,
                threshold=threshold,
            )
            entry = {
                "level": label,
                "levels": list(declared[label]) if declared else [label],
                "n_studies": part["n_studies"],
                "small": part["n_studies"] < small,
                "influences": part["influences"],
                "unclear_direction": part["unclear_direction"],
                "retained": part["retained"],
                "conflicts": part["conflicts"],
            }
            entry.update(compare(whole, part))
            entry["strongest"] = [e["id"] for e in part["influences"] if e["n_studies"]][:STRONGEST]
            entry["summary"] = _summary(entry, part, whole, attribute, threshold, found)
            subgroups.append(entry)
        return {
            "method": self.name,
            "attribute": attribute,
            "framework": framework.ref,
            "n_studies": whole["n_studies"],
            "threshold": threshold,
            "tie_rule": whole["tie_rule"],
            "denominator": whole["denominator"],
            "levels_found": found,
            "partition": not outside and len(placed) == len(set(placed)),
            "not_in_any_level": outside,
            "whole": {
                "retained": whole["retained"],
                "influences": [
                    {k: e[k] for k in ("id", "name", "rank", "n_studies", "share")}
                    for e in whole["influences"]
                ],
            },
            "subgroups": subgroups,
        }


def _summary(
    entry: Mapping[str, Any],
    part: Mapping[str, Any],
    whole: Mapping[str, Any],
    attribute: str,
    threshold: float,
    found: list[str],
) -> str:
    """One sentence on a subgroup, its size in the wording."""
    n = entry["n_studies"]
    label = entry["level"]
    if n == 0:
        return (
            f"{attribute} = {label}: no study is in this subgroup (levels found: "
            f"{', '.join(found)}); nothing to compare."
        )
    size = f"{n} stud{'y' if n == 1 else 'ies'}"
    if entry["small"]:
        size += f", a small subgroup: one study is {percent(1 / n)} of it, so its shares are rough"
    text = f"{attribute} = {label} ({size}): "
    if entry["dropped"]:
        dropped = entry["dropped"]
        text += (
            f"{join(names(whole, dropped))} drop{'s' if len(dropped) == 1 else ''} below "
            f"{percent(threshold)} (leave{'s' if len(dropped) == 1 else ''} the framework)"
        )
    else:
        text += (
            f"all {len(whole['retained'])} influences retained in the whole review stay "
            f"at or above {percent(threshold)}"
        )
    if entry["added"]:
        added = entry["added"]
        text += (
            f"; {join(names(part, added))} reach{'es' if len(added) == 1 else ''} "
            f"{percent(threshold)} here only"
        )
    shares = {e["id"]: e["share"] for e in part["influences"]}
    strongest = [
        f"{nm} ({percent(shares[i])})"
        for i, nm in zip(entry["strongest"], names(part, entry["strongest"]), strict=True)
    ]
    text += f"; strongest: {join(strongest)}"
    tau = entry["kendall_tau"]
    text += (
        "; order against the whole review: Kendall's tau-b "
        + ("undefined" if tau is None else f"{tau:.2f}")
        + "."
    )
    return text


@hookimpl
def evidencekit_synthesis_methods() -> list[Any]:
    return [Subgroup()]
