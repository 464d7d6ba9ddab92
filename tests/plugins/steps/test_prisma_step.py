"""The ``prisma`` pipeline step: the diagram, CSV and counts among the run's outputs."""

from __future__ import annotations

import json

from click.testing import CliRunner
from prisma_review import make_prisma_review

from evidencekit.core.cli import cli


def run(*args: str):
    return CliRunner().invoke(cli, ["run", *args])


def with_steps(folder, steps: str):
    text = (folder / "review.yaml").read_text(encoding="utf-8")
    (folder / "review.yaml").write_text(text + "steps:\n" + steps, encoding="utf-8")
    return folder


def test_prisma_step_writes_the_diagram_and_feeds_the_report(tmp_path):
    folder = with_steps(
        make_prisma_review(tmp_path / "review"),
        "  - step: prisma\n    options: {formats: [svg, png]}\n  - step: report\n",
    )
    result = run("--review", str(folder), "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    prisma = next(s for s in data["steps"] if s["step"] == "prisma")
    assert prisma["summary"] == "13 records screened, 4 studies (5 reports) included"
    outputs = folder / "outputs"
    for name in ("prisma.svg", "prisma.png", "prisma.csv", "prisma.json"):
        assert (outputs / name).stat().st_size > 0
    assert not (outputs / "prisma.pdf").exists()
    saved = json.loads((outputs / "prisma.json").read_text())
    assert saved["fields"]["records_excluded"] == 5
    report = (outputs / "report.md").read_text()
    assert "![PRISMA 2020 flow diagram](prisma.svg)" in report
    assert "| Records screened | 13 |" in report
    assert "| Reports excluded: wrong population | 2 |" in report


def test_strict_fails_the_run_and_publishes_nothing(tmp_path):
    folder = with_steps(
        make_prisma_review(tmp_path / "review", screen=False),
        "  - step: prisma\n    options: {strict: true, formats: [svg]}\n",
    )
    result = run("--review", str(folder))
    assert result.exit_code == 1
    assert "the PRISMA counts do not add up" in result.output
    assert not (folder / "outputs" / "prisma.svg").exists()


def test_unknown_reporter_is_a_plan_error(tmp_path):
    folder = with_steps(
        make_prisma_review(tmp_path / "review", screen=False),
        "  - step: prisma\n    options: {reporter: prisma-diagrams}\n",
    )
    result = run("--review", str(folder))
    assert result.exit_code == 1
    assert "(prisma)" in result.output and "prisma-diagram" in result.output
