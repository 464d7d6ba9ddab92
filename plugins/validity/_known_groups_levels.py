"""``known-groups`` when an attribute has more than two levels and no grouping is
declared: each level its own group, an omnibus test across them, every pair compared."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from evidencekit.plugins.validity._known_groups_verdicts import levels_verdict
from evidencekit.plugins.validity._stats import (
    DEFAULT_EXACT_LIMIT,
    DEFAULT_RESAMPLES,
    DEFAULT_SEED,
)


def compare_levels(
    options: Mapping[str, Any],
    base: dict[str, Any],
    values: dict[str, float],
    levels_of: dict[str, str],
    levels: list[str],
    excluded: list[dict[str, str]],
) -> dict[str, Any]:
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
    kwargs = {
        "exact_limit": int(options.get("exact_limit", DEFAULT_EXACT_LIMIT)),
        "n_resamples": int(options.get("n_resamples", DEFAULT_RESAMPLES)),
        "seed": int(options.get("seed", DEFAULT_SEED)),
    }
    k = len(levels)
    if options.get("test", "permutation") == "mann-whitney":
        test = {"name": "kruskal-wallis", **_stats.kruskal_wallis(list(samples.values()), **kwargs)}
        test["label"] = f"{test['method']} Kruskal-Wallis test across the {k} levels"
    else:
        test = {
            "name": "permutation-f",
            **_stats.permutation_anova(list(samples.values()), **kwargs),
        }
        test.pop("eta_squared")
        what = "exact permutation" if test["method"] == "exact" else "Monte Carlo permutation"
        test["label"] = f"{what} F test across the {k} levels"
    hi = max(levels, key=lambda lev: means[lev])
    lo = min(levels, key=lambda lev: means[lev])
    allow = {lev: len(samples[lev]) >= ci_min for lev in levels}
    pairs = []
    for a, b in combinations(levels, 2):
        both = allow[a] and allow[b]
        ci = _stats.welch_interval(samples[a], samples[b], confidence) if both else None
        eq = _stats.welch_interval(samples[a], samples[b], eq_conf) if both else None
        pairs.append(
            {
                "groups": [a, b],
                "difference": means[a] - means[b],
                "cliffs_delta": _stats.cliffs_delta(samples[a], samples[b]),
                "difference_ci": list(ci) if ci else None,
                "difference_ci_equivalence": list(eq) if eq else None,
            }
        )
    x, y = samples[hi], samples[lo]
    both = allow[hi] and allow[lo]
    delta_ci = _stats.cliffs_delta_ci(x, y, confidence) if both else None
    g = _stats.hedges_g(x, y)
    g_ci = _stats.hedges_g_ci(g, len(x), len(y), confidence) if (g is not None and both) else None
    margin = float(options.get("margin", 0.5))
    higher = options.get("higher")
    n_total = sum(len(v) for v in samples.values())
    example = f"{levels[0]}/{'+'.join(levels[1:])}"
    note = (
        f"{attribute} has {k} levels and no grouping was declared, so each level is its "
        f"own group. To compare two pooled groups instead, add ;groups=LEVELS/LEVELS to "
        f"the analysis (levels joined by '+', the two groups separated by '/'), e.g. "
        f";groups={example}"
    )
    result: dict[str, Any] = {
        **base,
        "estimable": True,
        "grouping": "levels",
        "levels": levels,
        "groups": means,
        "group_details": {
            lev: {"levels": [lev], "units": members[lev], "n": len(members[lev])} for lev in levels
        },
        "excluded": excluded,
        "higher": higher if higher in levels else None,
        "significance_level": float(options.get("alpha", 0.05)),
        "n": {"total": n_total, "groups": [len(samples[lev]) for lev in levels]},
        "test": test,
        "effect_sizes": {
            "eta_squared": _stats.eta_squared(list(samples.values())),
            "pair": [hi, lo],
            "cliffs_delta": _stats.cliffs_delta(x, y),
            "cliffs_delta_ci": list(delta_ci) if delta_ci else None,
            "hedges_g": g,
            "hedges_g_ci": list(g_ci) if g_ci else None,
            "confidence": confidence,
        },
        "pairs": pairs,
        "equivalence_confidence": eq_conf,
        "difference": means[hi] - means[lo],
        "comparison": f"{hi} - {lo}",
        "margin": margin,
        "margin_declared": "margin" in options,
        "grouping_note": note,
    }
    result["within_margin"] = result["difference"] <= margin
    if expect == "similar":
        # Intersection-union: every pair's two one-sided tests must pass, so no
        # multiplicity correction is needed.
        result["equivalence_shown"] = all(
            p["difference_ci_equivalence"] is not None
            and -margin <= p["difference_ci_equivalence"][0]
            and p["difference_ci_equivalence"][1] <= margin
            for p in pairs
        )
    result["verdict"] = levels_verdict(result, samples) + " " + note + "."
    return result
