"""Regression tests: a failed first import never deletes a store another process wrote.

Reproduces issue 12's first defect: a first import into a new review ran in the
background and failed (a file cut off in its last record) after a second
process had created the store and committed records to it; the failing process
then deleted ``evidencekit.sqlite`` with the other's records. The slow importer
(tests/data/plugins/ek_slow_fixture.py) holds the first import open at a known
point, so the race is reproduced every time rather than by chance.
"""

from __future__ import annotations

import multiprocessing
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from records_review import EMBASE, MEDLINE, PLUGIN, pipe

from evidencekit.core import records as R
from evidencekit.core.review import open_review
from evidencekit.core.store import open_store
from evidencekit.core.store.create import create_sqlite_store

SLOW = PLUGIN.with_name("ek_slow_fixture.py")


def _review(folder: Path) -> Path:
    folder.mkdir(parents=True)
    for plugin in (PLUGIN, SLOW):
        shutil.copy(plugin, folder / plugin.name)
    (folder / "review.yaml").write_text(
        "kind: review\nid: race\nversion: '1'\ntitle: Race\n"
        "plugins: [ek_records_fixture, ek_slow_fixture]\ndedupe:\n  method: doi-test\n",
        encoding="utf-8",
    )
    return folder


def _wait_for(path: Path, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 120
    while not path.exists():
        if process.poll() is not None:
            raise AssertionError(f"the first import ended early: {process.stderr.read()}")
        if time.monotonic() > deadline:
            raise AssertionError("the first import never started reading")
        time.sleep(0.05)


def test_failed_first_import_keeps_records_another_process_committed(tmp_path: Path) -> None:
    folder = _review(tmp_path / "review")
    slow = folder / "big.slow"
    slow.write_text("TY  - JOUR\nTI  - cut off", encoding="utf-8")
    first = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "evidencekit.core",
            "import",
            str(slow),
            "--source",
            "A",
            "--format",
            "slow-test",
            "--review",
            str(folder),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        _wait_for(slow.with_name("big.slow.started"), first)
        assert not (folder / "evidencekit.sqlite").exists()  # the first has not made one
        # A second process (here: this one) imports into the same new review meanwhile.
        review = open_review(folder)
        report = R.import_files(review, [pipe(folder, "m.txt", MEDLINE)], source="MEDLINE")
        assert report.new == 3
        slow.with_name("big.slow.go").write_text("go\n", encoding="utf-8")
        _, err = first.communicate(timeout=120)
    finally:
        if first.poll() is None:
            first.kill()
    assert first.returncode == 1
    assert "truncated" in err and "Traceback" not in err
    # The committed records are still there, and the store still works.
    listed = R.list_records(open_review(folder))
    assert listed["count"] == 3
    assert [r["title"] for r in listed["records"]] == [line.split("|")[0] for line in MEDLINE]
    again = R.import_files(open_review(folder), [pipe(folder, "e.txt", EMBASE)], source="Embase")
    assert again.new == 3 and R.list_records(open_review(folder))["count"] == 6


def test_failed_import_into_an_existing_store_deletes_nothing(tmp_path: Path) -> None:
    folder = _review(tmp_path / "review")
    review = open_review(folder)
    R.import_files(review, [pipe(folder, "m.txt", MEDLINE)], source="MEDLINE")
    bad = pipe(folder, "bad.txt", ["only|three|fields"])
    with pytest.raises(Exception, match="expected 4 fields"):
        R.import_files(review, [bad], source="X")
    assert R.list_records(open_review(folder))["count"] == 3


def _create(path: str, queue: multiprocessing.Queue) -> None:
    queue.put(create_sqlite_store(Path(path)))


def test_concurrent_creators_publish_exactly_one_complete_store(tmp_path: Path) -> None:
    target = tmp_path / "evidencekit.sqlite"
    # Forked on Linux: a spawned creator paid ~0.8 s of CPU starting Python and importing
    # this module's evidencekit and SQLAlchemy before it raced; the race is the same.
    context = multiprocessing.get_context("fork" if sys.platform.startswith("linux") else "spawn")
    queue = context.Queue()
    workers = [context.Process(target=_create, args=(str(target), queue)) for _ in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(120)
        assert worker.exitcode == 0
    created = sorted(queue.get(timeout=5) for _ in workers)
    assert created.count(True) == 1  # one published; the others used it
    assert sorted(p.name for p in tmp_path.iterdir()) == ["evidencekit.sqlite"]
    with open_store(f"sqlite:///{target}") as store:
        from evidencekit.core.store.migrations import LATEST_VERSION

        assert store.version == LATEST_VERSION


def test_created_store_is_complete_before_it_has_its_name(tmp_path: Path) -> None:
    target = tmp_path / "evidencekit.sqlite"
    assert create_sqlite_store(target) is True
    assert create_sqlite_store(target) is False  # an existing store is left alone
    with open_store(f"sqlite:///{target}") as store, store.read() as conn:
        names = set(conn.dialect.get_table_names(conn))
    assert {"records", "imports", "runs", "schema_version"} <= names
