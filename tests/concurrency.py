"""Concurrent writers into one store (issue 12): shared by
tests/core/test_concurrent_writers.py and benchmarks/concurrent_writers.py.

Each writer process records pair decisions (``dedupe review --decide``) and screening
decisions (``evidencekit.core.screening.record_decisions``), one transaction each, and
imports files of its own, plus one file every
writer imports (the same content: stored once). Afterwards every write must be present
exactly once.
"""

from __future__ import annotations

import multiprocessing
import time
from pathlib import Path
from typing import Any

BASE = ["Base record number {i} about peer support|2019|10.9/base{i}|Base, B"]


def make_review(folder: Path, store_url: str | None = None, records: int = 40) -> Path:
    """A review using the pipe-test plugin, with ``records`` records imported."""
    from records_review import make_review as make
    from records_review import pipe

    from evidencekit.core import records as R
    from evidencekit.core.review import open_review

    extra = f"store: {store_url}\n" if store_url else ""
    make(folder, extra)
    lines = [BASE[0].format(i=i) for i in range(records)]
    R.import_files(open_review(folder), [pipe(folder, "base.txt", lines)], source="Base")
    return folder


def record_ids(folder: Path) -> list[str]:
    from evidencekit.core import records as R
    from evidencekit.core.review import open_review

    return [r["record_id"] for r in R.list_records(open_review(folder))["records"]]


def writer(
    folder: str, number: int, decisions: int, imports: int, ids: list[str], results: Any
) -> None:
    """One writer: ``decisions`` pair and as many screening decisions (``decisions`` must
    not exceed the records: one screening decision per record and reviewer), then
    ``imports`` + 1 imports."""
    import os

    os.environ.setdefault("EVIDENCEKIT_STORE_TIMEOUT", "120")
    from records_review import pipe

    from evidencekit.core import deduplication as dd
    from evidencekit.core import records as R
    from evidencekit.core.review import open_review

    review = open_review(folder)
    errors: list[str] = []
    start = time.perf_counter()
    done = 0
    for i in range(decisions):
        a, b = ids[(number + i) % len(ids)], ids[(number + i + 1) % len(ids)]
        try:
            dd.decide(
                review,
                f"{a},{b}",
                "different" if i % 2 else "same",
                who=f"writer{number}",
                note=f"w{number}-{i}",
            )
            done += 1
        except Exception as exc:  # noqa: BLE001 - reported, and the test fails on any
            errors.append(f"decision {i}: {exc}")
    # Screening decisions (one transaction each), each writer a reviewer of its own.
    from evidencekit.core.screening import NewDecision, record_decisions

    for i in range(decisions):
        try:
            record_decisions(
                review,
                [
                    NewDecision(
                        ids[i % len(ids)],
                        "title-abstract",
                        f"writer{number}",
                        "include",
                        note=f"s{number}-{i}",
                    )
                ],
            )
            done += 1
        except Exception as exc:  # noqa: BLE001
            errors.append(f"screening decision {i}: {exc}")
    took = time.perf_counter() - start
    shared = Path(folder) / "shared.txt"
    for i in range(imports + 1):
        path = (
            shared
            if i == imports
            else pipe(
                Path(folder),
                f"w{number}-{i}.txt",
                [
                    f"Writer {number} file {i} record {k}|2020|10.8/w{number}-{i}-{k}|W, W"
                    for k in range(5)
                ],
            )
        )
        try:
            R.import_files(review, [path], source=f"Writer {number}")
        except Exception as exc:  # noqa: BLE001
            errors.append(f"import {path.name}: {exc}")
    results.put({"writer": number, "decisions": done, "seconds": took, "errors": errors})


def run_writers(
    folder: Path, writers: int, decisions: int, imports: int, start: str = "spawn"
) -> dict[str, Any]:
    """Start ``writers`` processes at once; their reports and the decisions per second.

    ``start`` is the multiprocessing start method. The benchmark spawns (fresh
    interpreters, as separate reviewers' commands are); the tests fork (``"fork"``): each
    spawned writer paid ~0.7 s of CPU importing Python, evidencekit and SQLAlchemy before
    its first write, 12 writers a suite run, while a forked one starts with the modules
    its parent imported and no open connection (every store this process opened was
    closed, its engine disposed). The writes, and what is checked of them, are the same.
    """
    from records_review import pipe

    pipe(folder, "shared.txt", [f"Shared record {k}|2021|10.7/s{k}|S, S" for k in range(5)])
    ids = record_ids(folder) if decisions else []
    if start == "fork":  # imported once here rather than in each forked writer
        import evidencekit.core.deduplication  # noqa: F401
        import evidencekit.core.screening  # noqa: F401
    context = multiprocessing.get_context(start)
    results = context.Queue()
    processes = [
        context.Process(target=writer, args=(str(folder), n, decisions, imports, ids, results))
        for n in range(writers)
    ]
    start = time.perf_counter()
    for process in processes:
        process.start()
    reports = [results.get(timeout=900) for _ in processes]
    for process in processes:
        process.join(60)
    elapsed = time.perf_counter() - start
    slowest = max(r["seconds"] for r in reports)
    total = sum(r["decisions"] for r in reports)
    return {
        "reports": sorted(reports, key=lambda r: r["writer"]),
        "elapsed": elapsed,
        "decisions": total,
        "decisions_per_second": total / slowest if slowest else 0.0,
        "exit_codes": [p.exitcode for p in processes],
    }


def check_store(
    folder: Path, writers: int, decisions: int, imports: int, base: int = 40
) -> dict[str, Any]:
    """Every write present exactly once: decisions by note, records by id and count."""
    import sqlalchemy as sa

    from evidencekit.core.review import open_review
    from evidencekit.core.store import open_store

    with open_store(open_review(folder)) as store, store.read() as conn:
        notes = [row[0] for row in conn.execute(sa.text("SELECT note FROM pair_decisions"))]
        notes += [row[0] for row in conn.execute(sa.text("SELECT note FROM screening_decisions"))]
        ids = [row[0] for row in conn.execute(sa.text("SELECT record_id FROM records"))]
    expected_notes = {
        f"{kind}{n}-{i}" for kind in "ws" for n in range(writers) for i in range(decisions)
    }
    return {
        "decisions_ok": sorted(notes) == sorted(expected_notes),
        "decisions": len(notes),
        "records": len(ids),
        "records_expected": base + writers * imports * 5 + 5,
        "duplicate_ids": len(ids) - len(set(ids)),
    }
