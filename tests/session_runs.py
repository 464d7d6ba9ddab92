"""The worked example run once for the whole test session, in the background.

Two fixtures hold a full ``evidencekit run``: ``worked_example_run`` (the worked example as
shipped) and ``ran_review`` (the report tests' review, see ``report_review.build``). Each
costs a whole pipeline run (~8-10 s of CPU). Built inside a test they were built once per
xdist worker (twice each on two cores), and the worker that needed one first sat idle
while building it. Instead, as soon as a worker has collected the tests and sees one that
needs a run, it starts the run in a background process shared by every worker of the
session (the first to claim it starts it); the workers go on with other tests, and a
fixture waits only for whatever of its run is left. With ``-n 0`` the same happens in the
one process.

The root conftest loads this module as a plugin (``pytest_plugins``).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

#: How long a fixture waits for its run before failing (a run takes ~10 s idle).
WAIT_SECONDS = 600

#: The session runs: fixture name -> folder name in the shared directory.
RUNS = {"worked_example_run": "peer-support", "ran_review": "review"}

_started: list[subprocess.Popen] = []


@dataclass(frozen=True)
class RunResult:
    """What the tests read of a CliRunner result, carried across processes."""

    exit_code: int
    stdout: str
    output: str


def _shared_directory(config: pytest.Config) -> Path:
    """A directory every worker of this session shares (pytest's own temporary base)."""
    base = config._tmp_path_factory.getbasetemp()  # noqa: SLF001  (the fixture's factory)
    # Under xdist each worker's base is <session base>/popen-gwN; the parent is shared.
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    folder = shared / "session-runs"
    folder.mkdir(exist_ok=True)
    return folder


def _start(config: pytest.Config, name: str) -> None:
    """Start the background run ``name`` unless another worker has claimed it."""
    shared = _shared_directory(config)
    try:
        os.close(os.open(shared / f"{name}.claimed", os.O_CREAT | os.O_EXCL | os.O_WRONLY))
    except FileExistsError:
        return
    here = Path(__file__).resolve().parent
    _started.append(
        subprocess.Popen(
            [sys.executable, str(here / "session_runs.py"), name, str(shared)],
            cwd=here,
            stdout=subprocess.DEVNULL,
            stderr=(shared / f"{name}.stderr").open("wb"),
        )
    )


def pytest_collection_finish(session: pytest.Session) -> None:
    # After -m/-k deselection, so a run is started only when a selected test needs it.
    if session.config.option.collectonly:
        return
    needed = {name for item in session.items for name in getattr(item, "fixturenames", ())}
    for name in RUNS:
        if name in needed:
            _start(session.config, name)


def pytest_unconfigure(config: pytest.Config) -> None:
    for process in _started:  # reap them (they end on their own)
        process.wait()


def _wait(config: pytest.Config, name: str) -> tuple[Path, RunResult]:
    _start(config, name)  # a fixture asked for outside the collected items (-p, a plugin)
    shared = _shared_directory(config)
    done = shared / f"{name}.json"
    deadline = time.monotonic() + WAIT_SECONDS
    while not done.exists():
        if time.monotonic() > deadline:
            stderr = (shared / f"{name}.stderr").read_text("utf-8", "replace")
            pytest.fail(f"the session's {name} did not finish in {WAIT_SECONDS} s:\n{stderr}")
        time.sleep(0.05)
    data = json.loads(done.read_text("utf-8"))
    if "error" in data:
        pytest.fail(f"building the session's {name} failed:\n{data['error']}")
    return shared / RUNS[name], RunResult(data["exit_code"], data["stdout"], data["output"])


@pytest.fixture(scope="session")
def worked_example_run(pytestconfig) -> tuple[Path, RunResult]:
    """The worked example (docs/examples/peer-support) run once for the whole session:
    (its folder, the result of ``evidencekit run --json``: exit_code, stdout, output).

    The slowest tests share it instead of each running the pipeline again; a test that
    changes the folder must work on a copy (``copy_example(tmp_path / "x", folder)``).
    """
    return _wait(pytestconfig, "worked_example_run")


@pytest.fixture(scope="session")
def ran_review(pytestconfig) -> Path:
    """The worked example, with "Author Year" labels and hostile text, run end to end once
    (``report_review.build``)."""
    folder, result = _wait(pytestconfig, "ran_review")
    assert result.exit_code == 0, result.output
    return folder


def _build(name: str, shared: Path) -> dict:
    """Build the run ``name`` in ``shared``, in this (background) process."""
    from click.testing import CliRunner
    from report_review import build
    from worked_example import copy_example

    from evidencekit.core.cli import cli

    folder = shared / RUNS[name]
    if name == "ran_review":
        result = build(folder)
    else:
        copy_example(folder)
        result = CliRunner().invoke(cli, ["run", "--review", str(folder), "--json"])
    return {"exit_code": result.exit_code, "stdout": result.stdout, "output": result.output}


if __name__ == "__main__":
    import traceback

    name, shared = sys.argv[1], Path(sys.argv[2])
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    try:
        data = _build(name, shared)
    except BaseException:  # noqa: BLE001  (reported by the fixture that waits for it)
        data = {"error": traceback.format_exc()}
    partial = shared / f"{name}.json.partial"
    partial.write_text(json.dumps(data), "utf-8")
    partial.replace(shared / f"{name}.json")  # the waiting fixtures see all of it or none
