"""``evidencekit decisions import|export|sample|queue|agreement`` end to end."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from screening_review import make_screening_review, record_ids, run

from evidencekit.core.review import open_review
from evidencekit.core.screening import decisions, samples


@pytest.fixture
def review(tmp_path: Path) -> Path:
    return make_screening_review(tmp_path / "review")


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def test_import_by_id_doi_and_title_then_export(review: Path) -> None:
    ids = record_ids(review)
    from evidencekit.core.screening import primary_of

    rv = open_review(review)
    by_id = primary_of(rv)
    assert len(by_id) == 20
    f = write_csv(
        review / "ta.csv",
        ["record_id", "doi", "title", "year", "decision", "reason", "note"],
        [
            [ids[0], "", "", "", "include", "", "looks good"],
            ["", "https://doi.org/10.1000/PS.3", "", "", "Excluded", "Wrong population", ""],
            [
                "",
                "",
                "Peer support work in mental-health services: part 5",
                "2015",
                "maybe",
                "",
                "",
            ],
        ],
    )
    result = run(
        "decisions",
        "import",
        str(f),
        "--stage",
        "title-abstract",
        "--reviewer",
        "ann",
        "--review",
        str(review),
        "--json",
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["written"] == 3
    assert report["matched_by"] == {"id": 1, "doi": 1, "title": 1}
    stored = {(d.record_id, d.decision, d.reason, d.note) for d in decisions(rv)}
    from evidencekit.core.store import open_store, rows

    with open_store(rv) as store, store.read() as conn:
        by_doi = {r.doi: r.record_id for r in rows.load_records(conn)}
    assert stored == {
        (ids[0], "include", "", "looks good"),
        (by_doi["10.1000/ps.3"], "exclude", "wrong population", ""),
        (by_doi["10.1000/ps.5"], "maybe", "", ""),
    }
    out = run("decisions", "export", "--review", str(review))
    lines = list(csv.reader(io.StringIO(out.stdout)))
    assert lines[0] == ["record_id", "stage", "reviewer", "decision", "reason", "note", "time"]
    assert len(lines) == 4 and {row[2] for row in lines[1:]} == {"ann"}
    # The export imports again unchanged (stage and reviewer columns select the rows).
    (review / "again.csv").write_text(out.stdout, encoding="utf-8")
    again = run(
        "decisions",
        "import",
        str(review / "again.csv"),
        "--stage",
        "title-abstract",
        "--reviewer",
        "ann",
        "--review",
        str(review),
    )
    assert again.exit_code == 0, again.output
    assert {(d.record_id, d.decision, d.reason) for d in decisions(rv)} == {
        (a, b, c) for a, b, c, _ in stored
    }


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([["nope", "include", ""]], "row 3: record id 'nope' matches no stored record"),
        ([["{0}", "exclude", "too old"]], "row 3: unknown exclusion reason 'too old'"),
        (
            [["{0}", "include", ""], ["{0}", "exclude", ""]],
            "row 4: ann's decision 'exclude' on record .* contradicts row 3",
        ),
        ([["{0}", "perhaps", ""]], "row 3: decision 'perhaps' is not one of"),
    ],
)
def test_bad_rows_name_file_and_row_and_write_nothing(review: Path, rows, message) -> None:
    import re

    ids = record_ids(review)
    rows = [[c.format(ids[0]) for c in row] for row in rows]
    f = write_csv(
        review / "bad.csv", ["record_id", "decision", "reason"], [[ids[1], "include", ""], *rows]
    )
    result = run(
        "decisions",
        "import",
        str(f),
        "--stage",
        "title-abstract",
        "--reviewer",
        "ann",
        "--review",
        str(review),
    )
    assert result.exit_code == 1
    assert re.search(message.replace("row", f"{re.escape(str(f))} row", 1), result.stderr), (
        result.stderr
    )
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert decisions(open_review(review)) == []


def test_unknown_stage_and_skip_unmatched(review: Path) -> None:
    ids = record_ids(review)
    f = write_csv(
        review / "d.csv", ["record_id", "decision"], [[ids[0], "include"], ["zzz", "include"]]
    )
    result = run(
        "decisions",
        "import",
        str(f),
        "--stage",
        "abstracts",
        "--reviewer",
        "ann",
        "--review",
        str(review),
    )
    assert result.exit_code == 1 and "unknown screening stage 'abstracts'" in result.stderr
    result = run(
        "decisions",
        "import",
        str(f),
        "--stage",
        "title-abstract",
        "--reviewer",
        "ann",
        "--skip-unmatched",
        "--review",
        str(review),
        "--json",
    )
    assert result.exit_code == 0
    assert json.loads(result.stdout)["unmatched"] == [
        {"row": 3, "identifier": "record id 'zzz'", "candidates": []}
    ]
    assert "row 3: record id 'zzz' matches no stored record" in result.stderr
    assert [d.record_id for d in decisions(open_review(review))] == [ids[0]]


def sample_ids(review: Path, *args: str) -> list[str]:
    result = run(
        "decisions",
        "sample",
        "--stage",
        "title-abstract",
        "--reviewer",
        "bob",
        "--review",
        str(review),
        "--json",
        *args,
    )
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)["record_ids"]


def test_sample_is_seeded_recorded_and_becomes_the_queue(review: Path) -> None:
    first = sample_ids(review, "--fraction", "0.25", "--seed", "7")
    assert len(first) == 5  # ceil(0.25 * 20)
    assert sample_ids(review, "--fraction", "0.25", "--seed", "7") == first
    assert sample_ids(review, "--fraction", "0.25", "--seed", "8") != first
    assert len(sample_ids(review, "-n", "3", "--seed", "7")) == 3
    recorded = samples(open_review(review))
    assert [(s.seed, len(s.record_ids)) for s in recorded] == [(7, 5), (7, 5), (8, 5), (7, 3)]
    queue = json.loads(
        run(
            "decisions", "queue", "--stage", "title-abstract", "--review", str(review), "--json"
        ).stdout
    )["queues"]
    by_name = {q["reviewer"]: q for q in queue}
    assert by_name["ann"]["remaining"] == 20
    assert set(by_name["bob"]["records"]) >= set(first)


def test_sample_is_the_same_in_another_process(review: Path) -> None:
    from evidencekit.core.screening.sample import draw

    ids = record_ids(review)
    code = (
        "import sys, json; from evidencekit.core.screening.sample import draw; "
        "print(json.dumps(draw(json.loads(sys.argv[1]), 12345, 4)))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, json.dumps(ids[::-1])],
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(out.stdout) == draw(ids, 12345, 4)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--fraction", "0", "--seed", "1"], "fraction 0.0 is outside (0, 1]"),
        (["--fraction", "1.5", "--seed", "1"], "fraction 1.5 is outside (0, 1]"),
        (["-n", "21", "--seed", "1"], "more than the 20 records"),
        (["--fraction", "0.1", "-n", "2", "--seed", "1"], "either --fraction or -n"),
        (["--fraction", "0.1", "--seed", "1", "--stratify-by", "colour"], "cannot stratify by"),
    ],
)
def test_bad_samples_are_refused_and_not_recorded(review: Path, args, message) -> None:
    result = run(
        "decisions",
        "sample",
        "--stage",
        "title-abstract",
        "--reviewer",
        "bob",
        "--review",
        str(review),
        *args,
    )
    assert result.exit_code == 1 and message in result.stderr, result.stderr
    assert samples(open_review(review)) == []


def test_stratified_sample_shares_by_stratum(review: Path) -> None:
    ids = sample_ids(review, "--fraction", "0.5", "--seed", "3", "--stratify-by", "language")
    from evidencekit.core.store import open_store, rows

    with open_store(open_review(review)) as store, store.read() as conn:
        lang = {r.record_id: r.language for r in rows.load_records(conn)}
    chosen = [lang[i] for i in ids]
    assert len(ids) == 10
    assert (chosen.count("eng"), chosen.count("ger")) == (8, 2)  # 16 and 4 records


def test_agreement_with_kappa_and_disagreements(review: Path) -> None:
    ids = record_ids(review)[:10]
    ann = ["include"] * 4 + ["exclude"] * 6
    bob = ["include"] * 3 + ["exclude"] * 6 + ["maybe"]  # maybe counts as include here
    for name, votes in (("ann", ann), ("bob", bob)):
        f = write_csv(
            review / f"{name}.csv",
            ["record_id", "decision"],
            [[i, v] for i, v in zip(ids, votes, strict=True)],
        )
        assert (
            run(
                "decisions",
                "import",
                str(f),
                "--stage",
                "title-abstract",
                "--reviewer",
                name,
                "--review",
                str(review),
            ).exit_code
            == 0
        )
    result = run(
        "decisions", "agreement", "--stage", "title-abstract", "--review", str(review), "--json"
    )
    data = json.loads(result.stdout)
    from sklearn.metrics import cohen_kappa_score

    counted = ["include" if v == "maybe" else v for v in bob]
    [pair] = data["pairs"]
    assert pair["n"] == 10 and pair["percent_agreement"]["agreed"] == 8
    assert pair["percent_agreement"]["percent"] == pytest.approx(80.0)
    assert pair["cohen_kappa"]["kappa"] == pytest.approx(cohen_kappa_score(ann, counted))
    assert pair["pabak"]["pabak"] == pytest.approx(2 * 0.8 - 1)
    assert [d["record_id"] for d in data["disagreements"]] == [ids[3], ids[9]]
    assert data["disagreements"][0]["decisions"] == {"ann": "include", "bob": "exclude"}
    assert data["fleiss_kappa"] is None  # two reviewers
    text = run(
        "decisions",
        "agreement",
        "--stage",
        "title-abstract",
        "--reviewers",
        "ann,bob",
        "--review",
        str(review),
    ).stdout
    assert "n=10, agreement 80.0 %" in text and f"disagree: {ids[3]}" in text
    assert "PABAK 0.600" in text
    # A third reviewer adds Fleiss' kappa and Krippendorff's alpha.
    f = write_csv(
        review / "cy.csv",
        ["record_id", "decision"],
        [[i, v] for i, v in zip(ids, ann, strict=True)],
    )
    run(
        "decisions",
        "import",
        str(f),
        "--stage",
        "title-abstract",
        "--reviewer",
        "cy",
        "--review",
        str(review),
    )
    three = json.loads(
        run(
            "decisions", "agreement", "--stage", "title-abstract", "--review", str(review), "--json"
        ).stdout
    )
    assert len(three["pairs"]) == 3
    from statsmodels.stats.inter_rater import aggregate_raters, fleiss_kappa

    table, _ = aggregate_raters([[a, b, a] for a, b in zip(ann, counted, strict=True)])
    assert three["fleiss_kappa"]["kappa"] == pytest.approx(fleiss_kappa(table))
    assert three["krippendorff_alpha"]["alpha"] is not None
    one = run("decisions", "agreement", "--stage", "full-text", "--review", str(review))
    assert one.exit_code == 1 and "needs decisions by two reviewers" in one.stderr
