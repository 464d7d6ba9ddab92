"""Crash tests (issue 12): kill -9 an import, a de-duplication, a pipeline run and a
screening session at chosen moments; the store stays consistent, and re-running finishes
the work.

The kill points are drawn from a seeded generator, so the same moments are tried on every
run of the suite, and they are stratified: one in each part of the run (an import or a
de-duplication: start-up and reading / the write transaction / committing and finishing;
a pipeline run: its first half, where the store is written, and its second half, where the
figures are drawn and the outputs published; a screening session: just after a random
decision has committed, so the next transaction is in flight) rather than several falling
in the same part. 3 imports, 3 de-duplications, 2 pipeline runs (of one review: the second
kill is in the run made after the first), 3 screening sessions = 11 kill points. The killed
command is always a real process; re-running it to finish the work runs in-process (the
click command the subprocess runs), which is what the test checks the store for, without
paying an interpreter start-up each time.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from crash_helpers import command, store_state, write_ris
from worked_example import copy_example

from evidencekit.core.cli import cli

pytestmark = [
    pytest.mark.skipif(os.name != "posix", reason="kill -9 needs a POSIX system"),
    pytest.mark.slow,
]

RECORDS = 1500


def _review(folder: Path) -> Path:
    folder.mkdir(parents=True)
    (folder / "review.yaml").write_text(
        "kind: review\nid: crash\nversion: '1'\ntitle: Crash test\ndedupe:\n  method: fuzzy\n",
        encoding="utf-8",
    )
    return folder


def _again(review: Path, *args: str):
    """``evidencekit ARGS --review REVIEW`` run again after a kill (in-process); the result."""
    result = CliRunner().invoke(cli, [*args, "--review", str(review)])
    assert result.exit_code == 0, result.output
    return result


def _timed(args: list[str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(args, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    return time.perf_counter() - start


def _kill_at(args: list[str], delay: float) -> int | None:
    """Start ``args``, SIGKILL it after ``delay`` seconds; its exit code if it finished."""
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        process.wait(timeout=delay)
        return process.returncode  # finished before the kill point
    except subprocess.TimeoutExpired:
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
        return None


def _delays(seed: int, total: float, parts: int) -> list[float]:
    """One moment in each of ``parts`` equal parts of the run (after 5 %, before 95 %)."""
    rng = random.Random(seed)
    start, width = 0.05 * total, 0.9 * total / parts
    return [start + width * (part + rng.random()) for part in range(parts)]


def test_import_killed_at_random_points(tmp_path: Path) -> None:
    export = write_ris(tmp_path / "big.ris", RECORDS, seed=1)
    reference = _review(tmp_path / "reference")
    total = _timed(command(reference, "import", str(export), "--source", "S"))
    for number, delay in enumerate(_delays(12, total, 3)):
        review = _review(tmp_path / f"r{number}")
        _kill_at(command(review, "import", str(export), "--source", "S"), delay)
        store = review / "evidencekit.sqlite"
        if store.exists():  # an import either committed everything or nothing
            state = store_state(store)
            assert state["integrity"] == "ok"
            assert state["records"] in (0, RECORDS), state
            assert state["records"] == state["distinct"] == state["new_in_imports"]
        _again(review, "import", str(export), "--source", "S")
        state = store_state(store)
        assert state["integrity"] == "ok" and state["records"] == RECORDS


def test_dedupe_killed_at_random_points(tmp_path: Path) -> None:
    review = _review(tmp_path / "review")
    export = write_ris(tmp_path / "big.ris", RECORDS, seed=2)
    _again(review, "import", str(export), "--source", "S")  # the set-up, not under test
    store = review / "evidencekit.sqlite"
    total = _timed(command(review, "dedupe"))
    finished = store_state(store)
    assert finished["clustered"] == RECORDS
    for delay in _delays(34, total, 3):
        runs_before = store_state(store)["runs"].get("dedupe", 0)
        code = _kill_at(command(review, "dedupe"), delay)
        state = store_state(store)
        assert state["integrity"] == "ok" and state["orphans"] == 0
        # The last complete run's clusters, or the new run's: never a mixture or none.
        assert state["clustered"] == RECORDS, state
        assert state["runs"].get("dedupe", 0) in (runs_before, runs_before + 1)
        assert code in (None, 0)
    _again(review, "dedupe", "--json")
    listed = json.loads(_again(review, "records", "list", "--by-source", "--json").stdout)
    assert listed["totals"]["records"] == RECORDS, listed["totals"]


def test_pipeline_run_killed_at_random_points(worked_example_run, tmp_path: Path) -> None:
    # What a complete run publishes, and how long it takes: the session's one run of the
    # worked example (in-process) plus an interpreter's start-up, as a subprocess pays it.
    folder, result = worked_example_run
    assert result.exit_code == 0, result.output
    expected = sorted(p.name for p in (folder / "outputs").iterdir() if p.is_file())
    seconds = json.loads((folder / "outputs" / "run.json").read_text("utf-8"))["seconds"]
    total = seconds + _timed([sys.executable, "-m", "evidencekit.core", "--version"])
    # One review, killed twice: a fresh run in its first part, then the run a user makes
    # next (which runs every step again: nothing was published) in its second part; one
    # complete run afterwards finishes the work of both. (Each kill point had a review and
    # a complete re-run of its own: a whole pipeline run, ~9 s of CPU, more per suite run.)
    review = copy_example(tmp_path / "review")
    outputs = review / "outputs"
    for delay in _delays(56, total, 2):
        code = _kill_at(command(review, "run"), delay)
        assert code in (None, 0)  # killed, or finished before the kill point: never failed
        # Outputs are published all at once at the very end: absent, or complete.
        if outputs.exists():
            names = sorted(p.name for p in outputs.iterdir() if p.is_file())
            assert names in ([], expected) or set(names) <= set(expected)
        if (review / "evidencekit.sqlite").exists():
            assert store_state(review / "evidencekit.sqlite")["integrity"] == "ok"
    _again(review, "run")
    assert sorted(p.name for p in outputs.iterdir() if p.is_file()) == expected
    assert (outputs / "run.json").read_text() and (outputs / "report.md").stat().st_size


_SCREENER = """
import sys
from evidencekit.core.review import open_review
from evidencekit.core.screening import NewDecision, primary_of, record_decisions
review = open_review(sys.argv[1])
for number, record_id in enumerate(sorted(primary_of(review))):
    record_decisions(review, [NewDecision(record_id, "title-abstract", "ann", "include",
                                          note=f"n{number}")])
    print(record_id, flush=True)  # printed only once the transaction has committed
