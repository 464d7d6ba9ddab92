"""The ``screen`` pipeline step (plugins/steps/screen.py) and the worked example's
constructed decision files."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner
from screening_review import make_screening_review, record_ids

from evidencekit.core.cli import cli
from evidencekit.core.review import open_review
from evidencekit.core.screening import samples

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "docs" / "examples" / "peer-support"

STEPS = """  rules: {published_on_or_before: "2018"}
  files:
    - {file: ta.csv, stage: title-abstract, reviewer: ann}
steps:
  - step: screen
    options:
      sample: {stage: title-abstract, reviewer: bob, n: 2, seed: 5}
"""


def run(*args: str):
    return CliRunner().invoke(cli, ["run", *args])


def test_screen_step_applies_rules_sample_and_files_and_reruns(tmp_path: Path) -> None:
    folder = make_screening_review(tmp_path / "r", n=12, extra=STEPS)
    from evidencekit.core.store import open_store, rows

    with open_store(open_review(folder)) as store, store.read() as conn:
        years = {r.record_id: r.year for r in rows.load_records(conn)}
    ids = [r for r in record_ids(folder) if years[r] <= 2018]  # the rules exclude the rest
    (folder / "ta.csv").write_text(
        "record_id,decision,reason\n"
        + "".join(
            f"{r},{'include' if i % 2 else 'exclude'},{'' if i % 2 else 'wrong population'}\n"
            for i, r in enumerate(ids)
        ),
        encoding="utf-8",
    )
    result = run("--review", str(folder), "--json")
    assert result.exit_code == 0, result.output
    data = json.loads((folder / "outputs" / "screening.json").read_text())
    # years 2010 + i: records 9, 10, 11 are after 2018
    assert data["automation"]["excluded"] == 3
    assert data["stages"][0]["excluded_by_automation"] == 3
    assert len(data["sample"]["record_ids"]) == 2 and data["sample"]["new"]
    assert data["imports"][0]["written"] == 9
    assert data["stages"][0]["include"] == 4 and data["stages"][0]["exclude"] == 8
    # A re-run keeps the recorded sample and replaces decisions, never adds (forced: with
    # nothing changed the incremental runner would skip the step).
    assert run("--review", str(folder), "--force").exit_code == 0
    assert len(samples(open_review(folder))) == 1
    again = json.loads((folder / "outputs" / "screening.json").read_text())
    assert again["stages"] == data["stages"] and not again["sample"]["new"]


def test_screen_step_plan_errors(tmp_path: Path) -> None:
    folder = make_screening_review(tmp_path / "r", n=2, extra=STEPS)
    result = run("--review", str(folder))
    assert result.exit_code == 1
    assert "screening.files[0]: no such file" in result.stderr


def test_worked_example_decisions_are_what_the_script_writes() -> None:
    out = subprocess.run(
        [sys.executable, str(EXAMPLE / "construct_decisions.py"), "--check"],
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stderr
