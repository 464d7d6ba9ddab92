"""Prioritised screening: evidencekit's active-learning screener against ASReview.

Run by hand (it takes minutes; never a test):

    python benchmarks/screening_benchmark.py                       # ours vs ASReview, 5 seeds
    python benchmarks/screening_benchmark.py --loso                # + leave-one-set-out grid
    python benchmarks/screening_benchmark.py --asreview /path/to/venv/bin/asreview

For every labelled set in ../shared/datasets/screening/ (a file with titles, abstracts and
``label_included``; the SYNERGY id lists carry no text and are skipped, said so) and every
seed, the same 1 included + 1 excluded prior records (``choose_priors``) go to
``evidencekit``'s simulation and to ``asreview simulate`` (its default model, ``elas_u4``,
with ``--prior-idx`` and ``--seed``). ASReview runs in its own virtual environment (see
``benchmarks/README.md``); its labelling order is read from the project file's
``results`` table and its runs are cached under ``benchmarks/out/asreview/`` (one JSON per
set and seed), so it runs once per set and seed. Both orders are scored by the one
implementation in ``evidencekit.core.screening_metrics``.

Wall time is taken two ways, both reported per set:

- *per simulation* (the target's figure): reading the file and the whole simulation
  (features, every retrain, and for ours the stopping rules) inside a process that has
  already started and imported its libraries. Ours: ``simulate`` in this process, with
  scikit-learn imported beforehand. ASReview's: ``_asreview_inprocess.py`` run by
  ASReview's own Python, which times the same steps as ``asreview simulate`` after its
  imports (and checks it labels in the same order as the command did).
- *whole command*: ``evidencekit simulate … --json`` against ``asreview simulate … -o``,
  each a fresh process (start-up and imports included; ASReview also writes its project).

``--loso`` also runs a small grid of model settings and reports, for each set, the WSS@95
of the setting that was best on the *other* sets (leave-one-set-out), so the figure that
chose the defaults is not the figure that reports them. ``--no-whole`` skips our
whole-command runs.
"""

from __future__ import annotations

import argparse
import gzip
import json
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "benchmarks" / "out"
DEFAULT_ASREVIEW = Path("/work/asreview-venv/bin/asreview")
DRIVER = Path(__file__).resolve().with_name("_asreview_inprocess.py")

#: The grid the defaults were chosen from (name → active-learning options, retrain lag).
#: Every setting retrains after every record, as ASReview does; "svm" is elas_u4's model
#: with the records' keywords read as words of the text and the balanced weights not
#: rescaled (elas_u4 rescales them; with rescale and without keywords our screener labels
#: in ASReview's very order), the others change one or two things in it. Logistic
#: regression was tried and left out: on OralHypoglycemics it took 37 s of CPU per
#: simulation against 2.4 s for the SVM, and it was not better on any set it finished.
#: elas_u4's settings, spelt out so the grid does not move when the defaults do.
ELAS_U4 = {
    "features": "tfidf",
    "features_options": {"ngram_max": 2, "min_df": 1, "max_df": 0.95, "sublinear_tf": True},
    "classifier": "svm",
    "classifier_options": {"C": 0.11},
    "balancer": "balanced",
    "balancer_options": {"ratio": 9.8},
    "query": "max",
    "keywords": True,
    "keywords_as": "text",
}


def _variant(**changes) -> tuple[dict, float]:
    return {**ELAS_U4, **changes}, 0.0


def _block(weight: float | str, **changes) -> tuple[dict, float]:
    return _variant(
        classifier_options={"C": 0.3}, keywords_as="block", keywords_weight=weight, **changes
    )