"""

SCREENED = 80


def test_screening_session_killed_at_random_points(tmp_path: Path) -> None:
    """Every decision committed before the kill is in the store; re-running finishes."""
    review = _review(tmp_path / "review")
    export = write_ris(tmp_path / "small.ris", SCREENED, seed=3)
    _again(review, "import", str(export), "--source", "S")  # the set-up, not under test
    args = [sys.executable, "-c", _SCREENER, str(review)]
    store = review / "evidencekit.sqlite"
    rng = random.Random(78)
    for _ in range(3):
        process = subprocess.Popen(args, stdout=subprocess.PIPE, text=True)
        # Killed a random moment (within a decision's time) after a random decision has
        # committed: the next decision's transaction is then under way.
        reported = {process.stdout.readline().strip() for _ in range(rng.randint(1, 60))}
        time.sleep(rng.uniform(0.0, 0.03))
        os.kill(process.pid, signal.SIGKILL)
        written, _ = process.communicate()
        reported |= set(written.split())
        reported.discard("")
        state = store_state(store)
        assert state["integrity"] == "ok"
        with sqlite3.connect(store) as conn:
            stored = {
                row[0]
                for row in conn.execute(
                    "SELECT record_id FROM screening_decisions WHERE reviewer = 'ann'"
                )
            }
        assert reported and reported <= stored  # nothing reported as written is lost
    done = subprocess.run(args, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    with sqlite3.connect(store) as conn:
        count = conn.execute("SELECT count(*) FROM screening_decisions").fetchone()[0]
    assert count == SCREENED
