"""Benchmark: decisions per second with several concurrent writers on each store (by hand).

    python benchmarks/concurrent_writers.py [--writers 4] [--decisions 100] [--postgres URL]

Starts WRITERS processes at once on one review; each records DECISIONS pair decisions
(as `evidencekit dedupe review --decide` does) and DECISIONS screening decisions
(`evidencekit.core.screening.record_decisions`), one transaction each, and then imports
two files of its own plus one every writer shares. Prints the decisions per second held
(all decisions over the slowest writer's time), and checks that every write is present
exactly once. Runs on a SQLite store, and on PostgreSQL when a URL is given or when the
test suite's throwaway cluster can be started (tests/postgres_fixture.py).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from concurrency import check_store, make_review, run_writers  # noqa: E402


def bench(label: str, folder: Path, url: str | None, writers: int, decisions: int) -> None:
    base = max(40, decisions)  # one screening decision per record and writer
    make_review(folder, url, records=base)
    outcome = run_writers(folder, writers, decisions, 2)
    state = check_store(folder, writers, decisions, 2, base=base)
    errors = sum(len(r["errors"]) for r in outcome["reports"])
    ok = (
        state["decisions_ok"]
        and state["duplicate_ids"] == 0
        and state["records"] == state["records_expected"]
        and errors == 0
    )
    print(
        f"{label:<11} {writers} writers  {outcome['decisions']:>5} decisions  "
        f"{outcome['decisions_per_second']:7.1f} decisions/s  "
        f"records {state['records']}/{state['records_expected']}  errors {errors}  "
        f"{'all writes present once' if ok else 'WRITES LOST OR DUPLICATED'}",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--writers", type=int, default=4)
    parser.add_argument("--decisions", type=int, default=100, help="per writer")
    parser.add_argument("--postgres", default=None, help="an empty PostgreSQL database URL")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        bench("SQLite", Path(tmp) / "sqlite", None, args.writers, args.decisions)
        url, cluster = args.postgres, None
        if url is None:
            try:
                from postgres_fixture import PostgresCluster

                cluster = PostgresCluster()
                cluster.start()
                url = cluster.new_database()
            except Exception as exc:  # noqa: BLE001 - no server here: say so
                print(f"PostgreSQL  skipped ({exc})")
        try:
            if url:
                bench("PostgreSQL", Path(tmp) / "pg", url, args.writers, args.decisions)
        finally:
            if cluster is not None:
                cluster.stop()


if __name__ == "__main__":
    main()
