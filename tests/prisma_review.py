"""A small constructed review for the PRISMA tests, with counts worked out by hand.

Sources (kind, DOIs ``10.1000/p.N`` of their records):

* MEDLINE (database): 0-9; PsycINFO (database): 0-3 again (duplicates) and 10-11;
  ClinicalTrials.gov (register): 12-13;
* a peer-support network website (website): 4 again (a duplicate of a database
  record), 14, 15; citation searching (citations): 16 twice (one duplicate).

Hand counts: 16 database and 2 register records identified; 4 duplicates removed;
record 12 marked ineligible by the rules tool; 13 screened; 0, 1, 2, 3 and 5
excluded; 8 reports sought (4, 6-11, 13), 11 not retrieved, 7 assessed, 8 and 9
excluded for "wrong population", 10 for "no influences reported"; 4 included
(4 and 6 are two reports of study S1, plus 7 and 13). Other methods: 5 records
(3 website, 2 citations), 15 excluded at title/abstract, 2 reports sought (14, 16),
16 excluded for "wrong intervention", 14 included. In all 4 studies, 5 reports.
"""

from __future__ import annotations

from pathlib import Path

from evidencekit.core.model import Author, Record
from evidencekit.core.records import import_records
from evidencekit.core.review import open_review

SCREENING = """screening:
  stages:
    - id: title-abstract
      reviewer: ann
    - id: full-text
  reasons: [wrong population, wrong intervention, no influences reported]
"""

SOURCES = (
    ("MEDLINE", "database", range(10)),
    ("PsycINFO", "database", [0, 1, 2, 3, 10, 11]),
    ("ClinicalTrials.gov", "register", [12, 13]),
    ("Peer support network website", "website", [4, 14, 15]),
    ("Citation searching", "citations", [16, 16]),
)

TITLE_ABSTRACT = {
    0: "exclude",
    1: "exclude",
    2: "exclude",
    3: "exclude",
    5: "exclude",
    15: "exclude",
}
AUTOMATED = (12,)
FULL_TEXT = {
    4: ("include", "", "S1"),
    6: ("include", "", "S1"),
    7: ("include", "", ""),
    8: ("exclude", "wrong population", ""),
    9: ("exclude", "wrong population", ""),
    10: ("exclude", "no influences reported", ""),
    11: ("not-retrieved", "", ""),
    13: ("include", "", ""),
    14: ("include", "", ""),
    16: ("exclude", "wrong intervention", ""),
}


def record(n: int) -> Record:
    return Record(
        title=f"Peer support work in mental health services: study number {n}",
        abstract=f"Abstract of study {n}.",
        authors=[Author(f"Author{n}", "Jo")],
        year=2000 + n,
        journal="Psychiatric Services",
        doi=f"10.1000/p.{n}",
        language="eng",
        publication_type="Journal Article",
    )


def make_prisma_review(
    folder: Path,
    *,
    screen: bool = True,
    dedupe: bool = True,
    sources: tuple = SOURCES,
    store: str | None = None,
) -> Path:
    """The review above in ``folder``; ``screen=False`` stops after de-duplication;
    ``store`` is a store URL (e.g. PostgreSQL) instead of the SQLite file."""
    from evidencekit.core.deduplication import run_dedupe

    folder.mkdir(parents=True, exist_ok=True)
    head = "kind: review\nid: prisma-test\nversion: '1'\ntitle: PRISMA test\n"
    if store:
        head += f"store: {store}\n"
    (folder / "review.yaml").write_text(head + SCREENING, encoding="utf-8")
    review = open_review(folder)
    for name, kind, numbers in sources:
        import_records(
            review, [record(n) for n in numbers], source=name, kind=kind, file=f"{name}.ris"
        )
    if dedupe:
        run_dedupe(review, "exact")
    if screen:
        decide(folder, TITLE_ABSTRACT, FULL_TEXT, AUTOMATED)
    return folder


def ids_by_number(folder: Path) -> dict[int, str]:
    """DOI number → one stored record id with that DOI (the first imported)."""
    from evidencekit.core.store import open_store
    from evidencekit.core.store.rows import load_records

    out: dict[int, str] = {}
    with open_store(open_review(folder)) as store, store.read() as conn:
        for rec in load_records(conn, with_raw=False):
            out.setdefault(int(rec.doi.rsplit(".", 1)[1]), rec.record_id)
    return out


def decide(folder: Path, title_abstract: dict, full_text: dict, automated=()) -> None:
    """Record ann's decisions: title/abstract includes for every number not excluded."""
    from evidencekit.core.screening import (
        NewDecision,
        record_automated_exclusions,
        record_decisions,
    )

    review = open_review(folder)
    ids = ids_by_number(folder)
    items = []
    for n, rid in ids.items():
        if n in automated:
            continue
        items.append(NewDecision(rid, "title-abstract", "ann", title_abstract.get(n, "include")))
    for n, (decision, reason, study) in full_text.items():
        items.append(NewDecision(ids[n], "full-text", "ann", decision, reason, study_id=study))
    record_decisions(review, items)
    if automated:
        record_automated_exclusions(
            review,
            "title-abstract",
            "rules",
            [(ids[n], "language", "not English") for n in automated],
        )
