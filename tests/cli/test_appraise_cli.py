"""`evidencekit appraise`: the JSON interface, the worked example's published grade counts,
bad input, --skip-invalid, --review FILE or DIR, and the plots."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from shared_folder import REFERENCE

from evidencekit.core.cli import cli

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "docs" / "examples" / "peer-support"
DATA = REPO / "tests" / "data" / "appraisal"
FACTS = REFERENCE / "paper-facts.yaml"  # ../shared, or EVIDENCEKIT_SHARED

REVIEW = """\
kind: review
id: cli-test
version: "1"
title: CLI test
appraisal:
  studies: studies.csv
  checklists:
    qualitative: casp-qualitative
    randomised controlled trial: [casp-rct, rob2-parallel]
    cohort: casp-cohort
"""


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def run_json(*args: str) -> dict:
    result = run(*args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.fixture
def review(tmp_path) -> Path:
    root = tmp_path / "review"
    root.mkdir()
    shutil.copy(DATA / "studies.csv", root / "studies.csv")
    (root / "review.yaml").write_text(REVIEW, "utf-8")
    return root


# ------------------------------------------------------------------ the worked example


def test_worked_example_reproduces_the_published_grade_counts():
    data = run_json("appraise", "score", "--answers", str(EXAMPLE / "appraisal-answers.csv"))
    assert data["grades"] == {"good": 47, "fair": 1, "poor": 5}
    assert len(data["studies"]) == 53
    designs = {}
    for study in data["studies"]:
        designs[study["design"]] = designs.get(study["design"], 0) + 1
        assert set(study) >= {"study_id", "checklist", "score_percent", "grade"}
    assert designs == {
        "qualitative": 38,
        "randomised controlled trial": 10,
        "cohort": 4,
        "case-control": 1,
    }
    if FACTS.exists():  # the same numbers as the paper's, read from the shared reference
        facts = yaml.safe_load(FACTS.read_text("utf-8"))
        assert data["grades"] == facts["results"]["quality"]
        assert designs == facts["results"]["designs"]


def test_worked_example_answers_say_they_are_constructed():
    text = (EXAMPLE / "appraisal-answers.csv").read_text("utf-8").splitlines()
    assert text[0].endswith(",provenance")
    assert all(line.endswith(",constructed") for line in text[1:])


# ------------------------------------------------------------------ interface


def test_json_interface(review):
    data = run_json(
        "appraise",
        "score",
        "--review",
        str(review / "review.yaml"),
        "--answers",
        str(DATA / "answers-valid.csv"),
    )
    first = data["studies"][0]
    assert first["study_id"] == "jones2012" and first["checklist"] == "casp-rct"
    assert first["score_percent"] == pytest.approx(400 / 9) and first["grade"] == "poor"
    assert data["grades"] == {"good": 1, "poor": 1}
    assert data["no_checklist"] == [
        {"study_id": "khan2016", "design": "case-control"},
        {"study_id": "diaz2017", "design": "cross-sectional"},
    ]
    assert data["skipped"] == []


def test_review_dir_and_file_are_the_same(review):
    by_file = run_json(
        "appraise",
        "score",
        "--review",
        str(review / "review.yaml"),
        "--answers",
        str(DATA / "answers-valid.csv"),
    )
    by_dir = run_json(
        "appraise", "score", "--review", str(review), "--answers", str(DATA / "answers-valid.csv")
    )
    assert by_file == by_dir


def test_text_output_and_table(review, tmp_path):
    table = tmp_path / "quality.csv"
    result = run(
        "appraise",
        "score",
        "--review",
        str(review),
        "--answers",
        str(DATA / "answers-valid.csv"),
        "--table",
        str(table),
    )
    assert result.exit_code == 0, result.output
    assert "smith2010" in result.stdout and "grades: good 1, poor 1" in result.stdout
    assert "no checklist for the design of: khan2016 (case-control)" in result.stdout
    assert (
        table.read_text("utf-8")
        .splitlines()[0]
        .startswith("study_id,label,checklist,design,casp-qualitative:q1")
    )


def test_answers_default_from_the_review(review):
    shutil.copy(DATA / "answers-valid.csv", review / "answers.csv")
    (review / "review.yaml").write_text(REVIEW + "  answers: answers.csv\n", "utf-8")
    assert run_json("appraise", "score", "--review", str(review))["grades"] == {
        "good": 1,
        "poor": 1,
    }
    (review / "review.yaml").write_text(REVIEW, "utf-8")
    result = run("appraise", "score", "--review", str(review))
    assert result.exit_code == 1 and "pass --answers FILE" in result.output


# ------------------------------------------------------------------ bad input


def test_bad_input_exits_1_and_scores_nothing(review, tmp_path):
    out = tmp_path / "out.json"
    result = run(
        "appraise",
        "score",
        "--review",
        str(review),
        "--answers",
        str(DATA / "answers-bad.csv"),
        "--json",
        "-o",
        str(out),
    )
    assert result.exit_code == 1
    assert not out.exists()
    errors = [line for line in result.output.splitlines() if line.startswith("error: ")]
    assert len(errors) == 7
    assert any(
        "answers-bad.csv:3: study smith2010, checklist casp-qualitative, item q2: "
        "answer not accepted by this item; found 'maybe'; allowed: yes (Yes)" in e
        for e in errors
    )
    assert "nothing was scored" in result.output and "--skip-invalid" in result.output
    assert "Traceback" not in result.output


def test_skip_invalid_lists_the_skipped_rows(review, tmp_path):
    answers = tmp_path / "answers.csv"
    lines = (DATA / "answers-valid.csv").read_text("utf-8").splitlines()
    answers.write_text(
        "\n".join([*lines, "smith2010,casp-qualitative,q77,yes,ni,,"]) + "\n", "utf-8"
    )
    result = run(
        "appraise",
        "score",
        "--review",
        str(review),
        "--answers",
        str(answers),
        "--skip-invalid",
        "--json",
    )
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["grades"] == {"good": 1, "poor": 1}
    (skipped,) = data["skipped"]
    assert skipped["row"] == 23 and skipped["value"] == "q77"
    assert "skipped: " in result.stderr and "answers.csv:23" in result.stderr


def test_missing_answers_file(review):
    result = run("appraise", "score", "--review", str(review), "--answers", "nope.csv")
    assert result.exit_code == 1
    assert "error: nope.csv: no such answers file or folder" in result.output


# ------------------------------------------------------------------ plots


@pytest.mark.slow
def test_plot_command_writes_svg_and_png(review, tmp_path):
    out = tmp_path / "plots"
    data = run_json(
        "appraise",
        "plot",
        "--review",
        str(review),
        "--answers",
        str(DATA / "answers-valid.csv"),
        "--answers",
        str(DATA / "rob2-answers.yaml"),
        "-o",
        str(out),
    )
    names = sorted(Path(f).name for f in data["files"])
    assert names == [
        "quality-summary.png",
        "quality-summary.svg",
        "quality-traffic-light.png",
        "quality-traffic-light.svg",
    ]
    svg = (out / "quality-traffic-light.svg").read_text("utf-8")
    for label in ("smith2010", "jones2012", "khan2016", "D1", "D5", "Q11", "Grade"):
        assert label in svg
    only = run_json(
        "appraise",
        "plot",
        "--review",
        str(review),
        "--answers",
        str(DATA / "answers-valid.csv"),
        "-o",
        str(tmp_path / "p2"),
        "--format",
        "png",
        "--plot",
        "summary",
    )
    assert [Path(f).name for f in only["files"]] == ["quality-summary.png"]


def test_plot_lists_what_it_skips(review, tmp_path):
    answers = tmp_path / "answers.csv"
    lines = (DATA / "answers-valid.csv").read_text("utf-8").splitlines()
    answers.write_text(
        "\n".join([*lines, "smith2010,casp-qualitative,q77,yes,ni,,"]) + "\n", "utf-8"
    )
    result = run(
        "appraise",
        "plot",
        "--review",
        str(review),
        "--answers",
        str(answers),
        "--skip-invalid",
        "-o",
        str(tmp_path / "plots"),
        "--format",
        "svg",
        "--plot",
        "summary",
        "--json",
    )
    assert result.exit_code == 0, result.output
    assert "skipped: " in result.stderr and "answers.csv:23" in result.stderr
    data = json.loads(result.stdout)
    assert [p["row"] for p in data["skipped"]] == [23]
    assert [Path(f).name for f in data["files"]] == ["quality-summary.svg"]


def test_plot_names_rob2_domains(review, tmp_path):
    out = tmp_path / "plots"
    run_json(
        "appraise",
        "plot",
        "--review",
        str(review),
        "--answers",
        str(DATA / "rob2-answers.yaml"),
        "-o",
        str(out),
        "--format",
        "svg",
    )
    for name in ("quality-traffic-light.svg", "quality-summary.svg"):
        svg = (out / name).read_text("utf-8")
        assert "D1: Bias arising from the randomisation process" in svg
        assert "D5: Bias in selection of the reported result" in svg
        assert "grade: low / some-concerns / high" in svg


def test_text_output_of_a_dual_appraisal(review):
    result = run(
        "appraise", "score", "--review", str(review), "--answers", str(DATA / "answers-dual.csv")
    )
    assert result.exit_code == 0, result.output
    assert "agreement dt vs ni: 83.3% of 18 items in 2 studies" in result.output
