"""Benchmark: importing many records into the store (run by hand; prints figures).

    python benchmarks/store_import.py [N] [--postgresql URL]

Generates N synthetic records (default 100,000) with realistic field sizes
(abstracts of 120-250 words, 1-8 authors), writes them as a RIS file, then
measures (1) the whole import path into a new store: ``import_files``
(detection, decoding, parsing, ids, bulk inserts), and a re-import that must
add nothing; (2) the store alone: ``import_records`` of the records built in
memory into another new store; (3) loading them back as the deduplicator gets
them. Peak memory covers the whole script, generated records included.
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

from evidencekit.core import records as R
from evidencekit.core.model import Author, Provenance, Record
from evidencekit.core.review import open_review
from evidencekit.core.store import open_store, rows

WORDS = (
    "peer",
    "support",
    "mental",
    "health",
    "recovery",
    "service",
    "implementation",
    "barrier",
    "facilitator",
    "worker",
    "training",
    "role",
    "organisational",
    "culture",
    "trial",
    "qualitative",
    "study",
    "outcome",
    "community",
    "hospital",
    "team",
    "supervision",
    "stigma",
    "employment",
    "lived",
    "experience",
)


def synthetic(n: int, seed: int = 1) -> list[Record]:
    rng = random.Random(seed)
    out = []
    for i in range(1, n + 1):
        title = " ".join(rng.choice(WORDS) for _ in range(rng.randint(6, 16))).capitalize()
        abstract = " ".join(rng.choice(WORDS) for _ in range(rng.randint(120, 250)))
        authors = [
            Author(
                rng.choice(WORDS).capitalize() + str(rng.randint(1, 999)),
                rng.choice("ABCDEFGHJKLMNPRST") + ".",
            )
            for _ in range(rng.randint(1, 8))
        ]
        out.append(
            Record(
                title=title,
                abstract=abstract,
                authors=authors,
                year=rng.randint(1980, 2024),
                journal=f"Journal of {rng.choice(WORDS).capitalize()}",
                volume=str(rng.randint(1, 80)),
                issue=str(rng.randint(1, 12)),
                pages=f"{rng.randint(1, 900)}-{rng.randint(901, 999)}",
                doi=f"10.{rng.randint(1000, 9999)}/x{i}",
                pmid=str(10_000_000 + i),
                issn=[f"{rng.randint(1000, 9999)}-{rng.randint(1000, 9999)}"],
                keywords=[rng.choice(WORDS) for _ in range(4)],
                language="eng",
                publication_type="Journal Article",
                source_key=str(i),
                raw={"TI": [title], "AB": [abstract]},
                provenance=Provenance(source="synthetic", position=i, line=None),
            )
        )
    return out


def write_ris(records: list[Record], path: Path) -> None:
    with path.open("w", encoding="utf-8") as handle:
        for r in records:
            handle.write("TY  - JOUR\n")
            handle.write(f"TI  - {r.title}\n")
            for a in r.authors:
                handle.write(f"AU  - {a.family}, {a.given}\n")
            handle.write(
                f"PY  - {r.year}\nT2  - {r.journal}\nVL  - {r.volume}\n"
                f"IS  - {r.issue}\nSP  - {r.pages.split('-')[0]}\n"
                f"EP  - {r.pages.split('-')[1]}\nDO  - {r.doi}\nAB  - {r.abstract}\n"
            )
            for k in r.keywords:
                handle.write(f"KW  - {k}\n")
            handle.write("ER  - \n\n")


def timed(label: str, func):
    # Wall time and this process's CPU time: on a shared machine the CPU time
    # is the steadier figure.
    start, cpu = time.perf_counter(), time.process_time()
    value = func()
    print(
        f"{label:<44} {time.perf_counter() - start:7.2f} s wall "
        f"{time.process_time() - cpu:7.2f} s CPU",
        flush=True,
    )
    return value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, nargs="?", default=100_000)
    parser.add_argument("--postgresql", default=None, help="a postgresql:// URL to use instead")
    args = parser.parse_args()
    records = timed(f"generate {args.n:,} records", lambda: synthetic(args.n))
    extra = f"store: {args.postgresql}\n" if args.postgresql else ""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        ris = folder / "big.ris"
        write_ris(records, ris)
        print(f"RIS file: {ris.stat().st_size / 1e6:.0f} MB")
        for name in ("whole", "store"):
            (folder / name).mkdir()
            (folder / name / "review.yaml").write_text(
                f"kind: review\nid: bench\nversion: '1'\ntitle: Benchmark\n{extra}", "utf-8"
            )
        if args.postgresql:  # one database: the two parts run one after the other
            print("(PostgreSQL: run against an empty database; it is not emptied after)")
        whole = open_review(folder / "whole")
        if "ris" in whole.registry.names("importer"):
            report = timed(
                "whole path: import_files(RIS)",
                lambda: R.import_files(whole, [ris], source="synthetic RIS"),
            )
            assert report.new == args.n, report.new
            again = timed(
                "whole path: re-import (adds nothing)",
                lambda: R.import_files(whole, [ris], source="synthetic RIS"),
            )
            assert again.new == 0 and again.already_present == args.n
        else:
            print("no 'ris' importer registered: whole-path timing skipped")
        if not args.postgresql:
            review = open_review(folder / "store")
            report = timed(
                "store only: import_records",
                lambda: R.import_records(
                    review, records, source="synthetic", file="memory", sha256="f" * 64
                ),
            )
            assert report.new == args.n

            def load():
                with open_store(review) as store, store.read() as conn:
                    return rows.load_records(conn, with_raw=False)

            loaded = timed("load records back (for dedupe)", load)
            assert len(loaded) == args.n
            size = sum(p.stat().st_size for p in (folder / "store").glob("evidencekit.sqlite*"))
            print(f"store size on disk: {size / 1e6:.0f} MB")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (max RSS): {peak:.0f} MB")


if __name__ == "__main__":
    sys.exit(main())
