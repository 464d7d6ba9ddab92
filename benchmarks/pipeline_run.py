"""How long `evidencekit run` takes on the worked example: from a fresh copy, and again
with nothing changed.

    python benchmarks/pipeline_run.py [--repeat 3]

Copies docs/examples/peer-support to a temporary folder without its store or outputs (as
a fresh clone has it), runs ``evidencekit run --review COPY`` in a child process (the cost
a user sees, interpreter start-up included), then runs it again with nothing changed (every
step skipped), and prints the wall-clock and CPU seconds of each (the best of --repeat
rounds). Targets: fresh < 5 s on 2 cores; nothing changed < 1 s. On a busy machine the wall
time exceeds the CPU time; both are printed.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "docs" / "examples" / "peer-support"


def timed(args: list[str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the child) of one command."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="rounds (best is reported)")
    args = parser.parse_args()
    command = [sys.executable, "-m", "evidencekit.core", "run", "--review"]
    fresh: list[tuple[float, float]] = []
    again: list[tuple[float, float]] = []
    for _ in range(args.repeat):
        with tempfile.TemporaryDirectory() as tmp:
            review = Path(tmp) / "peer-support"
            shutil.copytree(
                EXAMPLE,
                review,
                ignore=shutil.ignore_patterns("outputs", "evidencekit.sqlite*", "__pycache__"),
            )
            fresh.append(timed([*command, str(review)]))
            again.append(timed([*command, str(review)]))
    print(
        f"machine: {os.cpu_count()} CPU(s), load average "
        f"{', '.join(f'{x:.2f}' for x in os.getloadavg())}"
    )
    for label, rounds, target in (
        ("fresh run", fresh, 5.0),
        ("re-run, nothing changed", again, 1.0),
    ):
        wall = min(r[0] for r in rounds)
        cpu = min(r[1] for r in rounds)
        print(
            f"{label:>24}: {wall:6.2f} s wall, {cpu:6.2f} s CPU (best of {len(rounds)}; "
            f"target < {target:g} s)"
        )


if __name__ == "__main__":
    main()