GRID: dict[str, tuple[dict, float]] = {
    "svm": _variant(),
    # The previous round's defaults: keywords read as words of the text.
    "svm-C0.3": _variant(classifier_options={"C": 0.3}),
    "svm-C0.3-nokw": _variant(classifier_options={"C": 0.3}, keywords=False),
    # The keywords as a block of features of their own (one per heading), at three
    # weights beside the text's (1).
    "svm-C0.3-kw0.2": _block(0.2),
    "svm-C0.3-kw0.3": _block(0.3),
    "svm-C0.3-kw0.5": _block(0.5),
    # The block's weight chosen per review among 0, 0.3 and 0.5 by cross-validated AUC on
    # its labelled records (keywords_weight: auto): the highest mean, or the smallest
    # weight within one standard error of it.
    "svm-C0.3-kwauto": _block("auto"),
    "svm-C0.3-kwauto-1se": _block("auto", keywords_auto={"rule": "one-se"}),
    # The block's weight chosen before any label from how alike the records' keywords are
    # (keywords_weight: similarity): 0.5 where their mean pairwise cosine similarity is at
    # most 0.0828, no block where it is higher.
    "svm-C0.3-kwsim": _block("similarity"),
}
#: Settings measured in earlier rounds and left out of this one's grid (2 seeds each, in
#: docs/prioritisation.md): C = 1 (with and without keywords), class ratio 30, rescaled
#: weights, no keywords at C = 0.11, min_df 2, the SVM + naive Bayes ensemble, max-random.


def shared_dir() -> Path:
    import os

    env = os.environ.get("EVIDENCEKIT_SHARED")
    return Path(env) if env else REPO.parent / "shared"


def labelled_sets(root: Path) -> list[Path]:
    found = sorted(p for p in root.rglob("*.csv*") if p.suffix in {".csv", ".gz"})
    usable = []
    for path in found:
        opener = gzip.open if path.suffix == ".gz" else open
        with opener(path, "rt", encoding="utf-8-sig") as handle:
            header = handle.readline().lower()
        if "title" in header and "label_included" in header:
            usable.append(path)
        else:
            print(f"skipped {path.relative_to(root)}: no title/abstract text to learn from")
    return usable


def set_name(path: Path) -> str:
    return path.name.removesuffix(".gz").removesuffix(".csv")


def warm_up() -> None:
    """Import what a simulation imports lazily, so no run's time includes the imports
    (ASReview's in-process time excludes its own too)."""
    import scipy.stats  # noqa: F401 - the hypergeometric rule
    import sklearn.feature_extraction.text  # noqa: F401
    import sklearn.linear_model  # noqa: F401
    import sklearn.naive_bayes  # noqa: F401
    import sklearn.svm  # noqa: F401


def settings_key(options: dict, lag: float, defaults: dict) -> str:
    """Every setting a run depends on, as text: equal keys, equal runs."""
    return json.dumps([{**defaults, **options}, lag], sort_keys=True)


def run_ours(data, registry, seed: int, options: dict, lag: float, load_seconds: float):
    from evidencekit.core.simulation import simulate

    cpu = time.process_time()
    result = simulate(data, registry, seed=seed, model_options=options, retrain_lag=lag)
    cpu = time.process_time() - cpu
    hyper = next((p for p in result.stopping if p["rule"] == "hypergeometric"), None)
    return {
        **result.metrics,
        "seconds": result.seconds + load_seconds,
        "cpu_seconds": cpu,
        "hyper_recall": hyper["recall"] if hyper else None,
        "order": result.order,
    }


def whole_command(path: Path, seed: int) -> tuple[float, list[int]]:
    """``evidencekit simulate PATH --json`` (defaults, 1 + 1 priors) in a fresh process:
    its wall time and its order."""
    exe = Path(sys.executable).with_name("evidencekit")
    started = time.perf_counter()
    done = subprocess.run(
        [str(exe), "simulate", str(path), "--prior-included", "1", "--prior-excluded", "1"]
        + ["--seed", str(seed), "--json"],
        check=True,
        capture_output=True,
        text=True,
    )
    return time.perf_counter() - started, json.loads(done.stdout)["order"]


def _plain_csv(path: Path, tmp: str) -> Path:
    csv_path = Path(tmp) / f"{set_name(path)}.csv"
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as src, open(csv_path, "wb") as dst:
        shutil.copyfileobj(src, dst)
    return csv_path


