"""Issue 12, item 8 and the trust boundary: stale outputs moved aside and listed in
run.json; `run --dry-run` shows the plan and every path outside the review folder."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from worked_example import copy_example

from evidencekit.core.cli import cli

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "docs" / "examples" / "peer-support"


@pytest.fixture
def example(tmp_path) -> Path:
    target = tmp_path / "peer-support"
    shutil.copytree(
        EXAMPLE,
        target,
        ignore=shutil.ignore_patterns("outputs", "evidencekit.sqlite*", "__pycache__"),
    )
    return target


def run(*args: str):
    return CliRunner().invoke(cli, ["run", *args])


def _only_steps(text: str, keep: tuple[str, ...]) -> str:
    """review.yaml text with only the steps named in ``keep`` (each with its options)."""
    head, steps = text.split("\nsteps:\n", 1)
    steps, _, tail = steps.partition("\noutputs:")
    blocks = re.split(r"(?m)^(?=  - step: )", steps)
    kept = [b for b in blocks if b.strip() and b.split()[2] in keep]
    return head + "\nsteps:\n" + "".join(kept).rstrip("\n") + "\noutputs:" + tail


def test_stale_outputs_are_moved_aside_and_listed(example):
    text = (example / "review.yaml").read_text()
    # Only the measure and report steps are declared at first; measure's files are then
    # stale once it is not.
    (example / "review.yaml").write_text(_only_steps(text, ("measure", "report")))
    assert run("--review", str(example)).exit_code == 0
    outputs = example / "outputs"
    first = {p.name for p in outputs.iterdir() if p.is_file()}
    assert "measure-table2.md" in first
    (outputs / "notes-by-hand.txt").write_text("left here\n")
    # Now measure is no longer declared: its files and the stray one are stale.
    (example / "review.yaml").write_text(_only_steps(text, ("report",)))
    result = run("--review", str(example), "--json")
    assert result.exit_code == 0, result.output
    record = json.loads((outputs / "run.json").read_text())
    stale = record["stale_outputs"]
    assert "measure-table2.md" in stale["files"] and "notes-by-hand.txt" in stale["files"]
    assert "run.json" not in stale["files"]
    moved = outputs / stale["moved_to"]
    assert sorted(p.name for p in moved.iterdir()) == stale["files"]
    now = {p.name for p in outputs.iterdir() if p.is_file()}
    assert not now & set(stale["files"])
    assert set(json.loads(result.stdout)["files"]) == now


def test_only_keeps_the_files_of_declared_steps_it_did_not_run(worked_example_run, tmp_path):
    folder, first = worked_example_run  # the session's one full run, copied
    assert first.exit_code == 0, first.output
    example = copy_example(tmp_path / "peer-support", folder)
    outputs = example / "outputs"
    before = {p.name for p in outputs.iterdir() if p.is_file()}
    result = run("--review", str(example), "--only", "measure")
    assert result.exit_code == 0, result.output
    record = json.loads((outputs / "run.json").read_text())
    assert record["stale_outputs"] == {"moved_to": None, "files": []}
    assert {p.name for p in outputs.iterdir() if p.is_file()} == before


def test_dry_run_prints_the_plan_and_paths_outside_the_review(example, tmp_path):
    shared = tmp_path / "shared-ratings.csv"
    shutil.copy(example / "ratings.csv", shared)
    text = (
        (example / "review.yaml").read_text().replace("ratings: ratings.csv", f"ratings: {shared}")
    )
    (example / "review.yaml").write_text(text)
    steps = [line.split()[2] for line in text.splitlines() if line.startswith("  - step: ")]
    where = f"steps[{steps.index('measure')}].options.ratings"
    result = run("--review", str(example), "--dry-run")
    assert result.exit_code == 0, result.output
    assert "import: would run" in result.stdout and "report: would run" in result.stdout
    assert "paths outside the review folder (1):" in result.stdout
    assert f"{where}: {shared}" in result.stdout
    assert not (example / "outputs").exists() and not (example / "evidencekit.sqlite").exists()
    as_json = json.loads(run("--review", str(example), "--dry-run", "--json").stdout)
    assert as_json["run"]["paths_outside_review"] == [{"what": where, "path": str(shared)}]
    assert run("--review", str(example), "--only", "measure").exit_code == 0
    record = json.loads((example / "outputs" / "run.json").read_text())
    assert record["paths_outside_review"] == [{"what": where, "path": str(shared)}]


def test_dry_run_of_a_bad_plan_is_the_plan_error(example):
    text = (example / "review.yaml").read_text().replace("- step: report", "- step: publish")
    (example / "review.yaml").write_text(text)
    result = run("--review", str(example), "--dry-run")
    assert result.exit_code == 1 and "unknown step" in result.output
