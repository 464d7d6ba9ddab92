"""Every review.yaml mistake of the issue is reported in one pass, each with its line and
a close match, by `run --dry-run`, `run` (before any step runs) and `instruments
validate review.yaml` alike."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from evidencekit.core.cli import cli


def cli_run(*args: str):
    return CliRunner().invoke(cli, list(args))


@pytest.fixture
def broken(tmp_path) -> Path:
    folder = tmp_path / "review"
    assert cli_run("init", str(folder)).exit_code == 0
    text = (folder / "review.yaml").read_text("utf-8")
    for old, new in [
        ("file: exports/embase.ris, date_searched", "file: exports/embase.ris, date_serched"),
        (
            "kind: database, file: exports/web_of_science.txt",
            "kind: databse, file: exports/web_of_science.txt",
        ),
        ("  method: fuzzy", "  methd: fuzzy"),
        (
            '  casp-rct: "2018"',
            '  casp-rct: "2018"\n  jbi-cross-sectional: "2018"\n  casp-qualitative-x: "2018"',
        ),
        ('  casp-cohort: "2018"', '  casp-cohort: "2099"'),
        ("      by: psw_experience", "      by: psw_experience\n      plot: false"),
    ]:
        assert old in text, old
        text = text.replace(old, new)
    (folder / "review.yaml").write_text(text, "utf-8")
    return folder


def line_of(folder: Path, fragment: str) -> int:
    lines = (folder / "review.yaml").read_text("utf-8").splitlines()
    return next(n for n, line in enumerate(lines, start=1) if fragment in line)


def expected(folder: Path) -> list[str]:
    file = folder / "review.yaml"
    return [
        f"{file}:{line_of(folder, 'casp-cohort')}: $.instruments.casp-cohort: 'casp-cohort' "
        "has no version '2099'; versions found: 2018",
        f"{file}:{line_of(folder, 'jbi-cross')}: $.instruments.jbi-cross-sectional: no "
        "instrument with id 'jbi-cross-sectional'",
        f"{file}:{line_of(folder, 'qualitative-x')}: $.instruments.casp-qualitative-x: no "
        "instrument with id 'casp-qualitative-x' (did you mean 'casp-qualitative'?)",
        f"{file}:{line_of(folder, 'date_serched')}: $.sources[0].date_serched: unknown field "
        "'date_serched' (did you mean 'date_searched'?)",
        f"{file}:{line_of(folder, 'databse')}: $.sources[3].kind: 'databse' is not one of",
        f"{file}:{line_of(folder, 'methd')}: $.dedupe.methd: unknown field 'methd' (did you "
        "mean 'method'?)",
        "(measure): invalid options for pipeline-step 'measure': $.plot: unknown field 'plot' "
        "(did you mean 'plots'?)",
    ]


def assert_all_reported(output: str, folder: Path) -> None:
    lines = [line for line in output.splitlines() if line.startswith("error: ")]
    for fragment in expected(folder):
        assert sum(fragment in line for line in lines) == 1, (fragment, output)
    assert len(lines) == len(expected(folder)), output
    assert "Traceback" not in output


def test_dry_run_reports_every_mistake_once_with_its_line(broken):
    result = cli_run("run", "--review", str(broken), "--dry-run")
    assert result.exit_code == 1
    assert_all_reported(result.stderr, broken)
    assert not (broken / "outputs").exists()


def test_run_reports_them_before_any_step_runs(broken):
    result = cli_run("run", "--review", str(broken))
    assert result.exit_code == 1
    assert_all_reported(result.stderr, broken)
    assert not (broken / "evidencekit.sqlite").exists() and not (broken / "outputs").exists()


def test_instruments_validate_reports_the_same(broken):
    result = cli_run("instruments", "validate", str(broken / "review.yaml"))
    assert result.exit_code == 1
    assert_all_reported(result.stderr, broken)


def test_a_valid_review_dry_run_shows_the_plan(tmp_path):
    folder = tmp_path / "ok"
    assert cli_run("init", str(folder)).exit_code == 0
    result = cli_run("run", "--review", str(folder), "--dry-run")
    assert result.exit_code == 0, result.output
    declared = [
        line.split()[2]
        for line in (folder / "review.yaml").read_text().splitlines()
        if line.startswith("  - step: ")
    ]
    assert result.stdout.splitlines() == [
        f"{folder / 'review.yaml'}: valid; the plan:",
        *(f"{step}: would run (it has not run successfully before)" for step in declared),
        "every path is inside the review folder",
    ]
    assert not (folder / "evidencekit.sqlite").exists()
    valid = cli_run("instruments", "validate", str(folder / "review.yaml"))
    assert valid.exit_code == 0, valid.output


def test_appraise_reads_appraisal_answers_by_default(tmp_path):
    folder = tmp_path / "r"
    assert cli_run("init", str(folder)).exit_code == 0
    text = (folder / "review.yaml").read_text("utf-8")
    text = text.replace(
        "  - step: appraise\n    options:\n      answers: appraisal-answers.csv\n",
        "  - step: appraise\n    options: {plots: false}\n",  # the answers, not the figures
    )
    text = text.replace("dedupe:\n", "appraisal:\n  answers: appraisal-answers.csv\ndedupe:\n")
    (folder / "review.yaml").write_text(text, "utf-8")
    result = cli_run("run", "--review", str(folder), "--only", "appraise", "--json")
    assert result.exit_code == 0, result.output
    assert "47 good, 1 fair, 5 poor" in result.stdout
    missing = text.replace("appraisal:\n  answers: appraisal-answers.csv\n", "")
    (folder / "review.yaml").write_text(missing, "utf-8")
    refused = cli_run("run", "--review", str(folder), "--dry-run")
    assert refused.exit_code == 1
    assert "(appraise): no answers: give options.answers or appraisal.answers" in refused.stderr
