"""``evidencekit studies list|export|check``: included studies linked to their records."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from screening_review import make_screening_review, record_ids, run

from evidencekit.core.review import open_review
from evidencekit.core.screening import NewDecision, record_decisions


@pytest.fixture
def review(tmp_path: Path) -> Path:
    folder = make_screening_review(tmp_path / "review", n=6)
    ids = record_ids(folder)
    rv = open_review(folder)
    record_decisions(
        rv,
        [NewDecision(r, "title-abstract", "ann", "include") for r in ids[:5]]
        + [NewDecision(ids[5], "title-abstract", "ann", "exclude")],
    )
    record_decisions(
        rv,
        [
            NewDecision(ids[0], "full-text", "ann", "include", study_id="UPSIDES-1"),
            NewDecision(ids[1], "full-text", "ann", "include", study_id="UPSIDES-1"),  # 2nd report
            NewDecision(ids[2], "full-text", "ann", "include"),
            NewDecision(ids[3], "full-text", "ann", "exclude", "wrong population"),
            NewDecision(ids[4], "full-text", "ann", "not-retrieved"),
        ],
    )
    return folder


def labels(folder: Path) -> dict[int, str]:
    from evidencekit.core.store import open_store, rows

    with open_store(open_review(folder)) as store, store.read() as conn:
        return {r.record_id: f"{r.authors[0].family} {r.year}" for r in rows.load_records(conn)}


def test_list_and_export(review: Path) -> None:
    ids = record_ids(review)
    data = json.loads(run("studies", "list", "--review", str(review), "--json").stdout)
    generated = labels(review)[ids[2]]
    assert [(s["study_id"], s["record_ids"], s["declared"]) for s in data["studies"]] == sorted(
        [("UPSIDES-1", [ids[0], ids[1]], True), (generated, [ids[2]], False)]
    )
    out = run("studies", "export", "--review", str(review)).stdout
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == ["study_id", "record_ids"]
    assert sorted(rows[1:]) == sorted([["UPSIDES-1", f"{ids[0]}; {ids[1]}"], [generated, ids[2]]])


def test_same_generated_label_gets_letters(tmp_path: Path) -> None:
    folder = make_screening_review(tmp_path / "r", n=13)  # records 0 and 12 share 2010
    ids = record_ids(folder)
    rv = open_review(folder)
    from evidencekit.core.screening.studies import _label, included_studies
    from evidencekit.core.store import open_store, rows

    with open_store(rv) as store, store.read() as conn:
        recs = {r.record_id: r for r in rows.load_records(conn)}
    # Give two records the same first author and year.
    same = [r for r in ids if recs[r].year == 2010]
    assert len(same) == 2
    with open_store(rv) as store, store.write() as conn:
        from evidencekit.core.store import schema

        conn.execute(
            schema.records.update()
            .where(schema.records.c.record_id.in_(same))
            .values(authors='[["Smith", "A"]]')
        )
    for stage in ("title-abstract", "full-text"):
        record_decisions(rv, [NewDecision(r, stage, "ann", "include") for r in same])
    assert [s.study_id for s in included_studies(rv)] == ["Smith 2010a", "Smith 2010b"]
    assert _label(recs[ids[0]]).endswith(str(recs[ids[0]].year))


def test_check_reports_both_directions(review: Path) -> None:
    ids = record_ids(review)
    generated = labels(review)[ids[2]]
    (review / "studies.csv").write_text(
        f"study_id,design\nUPSIDES-1,qualitative\n{generated},cohort\n", encoding="utf-8"
    )
    (review / "answers.csv").write_text(
        "study_id,checklist,item,answer\n"
        "UPSIDES-1,casp-qualitative,q1,yes\n"
        "ghost2001,casp-qualitative,q1,no\n",
        encoding="utf-8",
    )
    result = run(
        "studies",
        "check",
        "--appraisal",
        str(review / "answers.csv"),
        "--review",
        str(review),
        "--json",
    )
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["not_appraised"] == [generated]
    assert data["not_in_studies"] == []
    assert [f["never_included"] for f in data["files"]] == [[], ["ghost2001"]]
    text = run(
        "studies", "check", "--appraisal", str(review / "answers.csv"), "--review", str(review)
    ).stdout
    assert "never included: ghost2001" in text and f"never appraised: {generated}" in text
    (review / "answers.csv").write_text(
        f"study_id,checklist,item,answer\nUPSIDES-1,c,q1,yes\n{generated},c,q1,no\n",
        encoding="utf-8",
    )
    ok = run(
        "studies", "check", "--appraisal", str(review / "answers.csv"), "--review", str(review)
    )
    assert ok.exit_code == 0, ok.output
