"""`evidencekit run`: the declared pipeline on the worked example, and its failure modes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from worked_example import copy_example

from evidencekit.core.cli import cli


@pytest.fixture
def example(tmp_path) -> Path:
    """A fresh copy of the worked example, never run."""
    return copy_example(tmp_path / "peer-support")


@pytest.fixture
def example_after_a_run(worked_example_run, tmp_path) -> Path:
    """A copy of the worked example as the session's one full run left it."""
    folder, result = worked_example_run
    assert result.exit_code == 0, result.output
    return copy_example(tmp_path / "peer-support", folder)


def run(*args: str):
    return CliRunner().invoke(cli, ["run", *args])


def test_worked_example_runs_end_to_end(worked_example_run):
    example, result = worked_example_run
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [s["step"] for s in data["steps"]] == [
        "import",
        "dedupe",
        "screen",
        "appraise",
        "synthesize",
        "measure",
        "prisma",
        "report",
    ]
    outputs = example / "outputs"
    # Records: the Embase RIS and CSV exports hold the same 6 records.
    counts = json.loads((outputs / "records-by-source.json").read_text())
    assert counts["totals"] == {
        **counts["totals"],
        "records": 28,
        "unique": 22,
        "duplicates_removed": 6,
    }
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
    assert [
        (c["stage"], c["records"], c["include"], c["exclude"], c["not-retrieved"])
        for c in screening["stages"]
    ] == [("title-abstract", 22, 4, 18, 0), ("full-text", 4, 2, 1, 1)]
    assert len(screening["sample"]["record_ids"]) == 1  # ceil(5 % of 9)
    assert len(screening["studies"]) == 2
    report = (outputs / "report.md").read_text()
    assert "| all | 47 | 1 | 5 | 53 |" in report
    assert "## Screening" in report and "Studies included: **2**" in report
    # Synthesis (tests/cli/test_synthesize_cli.py checks every published figure)
    assert "### Table 1: influences coded in 53 studies" in report
    assert (outputs / "table1.csv").stat().st_size > 0
    # PRISMA 2020: every box follows from the records, clusters and decisions above;
    # 28 - 6 duplicates - 13 by the rules = 9 screened; 9 - 5 = 4 sought; 4 - 1 = 3; 3 - 1 = 2.
    prisma = json.loads((outputs / "prisma.json").read_text())["fields"]
    assert {
        k: prisma[k]
        for k in (
            "database_results",
            "duplicates",
            "excluded_automatic",
            "records_screened",
            "records_excluded",
            "dbr_sought_reports",
            "dbr_notretrieved_reports",
            "dbr_assessed",
            "dbr_excluded",
            "new_studies",
            "new_reports",
        )
    } == {
        "database_results": 28,
        "duplicates": 6,
        "excluded_automatic": 13,
        "records_screened": 9,
        "records_excluded": 5,
        "dbr_sought_reports": 4,
        "dbr_notretrieved_reports": 1,
        "dbr_assessed": 3,
        "dbr_excluded": "no influences reported, 1",
        "new_studies": 2,
        "new_reports": 2,
    }
    assert "![PRISMA 2020 flow diagram](prisma.svg)" in report
    assert "| Records screened | 9 |" in report and "The counts do not add up" not in report
    for name in (
        "quality-traffic-light.svg",
        "measure-heatmap.svg",
        "quality-table.csv",
        "prisma.png",
        "prisma.pdf",
        "prisma.csv",
    ):
        assert (outputs / name).stat().st_size > 0


def test_rerun_is_idempotent(example_after_a_run):
    example = example_after_a_run
    # nothing changed: every step is skipped (tests/core/test_incremental.py); forced, the
    # import finds every record already present and de-duplication gives the same result
    second = run("--review", str(example), "--force", "--only", "import", "--only", "dedupe")
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
    lines = text.splitlines()
    steps = [n for n, line in enumerate(lines) if line.startswith("  - step: ")]

    def where(name: str) -> str:  # review.yaml:LINE: $.steps[N] of the step called `name`
        index = next(i for i, n in enumerate(steps) if lines[n].split()[2] == name)
        return f"review.yaml:{steps[index] + 1}: $.steps[{index}] ({name})"

    assert f"{where('measure')}: options.ratings: no such file" in result.output
    assert f"{where('publish')}: unknown step; known steps: import, dedupe" in result.output
    assert "Traceback" not in result.output
    assert not (example / "evidencekit.sqlite").exists()
    assert not (example / "outputs").exists()


def test_failing_step_leaves_previous_outputs_unchanged(example_after_a_run):
    example = example_after_a_run
    before = {p.name: p.read_bytes() for p in (example / "outputs").rglob("*") if p.is_file()}
    ratings = example / "ratings.csv"
    lines = ratings.read_text().splitlines()
    lines[1] = lines[1].rsplit(",", 1)[0] + ",7"  # off the 0-3 scale
    ratings.write_text("\n".join(lines) + "\n")
    result = run("--review", str(example))
    assert result.exit_code == 1
    assert "ratings.csv" in result.output and "7" in result.output
    after = {p.name: p.read_bytes() for p in (example / "outputs").rglob("*") if p.is_file()}
    assert after == before
    assert not any(p.name.startswith(".evidencekit-run-") for p in example.iterdir())


def test_only_runs_selected_steps(example):
    result = run("--review", str(example), "--only", "measure", "--json")
    assert result.exit_code == 0, result.output
    assert [s["step"] for s in json.loads(result.stdout)["steps"]] == ["measure"]
    assert not (example / "evidencekit.sqlite").exists()


def test_review_without_steps_says_what_to_do(tmp_path):
    (tmp_path / "review.yaml").write_text(
        'kind: review\nid: empty\nversion: "1"\ntitle: Nothing declared\n'
    )
    result = run("--review", str(tmp_path))
    assert result.exit_code == 1
    assert "no 'steps:' declared" in result.output
