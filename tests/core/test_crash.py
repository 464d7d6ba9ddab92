"""Crash tests (issue 12): kill -9 an import, a de-duplication and a pipeline run at
random moments; the store stays consistent, and re-running finishes the work.

The kill points are drawn from a seeded generator over the time an uninterrupted run
takes, so the same moments are tried on every run of the suite (the figures in the
report: 4 imports, 4 de-duplications, 2 pipeline runs, 3 screening sessions = 13
kill points).
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest
from crash_helpers import command, run, store_state, write_ris

pytestmark = pytest.mark.skipif(os.name != "posix", reason="kill -9 needs a POSIX system")

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "docs" / "examples" / "peer-support"
RECORDS = 1500


def _review(folder: Path) -> Path:
    folder.mkdir(parents=True)
    (folder / "review.yaml").write_text(
        "kind: review\nid: crash\nversion: '1'\ntitle: Crash test\ndedupe:\n  method: fuzzy\n",
        encoding="utf-8",
    )
    return folder


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


def _delays(seed: int, total: float, count: int) -> list[float]:
    rng = random.Random(seed)
    # From just after start-up to just before the end: the interesting moments.
    return sorted(rng.uniform(0.05 * total, 0.95 * total) for _ in range(count))


def test_import_killed_at_random_points(tmp_path: Path) -> None:
    export = write_ris(tmp_path / "big.ris", RECORDS, seed=1)
    reference = _review(tmp_path / "reference")
    total = _timed(command(reference, "import", str(export), "--source", "S"))
    for number, delay in enumerate(_delays(12, total, 4)):
        review = _review(tmp_path / f"r{number}")
        _kill_at(command(review, "import", str(export), "--source", "S"), delay)
        store = review / "evidencekit.sqlite"
        if store.exists():  # an import either committed everything or nothing
            state = store_state(store)
            assert state["integrity"] == "ok"
            assert state["records"] in (0, RECORDS), state
            assert state["records"] == state["distinct"] == state["new_in_imports"]
        again = run(review, "import", str(export), "--source", "S")
        assert again.returncode == 0, again.stderr
        state = store_state(store)
        assert state["integrity"] == "ok" and state["records"] == RECORDS


def test_dedupe_killed_at_random_points(tmp_path: Path) -> None:
    review = _review(tmp_path / "review")
    export = write_ris(tmp_path / "big.ris", RECORDS, seed=2)
    assert run(review, "import", str(export), "--source", "S").returncode == 0
    store = review / "evidencekit.sqlite"
    total = _timed(command(review, "dedupe"))
    finished = store_state(store)
    assert finished["clustered"] == RECORDS
    for delay in _delays(34, total, 4):
        runs_before = store_state(store)["runs"].get("dedupe", 0)
        code = _kill_at(command(review, "dedupe"), delay)
        state = store_state(store)
        assert state["integrity"] == "ok" and state["orphans"] == 0
        # The last complete run's clusters, or the new run's: never a mixture or none.
        assert state["clustered"] == RECORDS, state
        assert state["runs"].get("dedupe", 0) in (runs_before, runs_before + 1)
        assert code in (None, 0)
    again = run(review, "dedupe", "--json")
    assert again.returncode == 0, again.stderr
    listed = run(review, "records", "list", "--by-source", "--json")
    assert listed.returncode == 0 and '"records": 1500' in listed.stdout.replace(" ", " ")


def test_pipeline_run_killed_at_random_points(tmp_path: Path) -> None:
    def copy(name: str) -> Path:
        target = tmp_path / name
        shutil.copytree(
            EXAMPLE,
            target,
            ignore=shutil.ignore_patterns("outputs", "evidencekit.sqlite*", "__pycache__"),
        )
        return target

    reference = copy("reference")
    total = _timed(command(reference, "run"))
    expected = sorted(p.name for p in (reference / "outputs").iterdir() if p.is_file())
    for number, delay in enumerate(_delays(56, total, 2)):
        review = copy(f"r{number}")
        _kill_at(command(review, "run"), delay)
        outputs = review / "outputs"
        # Outputs are published all at once at the very end: absent, or complete.
        if outputs.exists():
            names = sorted(p.name for p in outputs.iterdir() if p.is_file())
            assert names in ([], expected) or set(names) <= set(expected)
        if (review / "evidencekit.sqlite").exists():
            assert store_state(review / "evidencekit.sqlite")["integrity"] == "ok"
        again = run(review, "run")
        assert again.returncode == 0, again.stderr
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


def test_screening_session_killed_at_random_points(tmp_path: Path) -> None:
    """Every decision committed before the kill is in the store; re-running finishes."""
    import sys

    review = _review(tmp_path / "review")
    export = write_ris(tmp_path / "small.ris", 300, seed=3)
    assert run(review, "import", str(export), "--source", "S").returncode == 0
    args = [sys.executable, "-c", _SCREENER, str(review)]
    store = review / "evidencekit.sqlite"
    rng = random.Random(78)
    for _ in range(3):
        process = subprocess.Popen(args, stdout=subprocess.PIPE, text=True)
        time.sleep(rng.uniform(1.0, 4.0))
        os.kill(process.pid, signal.SIGKILL)
        written, _ = process.communicate()
        reported = set(written.split())
        state = store_state(store)
        assert state["integrity"] == "ok"
        import sqlite3

        with sqlite3.connect(store) as conn:
            stored = {
                row[0]
                for row in conn.execute(
                    "SELECT record_id FROM screening_decisions WHERE reviewer = 'ann'"
                )
            }
        assert reported <= stored  # nothing reported as written is lost
    done = subprocess.run(args, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    with sqlite3.connect(store) as conn:
        count = conn.execute("SELECT count(*) FROM screening_decisions").fetchone()[0]
    assert count == 300
