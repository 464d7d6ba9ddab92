"""``evidencekit init``: a new review folder that runs as it is, and the messages
commands give outside a review folder."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from click.testing import CliRunner

from evidencekit.core.cli import cli

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "docs" / "examples" / "peer-support"


def run(*args: str) -> object:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_blank_template_runs(tmp_path: Path) -> None:
    folder = tmp_path / "mine"
    result = run("init", str(folder), "--template", "blank")
    assert result.exit_code == 0, result.output
    config = yaml.safe_load((folder / "review.yaml").read_text("utf-8"))
    assert config["kind"] == "review" and [s["step"] for s in config["steps"]] == ["report"]
    # the skeleton explains itself: the commented steps are there to uncomment
    assert "# - step: import" in (folder / "review.yaml").read_text("utf-8")
    done = run("run", "--review", str(folder), "--json")
    assert done.exit_code == 0, done.output
    assert "report.md" in json.loads(done.stdout)["files"]


def test_peer_support_template_copies_example_and_instruments(tmp_path: Path) -> None:
    folder = tmp_path / "ps"
    result = run("init", str(folder), "--template", "peer-support", "--json")
    assert result.exit_code == 0, result.output
    assert (folder / "review.yaml").read_bytes() == (EXAMPLE / "review.yaml").read_bytes()
    assert (folder / "appraisal-answers.csv").read_bytes() == (
        EXAMPLE / "appraisal-answers.csv"
    ).read_bytes()
    assert sorted(p.name for p in (folder / "exports").iterdir()) == sorted(
        p.name for p in (EXAMPLE / "exports").iterdir()
    )
    own = sorted(p.name for p in (folder / "instruments").glob("*.yaml"))
    assert "casp-qualitative.yaml" in own and "peer-support-implementation-measure.yaml" in own
    # the review's own copy is the one used: listed with origin "review"
    listing = run("instruments", "list", "--review", str(folder), "--json")
    origins = {(i["id"], i["origin"]) for i in json.loads(listing.stdout)["instruments"]}
    assert ("peer-support-implementation-measure", "review") in origins
    assert ("casp-rct", "review") in origins


def test_adapting_by_editing_the_review_instruments(tmp_path: Path) -> None:
    """A team edits its own copy of the measure; the run uses the edited text."""
    folder = tmp_path / "ps"
    assert run("init", str(folder)).exit_code == 0
    measure = folder / "instruments" / "peer-support-implementation-measure.yaml"
    text = measure.read_text("utf-8")
    data = yaml.safe_load(text)
    old_title = data["title"]
    measure.write_text(text.replace(old_title, "Readiness for peer support (adapted)", 1), "utf-8")
    result = run(
        "instruments",
        "show",
        "peer-support-implementation-measure",
        "--review",
        str(folder),
        "--json",
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["title"] == "Readiness for peer support (adapted)"


def test_init_refuses_an_existing_review(tmp_path: Path) -> None:
    folder = tmp_path / "r"
    assert run("init", str(folder), "--template", "blank").exit_code == 0
    before = (folder / "review.yaml").read_text("utf-8")
    again = run("init", str(folder))
    assert again.exit_code == 1
    assert again.stderr.startswith(f"error: {folder / 'review.yaml'} already exists")
    assert (folder / "review.yaml").read_text("utf-8") == before
    assert not (folder / "exports").exists()


def test_commands_outside_a_review_point_at_init(tmp_path: Path) -> None:
    result = run("run", "--review", str(tmp_path))
    assert result.exit_code == 1
    assert "is not a review folder" in result.stderr and "evidencekit init" in result.stderr
    listed = run("records", "list", "--review", str(tmp_path))
    assert listed.exit_code == 1
    assert "not a review folder" in listed.stderr and "evidencekit init" in listed.stderr


def test_import_into_a_bare_folder_says_it_starts_a_store(tmp_path: Path) -> None:
    export = EXAMPLE / "exports" / "pubmed.ris"
    result = run("import", str(export), "--source", "PubMed", "--review", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert "starting a new review store" in result.stderr
    assert (tmp_path / "evidencekit.sqlite").is_file()
    second = run("import", str(export), "--source", "PubMed", "--review", str(tmp_path))
    assert second.exit_code == 0 and "starting a new review store" not in second.stderr
