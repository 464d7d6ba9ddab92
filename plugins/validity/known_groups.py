"""Known-groups validity: do two groups of units differ (convergent validity) or
not (discriminant validity) as expected?"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from evidencekit.core import hookimpl
from evidencekit.core.errors import RegistryError
from evidencekit.plugins.validity._common import (
    CONFIDENCE_SCHEMA,
)
from evidencekit.plugins.validity._known_groups_verdicts import (
    SCORE_LABEL,
    statistics,
    two_group_verdict,
)
from evidencekit.plugins.validity._stats import (
    DEFAULT_EXACT_LIMIT,
    DEFAULT_RESAMPLES,
    DEFAULT_SEED,
)


class KnownGroups:
    """Compare two groups of units defined by an attribute of the units file."""

    name = "known-groups"
    description = (
        "Compare two groups of units (by an attribute) on the mean item score: "
        "expected to differ (convergent) or to be similar within a margin "
        "(discriminant)."
    )
    needs_units = True
    options_schema = {
        "type": "object",
        "required": ["attribute", "expect"],
        "properties": {
            "attribute": {
                "type": "string",
                "minLength": 1,
                "description": "Column of the units file that defines the groups.",
            },
            "expect": {
                "enum": ["differ", "similar"],
                "description": "differ: convergent validity; similar: discriminant.",
            },
            "higher": {
                "type": "string",
                "description": "For 'differ': the group (or level) expected to score "
                "higher. Without it the test is two-sided.",
            },
            "margin": {
                "type": "number",
                "minimum": 0,
                "default": 0.5,
                "description": "The smallest difference (in score units) that matters: "
                "for 'similar' the largest still counted as similar; for "
                "'differ' what a small sample's difference must exceed "
                "to count as consistent with a difference.",
            },
            "groups": {
                "type": "object",
                "minProperties": 2,
                "maxProperties": 2,
                "additionalProperties": {
                    "type": "array",
                    "minItems": 1,
                    "items": {"type": "string"},
                },
                "description": "How the attribute's levels form two groups, e.g. "
                "{low: [low, lower-middle], high: [high]}. Needed when "
                "the attribute has more than two levels.",
            },
            "score": {"enum": ["mean_item", "total"], "default": "mean_item"},
            "test": {
                "enum": ["permutation", "mann-whitney"],
                "default": "permutation",
                "description": "Permutation test of the difference in means (exact for "
                "small samples) or Mann-Whitney U.",
            },
            "exact_limit": {
                "type": "integer",
                "minimum": 1,
                "default": DEFAULT_EXACT_LIMIT,
                "description": "Enumerate every split up to this many; beyond it, "
                "Monte Carlo resampling.",
            },
            "n_resamples": {"type": "integer", "minimum": 99, "default": DEFAULT_RESAMPLES},
            "seed": {"type": "integer", "default": DEFAULT_SEED},
            "alpha": {
                "type": "number",
                "exclusiveMinimum": 0,
                "exclusiveMaximum": 1,
                "default": 0.05,
                "description": "Significance level for larger samples.",
            },
            "confidence": CONFIDENCE_SCHEMA,
            "ci_min_group_size": {
                "type": "integer",
                "minimum": 2,
                "default": 2,
                "description": "Give intervals only when each group has at least this many units.",
            },
        },
        "additionalProperties": False,
    }

    # ----------------------------------------------------------------- options

    def options_from_spec(self, parts: Sequence[str]) -> dict[str, Any]:
        """Shorthand ``ATTRIBUTE=differ|similar;higher=LEVEL;margin=0.5;groups=a+b/c``.

        ``groups`` lists two groups separated by ``/``, each its levels joined by
        ``+``, optionally labelled ``label:level+level``.
        """
        import yaml

        props = self.options_schema["properties"]
        options: dict[str, Any] = {}
        for part in parts:
            key, sep, value = part.partition("=")
            key, value = key.strip(), value.strip()
            if not sep:
                raise RegistryError(f"known-groups: expected key=value, got {part!r}")
            if key == "groups":
                options["groups"] = parse_groups(value)
            elif key in props:
                kind = props[key].get("type")
                options[key] = yaml.safe_load(value) if kind in ("number", "integer") else value
            elif value in ("differ", "similar") and "attribute" not in options:
                options["attribute"], options["expect"] = key, value
            else:
                raise RegistryError(
                    f"known-groups: unknown option {key!r}; write ATTRIBUTE=differ|similar "
                    f"then any of {', '.join(props)} as key=value, separated by ';'"
                )
        return options

    def check_options(
        self, measure: Any, ratings: Any, units: Any, options: Mapping[str, Any]
    ) -> None:
        """Input errors (exit 1): an attribute the units file lacks, a group level
        or a ``higher`` that matches no unit."""
        from evidencekit.core.measure import RatingsError

        attribute = options["attribute"]
        units.require_attribute(attribute)
        levels = units.levels(attribute, ratings.units)
        where = f"{units.file}: known-groups on {attribute!r}"
        if len(levels) < 2:
            # Asking to compare groups of an attribute that has no two groups is a mistake
            # in the request or the units file, like naming a column that does not exist.
            found = (
                f"every rated unit has {attribute} = {levels[0]!r}"
                if levels
                else f"no rated unit has a value for {attribute}"
            )
            raise RatingsError(
                [
                    f"{where} is impossible: {found}; a comparison needs at least "
                    f"two levels. Correct {units.file} or drop this analysis"
                ]
            )
        groups = options.get("groups")
        if groups:
            for label, members in groups.items():
                for level in members:
                    if level not in levels:
                        raise RatingsError(
                            [
                                f"{where}: group {label!r} names level {level!r}, which no rated "
                                f"unit has; the levels are {', '.join(levels) or '(none)'}"
                            ]
                        )
            seen: dict[str, str] = {}
            for label, members in groups.items():
                for level in members:
                    if level in seen:
                        raise RatingsError(
                            [
                                f"{where}: level {level!r} is in both group "
                                f"{seen[level]!r} and group {label!r}"
                            ]
                        )
                    seen[level] = label
        higher = options.get("higher")
        if higher is not None:
            labels = list(groups) if groups else levels
            if higher not in labels and not (groups and any(higher in m for m in groups.values())):
                raise RatingsError(
                    [
                        f"{where}: higher={higher!r} is not one of the groups "
                        f"({', '.join(labels) or 'none'})"
                    ]
                )

    # ---------------------------------------------------------------- analysis

    def analyse(
        self, measure: Any, ratings: Any, units: Any, options: Mapping[str, Any]
    ) -> dict[str, Any]:
        """Group means, difference, test and effect sizes with a verdict.

        When the groups cannot be formed (one level only, several levels and no
        grouping declared, an empty group) the result says so with
        ``estimable: false``.
        """
        attribute = options["attribute"]
        expect = options["expect"]
        score_key = options.get("score", "mean_item")
        label = SCORE_LABEL[score_key]
        base: dict[str, Any] = {"attribute": attribute, "expect": expect, "score": score_key}
        values: dict[str, float] = {}
        levels_of: dict[str, str] = {}
        excluded = []
        for u in ratings.scores.scored:
            level = units.value(u.unit, attribute)
            if level is None:
                excluded.append({"unit": u.unit, "reason": f"no value for {attribute}"})
                continue
            values[u.unit] = u.mean_item if score_key == "mean_item" else u.total
            levels_of[u.unit] = level
        levels = sorted(set(levels_of.values()))
        declared = options.get("groups")
        if declared:
            group_of = {lev: g for g, members in declared.items() for lev in members}
            labels = list(declared)
        elif len(levels) == 2:
            group_of = {lev: lev for lev in levels}
            labels = _yes_first(levels)
        elif len(levels) > 2:
            return self._levels(options, base, values, levels_of, levels, excluded)
        else:
            found = (
                f"every scored unit has {attribute} = {levels[0]!r}"
                if levels
                else f"no scored unit has a value for {attribute}"
            )
            return {
                **base,
                "estimable": False,
                "levels": levels,
                "groups": {},
                "difference": None,
                "excluded": excluded,
                "verdict": f"Known-groups comparison impossible: {found}; a comparison "
                "needs two groups.",
            }
        members: dict[str, list[str]] = {g: [] for g in labels}
        for unit, level in levels_of.items():
            if level in group_of:
                members[group_of[level]].append(unit)
            else:
                excluded.append({"unit": unit, "reason": f"{attribute} = {level} is in no group"})
        higher = options.get("higher")
        if higher is not None and higher not in members:
            higher = next((g for g, m in (declared or {}).items() if higher in m), higher)
        # Group x is the one expected higher (when declared), so differences read x - y.
        if higher in members:
            labels = [higher] + [g for g in labels if g != higher]
        x_label, y_label = labels
        x = [values[u] for u in members[x_label]]
        y = [values[u] for u in members[y_label]]
        group_info = {
            g: {
                "levels": sorted({levels_of[u] for u in members[g]}),
                "units": members[g],
                "n": len(members[g]),
            }
            for g in labels
        }
        empty = [g for g in labels if not members[g]]
        if empty:
            return {
                **base,
                "estimable": False,
                "levels": levels,
                "groups": {},
                "group_details": group_info,
                "difference": None,
                "excluded": excluded,
                "verdict": f"Known-groups comparison impossible: group {empty[0]!r} has "
                "no scored unit; a comparison needs two groups.",
            }
        result = {
            **base,
            "estimable": True,
            "levels": levels,
            "groups": {x_label: sum(x) / len(x), y_label: sum(y) / len(y)},
            "group_details": group_info,
            "excluded": excluded,
            "higher": higher if higher in members else None,
            "significance_level": float(options.get("alpha", 0.05)),
        }
        result.update(statistics(x, y, options, higher in members))
        result["difference"] = result["groups"][x_label] - result["groups"][y_label]
        result["comparison"] = f"{x_label} - {y_label}"
        margin = float(options.get("margin", 0.5))
        result["margin"] = margin
        result["margin_declared"] = "margin" in options
        result["within_margin"] = abs(result["difference"]) <= margin
        if expect == "similar":
            interval = result["difference_ci_equivalence"]
            result["equivalence_shown"] = (
                interval is not None and -margin <= interval[0] and interval[1] <= margin
            )
        result["verdict"] = two_group_verdict(result, attribute, label, x_label, y_label, x, y)
        return result

    # ------------------------------------------------------ more than two levels

    def _levels(
        self,
        options: Mapping[str, Any],
        base: dict[str, Any],
        values: dict[str, float],
        levels_of: dict[str, str],
        levels: list[str],
        excluded: list[dict[str, str]],
    ) -> dict[str, Any]:
        """Each level its own group (see :func:`_known_groups_levels.compare_levels`)."""
        from evidencekit.plugins.validity._known_groups_levels import compare_levels

        return compare_levels(options, base, values, levels_of, levels, excluded)


def _yes_first(levels: list[str]) -> list[str]:
    """Two levels in reading order: an affirmative level (yes, true, 1, y) first, so a
    difference without a declared ``higher`` reads 'yes - no'; otherwise sorted."""
    affirmative = {"yes", "y", "true", "1"}
    negative = {"no", "n", "false", "0"}
    a, b = levels
    if a.lower() in negative and b.lower() in affirmative:
        return [b, a]
    return [a, b]


def parse_groups(text: str) -> dict[str, list[str]]:
    """``low:low+lower-middle/high:high`` or ``low+lower-middle/high`` → groups."""
    groups: dict[str, list[str]] = {}
    for chunk in text.split("/"):
        chunk = chunk.strip()
        if not chunk:
            continue
        label, sep, levels = chunk.partition(":")
        if not sep:
            label, levels = chunk, chunk
        members = [lev.strip() for lev in levels.split("+") if lev.strip()]
        if not members:
            raise RegistryError(f"known-groups: group {chunk!r} names no level")
        groups[label.strip()] = members
    if len(groups) != 2:
        raise RegistryError(
            f"known-groups: groups={text!r} must name exactly two groups "
            "separated by '/', e.g. groups=low+lower-middle/high"
        )
    return groups


@hookimpl
def evidencekit_validity_analyses() -> list[Any]:
    return [KnownGroups()]
