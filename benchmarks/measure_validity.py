"""How long reading, scoring and the validity analyses take for a large rating exercise.

Run: python benchmarks/measure_validity.py [UNITS] [RATERS]
Prints seconds per step for UNITS units (default 500) each rated by RATERS raters
(default 2) on the shipped 8-item Implementation Measure. Nothing is asserted.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from evidencekit.core.instruments import build_catalog
from evidencekit.core.measure import read_ratings, read_units, run_validity
from evidencekit.core.registry import build_registry


def main() -> None:
    n_units = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    n_raters = int(sys.argv[2]) if len(sys.argv) > 2 else 2
    rng = np.random.default_rng(1)
    measure = build_catalog().get("peer-support-implementation-measure", kind="measure")
    registry = build_registry()
    folder = Path(tempfile.mkdtemp())
    experience = rng.random(n_units) < 0.5
    latent = rng.normal(1.2 + 0.5 * experience, 0.6)
    lines = ["unit,rater," + ",".join(str(i) for i in range(1, 9))]
    for u in range(n_units):
        for r in range(n_raters):
            scores = np.clip(np.round(latent[u] + rng.normal(0, 0.7, 8)), 0, 3).astype(int)
            lines.append(f"site{u},rater{r}," + ",".join(map(str, scores)))
    (folder / "ratings.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    units = ["unit,psw_experience,income"] + [
        f"site{u},{'yes' if experience[u] else 'no'},{rng.choice(['low', 'lower-middle', 'high'])}"
        for u in range(n_units)
    ]
    (folder / "units.csv").write_text("\n".join(units) + "\n", encoding="utf-8")

    t0 = time.perf_counter()
    ratings = read_ratings(folder / "ratings.csv", measure)
    unit_table = read_units(folder / "units.csv")
    t1 = time.perf_counter()
    _ = ratings.scores
    t2 = time.perf_counter()
    print(f"{n_units} units x {n_raters} raters ({n_units * n_raters * 8} ratings)")
    print(f"  read + validate   {t1 - t0:.3f} s")
    print(f"  score             {t2 - t1:.3f} s")
    analyses = [
        ("floor-ceiling", {}),
        ("known-groups", {"attribute": "psw_experience", "expect": "differ", "higher": "yes"}),
        # income has three levels: every level compared (permutation F test), then pooled
        ("known-groups", {"attribute": "income", "expect": "similar"}),
        (
            "known-groups",
            {
                "attribute": "income",
                "expect": "similar",
                "test": "mann-whitney",
                "groups": {"lmic": ["low", "lower-middle"], "hic": ["high"]},
            },
        ),
        ("internal-consistency", {}),
        ("inter-rater", {"per_item": True}),
    ]
    for name, options in analyses:
        start = time.perf_counter()
        result = run_validity(measure, ratings, unit_table, [(name, options)], registry)
        entry = result["analyses"][0]
        print(f"  {name:21} {time.perf_counter() - start:.3f} s   {entry['verdict'][:70]}…")


if __name__ == "__main__":
    main()