def asreview_inprocess(path: Path, cached: dict, exe: Path) -> dict:
    """Add ASReview's in-process time (``_asreview_inprocess.py``) to a cached run, once."""
    if "inprocess_seconds" in cached:
        return cached
    with tempfile.TemporaryDirectory() as tmp:
        csv_path = _plain_csv(path, tmp)
        done = subprocess.run(
            [str(exe.resolve().with_name("python")), str(DRIVER)]
            + [str(csv_path), str(cached["seed"]), *map(str, cached["priors"])],
            cwd=tmp,  # ASReview leaves a synergy_cache.sqlite in its working directory
            check=True,
            capture_output=True,
            text=True,
        )
    measured = json.loads(done.stdout.strip().splitlines()[-1])
    if measured["order"] != cached["order"]:
        raise SystemExit(f"{path}: ASReview in-process labelled in another order than its command")
    cached["inprocess_seconds"] = measured["seconds"]
    cached["inprocess_cpu"] = measured["cpu"]
    cache = OUT / "asreview" / f"{set_name(path)}-seed{cached['seed']}.json"
    cache.write_text(json.dumps(cached), "utf-8")
    return cached


def asreview_order(path: Path, priors: list[int], seed: int, exe: Path) -> dict:
    """Run (or read from the cache) one ASReview simulation; return its order and time."""
    cache = OUT / "asreview" / f"{set_name(path)}-seed{seed}.json"
    if cache.exists():
        cached = json.loads(cache.read_text("utf-8"))
        if cached.get("priors") == priors:
            return cached
    with tempfile.TemporaryDirectory() as tmp:
        csv_path = _plain_csv(path, tmp)
        project = Path(tmp) / "sim.asreview"
        started = time.perf_counter()
        subprocess.run(
            [
                str(exe.resolve()),
                "simulate",
                str(csv_path),
                "--prior-idx",
                *map(str, priors),
                "--seed",
                str(seed),
                "-o",
                str(project),
            ],
            cwd=tmp,  # ASReview leaves a synergy_cache.sqlite in its working directory
            check=True,
            capture_output=True,
        )
        seconds = time.perf_counter() - started
        with zipfile.ZipFile(project) as archive:
            archive.extract("results.db", tmp)
        con = sqlite3.connect(Path(tmp) / "results.db")
        rows = con.execute(
            "SELECT r.dataset_row FROM results s JOIN record r "
            "ON r.record_id = s.record_id ORDER BY s.rowid"
        ).fetchall()
        con.close()
    result = {
        "priors": priors,
        "seed": seed,
        "order": [int(r[0]) for r in rows],
        "seconds": seconds,
    }
    cache.parent.mkdir(parents=True, exist_ok=True)
    cache.write_text(json.dumps(result), "utf-8")
    return result


def _log(row: dict) -> None:
    """One line per run in benchmarks/out/screening-runs.jsonl, so a long run that is
    stopped still leaves its figures."""
    OUT.mkdir(parents=True, exist_ok=True)
    with (OUT / "screening-runs.jsonl").open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(row) + "\n")


def score_order(order: list[int], labels: list[int]) -> dict:
    """Metrics of a (possibly partial) order: records never reached are all irrelevant
    (ASReview stops after the last relevant one), so they are appended in dataset order."""
    from evidencekit.core.screening_metrics import summary

    seen = set(order)
    full = list(order) + [i for i in range(len(labels)) if i not in seen]
    return summary([labels[i] for i in full])


