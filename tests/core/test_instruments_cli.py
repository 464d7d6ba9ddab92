"""``evidencekit instruments list/show/validate/new`` through click's test runner."""

from __future__ import annotations

import json
import shutil
from importlib.resources import as_file, files
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from evidencekit.core.cli import cli
from evidencekit.core.errors import InstrumentError
from evidencekit.core.instruments.catalog import validate_paths
from evidencekit.core.review import open_review

INVALID = Path(__file__).resolve().parents[1] / "instruments" / "invalid"


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def review(tmp_path: Path) -> Path:
    """An empty review folder (no review.yaml, no instruments of its own)."""
    folder = tmp_path / "review"
    folder.mkdir()
    return folder


def run(runner: CliRunner, *args: str):
    result = runner.invoke(cli, list(args))
    assert "Traceback" not in result.output
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit)
    return result


def test_list_json_has_every_shipped_instrument(runner: CliRunner, review: Path) -> None:
    result = run(runner, "instruments", "list", "--review", str(review), "--json")
    assert result.exit_code == 0
    rows = {r["id"]: r for r in json.loads(result.stdout)["instruments"]}
    assert rows["casp-rct"] == {
        **rows["casp-rct"],
        "version": "2018",
        "kind": "checklist",
        "title": "CASP Randomised Controlled Trial Checklist",
        "origin": "package",
    }
    for instrument_id in (
        "casp-qualitative",
        "cfir-2009",
        "cfir-2022",
        "peer-support-influences",
        "peer-support-implementation-measure",
        "peer-support-extraction",
        "peer-support-to-cfir-2009",
    ):
        assert rows[instrument_id]["origin"] == "package"


def test_list_table_and_kind_filter(runner: CliRunner, review: Path) -> None:
    result = run(runner, "instruments", "list", "--review", str(review), "--kind", "framework")
    assert result.exit_code == 0
    assert "cfir-2009" in result.stdout and "peer-support-influences" in result.stdout
    assert "casp-rct" not in result.stdout


def test_show_json_is_the_instrument_as_loaded(runner: CliRunner, review: Path) -> None:
    result = run(runner, "instruments", "show", "casp-rct@2018", "--review", str(review), "--json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    with as_file(files("evidencekit.instruments")) as root:
        on_disk = yaml.safe_load((Path(root) / "checklists" / "casp-rct.yaml").read_text("utf-8"))
    assert data == on_disk
    assert len(data["items"]) == 11


def test_show_yaml_and_newest_version(runner: CliRunner, review: Path) -> None:
    result = run(
        runner,
        "instruments",
        "show",
        "peer-support-implementation-measure",
        "--review",
        str(review),
    )
    assert result.exit_code == 0
    assert result.stdout.startswith(
        "# peer-support-implementation-measure@2020 (measure) from package"
    )
    assert yaml.safe_load(result.stdout)["scoring"]["total_max"] == 24


@pytest.mark.parametrize(
    "ref,message",
    [
        ("casp-nothing", "error: no instrument with id 'casp-nothing'; known: "),
        ("casp-rct@2099", "error: instrument 'casp-rct' has no version '2099'; versions: 2018"),
    ],
)
def test_show_unknown_is_a_one_line_error(
    runner: CliRunner, review: Path, ref: str, message: str
) -> None:
    result = run(runner, "instruments", "show", ref, "--review", str(review))
    assert result.exit_code == 1
    assert result.stderr.startswith(message)
    assert result.stderr.count("\n") == 1


def test_validate_shipped(runner: CliRunner) -> None:
    result = run(runner, "instruments", "validate")
    assert result.exit_code == 0
    count = int(result.stdout.split()[0])
    assert count >= 10 and result.stdout.strip() == f"{count} file(s) valid"


def test_validate_prints_every_error_and_exits_1(runner: CliRunner) -> None:
    expected_count, expected = validate_paths([INVALID])
    result = run(runner, "instruments", "validate", str(INVALID))
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines[:-1] == [f"error: {p}" for p in expected]
    assert lines[-1] == f"{len(expected)} error(s) in {expected_count} file(s)"
    assert len(expected) >= expected_count  # every file gives at least one error
    assert result.stdout == ""


def test_validate_mixed_files(runner: CliRunner, tmp_path: Path) -> None:
    good = tmp_path / "good.yaml"
    good.write_text(
        run(runner, "instruments", "new", "measure", "good", "-o", "-").stdout, encoding="utf-8"
    )
    bad = INVALID / "measure" / "wrong-total.yaml"
    result = run(
        runner, "instruments", "validate", str(good), str(bad), str(tmp_path / "missing.yaml")
    )
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"error: {bad}:15: $.scoring.total_max: with 2 items rated 0–3 the sum runs 0–6, so "
        "total_max is 6, not 24",
        f"error: {tmp_path / 'missing.yaml'}: no such file or folder",
        "2 error(s) in 2 file(s)",
    ]


