"""Known-groups validity, the numbers and the words: the two-group statistics and the
plain-language verdicts (two groups, and more than two levels) of ``known_groups.py``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from evidencekit.plugins.validity._common import fmt, fmt_p, is_small, num, strength, units_word
from evidencekit.plugins.validity._stats import DEFAULT_EXACT_LIMIT, DEFAULT_RESAMPLES, DEFAULT_SEED

SCORE_LABEL = {"mean_item": "mean item score", "total": "total score"}


def statistics(
    x: list[float], y: list[float], options: Mapping[str, Any], directional: bool
) -> dict[str, Any]:
    from evidencekit.plugins.validity import _stats

    confidence = float(options.get("confidence", 0.95))
    ci_min = int(options.get("ci_min_group_size", 2))
    alternative = "greater" if directional and options["expect"] == "differ" else "two-sided"
    kwargs = {
        "alternative": alternative,
        "exact_limit": int(options.get("exact_limit", DEFAULT_EXACT_LIMIT)),
        "n_resamples": int(options.get("n_resamples", DEFAULT_RESAMPLES)),
        "seed": int(options.get("seed", DEFAULT_SEED)),
    }
    if options.get("test", "permutation") == "mann-whitney":
        test = {"name": "mann-whitney", **_stats.mann_whitney(x, y, **kwargs)}
        test["label"] = f"{test['method']} Mann-Whitney test"
    else:
        test = {"name": "permutation", **_stats.permutation_test_means(x, y, **kwargs)}
        what = "permutation" if test["method"] == "exact" else "Monte Carlo permutation"
        test["label"] = (
            f"{'exact ' * (test['method'] == 'exact')}{what} test of the difference in means"
        )
    allow_ci = min(len(x), len(y)) >= ci_min
    delta = _stats.cliffs_delta(x, y)
    delta_ci = _stats.cliffs_delta_ci(x, y, confidence) if allow_ci else None
    g = _stats.hedges_g(x, y)
    g_ci = (
        _stats.hedges_g_ci(g, len(x), len(y), confidence) if (g is not None and allow_ci) else None
    )
    diff_ci = _stats.welch_interval(x, y, confidence) if allow_ci else None
    # Equivalence (two one-sided tests at 1 - confidence) reads a 1 - 2(1 - confidence)
    # interval: 90 % for the usual 95 %.
    eq_conf = round(1 - 2 * (1 - confidence), 10)
    eq_ci = _stats.welch_interval(x, y, eq_conf) if allow_ci else None
    notes = []
    if not allow_ci:
        notes.append(f"no intervals: a group has fewer than {ci_min} units")
    elif delta_ci is None:
        notes.append(
            "no interval for Cliff's delta: the groups are completely separated "
            "(or a group has one unit)"
        )
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


def two_group_verdict(
    r: dict[str, Any], attribute: str, label: str, xl: str, yl: str, x: list[float], y: list[float]
) -> str:
    n, nx, ny = len(x) + len(y), len(x), len(y)
    small = is_small(n, min(nx, ny))
    gx, gy = r["groups"][xl], r["groups"][yl]
    diff = r["difference"]
    test = r["test"]
    p = test["p_value"]
    sided = "one-sided" if test["alternative"] != "two-sided" else "two-sided"
    means = (
        f"{attribute} = {xl}: {fmt(gx)} ({nx} units) vs {yl}: {fmt(gy)} ({ny} units); "
        f"difference {fmt(diff)}, Cliff's delta {fmt(r['effect_sizes']['cliffs_delta'])}"
    )
    sample = f"With {n} units ({nx} vs {ny})"
    floor_p = test.get("smallest_possible_p")
    lead = strength(n, min(nx, ny))
    if r["expect"] == "differ":
        directional = r.get("higher") is not None
        if directional and diff <= 0:
            return (
                f"Against the expectation: units with {attribute} = {xl} were expected to "
                f"score higher on the {label} but do not ({means}). "
                + (
                    f"{sample} this is {lead} only."
                    if small
                    else f"{sided.capitalize()} {test['label']}: p = {fmt_p(p)}."
                )
            )
        if small and r["within_margin"]:
            return (
                f"{lead.capitalize()} not consistent with convergent validity: {means}; "
                f"the difference is within {_margin(r)}, "
                f"too small to count. {sample} this describes the sample only."
            )
        if small:
            text = (
                f"{lead.capitalize()} consistent with convergent validity: the groups "
                f"differ on the {label} ({means})"
                + (
                    ""
                    if directional
                    else "; the expected direction was not declared (option higher)"
                )
                + ". "
            )
            text += (
                f"{sample} this describes the sample; it is not a test that could "
                f"establish a difference: the {sided} {test['label']} gives "
                f"p = {fmt_p(p)}"
            )
            if floor_p is not None:
                text += f", and the smallest p these group sizes allow is {fmt_p(floor_p)}"
            return text + "."
        if p < r["significance_level"]:
            return (
                f"{lead.capitalize()} supporting convergent validity: {means}; "
                f"{sided} {test['label']}: p = {fmt_p(p)}, Hedges' g "
                f"{fmt(r['effect_sizes']['hedges_g'])}"
                + _ci_text(r["effect_sizes"]["hedges_g_ci"], r["effect_sizes"]["confidence"])
                + "."
            )
        return (
            f"Convergent validity not supported: {means}; the difference is not clear "
            f"({sided} {test['label']}: p = {fmt_p(p)}) with {n} units."
        )
    margin = r["margin"]
    eq = r["difference_ci_equivalence"]
    eq_text = (
        (
            f"the {100 * r['equivalence_confidence']:.0f} % interval of the difference runs "
            f"from {fmt(eq[0])} to {fmt(eq[1])}"
        )
        if eq
        else "no interval is available"
    )
    if small:
        if r["within_margin"]:
            return (
                f"{lead.capitalize()} consistent with discriminant validity: {means}; "
                f"the difference is within {_margin(r)}. "
                f"{sample} this cannot show the groups are similar: {eq_text}."
            )
        return (
            f"{lead.capitalize()} against discriminant validity: {means}; the difference "
            f"exceeds {_margin(r)}. {sample} this is a "
            f"description of the sample, not a test."
        )
    if r["equivalence_shown"]:
        return (
            f"{lead.capitalize()} supporting discriminant validity: {means}; {eq_text}, "
            f"inside ±{num(margin)}."
        )
    if r["within_margin"]:
        return (
            f"Discriminant validity not shown: {means}; the observed difference is within "
            f"±{num(margin)} but {eq_text}, which is not inside the margin."
        )
    return (
        f"Against discriminant validity: {means}; the difference exceeds "
        f"{_margin(r)} (two-sided {test['label']}: p = {fmt_p(p)})."
    )


def levels_verdict(r: dict[str, Any], samples: dict[str, list[float]]) -> str:
    attribute = r["attribute"]
    label = SCORE_LABEL[r["score"]]
    sizes = [len(v) for v in samples.values()]
    n, smallest = sum(sizes), min(sizes)
    lead = strength(n, smallest)
    small = is_small(n, smallest)
    hi, lo = r["effect_sizes"]["pair"]
    test, p = r["test"], r["test"]["p_value"]
    means = (
        f"{attribute} = "
        + ", ".join(
            f"{lev}: {fmt(r['groups'][lev])} ({units_word(len(v))})" for lev, v in samples.items()
        )
        + f"; largest difference {fmt(r['difference'])} ({hi} - {lo})"
    )
    sample = f"With {n} units in {len(sizes)} levels (the smallest has {smallest})"
    floor_p = test.get("smallest_possible_p")
    margin = num(r["margin"])
    if r["expect"] == "differ":
        higher = r.get("higher")
        if higher is not None and r["groups"][higher] < r["groups"][hi]:
            return (
                f"Against the expectation: units with {attribute} = {higher} were "
                f"expected to score highest on the {label} but do not ({means}). "
                + (
                    f"{sample} this is {lead} only."
                    if small
                    else f"{test['label'].capitalize()}: p = {fmt_p(p)}."
                )
            )
        if small and r["within_margin"]:
            return (
                f"{lead.capitalize()} not consistent with convergent validity: {means}, "
                f"within {_margin(r)}, too small to count. "
                f"{sample} this describes the sample only."
            )
        if small and p >= 0.5:
            # With many levels the largest difference grows by chance alone; when random
            # deals of the units into groups of these sizes spread them at least as much
            # half the time, the spread says nothing about the attribute.
            return (
                f"{lead.capitalize()} not consistent with convergent validity: {means}; "
                f"the largest difference exceeds {_margin(r)}, but dealing the units "
                f"into groups of these sizes at random spreads the levels at least as "
                f"much (the {test['label']} gives p = {fmt_p(p)}). {sample} this "
                f"describes the sample only."
            )
        if small:
            text = (
                f"{lead.capitalize()} consistent with convergent validity: the levels "
                f"differ on the {label} ({means}). {sample} this describes the "
                f"sample; it is not a test that could establish a difference: the "
                f"{test['label']} gives p = {fmt_p(p)}"
            )
            if floor_p is not None:
                text += f", and the smallest p these group sizes allow is {fmt_p(floor_p)}"
            return text + "."
        eta = fmt(r["effect_sizes"]["eta_squared"])
        if p < r["significance_level"]:
            return (
                f"{lead.capitalize()} supporting convergent validity: {means}; "
                f"{test['label']}: p = {fmt_p(p)}, eta squared {eta}."
            )
        return (
            f"Convergent validity not supported: {means}; the levels do not differ "
            f"clearly ({test['label']}: p = {fmt_p(p)}) with {n} units."
        )
    pct_eq = f"{100 * r['equivalence_confidence']:.0f} %"
    if small:
        if r["within_margin"]:
            return (
                f"{lead.capitalize()} consistent with discriminant validity: {means}, "
                f"within {_margin(r)}. {sample} this cannot show "
                f"the levels are similar."
            )
        return (
            f"{lead.capitalize()} against discriminant validity: {means}, more than "
            f"{_margin(r)}. {sample} this is a description of the "
            f"sample, not a test."
        )
    if r["equivalence_shown"]:
        return (
            f"{lead.capitalize()} supporting discriminant validity: {means}; the "
            f"{pct_eq} interval of every pair's difference lies inside ±{margin}."
        )
    if r["within_margin"]:
        return (
            f"Discriminant validity not shown: {means}, within ±{margin}, but not "
            f"every pair's {pct_eq} interval lies inside the margin."
        )
    return (
        f"Against discriminant validity: {means}, more than {_margin(r)} "
        f"({test['label']}: p = {fmt_p(p)})."
    )


def _margin(r: Mapping[str, Any]) -> str:
    """'the declared margin of 0.5', or the default one with the option to change it."""
    if r.get("margin_declared"):
        return f"the declared margin of {num(r['margin'])}"
    return f"the default margin of {num(r['margin'])} (option margin)"


def _ci_text(ci: list[float] | None, confidence: float) -> str:
    if not ci:
        return ""
    return f" ({100 * confidence:.0f} % CI {fmt(ci[0])} to {fmt(ci[1])})"
