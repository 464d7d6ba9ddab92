"""Incremental runs: a step is skipped when nothing it depends on changed; --force,
--only, --from and --dry-run; what run.json records."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from evidencekit.core.cli import cli

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "docs" / "examples" / "peer-support"

# The worked example without plots (the tests are about what runs, not what is drawn).
REVIEW = """\
kind: review
id: incremental
version: "1"
title: Incremental
instruments: {peer-support-implementation-measure: "2020"}
sources:
  - {name: "MEDLINE (PubMed)", kind: database, file: exports/pubmed.ris,
     date_searched: "2018-07-31"}
  - {name: "Web of Science", kind: database, file: exports/web_of_science.txt}
dedupe: {method: fuzzy}
appraisal: {answers: appraisal-answers.csv}
steps:
  - step: import
  - step: dedupe
  - step: appraise
    options: {plots: false}
  - step: measure
    options: {measure: peer-support-implementation-measure, ratings: ratings.csv,
              units: units.csv, plots: false}
  - step: report
    options: {formats: [markdown]}
"""


def run(*args: str):
    return CliRunner().invoke(cli, ["run", *args])


def statuses(result) -> dict[str, str]:
    assert result.exit_code == 0, result.output
    return {s["step"]: s["status"] for s in json.loads(result.stdout)["steps"]}


@pytest.fixture(scope="module")
def first_run(tmp_path_factory) -> Path:
    """The review run once for the module (every step ran); each test gets a copy."""
    folder = tmp_path_factory.mktemp("incremental") / "review"
    folder.mkdir()
    for name in ("appraisal-answers.csv", "ratings.csv", "units.csv"):
        shutil.copy(EXAMPLE / name, folder / name)
    shutil.copytree(EXAMPLE / "exports", folder / "exports")
    (folder / "review.yaml").write_text(REVIEW, "utf-8")
    first = run("--review", str(folder), "--json")
    assert set(statuses(first).values()) == {"ran"}
    return folder


@pytest.fixture
def review(first_run, tmp_path) -> Path:
    """A copy of the review after its first run (store, outputs and saved step states)."""
    return Path(shutil.copytree(first_run, tmp_path / "review"))


def test_nothing_changed_skips_every_step_and_says_so(review):
    before = (review / "outputs" / "report.md").read_bytes()
    result = CliRunner().invoke(cli, ["run", "--review", str(review)])
    assert result.exit_code == 0, result.output
    assert "import: unchanged, skipped (--force re-runs it)" in result.stderr
    assert result.stdout.count("[skipped: unchanged]") == 5
    # the folder's files, and the one this run wrote (run.json), not "(1 files)"
    held = sum(1 for p in (review / "outputs").iterdir() if p.is_file())
    assert held > 1
    assert f"({held} files, 1 written by this run)" in result.stdout
    assert (review / "outputs" / "report.md").read_bytes() == before
    record = json.loads((review / "outputs" / "run.json").read_text("utf-8"))
    assert [s["status"] for s in record["steps"]] == ["skipped"] * 5
    assert all(s["reason"].startswith("unchanged since ") for s in record["steps"])


def test_a_changed_input_reruns_its_step_and_those_after(review):
    ratings = review / "ratings.csv"
    lines = ratings.read_text("utf-8").splitlines()
    lines[1] = lines[1][:-1] + ("0" if lines[1][-1] != "0" else "1")
    ratings.write_text("\n".join(lines) + "\n", "utf-8")
    result = run("--review", str(review), "--json")
    assert statuses(result) == {
        "import": "skipped",
        "dedupe": "skipped",
        "appraise": "skipped",
        "measure": "ran",
        "report": "ran",
    }
    steps = {s["step"]: s for s in json.loads(result.stdout)["steps"]}
    assert steps["measure"]["reason"] == "input changed: ratings.csv"
    assert steps["report"]["reason"] == "an earlier step changed"
    # the report still has every section: skipped steps' results were reused
    report = (review / "outputs" / "report.md").read_text("utf-8")
    assert "## Records identified" in report and "## Quality appraisal" in report


def test_changed_options_and_review_sections_rerun(review):
    text = (review / "review.yaml").read_text("utf-8")
    (review / "review.yaml").write_text(
        text.replace("dedupe: {method: fuzzy}", "dedupe: {method: exact}"), "utf-8"
    )
    result = run("--review", str(review), "--json")
    assert statuses(result) == {
        "import": "skipped",
        "dedupe": "ran",
        "appraise": "ran",
        "measure": "ran",
        "report": "ran",
    }
    dedupe = json.loads(result.stdout)["steps"][1]
    assert dedupe["reason"] == "input changed: review.yaml:dedupe"


def test_force_only_and_from(review):
    assert set(statuses(run("--review", str(review), "--force", "--json")).values()) == {"ran"}
    only = run("--review", str(review), "--only", "report", "--force", "--json")
    assert statuses(only) == {"report": "ran"}
    assert "## Quality appraisal" in (review / "outputs" / "report.md").read_text("utf-8")
    start = run("--review", str(review), "--from", "appraise", "--force", "--json")
    assert statuses(start) == {"appraise": "ran", "measure": "ran", "report": "ran"}
    bad = run("--review", str(review), "--from", "screen")
    assert bad.exit_code == 1 and "--from screen: not a step of review.yaml" in bad.output


def test_dry_run_writes_nothing_and_tells_what_would_run(review):
    (review / "units.csv").write_text((review / "units.csv").read_text("utf-8") + "\n", "utf-8")
    outputs = {p: p.read_bytes() for p in (review / "outputs").rglob("*") if p.is_file()}
    result = CliRunner().invoke(cli, ["run", "--review", str(review), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "appraise: unchanged, would be skipped" in result.stdout
    assert "measure: would run (input changed: units.csv)" in result.stdout
    assert "report: would run (an earlier step changed)" in result.stdout
    assert {p: p.read_bytes() for p in (review / "outputs").rglob("*") if p.is_file()} == outputs


def test_a_deleted_store_or_output_reruns_what_made_it(review):
    (review / "evidencekit.sqlite").unlink()
    (review / "outputs" / "appraisal.json").unlink()
    result = run("--review", str(review), "--json")
    assert statuses(result) == {
        "import": "ran",
        "dedupe": "ran",
        "appraise": "ran",
        "measure": "ran",
        "report": "ran",
    }
    assert (review / "outputs" / "appraisal.json").is_file()


def test_a_duplicate_decision_reruns_dedupe(review):
    """`dedupe review --decide` changes the store, not a file: dedupe must run again."""
    from evidencekit.core.deduplication import decide
    from evidencekit.core.review import open_review

    records = CliRunner().invoke(cli, ["records", "list", "--review", str(review), "--json"])
    ids = [r["record_id"] for r in json.loads(records.stdout)["records"]][:2]
    decide(open_review(review), ",".join(ids), "different", who="test")
    result = run("--review", str(review), "--json")
    assert statuses(result)["import"] == "skipped"
    assert statuses(result)["dedupe"] == "ran"
    assert json.loads(result.stdout)["steps"][1]["reason"] == "input changed: store:decisions"


def test_run_json_records_versions_timings_and_fingerprints(review):
    record = json.loads((review / "outputs" / "run.json").read_text("utf-8"))
    assert record["evidencekit"] and record["seconds"] >= 0
    assert record["selection"] == {"only": [], "from": None, "force": False}
    assert record["seeds"] == {}
    for step in record["steps"]:
        assert step["status"] == "ran" and step["seconds"] >= 0
        assert len(step["fingerprint"]) == 64
    state = json.loads(
        (review / "outputs" / ".evidencekit" / "steps" / "measure.json").read_text("utf-8")
    )
    parts = state["fingerprint"]
    assert set(parts["inputs"]) == {"ratings.csv", "units.csv"}
    # a built-in step is versioned by evidencekit's own version
    assert parts["versions"] == {
        "evidencekit": record["evidencekit"],
        "plugin": "evidencekit.plugins.steps.measure",
    }
    assert parts["instruments"]["pins"] == {"peer-support-implementation-measure": "2020"}