def mean(values) -> float:
    values = [v for v in values if v is not None]
    return statistics.fmean(values) if values else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--asreview", type=Path, default=DEFAULT_ASREVIEW)
    parser.add_argument("--no-asreview", action="store_true")
    parser.add_argument(
        "--no-whole", action="store_true", help="skip our whole-command (fresh process) runs"
    )
    parser.add_argument("--loso", action="store_true", help="also run the grid, leave-one-out")
    parser.add_argument("--only", default="", help="comma-separated set names")
    parser.add_argument(
        "--configs", default="", help="with --loso: only these grid settings (comma-separated)"
    )
    parser.add_argument(
        "--first-seed",
        type=int,
        default=0,
        help="run seeds from this one to --seeds - 1 (earlier seeds already logged)",
    )
    parser.add_argument(
        "--asreview-only",
        action="store_true",
        help="only fill the ASReview cache (benchmarks/out/asreview/)",
    )
    parser.add_argument(
        "--grid-only",
        action="store_true",
        help="run only the --loso grid's other settings (log them)",
    )
    parser.add_argument(
        "--report",
        action="store_true",
        help="no runs: report from benchmarks/out/screening-runs.jsonl",
    )
    parser.add_argument(
        "--grid-seeds",
        type=int,
        default=2,
        help="seeds per set for the --loso grid (the first N of --seeds)",
    )
    args = parser.parse_args()

    from evidencekit.core.labelled import read_labelled
    from evidencekit.core.registry import build_registry
    from evidencekit.core.simulation import DEFAULT_RETRAIN_LAG, choose_priors
    from evidencekit.plugins.screeners.active_learning.screener import DEFAULTS

    if args.report:
        report_from_log(args, DEFAULTS)
        return
    registry = build_registry()
    warm_up()
    sets = labelled_sets(shared_dir() / "datasets" / "screening")
    if args.only:
        sets = [s for s in sets if set_name(s) in args.only.split(",")]
    # "default" first: it is the one also run as a whole command. A grid setting equal to
    # the defaults shares its runs.
    configs = {} if args.grid_only else {"default": ({}, DEFAULT_RETRAIN_LAG)}
    if args.loso:
        wanted = [c for c in args.configs.split(",") if c]
        unknown = sorted(set(wanted) - set(GRID))
        if unknown:
            raise SystemExit(f"unknown grid settings {unknown}; the grid has {sorted(GRID)}")
        configs.update({c: v for c, v in GRID.items() if not wanted or c in wanted})
    rows: dict[str, dict[str, list[dict]]] = {}
    for path in sets:
        name = set_name(path)
        started = time.perf_counter()
        data = read_labelled(path, registry)
        load = time.perf_counter() - started
        rows[name] = {}
        for seed in range(args.first_seed, args.seeds):
            priors = choose_priors(data.labels, 1, 1, seed)
            done: dict[str, dict] = {}  # the same settings under two names run once
            for config, (options, lag) in configs.items():
                if args.asreview_only or (config != "default" and seed >= args.grid_seeds):
                    continue
                key = settings_key(options, lag, DEFAULTS)
                if key not in done:
                    done[key] = run_ours(data, registry, seed, options, lag, load)
                    if config == "default" and not args.no_whole:
                        whole, order = whole_command(path, seed)
                        if order != done[key]["order"]:
                            raise SystemExit(f"{name} seed {seed}: the command's order differs")
                        done[key]["whole_seconds"] = whole
                    done[key].pop("order")
                _log({"set": name, "seed": seed, "config": config, **done[key]})
                rows[name].setdefault(config, []).append({**done[key], "seed": seed})
            if not args.no_asreview:
                asr = asreview_order(path, priors, seed, args.asreview)
                if not args.asreview_only:
                    asr = asreview_inprocess(path, asr, args.asreview)
                rows[name].setdefault("asreview", []).append(
                    {
                        **score_order(asr["order"], data.labels),
                        "seed": seed,
                        "seconds": asr.get("inprocess_seconds"),
                        "cpu_seconds": asr.get("inprocess_cpu"),
                        "whole_seconds": asr["seconds"],
                    }
                )
                _log(
                    {"set": name, "seed": seed, "config": "asreview", **rows[name]["asreview"][-1]}
                )
            print(f"  {name} seed {seed} done", file=sys.stderr, flush=True)
    if args.grid_only:
        print("grid runs logged in benchmarks/out/screening-runs.jsonl; see --report")
    elif not args.asreview_only:
        report(rows, configs, args, DEFAULTS)


