"""The ``prioritise`` pipeline step: ranked queue, and screening replayed from labels until
the stopping rules say stop, with PRISMA counts that follow from it."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

from click.testing import CliRunner

from evidencekit.core.cli import cli

EXCERPT = Path(__file__).resolve().parents[2] / "data" / "screening" / "nagtegaal2019-excerpt.csv"

HEAD = """kind: review
id: prioritise-test
version: '1'
title: Prioritise step test
sources:
  - {name: Excerpt, kind: database, file: excerpt.csv}
screening:
  stages: [{id: title-abstract}, {id: full-text}]
  reasons: [not included]
  prioritisation:
    seed: 3
    stopping:
      combine: any
      rules:
        - {name: consecutive-irrelevant, options: {n: 15}}
steps:
  - step: import
"""


def make(folder: Path, steps: str) -> Path:
    folder.mkdir(parents=True)
    shutil.copy(EXCERPT, folder / "excerpt.csv")
    (folder / "review.yaml").write_text(HEAD + steps, encoding="utf-8")
    return folder


def run(folder: Path):
    return CliRunner().invoke(cli, ["run", "--review", str(folder), "--json"])


def test_replay_stops_where_the_rule_says_and_prisma_follows(tmp_path):
    folder = make(
        tmp_path / "r",
        """  - step: prioritise
    options:
      replay:
        file: excerpt.csv
        label_column: label_included
        next_stage: {label_column: label_included, reason: not included}
  - step: prisma
    options: {formats: [svg]}
""",
    )
    result = run(folder)
    assert result.exit_code == 0, result.output
    out = folder / "outputs"
    data = json.loads((out / "prioritise.json").read_text("utf-8"))
    replay = data["replay"]
    assert replay["records"] == 60 and replay["included_in_labels"] == 8
    assert replay["screened"] + replay["skipped"] == 60
    # The rule fired: the last 15 records screened were all irrelevant.
    assert replay["stopped"] and "consecutive-irrelevant says stop" in replay["reason"]
    assert "last 15" in replay["rules"][0]["reason"]
    with EXCERPT.open(encoding="utf-8") as handle:
        label = {row["record_id"]: int(row["label_included"]) for row in csv.DictReader(handle)}
    order = [
        row["record_id"]
        for row in csv.DictReader((out / "replay-order.csv").open(encoding="utf-8"))
    ]
    assert len(order) == replay["screened"]
    stored_keys = [r["record_id"] for r in csv.DictReader(EXCERPT.open(encoding="utf-8"))]
    assert len(set(order)) == len(order)
    assert replay["included"] == sum(label[k] for k in stored_keys) - replay["missed"]
    assert replay["recall"] == replay["included"] / 8
    assert data["next_stage"]["decided"] == replay["included"]
    assert data["next_stage"]["included"] == replay["included"]  # same labels at full text
    prisma = json.loads((out / "prisma.json").read_text("utf-8"))["fields"]
    assert prisma["records_screened"] == replay["screened"]
    assert prisma["excluded_automatic"] == replay["skipped"]
    assert sum(label.values()) == 8


def test_without_replay_the_step_ranks_the_queue(tmp_path):
    folder = make(tmp_path / "r", "  - step: prioritise\n")
    result = run(folder)
    assert result.exit_code == 0, result.output
    out = folder / "outputs"
    with (out / "ranking.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [int(r["rank"]) for r in rows] == list(range(1, 61))
    stopping = json.loads((out / "stopping.json").read_text("utf-8"))
    assert stopping["screened"] == 0 and stopping["stop"] is False


def test_a_missing_label_file_is_a_plan_error(tmp_path):
    folder = make(
        tmp_path / "r",
        """  - step: prioritise
    options: {replay: {file: nope.csv, label_column: label_included}}
""",
    )
    result = CliRunner().invoke(cli, ["run", "--review", str(folder)])
    assert result.exit_code == 1
    assert "no such label file" in result.output
    assert not (folder / "outputs").exists()
