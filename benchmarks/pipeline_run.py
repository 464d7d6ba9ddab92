"""How long `evidencekit run` takes on the worked example from a fresh clone, and again
with nothing changed.

    python benchmarks/pipeline_run.py [--repeat 5] [--ref HEAD]

Each round clones the repository's committed files (``git clone`` of this repository at
``--ref``, so no store, outputs, bytecode or other untracked files), then times, in a child
process, exactly what the README's Quick start runs:

    evidencekit run --review <clone>/docs/examples/peer-support

(the ``evidencekit`` script of the running interpreter's environment: interpreter start-up
included), then the same command again with nothing changed (every step skipped). The
clone itself is not timed. The code that runs is the clone's, as after ``pip install -e``
of the clone: its packages are mapped to the clone's folders (``package-dir`` of
pyproject.toml, through a path entry put first), so the first run compiles evidencekit's
modules as a fresh clone's first run does, and the re-run finds their bytecode. The
dependencies are the environment's, installed and byte-compiled, with matplotlib's font
cache as it is (a fresh clone touches neither; the font cache is built once per user, on
the first matplotlib import after installing). ``PYTHONDONTWRITEBYTECODE`` is taken out of
the children's environment (Python's default) unless ``--no-bytecode`` asks for every run
to compile evidencekit from source.

Prints, for the fresh run and the re-run, the wall-clock seconds (min and median over the
rounds) and the child's user+sys CPU seconds (min and median), and the machine's load. On
a shared machine the wall-clock time exceeds the CPU time whenever other work holds the
cores; the CPU time is the steadier figure, the wall-clock time is the target's.
Targets (issue 14): fresh < 5 s on 2 cores; nothing changed < 1 s.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = Path("docs") / "examples" / "peer-support"


def timed(args: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall seconds, user+sys CPU seconds of the child) of one command."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(args, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        sys.exit(f"{' '.join(args)} failed ({done.returncode}):\n{done.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def clone_code(clone: Path, site: Path) -> None:
    """Make ``site`` a path entry whose ``evidencekit`` package is the clone's code (the
    folders pyproject.toml's ``package-dir`` names), as an editable install of it is."""
    import tomllib

    config = tomllib.loads((clone / "pyproject.toml").read_text(encoding="utf-8"))
    package = site / "evidencekit"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("")  # a regular package: found before the install
    for name, folder in config["tool"]["setuptools"]["package-dir"].items():
        (package / name.split(".", 1)[1]).symlink_to(clone / folder, target_is_directory=True)


def command() -> list[str]:
    """The environment's ``evidencekit`` script, as a user types it (else ``-m``)."""
    script = Path(sys.executable).parent / "evidencekit"
    if script.is_file():
        return [str(script)]
    return [sys.executable, "-m", "evidencekit.core"]


def describe(label: str, rounds: list[tuple[float, float]], target: float) -> str:
    walls = [r[0] for r in rounds]
    cpus = [r[1] for r in rounds]
    return (
        f"{label:>24}: wall min {min(walls):5.2f} s, median {statistics.median(walls):5.2f} s"
        f" | user+sys CPU min {min(cpus):5.2f} s, median {statistics.median(cpus):5.2f} s"
        f"  ({len(rounds)} rounds; target < {target:g} s)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5, help="rounds (default 5)")
    parser.add_argument("--ref", default="HEAD", help="commit to clone (default HEAD)")
    parser.add_argument("--verbose", action="store_true", help="print every round")
    parser.add_argument(
        "--no-bytecode",
        action="store_true",
        help="PYTHONDONTWRITEBYTECODE=1 for the runs: evidencekit compiled from source each time",
    )
    args = parser.parse_args()
    ref = subprocess.run(
        ["git", "-C", str(REPO), "rev-parse", "--verify", f"{args.ref}^{{commit}}"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    dirty = subprocess.run(
        ["git", "-C", str(REPO), "status", "--porcelain", "--untracked-files=no"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    run = [*command(), "run", "--review"]
    env = {**os.environ, "NO_COLOR": "1"}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    if args.no_bytecode:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    where = ""
    pythonpath = [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p]
    fresh: list[tuple[float, float]] = []
    again: list[tuple[float, float]] = []
    for index in range(args.repeat):
        tmp = Path(tempfile.mkdtemp(prefix="evidencekit-bench-"))
        try:
            clone = tmp / "evidencekit"
            subprocess.run(
                ["git", "clone", "--quiet", "--no-checkout", str(REPO), str(clone)], check=True
            )
            subprocess.run(["git", "-C", str(clone), "checkout", "--quiet", ref], check=True)
            clone_code(clone, tmp / "site")
            child_env = {**env, "PYTHONPATH": os.pathsep.join([str(tmp / "site"), *pythonpath])}
            if not where:
                where = subprocess.run(
                    [sys.executable, "-B", "-c", "import evidencekit.core as c; print(c.__file__)"],
                    env=child_env,
                    capture_output=True,
                    text=True,
                    check=True,
                ).stdout.strip()
                if not where.startswith(str(tmp)):
                    sys.exit(f"the clone's code is not the one imported: {where}")
            review = clone / EXAMPLE
            fresh.append(timed([*run, str(review)], child_env))
            again.append(timed([*run, str(review)], child_env))
            if args.verbose:
                print(
                    f"round {index + 1}: fresh {fresh[-1][0]:.2f} s wall {fresh[-1][1]:.2f} s "
                    f"CPU; re-run {again[-1][0]:.2f} s wall {again[-1][1]:.2f} s CPU"
                )
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    print(
        f"clone of {ref[:12]}"
        + (" (the working tree's uncommitted changes are not in it)" if dirty else "")
        + f"; its code runs ({where.split('evidencekit-bench-')[-1]}); bytecode "
        + ("not written (--no-bytecode)" if args.no_bytecode else "written on the first run")
    )
    print(
        f"machine: {os.cpu_count()} CPU(s), load average now "
        f"{', '.join(f'{x:.2f}' for x in os.getloadavg())}"
    )
    print(describe("fresh clone, first run", fresh, 5.0))
    print(describe("re-run, nothing changed", again, 1.0))


if __name__ == "__main__":
    main()
