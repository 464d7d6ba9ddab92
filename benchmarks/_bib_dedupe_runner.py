"""Run bib-dedupe on one CSV and write its clusters as JSON (called by ``dedupe_accuracy.py``).

Runs inside bib-dedupe's own virtual environment (never evidencekit's: bib-dedupe
is not a project dependency), so it imports nothing from evidencekit::

    /work/bibdedupe-venv/bin/python benchmarks/_bib_dedupe_runner.py IN.csv OUT.json [CPU]

Output: ``{"clusters": [[id, ...], ...], "seconds": float, "version": str}``.
"""

from __future__ import annotations

import json
import sys
import time
from importlib.metadata import version


def main(argv: list[str]) -> int:
    import bib_dedupe.bib_dedupe as bd
    import pandas as pd

    source, target = argv[0], argv[1]
    cpu = int(argv[2]) if len(argv) > 2 else 1
    frame = pd.read_csv(source, dtype=str, keep_default_na=False)
    start = time.perf_counter()
    prepared = bd.prep(frame, verbosity_level=0, cpu=cpu)
    pairs = bd.block(prepared, verbosity_level=0, cpu=cpu)
    matched = bd.match(pairs, verbosity_level=0, cpu=cpu)
    clusters = bd.cluster(matched, verbosity_level=0)
    seconds = time.perf_counter() - start
    out = {
        "clusters": [sorted(map(str, c)) for c in clusters],
        "seconds": seconds,
        "version": version("bib-dedupe"),
    }
    with open(target, "w", encoding="utf-8") as handle:
        json.dump(out, handle)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
