"""Write decisions/*.csv: CONSTRUCTED screening decisions for the worked example's records.

The reference review (Ibrahim et al. 2020) publishes how it screened (one reviewer screened
every title and abstract, a seeded random 5 % sample was screened independently by a second
reviewer with 93 % agreement, one reviewer screened the full texts) but not the decisions,
and the worked example's records are stand-in exports (exports/NOTICE.md), not the review's
5,813 records. So these decisions are invented, following the published procedure:

1. the protocol's machine-checkable criteria (review.yaml ``screening.rules``: the
   languages, published on or before July 2018) are applied by the ``rules`` screener;
2. reviewer R1 decides every remaining record at title-abstract
   (``decisions/title-abstract-R1.csv``);
3. the 5 % sample is drawn exactly as the ``screen`` step draws it (seed 2018, the records
   sorted by id) and reviewer R2 decides those (``decisions/title-abstract-R2-sample.csv``);
4. R1 decides the full texts of the records R1 included, with a reason for each exclusion
   and one full text not retrieved (``decisions/full-text-R1.csv``).

Which record gets which decision is drawn with a fixed seed; nothing is read into it. The
store is built in a temporary folder with the same library calls ``evidencekit run`` makes.

Run from the repository root:  python docs/examples/peer-support/construct_decisions.py
Check that the files are what it writes:  ... construct_decisions.py --check
"""

from __future__ import annotations

import csv
import io
import math
import random
import shutil
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
SEED = 2018
FULL_TEXT_REASONS = ["wrong population", "no influences reported", "wrong design"]
TITLE_ABSTRACT_REASONS = ["wrong population", "not peer support work"]


def _review_copy(folder: Path):
    from evidencekit.core.deduplication import run_dedupe
    from evidencekit.core.records import ImportSpec, import_many
    from evidencekit.core.review import open_review
    from evidencekit.core.screening.automation import apply_rules

    for name in ("review.yaml", "exports"):
        source = HERE / name
        (shutil.copytree if source.is_dir() else shutil.copy)(source, folder / name)
    review = open_review(folder)
    import_many(review, [ImportSpec(str(folder / s["file"]), s["name"], s.get("kind", "database"),
                                    None, s.get("date_searched"))
                         for s in review.config["sources"]])
    run_dedupe(review)
    apply_rules(review)
    return review


def _csv(rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["record_id", "title", "decision", "reason", "note"])
    writer.writerows(rows)
    return buffer.getvalue()


def construct() -> dict[str, str]:
    from evidencekit.core.screening import load_state
    from evidencekit.core.screening.sample import draw
    from evidencekit.core.store import open_store, rows

    with tempfile.TemporaryDirectory() as tmp:
        review = _review_copy(Path(tmp))
        state = load_state(review)
        finals = state.final("title-abstract")
        screened = [r for r in state.population("title-abstract") if not finals[r].automated]
        with open_store(review) as store, store.read() as conn:
            titles = {r.record_id: r.title for r in rows.load_records(conn, with_raw=False)}
    rng = random.Random(SEED)
    included = sorted(rng.sample(screened, k=max(2, len(screened) // 2)))
    r1 = {}
    for rid in screened:
        if rid in included:
            r1[rid] = ("include", "")
        else:
            r1[rid] = ("exclude", rng.choice(TITLE_ABSTRACT_REASONS))
    sample = draw(screened, SEED, math.ceil(round(0.05 * len(screened), 9)))
    # R2 agrees with R1 on the sample except where a constructed disagreement is wanted:
    # the published 93 % cannot be met by a one- or two-record sample, so none is made.
    r2 = {rid: (r1[rid][0], "") for rid in sample}
    full = {}
    for i, rid in enumerate(included):
        if i == 0:
            full[rid] = ("not-retrieved", "")
        elif i % 3 == 1:
            full[rid] = ("exclude", FULL_TEXT_REASONS[i % len(FULL_TEXT_REASONS)])
        else:
            full[rid] = ("include", "")
    note = "CONSTRUCTED decision (construct_decisions.py), not from the reference review"

    def table(decided: dict[str, tuple[str, str]]) -> str:
        return _csv([[rid, titles[rid], d, reason, note] for rid, (d, reason) in
                     sorted(decided.items())])

    return {"decisions/title-abstract-R1.csv": table(r1),
            "decisions/title-abstract-R2-sample.csv": table(r2),
            "decisions/full-text-R1.csv": table(full)}


def main(argv: list[str]) -> int:
    files = construct()
    if "--check" in argv:
        stale = [n for n, text in files.items()
                 if not (HERE / n).is_file() or (HERE / n).read_text("utf-8") != text]
        for name in stale:
            print(f"{name} differs from what construct_decisions.py writes", file=sys.stderr)
        return 1 if stale else 0
    for name, text in files.items():
        (HERE / name).parent.mkdir(exist_ok=True)
        (HERE / name).write_text(text, "utf-8")
        print(f"wrote {name} ({text.count(chr(10)) - 1} decisions)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
