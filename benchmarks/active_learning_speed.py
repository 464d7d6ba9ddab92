"""Time of one retrain-and-rank of the active-learning screener at 10,000 records.

Run by hand: ``python benchmarks/active_learning_speed.py [--records 10000]``.

The records are real titles and abstracts: every labelled screening set in
../shared/datasets/screening/ pooled, drawn with replacement up to ``--records`` (a drawn
copy gets a serial number so no two texts are identical), with their keywords (the Cohen
sets' MeSH headings; the default features read them as a block of their own). The feature
matrix is built once (as the screener caches it); then, for several numbers of labelled
records, the median of 5 calls of ``screen`` (retrain on the labels, score every record,
order the unlabelled ones) is printed, as wall time and as CPU time of this process (on a
machine shared with other work, CPU time is what the code costs; wall time what you
waited). Target: under 1 s per retrain on 2 cores. BLAS threads are capped at 2.

``--keywords-weight auto`` times the adaptive keyword weight: also the retrain that makes a
new choice of the weight (done at sparse points; see ``_keyword_weight.py``);
``--keywords-weight similarity`` also times the labels-free choice (once per set of records).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import time
from pathlib import Path

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, "2")

REPO = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument(
        "--keywords-weight",
        default=None,
        help="the screener's keywords_weight (a number, auto or similarity; "
        "default: the defaults')",
    )
    args = parser.parse_args()
    options: dict = {}
    if args.keywords_weight is not None:
        kw = args.keywords_weight
        options["keywords_weight"] = kw if kw in ("auto", "similarity") else float(kw)

    from evidencekit.core.labelled import read_labelled
    from evidencekit.core.model import Record
    from evidencekit.core.prioritisation import RankingContext
    from evidencekit.core.registry import build_registry
    from evidencekit.plugins.screeners.active_learning.screener import ActiveLearningScreener

    shared = Path(os.environ.get("EVIDENCEKIT_SHARED", REPO.parent / "shared"))
    registry = build_registry()
    pool: list[tuple[Record, int]] = []
    for path in sorted((shared / "datasets" / "screening").rglob("*.csv.gz")):
        data = read_labelled(path, registry)
        pool.extend(zip(data.records, data.labels, strict=True))
    rng = random.Random(0)
    records, labels = [], []
    for i in range(args.records):
        record, label = rng.choice(pool)
        records.append(
            Record(title=f"{record.title} {i}", abstract=record.abstract, keywords=record.keywords)
        )
        labels.append(label)
    screener = ActiveLearningScreener()
    cache: dict = {}
    started, cpu = time.perf_counter(), time.process_time()
    screener.features(records, screener.settings(options), cache)
    print(
        f"{len(records)} records, options {options}; features (once): "
        f"{time.perf_counter() - started:.2f} s wall, {time.process_time() - cpu:.2f} s CPU"
    )
    if options.get("keywords_weight") == "similarity":
        started, cpu = time.perf_counter(), time.process_time()
        chosen = screener.similarity_weight(records, screener.settings(options), {})
        print(
            f"  keyword similarity (the unit block and its mean, from scratch): "
            f"{time.perf_counter() - started:.2f} s wall, {time.process_time() - cpu:.2f} s CPU; "
            f"{chosen}"
        )
    order = list(range(len(records)))
    rng.shuffle(order)
    for n_labelled in (100, 1_000, 5_000):
        known = {i: labels[i] for i in order[:n_labelled]}
        if len(set(known.values())) < 2:
            continue
        if options.get("keywords_weight") == "auto":
            # The retrain that makes a new choice of the keywords' weight (cross-validation
            # on the labels; the first also builds each candidate weight's matrix): timed
            # on its own, with the choices made so far dropped from the cache.
            for key in [k for k in cache if k.startswith("('keywords-weight'")]:
                del cache[key]
            started, cpu = time.perf_counter(), time.process_time()
            ranking = screener.screen(records, options, RankingContext(known, seed=0, cache=cache))
            p = ranking.parameters
            print(
                f"  {n_labelled:>5} labelled: retrain with a new choice of the keywords' weight "
                f"{time.perf_counter() - started:.3f} s wall, {time.process_time() - cpu:.3f} s "
                f"CPU (chose {p['keywords_weight_used']} with the first "
                f"{p['keywords_weight_chosen_at']} labels)"
            )
        times, cpus = [], []
        for _ in range(5):
            started, cpu = time.perf_counter(), time.process_time()
            screener.screen(records, options, RankingContext(known, seed=0, cache=cache))
            times.append(time.perf_counter() - started)
            cpus.append(time.process_time() - cpu)
        print(
            f"  {n_labelled:>5} labelled: median {statistics.median(times):.3f} s wall, "
            f"{statistics.median(cpus):.3f} s CPU per retrain and rank "
            f"(max {max(times):.3f} s wall)"
        )


if __name__ == "__main__":
    main()
