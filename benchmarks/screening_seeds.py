"""Seed noise and leave-one-set-out from the screening benchmark's log (no runs).

    python benchmarks/screening_seeds.py --seeds 10 \\
        --configs svm-C0.3,svm-C0.3-kw0.3,svm-C0.3-kw0.5,svm-C0.3-kwauto \\
        --same Nagtegaal_2019=default

Reads ``benchmarks/out/screening-runs.jsonl`` (written by ``screening_benchmark.py``; a later
row of the same set, setting and seed replaces an earlier one) and, on seeds 0 to
``--seeds`` - 1 of every set, prints for each setting:

- per set: mean WSS@95, its difference from ASReview's (same seeds, same priors) and the
  standard error of that difference (the standard deviation of the per-seed differences
  over the square root of the number of seeds: the seeds pair the two tools' runs);
- the mean over the sets (in-sample: every set's figure is its own);
- leave-one-set-out: for each set, the setting with the best mean on the *other* sets, its
  figure on this one, and how far ahead of the runner-up it was on the other sets.

``--same SET=CONFIG`` takes CONFIG's runs of SET for every setting: for a set whose records
have no keywords (Nagtegaal 2019) every keyword setting gives the same features, so its runs
of the defaults stand for all of them (the benchmark's 2-seed grid checked it: the same
figure for every setting with C = 0.3).

``--rule`` also scores, leave-one-set-out, a weight chosen per set from a statistic of its
keywords computed before any label (by default the mean pairwise cosine similarity of its
records' keyword rows, ``keywords_weight: similarity``'s statistic, computed here from the
sets; or ``--stat SET=VALUE`` for each set with keywords): the
weight ``hi`` where the statistic is at most ``t`` and ``lo`` above it, with ``lo``, ``hi``
among ``--rule-weights`` (settings, from lightest to heaviest) and ``t`` a midpoint between
two training sets' statistics (or beyond all of them: one weight for every set), chosen on
the other sets. A set without keywords gets every setting's (identical) figure.
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
from pathlib import Path

OUT = Path(__file__).resolve().parents[0] / "out"


def load(seeds: int, same: dict[str, str]) -> dict[str, dict[str, dict[int, float]]]:
    latest: dict[tuple, dict] = {}
    for line in (OUT / "screening-runs.jsonl").read_text("utf-8").splitlines():
        row = json.loads(line)
        latest[row["set"], row["config"], row["seed"]] = row
    table: dict[str, dict[str, dict[int, float]]] = {}
    for (name, config, seed), row in latest.items():
        if seed < seeds:
            table.setdefault(name, {}).setdefault(config, {})[seed] = row["wss_95"]
    return table


def figure(table, name: str, config: str, seeds: int, same: dict[str, str]) -> list[float]:
    runs = table[name].get(same.get(name, config), {})
    missing = [s for s in range(seeds) if s not in runs]
    if missing:
        raise SystemExit(f"{name} {config}: seeds {missing} not logged")
    return [runs[s] for s in range(seeds)]


def similarity_by_set() -> dict[str, float]:
    """Each shared set's keyword rows' mean pairwise cosine similarity (sets whose records
    have no keywords left out)."""
    from screening_benchmark import labelled_sets, set_name, shared_dir

    from evidencekit.core.labelled import read_labelled
    from evidencekit.core.registry import build_registry
    from evidencekit.plugins.screeners.active_learning._features import (
        keyword_block,
        mean_similarity,
    )
    from evidencekit.plugins.screeners.active_learning.screener import record_keywords

    registry = build_registry()
    out = {}
    for path in labelled_sets(shared_dir() / "datasets" / "screening"):
        data = read_labelled(path, registry)
        value = mean_similarity(keyword_block([record_keywords(r) for r in data.records], 1.0))
        if value is not None:
            out[set_name(path)] = value
    return out


def se(values: list[float]) -> float:
    return statistics.stdev(values) / math.sqrt(len(values)) if len(values) > 1 else math.nan


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, required=True)
    parser.add_argument("--configs", required=True)
    parser.add_argument("--same", action="append", default=[])
    parser.add_argument("--rule", action="store_true")
    parser.add_argument("--stat", action="append", default=[])
    parser.add_argument("--rule-weights", default="svm-C0.3-nokw,svm-C0.3-kw0.3,svm-C0.3-kw0.5")
    args = parser.parse_args()
    same = dict(s.split("=", 1) for s in args.same)
    configs = args.configs.split(",")
    table = load(args.seeds, same)
    names = sorted(table)
    asr = {s: figure(table, s, "asreview", args.seeds, {}) for s in names}
    wss = {c: {s: figure(table, s, c, args.seeds, same) for s in names} for c in configs}
    if args.rule:
        stats = {k: float(v) for k, v in (s.split("=", 1) for s in args.stat)}
        if not args.stat:
            stats = similarity_by_set()
            print("mean keyword similarity: " + ", ".join(f"{k} {v:.6f}" for k, v in stats.items()))
        weights = args.rule_weights.split(",")
        for w in weights:
            wss.setdefault(w, {s: figure(table, s, w, args.seeds, same) for s in names})
        wss["rule"] = {}
        rule_fit: dict[str, float] = {}  # the rule's in-sample mean on the sets it was fitted on
        rule_notes = {}

        def fit(train: list[str]) -> tuple[float, str, str, float]:
            cuts = sorted({stats[s] for s in train if s in stats})
            pairs = zip(cuts, cuts[1:], strict=False)
            thresholds = [-math.inf] + [(a + b) / 2 for a, b in pairs] + [math.inf]
            best = None
            for i, lo in enumerate(weights):
                for hi in weights[i:]:
                    for t in thresholds:

                        def pick(s, lo=lo, hi=hi, t=t):
                            return hi if s not in stats or stats[s] <= t else lo

                        m = statistics.fmean(statistics.fmean(wss[pick(s)][s]) for s in train)
                        if best is None or m > best[0] + 1e-12:
                            best = (m, lo, hi, t)
            return best

        for held in names:
            best = fit([s for s in names if s != held])
            rule_fit[held] = best[0]
            _, lo, hi, t = best
            chosen = hi if held not in stats or stats[held] <= t else lo
            wss["rule"][held] = wss[chosen][held]
            rule_notes[held] = f"lo={lo} hi={hi} t={t:.4f} -> {chosen}"
        configs = configs + ["rule"]  # its figures: each set's from the rule fitted without it
        m, lo, hi, t = fit(names)
        rule_notes["(all sets)"] = f"lo={lo} hi={hi} t={t:.6f}: in-sample mean {100 * m:.2f}"

    print(f"seeds 0-{args.seeds - 1}; WSS@95 in points; diff = ours - ASReview (+- its SE)")
    print(f"{'set':<20}" + "".join(f"{c[-12:]:>22}" for c in configs) + f"{'asreview':>10}")
    for s in names:
        cells = []
        for c in configs:
            d = [100 * (a - b) for a, b in zip(wss[c][s], asr[s], strict=True)]
            cells.append(
                f"{100 * statistics.fmean(wss[c][s]):6.1f} {statistics.fmean(d):+5.1f}±{se(d):3.1f}"
            )
        print(
            f"{s:<20}"
            + "".join(f"{x:>22}" for x in cells)
            + f"{100 * statistics.fmean(asr[s]):>10.1f}"
        )
    means = {c: statistics.fmean(statistics.fmean(wss[c][s]) for s in names) for c in configs}
    a_mean = statistics.fmean(statistics.fmean(asr[s]) for s in names)
    print(
        f"{'mean':<20}"
        + "".join(
            f"{100 * means[c]:>10.1f} {100 * (means[c] - a_mean):+5.1f}      " for c in configs
        )
        + f"{100 * a_mean:>10.1f}"
    )
    if args.rule:
        print("\nrule, chosen per fold on the other sets:")
        for s, note in rule_notes.items():
            print(f"  {s:<20} {note}")

    # Leave-one-set-out: for each set, the candidate with the best mean on the other sets.
    # The rule's figure on the other sets is that of the rule fitted on them (in-sample, as
    # every fixed setting's is); its figure on the held-out set is the same fit's.
    def on_others(c: str, held: str, others: list[str]) -> float:
        if c == "rule":
            return rule_fit[held]
        return statistics.fmean(statistics.fmean(wss[c][t]) for t in others)

    fixed = [c for c in configs if c != "rule"]
    rounds = [("fixed settings", fixed)]
    if args.rule:
        rounds.append(("fixed settings and the rule fitted on the other sets", configs))
    for label, cands in rounds:
        print(f"\nleave-one-set-out among {label}:")
        held_d, held_v = [], []
        for s in names:
            others = [t for t in names if t != s]
            ranked = sorted(cands, key=lambda c: on_others(c, s, others), reverse=True)
            best = ranked[0]
            lead = (
                on_others(best, s, others) - on_others(ranked[1], s, others)
                if len(ranked) > 1
                else math.nan
            )
            d = [100 * (a - b) for a, b in zip(wss[best][s], asr[s], strict=True)]
            held_d.append(statistics.fmean(d))
            held_v.append(statistics.fmean(wss[best][s]))
            print(
                f"  {s:<20} {best:<18} (ahead of {ranked[1] if len(ranked) > 1 else '-'} by"
                f" {100 * lead:.2f} on the others)  {100 * statistics.fmean(wss[best][s]):.1f}"
                f"  ASReview {100 * statistics.fmean(asr[s]):.1f}"
                f"  {statistics.fmean(d):+.1f} ± {se(d):.1f}"
            )
        print(
            f"  mean held-out {100 * statistics.fmean(held_v):.1f} (ASReview {100 * a_mean:.1f}:"
            f" {statistics.fmean(held_d):+.1f}); worst set {min(held_d):+.1f}"
        )


if __name__ == "__main__":
    main()