@pytest.mark.parametrize("kind", ["checklist", "framework", "measure", "form", "crosswalk"])
def test_new_writes_a_skeleton_that_validates(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    monkeypatch.chdir(tmp_path)
    result = run(runner, "instruments", "new", kind, f"my-{kind}")
    assert result.exit_code == 0
    assert result.stderr.strip() == f"wrote my-{kind}.yaml"
    assert run(runner, "instruments", "validate", f"my-{kind}.yaml").exit_code == 0
    # A second run refuses to overwrite without --force.
    again = run(runner, "instruments", "new", kind, f"my-{kind}")
    assert again.exit_code == 1
    assert "exists; pass --force" in again.stderr
    assert run(runner, "instruments", "new", kind, f"my-{kind}", "--force").exit_code == 0


def test_new_refuses_a_bad_id(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = run(runner, "instruments", "new", "checklist", "My Checklist")
    assert result.exit_code == 1
    assert result.stderr.startswith("error: id 'My Checklist' is not valid")
    assert not Path("My Checklist.yaml").exists()


def test_review_instruments_override_and_add(runner: CliRunner, review: Path) -> None:
    folder = review / "instruments"
    folder.mkdir()
    with as_file(files("evidencekit.instruments")) as root:
        shutil.copy(Path(root) / "checklists" / "casp-rct.yaml", folder / "casp-rct.yaml")
    text = (folder / "casp-rct.yaml").read_text("utf-8")
    (folder / "casp-rct.yaml").write_text(
        text.replace(
            "title: CASP Randomised Controlled Trial Checklist", "title: Our local CASP RCT"
        ),
        encoding="utf-8",
    )
    # A variant with another version: q7 and q8 (free text) still not scored, q11 dropped.
    variant = yaml.safe_load(text)
    variant["version"] = "2018-local"
    variant["items"] = [i for i in variant["items"] if i["id"] != "q11"]
    (folder / "casp-rct-local.yaml").write_text(
        yaml.safe_dump(variant, sort_keys=False), encoding="utf-8"
    )

    rows = json.loads(run(runner, "instruments", "list", "--review", str(review), "--json").stdout)[
        "instruments"
    ]
    mine = {(r["id"], r["version"]): r for r in rows}
    assert mine[("casp-rct", "2018")]["origin"] == "review"
    assert mine[("casp-rct", "2018")]["title"] == "Our local CASP RCT"
    assert mine[("casp-rct", "2018-local")]["origin"] == "review"
    assert mine[("casp-qualitative", "2018")]["origin"] == "package"

    shown = json.loads(
        run(
            runner, "instruments", "show", "casp-rct@2018", "--review", str(review), "--json"
        ).stdout
    )
    assert shown["title"] == "Our local CASP RCT"
    newest = json.loads(
        run(runner, "instruments", "show", "casp-rct", "--review", str(review), "--json").stdout
    )
    assert newest["version"] == "2018-local" and len(newest["items"]) == 10

    # review.yaml pins the version the review uses.
    (review / "review.yaml").write_text(
        "kind: review\nid: demo\nversion: '1'\ntitle: Demo\ninstruments:\n  casp-rct: '2018'\n",
        encoding="utf-8",
    )
    pinned = open_review(review).instrument("casp-rct", kind="checklist")
    assert (pinned.version, pinned.title, len(pinned.items)) == ("2018", "Our local CASP RCT", 11)


def test_a_broken_review_instrument_is_reported_not_fatal(runner: CliRunner, review: Path) -> None:
    folder = review / "instruments"
    folder.mkdir()
    shutil.copy(INVALID / "checklist" / "band-order.yaml", folder / "band-order.yaml")
    result = run(runner, "instruments", "list", "--review", str(review), "--json")
    assert result.exit_code == 0
    assert "warning: " in result.stderr and "band-order.yaml:" in result.stderr
    assert "casp-rct" in {r["id"] for r in json.loads(result.stdout)["instruments"]}


def test_list_and_show_write_to_a_file_with_o(
    runner: CliRunner, review: Path, tmp_path: Path
) -> None:
    shown = run(runner, "instruments", "show", "casp-qualitative", "--review", str(review))
    target = tmp_path / "out" / "casp-qualitative.yaml"
    result = run(
        runner,
        "instruments",
        "show",
        "casp-qualitative",
        "--review",
        str(review),
        "-o",
        str(target),
    )
    assert result.exit_code == 0 and result.stdout == ""
    assert target.read_text("utf-8") == shown.stdout
    assert yaml.safe_load(target.read_text("utf-8"))["id"] == "casp-qualitative"

    as_json = tmp_path / "list.json"
    result = run(
        runner, "instruments", "list", "--review", str(review), "--json", "-o", str(as_json)
    )
    assert result.exit_code == 0 and result.stdout == ""
    ids = {r["id"] for r in json.loads(as_json.read_text("utf-8"))["instruments"]}
    assert {"casp-rct", "cfir-2022", "peer-support-influences"} <= ids

    table = tmp_path / "list.txt"
    assert (
        run(runner, "instruments", "list", "--review", str(review), "-o", str(table)).exit_code == 0
    )
    text = table.read_text("utf-8")
    assert "casp-rct" in text and "\x1b[" not in text  # plain text, no colour codes


def test_a_broken_override_is_never_silently_replaced_by_the_shipped_one(
    runner: CliRunner, review: Path
) -> None:
    """The review copies casp-rct@2018 to change it and breaks the copy: `show` warns, and
    the review's commands refuse to run on the shipped version in its place."""
    folder = review / "instruments"
    folder.mkdir()
    with as_file(files("evidencekit.instruments")) as root:
        text = (Path(root) / "checklists" / "casp-rct.yaml").read_text("utf-8")
    broken = folder / "casp-rct.yaml"
    broken.write_text(
        text.replace("    screening: true\n", "    screening: yes please\n", 1), encoding="utf-8"
    )
    shown = run(runner, "instruments", "show", "casp-rct", "--review", str(review), "--json")
    assert shown.exit_code == 0
    assert shown.stderr.startswith(f"warning: {broken}:")
    assert json.loads(shown.stdout)["title"] == "CASP Randomised Controlled Trial Checklist"

    with pytest.raises(InstrumentError) as err:
        open_review(review).instrument("casp-rct", kind="checklist")
    problems = err.value.problems
    assert problems[0].startswith(f"{broken}:") and "$.items[0].screening" in problems[0]
    assert problems[-1] == (
        f"{folder}: fix the review's own instruments first; a broken file there is skipped, "
        "so 'casp-rct' could be another version than the review's"
    )
