"""`evidencekit run`: the declared pipeline on the worked example, and its failure modes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from evidencekit.core.cli import cli

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "docs" / "examples" / "peer-support"


@pytest.fixture
def example(tmp_path) -> Path:
    target = tmp_path / "peer-support"
    shutil.copytree(EXAMPLE, target, ignore=shutil.ignore_patterns(
        "outputs", "evidencekit.sqlite*", "__pycache__"))
    return target


def run(*args: str):
    return CliRunner().invoke(cli, ["run", *args])


def test_worked_example_runs_end_to_end(example):
    result = run("--review", str(example), "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [s["step"] for s in data["steps"]] == ["import", "dedupe", "screen", "appraise",
                                                  "measure", "report"]
    outputs = example / "outputs"
    # Records: the Embase RIS and CSV exports hold the same 6 records.
    counts = json.loads((outputs / "records-by-source.json").read_text())
    assert counts["totals"] == {**counts["totals"], "records": 28, "unique": 22,
                                "duplicates_removed": 6}
    # Appraisal: the published grade counts (Ibrahim et al. 2020): 47 good, 1 fair, 5 poor.
    appraisal = json.loads((outputs / "appraisal.json").read_text())
    assert appraisal["grades"] == {"good": 47, "fair": 1, "poor": 5}
    # Measure: mean item score 1.8 with PSW experience vs 0.8 without (rounded half up).
    validity = json.loads((outputs / "measure-validity.json").read_text())["analyses"]
    groups = next(a for a in validity if a.get("attribute") == "psw_experience")["groups"]
    assert (round(groups["yes"] + 1e-9, 1), round(groups["no"] + 1e-9, 1)) == (1.8, 0.8)
    run_record = json.loads((outputs / "run.json").read_text())
    assert run_record["instruments"]["peer-support-implementation-measure"] == "2020"
    assert run_record["instruments"]["casp-qualitative"] == "2018"
    # Screening: the constructed decision files (docs/examples/peer-support/decisions/).
    screening = json.loads((outputs / "screening.json").read_text())
    assert screening["automation"]["by_rule"] == {"published_on_or_before": 13}
    assert [(c["stage"], c["records"], c["include"], c["exclude"], c["not-retrieved"])
            for c in screening["stages"]] == [("title-abstract", 22, 4, 18, 0),
                                              ("full-text", 4, 2, 1, 1)]
    assert len(screening["sample"]["record_ids"]) == 1  # ceil(5 % of 9)
    assert len(screening["studies"]) == 2
    report = (outputs / "report.md").read_text()
    assert "| all | 47 | 1 | 5 |" in report
    assert "## Screening" in report and "Studies included: **2**" in report
    for name in ("quality-traffic-light.svg", "measure-heatmap.svg", "quality-table.csv"):
        assert (outputs / name).stat().st_size > 0


def test_rerun_is_idempotent(example):
    assert run("--review", str(example)).exit_code == 0
    second = run("--review", str(example))
    assert second.exit_code == 0, second.output
    assert "0 new, 28 already present" in second.stdout
    assert "22 unique" in second.stdout


def test_plan_errors_stop_before_anything_runs(example):
    text = (example / "review.yaml").read_text()
    text = text.replace("ratings: ratings.csv", "ratings: missing.csv")
    text = text.replace("- step: report", "- step: publish")
    (example / "review.yaml").write_text(text)
    result = run("--review", str(example))
    assert result.exit_code == 1
    assert "review.yaml:51: $.steps[4] (measure): options.ratings: no such file" in result.output
    assert "review.yaml:58: $.steps[5] (publish): unknown step; known steps: import, dedupe" \
        in result.output
    assert "Traceback" not in result.output
    assert not (example / "evidencekit.sqlite").exists()
    assert not (example / "outputs").exists()


def test_failing_step_leaves_previous_outputs_unchanged(example):
    assert run("--review", str(example)).exit_code == 0
    before = {p.name: p.read_bytes() for p in (example / "outputs").iterdir()}
    ratings = example / "ratings.csv"
    lines = ratings.read_text().splitlines()
    lines[1] = lines[1].rsplit(",", 1)[0] + ",7"  # off the 0-3 scale
    ratings.write_text("\n".join(lines) + "\n")
    result = run("--review", str(example))
    assert result.exit_code == 1
    assert "ratings.csv" in result.output and "7" in result.output
    after = {p.name: p.read_bytes() for p in (example / "outputs").iterdir()}
    assert after == before
    assert not any(p.name.startswith(".evidencekit-run-") for p in example.iterdir())


def test_only_runs_selected_steps(example):
    result = run("--review", str(example), "--only", "measure", "--json")
    assert result.exit_code == 0, result.output
    assert [s["step"] for s in json.loads(result.stdout)["steps"]] == ["measure"]
    assert not (example / "evidencekit.sqlite").exists()


def test_review_without_steps_says_what_to_do(tmp_path):
    (tmp_path / "review.yaml").write_text(
        'kind: review\nid: empty\nversion: "1"\ntitle: Nothing declared\n')
    result = run("--review", str(tmp_path))
    assert result.exit_code == 1
    assert "no 'steps:' declared" in result.output