def report(rows: dict, configs: dict, args, defaults: dict) -> None:
    print(f"\nDefaults: {json.dumps(defaults)}; {args.seeds} seeds, 1 + 1 priors")
    print(
        "Mean seconds per simulation. 'sim': in a running process (file read, features, "
        "every retrain), wall and CPU (process time, which the load of other work on the "
        "machine inflates less); 'cmd': the whole command in a fresh process, wall. "
        "ratio = ours / ASReview.\n"
    )
    head = f"{'set':<20}{'n':>6}{'incl':>5} {'WSS@95 ours':>12}{'ASR':>7}{'diff':>6}"
    head += f" {'R@10 ours':>10}{'ASR':>7} | {'sim ours':>8}{'ASR':>6}{'ratio':>6}"
    head += f" | {'cpu ours':>8}{'ASR':>6}{'ratio':>6} | {'cmd ours':>8}{'ASR':>6}{'ratio':>6}"
    print(head)
    diffs, ours_all, asr_all, ratios = [], [], [], {"sim": [], "cpu": [], "cmd": []}
    for name, by in rows.items():
        o, a = by["default"], by.get("asreview", [])
        w_o, w_a = mean(r["wss_95"] for r in o), mean(r["wss_95"] for r in a)
        diffs.append(w_o - w_a)
        ours_all.append(w_o)
        asr_all.append(w_a)
        cells = []
        for kind, key in (("sim", "seconds"), ("cpu", "cpu_seconds"), ("cmd", "whole_seconds")):
            t_o, t_a = mean(r.get(key) for r in o), mean(r.get(key) for r in a)
            ratios[kind].append(t_o / t_a)
            cells.append(f"{t_o:>8.2f}{t_a:>6.2f}{t_o / t_a:>6.2f}")
        print(
            f"{name:<20}{o[0]['n']:>6}{o[0]['n_included']:>5} {100 * w_o:>11.1f}%"
            f"{100 * w_a:>6.1f}%{100 * (w_o - w_a):>+6.1f} "
            f"{100 * mean(r['recall_at_10pct'] for r in o):>9.1f}%"
            f"{100 * mean(r['recall_at_10pct'] for r in a):>6.1f}% | " + " | ".join(cells)
        )
    print(
        f"{'mean':<31}{100 * mean(ours_all):>11.1f}%{100 * mean(asr_all):>6.1f}%"
        f"{100 * mean(diffs):>+6.1f}   worst {100 * min(diffs):+.1f}"
        + "".join(f"   max {k} ratio {max(v):.2f}" for k, v in ratios.items())
    )
    runs = [r for by in rows.values() for r in by["default"]]
    hits = [r["hyper_recall"] for r in runs if r["hyper_recall"] is not None]
    ok = sum(1 for v in hits if v >= 0.95 - 1e-12)
    print(
        f"\nhypergeometric rule (recall 95 %, confidence 95 %): fired in {len(hits)} of "
        f"{len(runs)} runs; recall >= 95 % when it fired in {ok} of {len(hits)} "
        f"({100 * ok / max(len(hits), 1):.0f} %; the rule promises at least 95 %)"
    )
    if len(configs) > 1:
        loso(rows, configs)


def report_from_log(args, defaults: dict) -> None:
    """Rebuild the tables from the per-run log (runs of several processes together)."""
    from evidencekit.core.simulation import DEFAULT_RETRAIN_LAG

    # A later row of the same set, setting and seed replaces an earlier one: a rerun (the
    # results are the same; the times are the later run's), or ASReview's in-process time
    # added to a run first logged by --asreview-only.
    latest: dict[tuple, dict] = {}
    for line in (OUT / "screening-runs.jsonl").read_text("utf-8").splitlines():
        row = json.loads(line)
        latest[row["set"], row["config"], row["seed"]] = row
    rows: dict[str, dict[str, list[dict]]] = {}
    ours = {(name, seed) for name, config, seed in latest if config == "default"}
    if not ours:
        # Only --grid-only runs logged: the grid's table and leave-one-set-out, with
        # ASReview on the grid's seeds.
        grid_only = {(name, seed) for name, config, seed in latest if config in GRID}
        for (name, config, seed), row in sorted(latest.items()):
            if (config in GRID or config == "asreview") and (name, seed) in grid_only:
                rows.setdefault(name, {}).setdefault(config, []).append(row)
        seeds = sorted({seed for _, seed in grid_only})
        print(f"Grid only (no runs of the defaults logged); seeds {seeds}, 1 + 1 priors")
        loso(rows, {c: None for c in GRID if all(by.get(c) for by in rows.values())})
        return
    for (name, config, seed), row in sorted(latest.items()):
        if config == "asreview" and (name, seed) not in ours:
            continue  # compared on the seeds both ran (ASReview's cache may hold more)
        rows.setdefault(name, {}).setdefault(config, []).append(row)
    seeds = min(len(by.get("default", [])) for by in rows.values())
    args.seeds = seeds
    # A grid setting equal to the defaults (left out of --grid-only runs) is the defaults'
    # runs on the grid's seeds.
    grid_seeds = {
        r["seed"]
        for by in rows.values()
        for c, rs in by.items()
        if c not in ("default", "asreview")
        for r in rs
    }
    default_key = settings_key({}, DEFAULT_RETRAIN_LAG, defaults)
    for c, v in GRID.items():
        if settings_key(*v, defaults) == default_key:
            for by in rows.values():
                by.setdefault(c, [r for r in by.get("default", []) if r["seed"] in grid_seeds])
    names = {c for by in rows.values() for c in by} - {"asreview"}
    configs = {c: None for c in sorted(names)}
    complete = [c for c in configs if all(by.get(c) for by in rows.values())]
    report(rows, {c: None for c in complete}, args, defaults)


