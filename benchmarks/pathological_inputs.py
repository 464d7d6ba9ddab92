"""Benchmark: the pathological input shapes of issue 12 at 1, 2, 4 and 8 MB (by hand).

    python benchmarks/pathological_inputs.py [MB ...]

For each shape that used to be quadratic (RIS and MEDLINE continuation lines, a CSV
header of ~100,000 columns per MB, EndNote XML nested ever deeper, one huge BibTeX
field), builds the file in memory (tests/pathological.py), imports it once and prints
the CPU seconds, the outcome (records, or the clear error it is refused with) and the
growth per doubling, which should stay at most x2.5 (x2 is linear). Before issue 12: RIS
continuations took 28 s at 4 MB and 224 s at 8 MB; a 0.9 MB CSV header 75 s; a 0.7 MB
deep EndNote XML 43 s.
"""

from __future__ import annotations

import gc
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from pathological import SHAPES, parse  # noqa: E402

from evidencekit.core.registry import build_registry  # noqa: E402

MB = 1024 * 1024


def main(sizes: list[float]) -> None:
    registry = build_registry()
    print(f"{'shape':<22} {'MB':>4} {'CPU s':>8} {'x per doubling':>15}  outcome")
    for shape in SHAPES:
        previous = None
        for size in sizes:
            gc.collect()
            start = time.process_time()
            outcome = parse(shape, int(size * MB), registry)
            took = time.process_time() - start
            growth = f"x{took / previous:.2f}" if previous else ""
            print(f"{shape:<22} {size:>4g} {took:>8.3f} {growth:>15}  {outcome}")
            previous = max(took, 1e-3)


if __name__ == "__main__":
    main([float(a) for a in sys.argv[1:]] or [1, 2, 4, 8])
