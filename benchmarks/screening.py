"""Benchmark: screening at the reference review's size (run by hand; prints figures).

    python benchmarks/screening.py [N]

Stores N synthetic records (default 5,813, the reference review's count), then measures
what a reviewer waits for: one decision written in its own transaction as
`evidencekit screen` writes it (median of 200), importing a decision file with a row per
record, the final decisions of the first stage, and drawing a 5 % sample.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

from evidencekit.core import screening
from evidencekit.core.model import Author, Record
from evidencekit.core.records import import_records
from evidencekit.core.review import open_review
from evidencekit.core.screening.files import import_decision_file
from evidencekit.core.screening.sample import draw_sample
from evidencekit.core.store import open_store


def main(n: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "review.yaml").write_text(
            "kind: review\nid: bench\nversion: '1'\ntitle: Bench\n", encoding="utf-8"
        )
        review = open_review(folder)
        import_records(
            review,
            [
                Record(
                    title=f"Peer support study {i}",
                    year=2000 + i % 19,
                    doi=f"10.1/{i}",
                    authors=[Author("Smith", "A")],
                    abstract="word " * 200,
                )
                for i in range(n)
            ],
            source="bench",
        )
        ids = sorted(screening.primary_of(review))
        times = []
        with open_store(review) as store:  # as `evidencekit screen` keeps one open
            for rid in ids[:200]:
                start = time.perf_counter()
                screening.record_decisions(
                    review,
                    [
                        screening.NewDecision(
                            rid, "title-abstract", "ann", "include", origin="screen"
                        )
                    ],
                    store=store,
                )
                times.append(time.perf_counter() - start)
        print(
            f"{n} records: one decision in its own transaction: median "
            f"{statistics.median(times) * 1000:.1f} ms (200 decisions)"
        )
        csv = folder / "bob.csv"
        csv.write_text(
            "record_id,decision\n" + "".join(f"{r},exclude\n" for r in ids), encoding="utf-8"
        )
        start = time.perf_counter()
        import_decision_file(review, csv, stage="title-abstract", reviewer="bob")
        print(f"import a decision file of {n} rows: {time.perf_counter() - start:.2f} s")
        start = time.perf_counter()
        screening.final_decisions(review, "title-abstract")
        print(f"final decisions at title-abstract: {time.perf_counter() - start:.2f} s")
        start = time.perf_counter()
        draw_sample(review, "title-abstract", "cy", seed=2018, fraction=0.05)
        print(f"draw and record a 5 % sample: {time.perf_counter() - start:.2f} s")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5813)