#: A setting may cost at most this much more CPU than elas_u4's ("svm"), summed over the
#: sets, to be chosen as the default: elas_u4's settings sit at the time target on the
#: largest set, which dominates the sum (the small sets' half-second runs are too noisy
#: under the shared load to compare one by one).
SLOWER_AT_MOST = 1.10


def loso(rows: dict, configs: dict) -> None:
    names = list(rows)
    grid = [c for c in configs if c != "default"]
    table = {c: {s: mean(r["wss_95"] for r in rows[s][c]) for s in names} for c in grid}
    cpu = {c: {s: mean(r["cpu_seconds"] for r in rows[s][c]) for s in names} for c in grid}
    print("\nGrid, mean WSS@95 per set, and CPU summed over the sets relative to 'svm':")
    print(f"{'config':<18}" + "".join(f"{s[:10]:>11}" for s in names) + f"{'mean':>8}{'CPU':>7}")
    slower = {}
    for c in grid:
        slower[c] = sum(cpu[c].values()) / sum(cpu["svm"].values()) if "svm" in cpu else 1.0
        print(
            f"{c:<18}"
            + "".join(f"{100 * table[c][s]:>10.1f}%" for s in names)
            + f"{100 * mean(table[c].values()):>7.1f}%{slower[c]:>6.2f}x"
        )
    # ASReview on the grid's seeds (the seeds each set's grid ran), where it ran.
    asr: dict[str, float] = {}
    for s in names:
        grid_seeds = {r["seed"] for c in grid for r in rows[s][c]}
        runs = [r for r in rows[s].get("asreview", []) if r["seed"] in grid_seeds]
        if {r["seed"] for r in runs} == grid_seeds:
            asr[s] = mean(r["wss_95"] for r in runs)
    if len(asr) == len(names):
        print(
            f"{'asreview':<18}"
            + "".join(f"{100 * asr[s]:>10.1f}%" for s in names)
            + f"{100 * mean(asr.values()):>7.1f}%"
        )
    fast = [c for c in grid if slower[c] <= SLOWER_AT_MOST]
    for label, candidates in (("every setting", grid), ("settings within the time", fast)):
        held = []
        print(f"\nLeave-one-set-out among {label} (chosen on the other sets → this one):")
        for s in names:
            best = max(candidates, key=lambda c: mean(table[c][t] for t in names if t != s))
            held.append(table[best][s])
            vs = f"  ASReview {100 * asr[s]:.1f}%  {100 * (table[best][s] - asr[s]):+.1f}"
            print(f"  {s:<22} {best:<20} {100 * table[best][s]:.1f}%" + (vs if s in asr else ""))
        line = f"  mean held-out WSS@95: {100 * mean(held):.1f}%"
        if len(asr) == len(names):
            diffs = [h - asr[s] for h, s in zip(held, names, strict=True)]
            line += (
                f"  (ASReview {100 * mean(asr.values()):.1f}%: {100 * mean(diffs):+.1f};"
                f" worst set {100 * min(diffs):+.1f})"
            )
        print(line)


if __name__ == "__main__":
    main()
