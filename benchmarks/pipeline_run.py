"""How long `evidencekit run` takes on the worked example from a fresh clone, and again
with nothing changed.

    python benchmarks/pipeline_run.py [--repeat 5] [--ref HEAD] [--baseline COMMIT]

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
rounds) and the child's user+sys CPU seconds (min and median), and the machine's load.
``--critical-path`` runs each fresh run through ``_critical_path.py`` (the same CLI in the
same process, with the figure jobs timed) and adds its critical path: the CPU time minus
what ran beside other work, i.e. its wall-clock time on two free cores (for a commit that
draws figures beside later steps, the run replayed on two free cores, ``_two_cores.py``). On
a shared machine the wall-clock time exceeds the CPU time whenever other work holds the
cores; the CPU time is the steadier figure, the wall-clock time is the target's.
Targets (issue 14): fresh < 5 s on 2 cores; nothing changed < 1 s.
"""

from __future__ import annotations

import argparse
import json
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


def timed(args: list[str], env: dict[str, str]) -> tuple[float, float, float]:
    """(wall seconds, user+sys CPU seconds of the child, critical-path seconds) of one
    command; the critical path (see _critical_path.py) is the CPU time when the command
    does not report one."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(args, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        sys.exit(f"{' '.join(args)} failed ({done.returncode}):\n{done.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    path = cpu
    for line in done.stderr.splitlines():
        if line.startswith('{"this_process"'):
            figures = json.loads(line)
            path = figures.get("two_cores", cpu - figures["beside"])
    return wall, cpu, path


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


def describe(
    label: str, rounds: list[tuple[float, float, float]], target: float, critical: bool = False
) -> str:
    walls = [r[0] for r in rounds]
    cpus = [r[1] for r in rounds]
    line = (
        f"{label:>24}: wall min {min(walls):5.2f} s, median {statistics.median(walls):5.2f} s"
        f" | user+sys CPU min {min(cpus):5.2f} s, median {statistics.median(cpus):5.2f} s"
    )
    if critical:
        paths = [r[2] for r in rounds]
        line += (
            f" | critical path min {min(paths):5.2f} s, median {statistics.median(paths):5.2f} s"
        )
    return line + f"  ({len(rounds)} rounds; target < {target:g} s)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5, help="rounds (default 5)")
    parser.add_argument("--ref", default="HEAD", help="commit to clone (default HEAD)")
    parser.add_argument(
        "--baseline", help="another commit, timed in alternation with --ref (before/after)"
    )
    parser.add_argument("--verbose", action="store_true", help="print every round")
    parser.add_argument(
        "--critical-path",
        action="store_true",
        help="run the fresh run through _critical_path.py and print its critical path: the "
        "CPU time minus what ran beside other work, its wall-clock time on free cores",
    )
    parser.add_argument(
        "--no-bytecode",
        action="store_true",
        help="PYTHONDONTWRITEBYTECODE=1 for the runs: evidencekit compiled from source each time",
    )
    args = parser.parse_args()
    refs = [resolve(args.ref)] + ([resolve(args.baseline)] if args.baseline else [])
    dirty = subprocess.run(
        ["git", "-C", str(REPO), "status", "--porcelain", "--untracked-files=no"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    env = {**os.environ, "NO_COLOR": "1"}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    if args.no_bytecode:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    rounds: dict[str, tuple[list, list]] = {ref: ([], []) for ref in refs}
    for index in range(args.repeat):
        # with --baseline the two alternate, so both see the same changing load
        for ref in refs if index % 2 == 0 else refs[::-1]:
            fresh, again = one_round(ref, env, args.critical_path)
            rounds[ref][0].append(fresh)
            rounds[ref][1].append(again)
            if args.verbose:
                print(
                    f"round {index + 1} {ref[:12]}: fresh {fresh[0]:.2f} s wall {fresh[1]:.2f} s"
                    f" CPU; re-run {again[0]:.2f} s wall {again[1]:.2f} s CPU"
                )
    print(
        "the clone's code runs (as an editable install of it); bytecode "
        + ("not written (--no-bytecode)" if args.no_bytecode else "written on the first run")
        + ("; the working tree's uncommitted changes are not in the clone" if dirty else "")
    )
    print(
        f"machine: {os.cpu_count()} CPU(s), load average now "
        f"{', '.join(f'{x:.2f}' for x in os.getloadavg())}"
    )
    for ref in refs:
        label = "baseline " if ref != refs[0] else ""
        print(f"{label}clone of {ref[:12]}:")
        print(describe("fresh clone, first run", rounds[ref][0], 5.0, args.critical_path))
        print(describe("re-run, nothing changed", rounds[ref][1], 1.0))


def resolve(ref: str) -> str:
    """The full commit hash ``ref`` names in this repository."""
    return subprocess.run(
        ["git", "-C", str(REPO), "rev-parse", "--verify", f"{ref}^{{commit}}"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()


def one_round(ref: str, env: dict[str, str], critical: bool = False) -> tuple[tuple, tuple]:
    """Clone ``ref`` afresh; time the first run of the worked example, then the re-run."""
    tmp = Path(tempfile.mkdtemp(prefix="evidencekit-bench-"))
    try:
        clone = tmp / "evidencekit"
        subprocess.run(
            ["git", "clone", "--quiet", "--no-checkout", str(REPO), str(clone)], check=True
        )
        subprocess.run(["git", "-C", str(clone), "checkout", "--quiet", ref], check=True)
        clone_code(clone, tmp / "site")
        pythonpath = [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p]
        child_env = {**env, "PYTHONPATH": os.pathsep.join([str(tmp / "site"), *pythonpath])}
        where = subprocess.run(
            [sys.executable, "-B", "-c", "import evidencekit.core as c; print(c.__file__)"],
            env=child_env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        if not where.startswith(str(tmp)):
            sys.exit(f"the clone's code is not the one imported: {where}")
        run = [*command(), "run", "--review", str(clone / EXAMPLE)]
        first = [sys.executable, str(Path(__file__).with_name("_critical_path.py"))]
        first = [*first, str(clone / EXAMPLE)] if critical else run
        return timed(first, child_env), timed(run, child_env)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
