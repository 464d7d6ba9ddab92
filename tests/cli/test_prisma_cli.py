"""`evidencekit prisma`: files, --json fields, warnings and --strict."""

from __future__ import annotations

import csv
import json

import pytest
from click.testing import CliRunner
from prisma_review import make_prisma_review

from evidencekit.core.cli import cli


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.fixture(scope="module")
def review(tmp_path_factory):
    return make_prisma_review(tmp_path_factory.mktemp("prisma-cli") / "review")


def test_writes_diagram_csv_and_json(review, tmp_path):
    result = run("prisma", "--review", str(review), "-o", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    assert "screened: 13, excluded: 5" in result.stdout
    assert "included: 4 studies, 5 reports" in result.stdout
    names = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert names == ["prisma.csv", "prisma.json", "prisma.pdf", "prisma.png", "prisma.svg"]
    rows = {r["data"]: r["n"] for r in csv.DictReader((tmp_path / "out" / "prisma.csv").open())}
    assert rows["records_screened"] == "13" and rows["duplicates"] == "4"
    saved = json.loads((tmp_path / "out" / "prisma.json").read_text())
    assert saved["counts"]["dbr"]["sought"] == 8 and saved["fields"]["new_reports"] == 5


def test_json_prints_the_fields_with_their_counts(review, tmp_path):
    result = run(
        "prisma", "--review", str(review), "-o", str(tmp_path), "--json", "--format", "png"
    )
    data = json.loads(result.stdout)
    assert data["database_results"] == 16 and data["register_results"] == 2
    assert data["website_results"] == 3 and data["citations_results"] == 2
    assert data["excluded_automatic"] == 1 and data["records_excluded"] == 5
    assert data["dbr_notretrieved_reports"] == 1 and data["dbr_assessed"] == 7
    assert data["other_sought_reports"] == 2 and data["new_studies"] == 4
    assert data["problems"] == []
    assert [f.rsplit("/", 1)[1] for f in data["files"]] == [
        "prisma.png",
        "prisma.csv",
        "prisma.json",
    ]


def test_default_folder_is_inside_the_review(review):
    result = run("prisma", "--review", str(review), "--format", "svg")
    assert result.exit_code == 0
    assert (review / "outputs" / "prisma" / "prisma.svg").is_file()


def test_problems_are_warnings_and_strict_fails(tmp_path):
    folder = make_prisma_review(tmp_path / "unscreened", screen=False)
    result = run("prisma", "--review", str(folder), "-o", str(tmp_path / "o"), "--format", "svg")
    assert result.exit_code == 0
    assert (
        "warning: records screened (14) minus records excluded (0) is 14, but 0 reports "
        "were sought" in result.stderr
    )
    strict = run(
        "prisma", "--review", str(folder), "-o", str(tmp_path / "o"), "--strict", "--format", "svg"
    )
    assert strict.exit_code == 1


def test_a_folder_without_a_store_is_a_clear_error(tmp_path):
    (tmp_path / "review.yaml").write_text(
        "kind: review\nid: empty\nversion: '1'\ntitle: Empty\n", encoding="utf-8"
    )
    result = run("prisma", "--review", str(tmp_path))
    assert result.exit_code == 1
    assert result.stderr.startswith("error: no store at ")
    assert not (tmp_path / "outputs").exists()
