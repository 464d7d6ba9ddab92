"""`evidencekit simulate`: the promised --json keys, the files of -o DIR, and bad input."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from click.testing import CliRunner

from evidencekit.core.cli import cli

EXCERPT = Path(__file__).resolve().parents[1] / "data" / "screening" / "nagtegaal2019-excerpt.csv"


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def test_json_has_the_promised_keys_and_reproduces():
    args = [
        "simulate",
        str(EXCERPT),
        "--prior-included",
        "1",
        "--prior-excluded",
        "2",
        "--seed",
        "3",
        "--json",
    ]
    first = run(*args)
    assert first.exit_code == 0, first.output
    data = json.loads(first.stdout)
    for key in (
        "n",
        "n_included",
        "wss_95",
        "wss_100",
        "recall_at_10pct",
        "recall_at_20pct",
        "seconds",
        "order",
    ):
        assert key in data
    assert data["n"] == 60 and data["n_included"] == 8
    assert sorted(data["order"]) == list(range(60))
    assert data["order"][:3] == data["parameters"]["priors"]
    assert data["parameters"]["seed"] == 3 and data["parameters"]["prior_excluded"] == 2
    again = json.loads(run(*args).stdout)
    assert again["order"] == data["order"]


def test_output_folder_holds_order_json_and_curves(tmp_path):
    out = tmp_path / "sim"
    result = run(
        "simulate",
        str(EXCERPT),
        "--seed",
        "1",
        "-o",
        str(out),
        "--model-option",
        "classifier=logistic",
        "--stop",
        "hypergeometric:recall=0.9,confidence=0.9",
    )
    assert result.exit_code == 0, result.output
    assert "WSS@95" in result.output and "hypergeometric" in result.output
    names = sorted(p.name for p in out.iterdir())
    assert names == [
        "order.csv",
        "simulation-recall.png",
        "simulation-recall.svg",
        "simulation.json",
    ]
    assert (out / "simulation-recall.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    saved = json.loads((out / "simulation.json").read_text("utf-8"))
    assert saved["parameters"]["model_options"] == {"classifier": "logistic"}
    assert saved["stopping"][0]["options"] == {"recall": 0.9, "confidence": 0.9}
    with (out / "order.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [int(r["row"]) for r in rows] == saved["order"]
    assert rows[-1]["recall"] == "1.0000"


def test_bad_input_is_one_line_and_exit_1(tmp_path):
    no_label = tmp_path / "nolabel.csv"
    no_label.write_text("title,abstract\nA,b\nC,d\n", encoding="utf-8")
    result = run("simulate", str(no_label))
    assert result.exit_code == 1
    assert result.output.startswith("error: ") and "label_included" in result.output
    assert "Traceback" not in result.output
    missing = run("simulate", str(tmp_path / "missing.csv"))
    assert missing.exit_code == 1 and "no such file" in missing.output
    too_many = run("simulate", str(EXCERPT), "--prior-included", "9")
    assert too_many.exit_code == 1 and "dataset has 8 included" in too_many.output
    bad_option = run("simulate", str(EXCERPT), "--model-option", "classifier")
    assert bad_option.exit_code == 2 and "KEY=VALUE" in bad_option.output
    bad_model = run("simulate", str(EXCERPT), "--model-option", "classifier=forest")
    assert bad_model.exit_code == 1 and "known: ensemble, logistic, nb, svm" in bad_model.output


def test_the_issues_bad_inputs_at_the_command_line(tmp_path):
    """Issue 11's "Bad input" list, whole command: one-line errors with exit 1 for a set
    that cannot be simulated; warnings and a finished simulation for the awkward ones."""
    head = "title,abstract,label_included\n"
    cases = {
        "none.csv": (head + "Peer support,x,0\nRice,y,0\n", "no record is labelled included"),
        "only.csv": (head + "Peer support,x,1\nRice,y,1\n", "every record is labelled included"),
    }
    for name, (text, message) in cases.items():
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        result = run("simulate", str(path))
        assert result.exit_code == 1, result.output
        assert result.output.startswith(f"error: {path}") and message in result.output
        assert len(result.output.strip().splitlines()) == 1 and "Traceback" not in result.output
    awkward = tmp_path / "awkward.csv"
    awkward.write_text(
        head + "Peer support,,1\nRice,,0\nPeer support,,1\nRice,,0\n"
        "Étude du soutien par les pairs,,1\n同伴支持,,0\n",
        encoding="utf-8",
    )
    result = run("simulate", str(awkward), "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output[result.output.index("{") :])
    assert sorted(data["order"]) == list(range(6)) and data["n_included"] == 3
    warnings = "\n".join(data["warnings"])
    assert "6 of 6 records have no abstract" in warnings
    assert "2 rows repeat an earlier row" in warnings
