"""`evidencekit extract`: validate, sample and agreement."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from click.testing import CliRunner

from evidencekit.core.cli import cli

DATA = Path(__file__).resolve().parents[2] / "tests" / "data" / "appraisal"
FORM = "peer-support-extraction"


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def test_validate_good_files():
    result = run(
        "extract",
        "validate",
        "--form",
        FORM,
        str(DATA / "extraction-a.csv"),
        str(DATA / "influences-a.csv"),
        str(DATA / "studies.csv"),
    )
    assert result.exit_code == 0, result.output
    assert "extraction-a.csv: records, 4 valid row(s), 0 problem(s)" in result.output
    assert "influences-a.csv: influences, 5 valid row(s)" in result.output
    assert "studies.csv: studies, 5 valid row(s)" in result.output


def test_validate_reports_every_problem_and_exits_1():
    result = run(
        "extract",
        "validate",
        "--form",
        FORM,
        str(DATA / "extraction-bad.csv"),
        str(DATA / "influences-bad.csv"),
        "--json",
    )
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["valid"] is False and data["framework"] == "peer-support-influences@2020"
    counts = {Path(f["file"]).name: len(f["problems"]) for f in data["files"]}
    assert counts == {"extraction-bad.csv": 6, "influences-bad.csv": 3}
    texts = [p["text"] for f in data["files"] for p in f["problems"]]
    assert any(
        "influences-bad.csv:2: study smith2010, column influence: not an influence "
        "of framework peer-support-influences@2020; did you mean "
        "organisational-culture"
        in t
        and "found 'organisational-cultur'" in t
        for t in texts
    )


def test_validate_with_known_studies(tmp_path):
    studies = tmp_path / "studies.csv"
    studies.write_text("study_id,design\nsmith2010,qualitative\n", "utf-8")
    result = run(
        "extract",
        "validate",
        "--form",
        FORM,
        "--studies",
        str(studies),
        str(DATA / "influences-a.csv"),
    )
    assert result.exit_code == 1
    assert "study jones2012: unknown study" in result.output


def test_validate_unknown_form():
    result = run("extract", "validate", "--form", "no-such-form", str(DATA / "studies.csv"))
    assert result.exit_code == 1 and "no instrument with id 'no-such-form'" in result.output


def test_sample_is_reproducible_and_records_its_seed(tmp_path):
    out = tmp_path / "sample.csv"
    first = run(
        "extract",
        "sample",
        "--studies",
        str(DATA / "studies.csv"),
        "--fraction",
        "0.4",
        "--seed",
        "7",
        "-o",
        str(out),
    )
    assert first.exit_code == 0, first.output
    rows = list(csv.DictReader(io.StringIO(out.read_text("utf-8"))))
    assert len(rows) == 2 and {r["seed"] for r in rows} == {"7"}
    assert "with seed 7" in first.stderr
    again = json.loads(
        run(
            "extract",
            "sample",
            "--studies",
            str(DATA / "studies.csv"),
            "--fraction",
            "0.4",
            "--seed",
            "7",
            "--json",
        ).stdout
    )
    assert again["study_ids"] == [r["study_id"] for r in rows]
    assert again["population"] == 5 and again["n"] == 2
    drawn = json.loads(
        run("extract", "sample", "--studies", str(DATA / "studies.csv"), "-n", "3", "--json").stdout
    )
    assert isinstance(drawn["seed"], int) and len(drawn["study_ids"]) == 3


def test_sample_needs_studies(tmp_path):
    result = run("extract", "sample", "--review", str(tmp_path), "-n", "2")
    assert result.exit_code == 1 and "no studies to sample from" in result.output


def test_agreement_two_files():
    data = json.loads(
        run(
            "extract",
            "agreement",
            "--form",
            FORM,
            str(DATA / "extraction-a.csv"),
            str(DATA / "extraction-b.csv"),
            "--json",
        ).stdout
    )
    assert data["overall"]["agreed"] == 37 and data["overall"]["n"] == 40
    text = run(
        "extract",
        "agreement",
        "--form",
        FORM,
        str(DATA / "extraction-a.csv"),
        str(DATA / "extraction-b.csv"),
    )
    assert text.exit_code == 0 and "all fields: 92.5% (37/40)" in text.output


def test_agreement_one_file_by_reviewer_and_sample(tmp_path):
    both = tmp_path / "both.csv"
    a = (DATA / "influences-a.csv").read_text("utf-8").splitlines()
    b = (DATA / "influences-b.csv").read_text("utf-8").splitlines()[1:]
    both.write_text("\n".join(a + b) + "\n", "utf-8")
    data = json.loads(
        run(
            "extract", "agreement", "--form", FORM, str(both), "--reviewers", "ni,dt", "--json"
        ).stdout
    )
    assert data["compared"] == ["ni", "dt"]
    assert (data["presence"]["agreed"], data["presence"]["n"]) == (40, 42)
    sample = tmp_path / "sample.csv"
    sample.write_text("study_id,seed\nsmith2010,1\n", "utf-8")
    only = json.loads(
        run(
            "extract", "agreement", "--form", FORM, str(both), "--sample", str(sample), "--json"
        ).stdout
    )
    assert only["studies"] == ["smith2010"]
    assert (only["direction"]["agreed"], only["direction"]["n"]) == (1, 2)


def test_agreement_refuses_invalid_input():
    result = run(
        "extract",
        "agreement",
        "--form",
        FORM,
        str(DATA / "extraction-bad.csv"),
        str(DATA / "extraction-a.csv"),
    )
    assert result.exit_code == 1 and "fix them first" in result.output


def test_agreement_refuses_files_of_different_kinds():
    result = run(
        "extract",
        "agreement",
        "--form",
        FORM,
        str(DATA / "extraction-a.csv"),
        str(DATA / "influences-b.csv"),
    )
    assert result.exit_code == 1
    assert "hold different things" in result.output
    assert "extraction-a.csv: records" in result.output
    assert "influences-b.csv: influences" in result.output
    assert "Traceback" not in result.output


def test_agreement_on_a_sample_lists_sampled_studies_not_extracted(tmp_path):
    sample = tmp_path / "sample.csv"
    result = run(
        "extract",
        "sample",
        "--studies",
        str(DATA / "studies.csv"),
        "-n",
        "5",
        "--seed",
        "3",
        "-o",
        str(sample),
    )
    assert result.exit_code == 0
    b = tmp_path / "b.csv"
    b.write_text(
        "\n".join(
            line
            for line in (DATA / "extraction-b.csv").read_text("utf-8").splitlines()
            if not line.startswith("lee2015")
        )
        + "\n",
        "utf-8",
    )
    text = run(
        "extract",
        "agreement",
        "--form",
        FORM,
        str(DATA / "extraction-a.csv"),
        str(b),
        "--sample",
        str(sample),
    )
    assert text.exit_code == 0, text.output
    # studies.csv has five studies, both extractors four (b without lee2015)
    assert f"sampled but not in {DATA / 'extraction-a.csv'} (not compared): diaz2017" in text.output
    assert f"sampled but not in {b} (not compared): diaz2017, lee2015" in text.output
    assert text.output.startswith("3 studies compared")
