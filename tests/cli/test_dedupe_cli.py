"""``evidencekit dedupe`` and ``evidencekit dedupe review`` end to end.

The review folders use the test plugin tests/data/plugins/ek_records_fixture.py:
its ``doi-test`` deduplicator links equal DOIs and reports equal titles with
different DOIs as uncertain, and ignores decisions (the core enforces them).
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from records_review import EMBASE, MEDLINE, make_review, pipe

from evidencekit.core.cli import cli


def run(*args: str) -> object:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.fixture
def review(tmp_path: Path) -> Path:
    folder = make_review(tmp_path / "review")
    for name, lines, source in (("m.txt", MEDLINE, "MEDLINE"), ("e.txt", EMBASE, "Embase")):
        path = pipe(folder, name, lines)
        assert run("import", str(path), "--source", source, "--review", str(folder)).exit_code == 0
    return folder


def dedupe_json(review: Path) -> dict:
    result = run("dedupe", "--review", str(review), "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_dedupe_text_summary(review: Path) -> None:
    result = run("dedupe", "--review", str(review))
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == ("6 records, 5 unique after de-duplication, 1 duplicates removed (doi-test)")
    assert lines[1] == (
        "1 clusters of duplicates, 1 links, 1 uncertain pairs to review (evidencekit dedupe review)"
    )
    assert "  Embase: 3 records, 2 kept, 1 duplicates removed" in lines


def test_dedupe_json_is_one_object_and_rerun_is_idempotent(review: Path, tmp_path: Path) -> None:
    first = dedupe_json(review)
    assert (first["records"], first["unique"], first["duplicates_removed"]) == (6, 5, 1)
    assert first["method"] == "doi-test" and first["uncertain"] == 1
    assert {r["source"] for r in first["by_source"]} == {"MEDLINE", "Embase"}
    out = tmp_path / "summary.json"
    assert run("dedupe", "--review", str(review), "--json", "-o", str(out)).stdout == ""
    second = json.loads(out.read_text("utf-8"))
    first.pop("run_id"), second.pop("run_id")
    assert first == second


def test_dedupe_errors(review: Path, tmp_path: Path) -> None:
    unknown = run("dedupe", "--method", "nope", "--review", str(review))
    assert unknown.exit_code == 1
    assert unknown.stderr.startswith("error: unknown deduplicator 'nope'; known: ")
    assert "doi-test" in unknown.stderr
    empty = tmp_path / "empty"
    empty.mkdir()
    nostore = run("dedupe", "--review", str(empty))
    assert nostore.exit_code == 1 and "no store at" in nostore.stderr


def test_review_table_csv_and_import(review: Path, tmp_path: Path) -> None:
    dedupe_json(review)
    table = run("dedupe", "review", "--review", str(review))
    assert table.exit_code == 0
    assert "1 pairs to review" in table.stdout and "Peer workers and recovery" in table.stdout
    # --review given to the group works for the subcommand too.
    csv_out = tmp_path / "pairs.csv"
    result = run("dedupe", "--review", str(review), "review", "--csv", "-o", str(csv_out))
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(csv_out.read_text("utf-8"))))
    assert len(rows) == 1
    assert list(rows[0])[:5] == ["pair_id", "record_a", "record_b", "score", "reason"]
    assert list(rows[0])[-1] == "decision"
    rows[0]["decision"] = "same"
    with csv_out.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    imported = run(
        "dedupe", "review", "--import", str(csv_out), "--who", "ann", "--review", str(review)
    )
    assert imported.exit_code == 0, imported.output
    assert imported.stdout.startswith("1 decisions recorded (1 same, 0 different)")
    after = dedupe_json(review)
    assert (after["unique"], after["uncertain"]) == (4, 0)
    assert after["decisions"] == {"same": 1, "different": 0}
    listed = json.loads(run("dedupe", "review", "--all", "--json", "--review", str(review)).stdout)
    assert listed["count"] == 1 and listed["pairs"][0]["decided_by"] == "ann"


def test_decide_different_splits_a_sure_link(review: Path) -> None:
    dedupe_json(review)
    records = json.loads(run("records", "list", "--json", "--review", str(review)).stdout)
    doi_a = [r["record_id"] for r in records["records"] if r["doi"] == "10.1/a"]
    assert len(doi_a) == 2
    decided = run(
        "dedupe",
        "review",
        "--decide",
        ",".join(doi_a),
        "different",
        "--note",
        "erratum, not a duplicate",
        "--review",
        str(review),
    )
    assert decided.exit_code == 0, decided.output
    assert "decided different" in decided.stdout and "evidencekit dedupe" in decided.stdout
    after = dedupe_json(review)
    assert after["unique"] == 6 and after["duplicates_removed"] == 0
    assert after["stats"]["clusters_split_by_decisions"] == 1
    # The decision stays: a later run respects it again.
    assert dedupe_json(review)["unique"] == 6


def test_review_bad_input(review: Path, tmp_path: Path) -> None:
    dedupe_json(review)
    bad = run("dedupe", "review", "--decide", "pnope", "same", "--review", str(review))
    assert bad.exit_code == 1 and bad.stderr.startswith("error: no pair 'pnope'")
    pairs = json.loads(run("dedupe", "review", "--json", "--review", str(review)).stdout)
    pair_id = pairs["pairs"][0]["pair_id"]
    wrong = run("dedupe", "review", "--decide", pair_id, "maybe", "--review", str(review))
    assert wrong.exit_code == 1 and "must be 'same' or 'different'" in wrong.stderr
    csv_file = tmp_path / "d.csv"
    csv_file.write_text(f"pair_id,decision\n{pair_id},same\n{pair_id},perhaps\n", "utf-8")
    result = run("dedupe", "review", "--import", str(csv_file), "--review", str(review))
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        f"error: {csv_file}:3: decision 'perhaps' must be 'same', 'different' or empty"
    )
    # Nothing from the file was recorded, not even its valid first row.
    still = json.loads(run("dedupe", "review", "--json", "--review", str(review)).stdout)
    assert still["count"] == 1 and still["pairs"][0]["decision"] == ""
    both = run(
        "dedupe",
        "review",
        "--decide",
        pair_id,
        "same",
        "--import",
        str(csv_file),
        "--review",
        str(review),
    )
    assert both.exit_code == 2


def test_real_exports_with_the_shipped_importer_and_deduplicators(
    tmp_path: Path, datasets: Path
) -> None:
    """Three real RIS exports of one search (CiteSource's example, file names give the
    counts) through the shipped RIS importer and both shipped deduplicators."""
    folder = tmp_path / "real"
    folder.mkdir()
    files = {
        "Web of Science": "WoS_79.ris",
        "PsycINFO": "psycinfo_64.ris",
        "PubMed": "pubmed_46.ris",
    }
    for source, name in files.items():
        path = datasets / "exports" / "citesource" / name
        if not path.exists():
            pytest.skip(f"{path} not found")
        result = run("import", str(path), "--source", source, "--review", str(folder))
        assert result.exit_code == 0, result.output
    for method in ("exact", "fuzzy"):
        first = json.loads(
            run("dedupe", "--method", method, "--json", "--review", str(folder)).stdout
        )
        assert first["records"] == 79 + 64 + 46
        assert first["unique"] + first["duplicates_removed"] == first["records"]
        assert 0 < first["unique"] < first["records"]  # one search in three databases
        by_source = {r["source"]: r["records"] for r in first["by_source"]}
        assert by_source == {"Web of Science": 79, "PsycINFO": 64, "PubMed": 46}
        again = json.loads(
            run("dedupe", "--method", method, "--json", "--review", str(folder)).stdout
        )
        for summary in (first, again):  # everything but the run id and the timings
            summary.pop("run_id")
            summary["stats"] = {
                k: v for k, v in summary["stats"].items() if not k.startswith("seconds")
            }
        assert first == again
    rows = list(
        csv.DictReader(
            io.StringIO(run("records", "export", "--all", "--review", str(folder)).stdout)
        )
    )
    assert len(rows) == 189
    primaries = [r for r in rows if r["is_primary"] == "true"]
    assert len(primaries) == len({r["cluster_id"] for r in rows}) == first["unique"]
