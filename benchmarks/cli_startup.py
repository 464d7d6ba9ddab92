"""How long `evidencekit --help` takes to start: median and spread of repeated runs.

Run by hand: ``python benchmarks/cli_startup.py [RUNS]``. The Foundation target is
well under 0.3 s. It also lists the slowest imports (``python -X importtime``).
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import time


def time_command(command: list[str], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 21
    exe = shutil.which("evidencekit")
    commands = {
        "python -m evidencekit.core --help": [sys.executable, "-m", "evidencekit.core", "--help"]
    }
    if exe:
        commands["evidencekit --help"] = [exe, "--help"]
    commands["python -c pass (interpreter floor)"] = [sys.executable, "-c", "pass"]
    for label, command in commands.items():
        time_command(command, 2)  # warm the file cache
        times = time_command(command, runs)
        print(
            f"{label:45s} median {statistics.median(times) * 1000:7.1f} ms   "
            f"min {min(times) * 1000:7.1f} ms   max {max(times) * 1000:7.1f} ms   (n={runs})"
        )
    out = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "evidencekit.core", "--help"],
        capture_output=True,
        text=True,
    ).stderr.splitlines()
    rows = []
    for line in out:
        if line.startswith("import time:") and "|" in line:
            parts = [p.strip() for p in line.removeprefix("import time:").split("|")]
            if parts[1].isdigit():
                rows.append((int(parts[1]), parts[2]))
    print("\nslowest imports (cumulative µs):")
    for cumulative, name in sorted(rows, reverse=True)[:12]:
        print(f"  {cumulative:8d}  {name}")


if __name__ == "__main__":
    main()
