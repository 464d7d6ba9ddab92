"""Known-groups validity: do two groups of units differ (convergent validity) or
not (discriminant validity) as expected?"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from evidencekit.core import hookimpl
from evidencekit.core.errors import RegistryError
from evidencekit.plugins.validity._common import (
    CONFIDENCE_SCHEMA,
    fmt,
    fmt_p,
    is_small,
    num,
    strength,
    units_word,
)
from evidencekit.plugins.validity._stats import (
    DEFAULT_EXACT_LIMIT,
    DEFAULT_RESAMPLES,
    DEFAULT_SEED,
)

SCORE_LABEL = {"mean_item": "mean item score", "total": "total score"}


class KnownGroups:
    """Compare two groups of units defined by an attribute of the units file."""

    name = "known-groups"
    description = ("Compare two groups of units (by an attribute) on the mean item score: "
                   "expected to differ (convergent) or to be similar within a margin "
                   "(discriminant).")
    needs_units = True
    options_schema = {
        "type": "object",
        "required": ["attribute", "expect"],
        "properties": {
            "attribute": {"type": "string", "minLength": 1,
                          "description": "Column of the units file that defines the groups."},
            "expect": {"enum": ["differ", "similar"],
                       "description": "differ: convergent validity; similar: discriminant."},
            "higher": {"type": "string",
                       "description": "For 'differ': the group (or level) expected to score "
                                      "higher. Without it the test is two-sided."},
            "margin": {"type": "number", "minimum": 0, "default": 0.5,
                       "description": "The smallest difference (in score units) that matters: "
                                      "for 'similar' the largest still counted as similar; for "
                                      "'differ' what a small sample's difference must exceed "
                                      "to count as consistent with a difference."},
            "groups": {"type": "object", "minProperties": 2, "maxProperties": 2,
                       "additionalProperties": {"type": "array", "minItems": 1,
                                                "items": {"type": "string"}},
                       "description": "How the attribute's levels form two groups, e.g. "
                                      "{low: [low, lower-middle], high: [high]}. Needed when "
                                      "the attribute has more than two levels."},
            "score": {"enum": ["mean_item", "total"], "default": "mean_item"},
            "test": {"enum": ["permutation", "mann-whitney"], "default": "permutation",
                     "description": "Permutation test of the difference in means (exact for "
                                    "small samples) or Mann-Whitney U."},
            "exact_limit": {"type": "integer", "minimum": 1, "default": DEFAULT_EXACT_LIMIT,
                            "description": "Enumerate every split up to this many; beyond it, "
                                           "Monte Carlo resampling."},
            "n_resamples": {"type": "integer", "minimum": 99, "default": DEFAULT_RESAMPLES},
            "seed": {"type": "integer", "default": DEFAULT_SEED},
            "alpha": {"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1,
                      "default": 0.05, "description": "Significance level for larger samples."},
            "confidence": CONFIDENCE_SCHEMA,
            "ci_min_group_size": {"type": "integer", "minimum": 2, "default": 2,
                                  "description": "Give intervals only when each group has at "
                                                 "least this many units."},
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
                    f"then any of {', '.join(props)} as key=value, separated by ';'")
        return options

    def check_options(self, measure: Any, ratings: Any, units: Any,
                      options: Mapping[str, Any]) -> None:
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
            found = (f"every rated unit has {attribute} = {levels[0]!r}" if levels
                     else f"no rated unit has a value for {attribute}")
            raise RatingsError([f"{where} is impossible: {found}; a comparison needs at least "
                                f"two levels. Correct {units.file} or drop this analysis"])
        groups = options.get("groups")
        if groups:
            for label, members in groups.items():
                for level in members:
                    if level not in levels:
                        raise RatingsError([
                            f"{where}: group {label!r} names level {level!r}, which no rated "
                            f"unit has; the levels are {', '.join(levels) or '(none)'}"])
            seen: dict[str, str] = {}
            for label, members in groups.items():
                for level in members:
                    if level in seen:
                        raise RatingsError([f"{where}: level {level!r} is in both group "
                                            f"{seen[level]!r} and group {label!r}"])
                    seen[level] = label
        higher = options.get("higher")
        if higher is not None:
            labels = list(groups) if groups else levels
            if higher not in labels and not (groups and any(higher in m for m in groups.values())):
                raise RatingsError([f"{where}: higher={higher!r} is not one of the groups "
                                    f"({', '.join(labels) or 'none'})"])

    # ---------------------------------------------------------------- analysis

    def analyse(self, measure: Any, ratings: Any, units: Any,
                options: Mapping[str, Any]) -> dict[str, Any]:
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
            found = (f"every scored unit has {attribute} = {levels[0]!r}" if levels
                     else f"no scored unit has a value for {attribute}")
            return {**base, "estimable": False, "levels": levels, "groups": {},
                    "difference": None, "excluded": excluded,
                    "verdict": f"Known-groups comparison impossible: {found}; a comparison "
                               "needs two groups."}
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
        group_info = {g: {"levels": sorted({levels_of[u] for u in members[g]}),
                          "units": members[g], "n": len(members[g])} for g in labels}
        empty = [g for g in labels if not members[g]]
        if empty:
            return {**base, "estimable": False, "levels": levels, "groups": {},
                    "group_details": group_info, "difference": None, "excluded": excluded,
                    "verdict": f"Known-groups comparison impossible: group {empty[0]!r} has "
                               "no scored unit; a comparison needs two groups."}
        result = {**base, "estimable": True, "levels": levels,
                  "groups": {x_label: sum(x) / len(x), y_label: sum(y) / len(y)},
                  "group_details": group_info, "excluded": excluded,
                  "higher": higher if higher in members else None,
                  "significance_level": float(options.get("alpha", 0.05))}
        result.update(self._statistics(x, y, options, higher in members))
        result["difference"] = result["groups"][x_label] - result["groups"][y_label]
        result["comparison"] = f"{x_label} - {y_label}"
        margin = float(options.get("margin", 0.5))
        result["margin"] = margin
        result["margin_declared"] = "margin" in options
        result["within_margin"] = abs(result["difference"]) <= margin
        if expect == "similar":
            interval = result["difference_ci_equivalence"]
            result["equivalence_shown"] = (interval is not None and -margin <= interval[0]
                                           and interval[1] <= margin)
        result["verdict"] = self._verdict(result, attribute, label, x_label, y_label, x, y)
        return result

    def _statistics(self, x: list[float], y: list[float], options: Mapping[str, Any],
                    directional: bool) -> dict[str, Any]:
        from evidencekit.plugins.validity import _stats

        confidence = float(options.get("confidence", 0.95))
        ci_min = int(options.get("ci_min_group_size", 2))
        alternative = "greater" if directional and options["expect"] == "differ" else "two-sided"
        kwargs = {"alternative": alternative,
                  "exact_limit": int(options.get("exact_limit", DEFAULT_EXACT_LIMIT)),
                  "n_resamples": int(options.get("n_resamples", DEFAULT_RESAMPLES)),
                  "seed": int(options.get("seed", DEFAULT_SEED))}
        if options.get("test", "permutation") == "mann-whitney":
            test = {"name": "mann-whitney", **_stats.mann_whitney(x, y, **kwargs)}
            test["label"] = f"{test['method']} Mann-Whitney test"
        else:
            test = {"name": "permutation",
                    **_stats.permutation_test_means(x, y, **kwargs)}
            what = "permutation" if test["method"] == "exact" else "Monte Carlo permutation"
            test["label"] = f"{'exact ' * (test['method'] == 'exact')}{what} test of the " \
                "difference in means"
        allow_ci = min(len(x), len(y)) >= ci_min
        delta = _stats.cliffs_delta(x, y)
        delta_ci = _stats.cliffs_delta_ci(x, y, confidence) if allow_ci else None
        g = _stats.hedges_g(x, y)
        g_ci = _stats.hedges_g_ci(g, len(x), len(y), confidence) if (
            g is not None and allow_ci) else None
        diff_ci = _stats.welch_interval(x, y, confidence) if allow_ci else None
        # Equivalence (two one-sided tests at 1 - confidence) reads a 1 - 2(1 - confidence)
        # interval: 90 % for the usual 95 %.
        eq_conf = round(1 - 2 * (1 - confidence), 10)
        eq_ci = _stats.welch_interval(x, y, eq_conf) if allow_ci else None
        notes = []
        if not allow_ci:
            notes.append(f"no intervals: a group has fewer than {ci_min} units")
        elif delta_ci is None:
            notes.append("no interval for Cliff's delta: the groups are completely separated "
                         "(or a group has one unit)")
        return {
            "n": {"total": len(x) + len(y), "groups": [len(x), len(y)]},
            "test": test,
            "effect_sizes": {
                "cliffs_delta": delta,
                "cliffs_delta_ci": list(delta_ci) if delta_ci else None,
                "hedges_g": g,
                "hedges_g_ci": list(g_ci) if g_ci else None,
                "confidence": confidence,
            },
            "difference_ci": list(diff_ci) if diff_ci else None,
            "difference_ci_equivalence": list(eq_ci) if eq_ci else None,
            "equivalence_confidence": eq_conf,
            "notes": notes,
        }

    @staticmethod
    def _verdict(r: dict[str, Any], attribute: str, label: str, xl: str, yl: str,
                 x: list[float], y: list[float]) -> str:
        n, nx, ny = len(x) + len(y), len(x), len(y)
        small = is_small(n, min(nx, ny))
        gx, gy = r["groups"][xl], r["groups"][yl]
        diff = r["difference"]
        test = r["test"]
        p = test["p_value"]
        sided = "one-sided" if test["alternative"] != "two-sided" else "two-sided"
        means = (f"{attribute} = {xl}: {fmt(gx)} ({nx} units) vs {yl}: {fmt(gy)} ({ny} units); "
                 f"difference {fmt(diff)}, Cliff's delta {fmt(r['effect_sizes']['cliffs_delta'])}")
        sample = f"With {n} units ({nx} vs {ny})"
        floor_p = test.get("smallest_possible_p")
        lead = strength(n, min(nx, ny))
        if r["expect"] == "differ":
            directional = r.get("higher") is not None
            if directional and diff <= 0:
                return (f"Against the expectation: units with {attribute} = {xl} were expected to "
                        f"score higher on the {label} but do not ({means}). "
                        + (f"{sample} this is {lead} only." if small else
                           f"{sided.capitalize()} {test['label']}: p = {fmt_p(p)}."))
            if small and r["within_margin"]:
                return (f"{lead.capitalize()} not consistent with convergent validity: {means}; "
                        f"the difference is within {_margin(r)}, "
                        f"too small to count. {sample} this describes the sample only.")
            if small:
                text = (f"{lead.capitalize()} consistent with convergent validity: the groups "
                        f"differ on the {label} ({means})"
                        + ("" if directional else "; the expected direction was not declared "
                           "(option higher)") + ". ")
                text += (f"{sample} this describes the sample; it is not a test that could "
                         f"establish a difference: the {sided} {test['label']} gives "
                         f"p = {fmt_p(p)}")
                if floor_p is not None:
                    text += (f", and the smallest p these group sizes allow is {fmt_p(floor_p)}")
                return text + "."
            if p < r["significance_level"]:
                return (f"{lead.capitalize()} supporting convergent validity: {means}; "
                        f"{sided} {test['label']}: p = {fmt_p(p)}, Hedges' g "
                        f"{fmt(r['effect_sizes']['hedges_g'])}"
                        + _ci_text(r["effect_sizes"]["hedges_g_ci"],
                                   r["effect_sizes"]["confidence"]) + ".")
            return (f"Convergent validity not supported: {means}; the difference is not clear "
                    f"({sided} {test['label']}: p = {fmt_p(p)}) with {n} units.")
        margin = r["margin"]
        eq = r["difference_ci_equivalence"]
        eq_text = (f"the {100 * r['equivalence_confidence']:.0f} % interval of the difference runs "
                   f"from {fmt(eq[0])} to {fmt(eq[1])}") if eq else "no interval is available"
        if small:
            if r["within_margin"]:
                return (f"{lead.capitalize()} consistent with discriminant validity: {means}; "
                        f"the difference is within {_margin(r)}. "
                        f"{sample} this cannot show the groups are similar: {eq_text}.")
            return (f"{lead.capitalize()} against discriminant validity: {means}; the difference "
                    f"exceeds {_margin(r)}. {sample} this is a "
                    f"description of the sample, not a test.")
        if r["equivalence_shown"]:
            return (f"{lead.capitalize()} supporting discriminant validity: {means}; {eq_text}, "
                    f"inside ±{num(margin)}.")
        if r["within_margin"]:
            return (f"Discriminant validity not shown: {means}; the observed difference is within "
                    f"±{num(margin)} but {eq_text}, which is not inside the margin.")
        return (f"Against discriminant validity: {means}; the difference exceeds "
                f"{_margin(r)} (two-sided {test['label']}: p = {fmt_p(p)}).")

    # ------------------------------------------------------ more than two levels

    def _levels(self, options: Mapping[str, Any], base: dict[str, Any],
                values: dict[str, float], levels_of: dict[str, str], levels: list[str],
                excluded: list[dict[str, str]]) -> dict[str, Any]:
        """Each level its own group: what ``known-groups`` does when an attribute has
        more than two levels and no ``groups`` are declared.

        Numbers: each level's mean (``groups``), the largest difference between two
        levels (``difference``, ``comparison``), an omnibus test across the levels
        (permutation F test, or Kruskal-Wallis with ``test: mann-whitney``), eta
        squared, every pair's difference with its intervals (``pairs``), and
        Cliff's delta and Hedges' g of the two levels furthest apart.
        """
        from itertools import combinations

        from evidencekit.plugins.validity import _stats

        attribute, expect = options["attribute"], options["expect"]
        confidence = float(options.get("confidence", 0.95))
        ci_min = int(options.get("ci_min_group_size", 2))
        eq_conf = round(1 - 2 * (1 - confidence), 10)
        members = {lev: [u for u, of in levels_of.items() if of == lev] for lev in levels}
        samples = {lev: [values[u] for u in members[lev]] for lev in levels}
        means = {lev: sum(v) / len(v) for lev, v in samples.items()}
        kwargs = {"exact_limit": int(options.get("exact_limit", DEFAULT_EXACT_LIMIT)),
                  "n_resamples": int(options.get("n_resamples", DEFAULT_RESAMPLES)),
                  "seed": int(options.get("seed", DEFAULT_SEED))}
        k = len(levels)
        if options.get("test", "permutation") == "mann-whitney":
            test = {"name": "kruskal-wallis",
                    **_stats.kruskal_wallis(list(samples.values()), **kwargs)}
            test["label"] = f"{test['method']} Kruskal-Wallis test across the {k} levels"
        else:
            test = {"name": "permutation-f",
                    **_stats.permutation_anova(list(samples.values()), **kwargs)}
            test.pop("eta_squared")
            what = ("exact permutation" if test["method"] == "exact"
                    else "Monte Carlo permutation")
            test["label"] = f"{what} F test across the {k} levels"
        hi = max(levels, key=lambda lev: means[lev])
        lo = min(levels, key=lambda lev: means[lev])
        allow = {lev: len(samples[lev]) >= ci_min for lev in levels}
        pairs = []
        for a, b in combinations(levels, 2):
            both = allow[a] and allow[b]
            ci = _stats.welch_interval(samples[a], samples[b], confidence) if both else None
            eq = _stats.welch_interval(samples[a], samples[b], eq_conf) if both else None
            pairs.append({"groups": [a, b], "difference": means[a] - means[b],
                          "cliffs_delta": _stats.cliffs_delta(samples[a], samples[b]),
                          "difference_ci": list(ci) if ci else None,
                          "difference_ci_equivalence": list(eq) if eq else None})
        x, y = samples[hi], samples[lo]
        both = allow[hi] and allow[lo]
        delta_ci = _stats.cliffs_delta_ci(x, y, confidence) if both else None
        g = _stats.hedges_g(x, y)
        g_ci = _stats.hedges_g_ci(g, len(x), len(y), confidence) if (
            g is not None and both) else None
        margin = float(options.get("margin", 0.5))
        higher = options.get("higher")
        n_total = sum(len(v) for v in samples.values())
        example = f"{levels[0]}/{'+'.join(levels[1:])}"
        note = (f"{attribute} has {k} levels and no grouping was declared, so each level is its "
                f"own group. To compare two pooled groups instead, add ;groups=LEVELS/LEVELS to "
                f"the analysis (levels joined by '+', the two groups separated by '/'), e.g. "
                f";groups={example}")
        result: dict[str, Any] = {
            **base, "estimable": True, "grouping": "levels", "levels": levels,
            "groups": means,
            "group_details": {lev: {"levels": [lev], "units": members[lev],
                                    "n": len(members[lev])} for lev in levels},
            "excluded": excluded, "higher": higher if higher in levels else None,
            "significance_level": float(options.get("alpha", 0.05)),
            "n": {"total": n_total, "groups": [len(samples[lev]) for lev in levels]},
            "test": test,
            "effect_sizes": {"eta_squared": _stats.eta_squared(list(samples.values())),
                             "pair": [hi, lo],
                             "cliffs_delta": _stats.cliffs_delta(x, y),
                             "cliffs_delta_ci": list(delta_ci) if delta_ci else None,
                             "hedges_g": g, "hedges_g_ci": list(g_ci) if g_ci else None,
                             "confidence": confidence},
            "pairs": pairs, "equivalence_confidence": eq_conf,
            "difference": means[hi] - means[lo], "comparison": f"{hi} - {lo}",
            "margin": margin, "margin_declared": "margin" in options, "grouping_note": note,
        }
        result["within_margin"] = result["difference"] <= margin
        if expect == "similar":
            # Intersection-union: every pair's two one-sided tests must pass, so no
            # multiplicity correction is needed.
            result["equivalence_shown"] = all(
                p["difference_ci_equivalence"] is not None
                and -margin <= p["difference_ci_equivalence"][0]
                and p["difference_ci_equivalence"][1] <= margin for p in pairs)
        result["verdict"] = self._levels_verdict(result, samples) + " " + note + "."
        return result

    @staticmethod
    def _levels_verdict(r: dict[str, Any], samples: dict[str, list[float]]) -> str:
        attribute = r["attribute"]
        label = SCORE_LABEL[r["score"]]
        sizes = [len(v) for v in samples.values()]
        n, smallest = sum(sizes), min(sizes)
        lead = strength(n, smallest)
        small = is_small(n, smallest)
        hi, lo = r["effect_sizes"]["pair"]
        test, p = r["test"], r["test"]["p_value"]
        means = (f"{attribute} = " + ", ".join(
            f"{lev}: {fmt(r['groups'][lev])} ({units_word(len(v))})"
            for lev, v in samples.items())
            + f"; largest difference {fmt(r['difference'])} ({hi} - {lo})")
        sample = f"With {n} units in {len(sizes)} levels (the smallest has {smallest})"
        floor_p = test.get("smallest_possible_p")
        margin = num(r["margin"])
        if r["expect"] == "differ":
            higher = r.get("higher")
            if higher is not None and r["groups"][higher] < r["groups"][hi]:
                return (f"Against the expectation: units with {attribute} = {higher} were "
                        f"expected to score highest on the {label} but do not ({means}). "
                        + (f"{sample} this is {lead} only." if small else
                           f"{test['label'].capitalize()}: p = {fmt_p(p)}."))
            if small and r["within_margin"]:
                return (f"{lead.capitalize()} not consistent with convergent validity: {means}, "
                        f"within {_margin(r)}, too small to count. "
                        f"{sample} this describes the sample only.")
            if small and p >= 0.5:
                # With many levels the largest difference grows by chance alone; when random
                # deals of the units into groups of these sizes spread them at least as much
                # half the time, the spread says nothing about the attribute.
                return (f"{lead.capitalize()} not consistent with convergent validity: {means}; "
                        f"the largest difference exceeds {_margin(r)}, but dealing the units "
                        f"into groups of these sizes at random spreads the levels at least as "
                        f"much (the {test['label']} gives p = {fmt_p(p)}). {sample} this "
                        f"describes the sample only.")
            if small:
                text = (f"{lead.capitalize()} consistent with convergent validity: the levels "
                        f"differ on the {label} ({means}). {sample} this describes the "
                        f"sample; it is not a test that could establish a difference: the "
                        f"{test['label']} gives p = {fmt_p(p)}")
                if floor_p is not None:
                    text += f", and the smallest p these group sizes allow is {fmt_p(floor_p)}"
                return text + "."
            eta = fmt(r["effect_sizes"]["eta_squared"])
            if p < r["significance_level"]:
                return (f"{lead.capitalize()} supporting convergent validity: {means}; "
                        f"{test['label']}: p = {fmt_p(p)}, eta squared {eta}.")
            return (f"Convergent validity not supported: {means}; the levels do not differ "
                    f"clearly ({test['label']}: p = {fmt_p(p)}) with {n} units.")
        pct_eq = f"{100 * r['equivalence_confidence']:.0f} %"
        if small:
            if r["within_margin"]:
                return (f"{lead.capitalize()} consistent with discriminant validity: {means}, "
                        f"within {_margin(r)}. {sample} this cannot show "
                        f"the levels are similar.")
            return (f"{lead.capitalize()} against discriminant validity: {means}, more than "
                    f"{_margin(r)}. {sample} this is a description of the "
                    f"sample, not a test.")
        if r["equivalence_shown"]:
            return (f"{lead.capitalize()} supporting discriminant validity: {means}; the "
                    f"{pct_eq} interval of every pair's difference lies inside ±{margin}.")
        if r["within_margin"]:
            return (f"Discriminant validity not shown: {means}, within ±{margin}, but not "
                    f"every pair's {pct_eq} interval lies inside the margin.")
        return (f"Against discriminant validity: {means}, more than {_margin(r)} "
                f"({test['label']}: p = {fmt_p(p)}).")


def _yes_first(levels: list[str]) -> list[str]:
    """Two levels in reading order: an affirmative level (yes, true, 1, y) first, so a
    difference without a declared ``higher`` reads 'yes - no'; otherwise sorted."""
    affirmative = {"yes", "y", "true", "1"}
    negative = {"no", "n", "false", "0"}
    a, b = levels
    if a.lower() in negative and b.lower() in affirmative:
        return [b, a]
    return [a, b]


def _margin(r: Mapping[str, Any]) -> str:
    """'the declared margin of 0.5', or the default one with the option to change it."""
    if r.get("margin_declared"):
        return f"the declared margin of {num(r['margin'])}"
    return f"the default margin of {num(r['margin'])} (option margin)"


def _ci_text(ci: list[float] | None, confidence: float) -> str:
    if not ci:
        return ""
    return f" ({100 * confidence:.0f} % CI {fmt(ci[0])} to {fmt(ci[1])})"


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
        raise RegistryError(f"known-groups: groups={text!r} must name exactly two groups "
                            "separated by '/', e.g. groups=low+lower-middle/high")
    return groups


@hookimpl
def evidencekit_validity_analyses() -> list[Any]:
    return [KnownGroups()]
