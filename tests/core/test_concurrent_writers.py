"""Concurrent reviewers (issue 12): several processes recording decisions (de-duplication
pairs and screening) and importing
at once into one SQLite store and into one PostgreSQL database. Every write is present
afterwards, exactly once, and no writer saw an error. Throughput: benchmarks/
concurrent_writers.py."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from concurrency import check_store, make_review, run_writers

WRITERS, DECISIONS, IMPORTS = 4, 15, 2

#: Writers are forked on Linux (no interpreter start-up per writer; see
#: concurrency.run_writers), spawned elsewhere (fork is unsafe on macOS, absent on Windows).
START = "fork" if sys.platform.startswith("linux") else "spawn"


def _check(folder: Path) -> None:
    outcome = run_writers(folder, WRITERS, DECISIONS, IMPORTS, start=START)
    assert outcome["exit_codes"] == [0] * WRITERS
    assert [r["errors"] for r in outcome["reports"]] == [[]] * WRITERS
    state = check_store(folder, WRITERS, DECISIONS, IMPORTS)
    assert state["decisions_ok"], state
    assert state["decisions"] == 2 * WRITERS * DECISIONS  # pair and screening decisions
    assert state["duplicate_ids"] == 0
    assert state["records"] == state["records_expected"]  # the shared file stored once


@pytest.mark.slow
def test_concurrent_writers_on_sqlite(tmp_path: Path) -> None:
    _check(make_review(tmp_path / "review"))


@pytest.mark.slow
def test_concurrent_writers_on_postgresql(tmp_path: Path, postgres) -> None:
    _check(make_review(tmp_path / "review", postgres.new_database()))


@pytest.mark.slow
def test_concurrent_first_imports_into_a_new_review(tmp_path: Path) -> None:
    """Four processes whose imports create the store at once: one store, all records."""
    from records_review import make_review as make

    folder = make(tmp_path / "new")
    outcome = run_writers(folder, WRITERS, 0, IMPORTS, start=START)
    assert [r["errors"] for r in outcome["reports"]] == [[]] * WRITERS
    state = check_store(folder, WRITERS, 0, IMPORTS, base=0)
    assert state["records"] == state["records_expected"] and state["duplicate_ids"] == 0
    assert (
        sorted(p.name for p in folder.glob("*evidencekit.sqlite*") if p.name.endswith(".creating"))
        == []
    )
