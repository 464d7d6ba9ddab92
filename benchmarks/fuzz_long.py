"""A long fuzzing run (by hand): the CI fuzz targets with many more inputs.

    EVIDENCEKIT_SHARED=/path/to/shared python benchmarks/fuzz_long.py [--examples N]

Runs every target of tests/fuzz_targets.py (each importer on mutated real exports,
format detection, the YAML instrument and review loaders, the CSV reader) with
hypothesis for N inputs each (default 2,000), and prints per target how many inputs it
tried and how many were parsed or refused with a located error. Any other outcome is a
bug: hypothesis shrinks it and the script stops with the failing input.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from fuzz_targets import (  # noqa: E402
    csv_seeds,
    csv_target,
    import_target,
    importer_seeds,
    instrument_target,
    mutated,
    review_target,
    yaml_seeds,
)
from hypothesis import HealthCheck, given, settings  # noqa: E402

from evidencekit.core.registry import build_registry  # noqa: E402


def run(name: str, target, seeds: list[bytes], examples: int) -> Counter:
    counts: Counter = Counter()

    @settings(
        max_examples=examples, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    @given(mutated(seeds))
    def check(data: bytes) -> None:
        counts[target(data)] += 1

    start = time.perf_counter()
    check()
    took = time.perf_counter() - start
    print(
        f"{name:<28} {sum(counts.values()):>7} inputs  {counts['parsed']:>6} parsed  "
        f"{counts['refused']:>6} refused  {took:7.1f} s",
        flush=True,
    )
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--examples", type=int, default=2000, help="inputs per target")
    args = parser.parse_args()
    registry = build_registry()
    seeds = importer_seeds()
    total: Counter = Counter()
    for fmt in sorted(seeds):
        total += run(
            f"import --format {fmt}", import_target(fmt, registry), seeds[fmt], args.examples
        )
    every = [s for group in seeds.values() for s in group]
    total += run("import (format detected)", import_target(None, registry), every, args.examples)
    total += run("instrument loader", instrument_target, yaml_seeds(), args.examples)
    total += run(
        "review loader",
        review_target,
        [s for s in yaml_seeds() if b"kind: review" in s],
        args.examples,
    )
    total += run("CSV reader (csvfile)", csv_target, csv_seeds(), args.examples)
    print(
        f"{'total':<28} {sum(total.values()):>7} inputs  {total['parsed']:>6} parsed  "
        f"{total['refused']:>6} refused  (no other outcome)"
    )


if __name__ == "__main__":
    main()
