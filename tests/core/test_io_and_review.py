"""Atomic writes, the review folder, and the CLI's error edge."""

from __future__ import annotations

import os

import pytest
from click.testing import CliRunner

from evidencekit.core.cli import cli
from evidencekit.core.errors import InstrumentError, OutputError, PipelineError
from evidencekit.core.io import atomic_open, atomic_write_text, emit
from evidencekit.core.review import STORE_FILE, open_review


def test_atomic_write_replaces_whole_file(tmp_path):
    target = tmp_path / "out" / "table.csv"
    atomic_write_text(target, "a,b\n1,2\n")
    assert target.read_text() == "a,b\n1,2\n"
    atomic_write_text(target, "new\n")
    assert target.read_text() == "new\n"
    assert [p.name for p in target.parent.iterdir()] == ["table.csv"]


def test_atomic_write_has_ordinary_permissions(tmp_path):
    target = tmp_path / "plain.txt"
    atomic_write_text(target, "x")
    reference = tmp_path / "reference.txt"
    reference.write_text("x")
    assert target.stat().st_mode & 0o777 == reference.stat().st_mode & 0o777


def test_failed_write_leaves_old_file_and_no_temp(tmp_path):
    target = tmp_path / "report.md"
    target.write_text("old\n")
    with pytest.raises(RuntimeError), atomic_open(target) as handle:
        handle.write("half of the new")
        raise RuntimeError("boom")
    assert target.read_text() == "old\n"
    assert os.listdir(tmp_path) == ["report.md"]


def test_unwritable_targets_are_a_clear_error_and_leave_nothing(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    with pytest.raises(
        OutputError,
        match=r"^cannot write .*not-a-folder/out\.csv: part of "
        r"its folder path is a file, not a folder; check",
    ):
        atomic_write_text(blocker / "out.csv", "a\n")
    folder = tmp_path / "a-folder"
    (folder / "inside").mkdir(parents=True)
    with pytest.raises(OutputError, match=r"^cannot write .*a-folder: Is a directory"):
        atomic_write_text(folder, "a\n")
    assert sorted(os.listdir(tmp_path)) == ["a-folder", "not-a-folder"]
    assert os.listdir(folder) == ["inside"]


def test_cli_output_to_an_unwritable_place_is_one_line(tmp_path):
    (tmp_path / "file").write_text("x")
    result = CliRunner().invoke(
        cli, ["instruments", "new", "checklist", "abc", "-o", str(tmp_path / "file" / "abc.yaml")]
    )
    assert result.exit_code == 1
    assert "Traceback" not in result.output and result.exception.__class__ is SystemExit
    assert result.stderr.startswith(f"error: cannot write {tmp_path / 'file' / 'abc.yaml'}: ")
    assert result.stderr.count("\n") == 1


def test_emit_to_stdout_and_file(tmp_path, capsys):
    emit("hello", None)
    assert capsys.readouterr().out == "hello\n"
    emit("to file", tmp_path / "o.txt")
    assert (tmp_path / "o.txt").read_text() == "to file\n"


def test_review_without_file_has_defaults(tmp_path):
    review = open_review(tmp_path)
    assert review.config == {}
    assert review.store_url == f"sqlite:///{(tmp_path / STORE_FILE).resolve()}"
    assert review.local_plugins == []


def test_review_folder_must_exist(tmp_path):
    with pytest.raises(PipelineError, match="does not exist"):
        open_review(tmp_path / "missing")
    (tmp_path / "file").write_text("x")
    with pytest.raises(PipelineError, match="is not a folder"):
        open_review(tmp_path / "file")


def test_review_file_syntax_error_names_file_and_line(tmp_path):
    (tmp_path / "review.yaml").write_text("kind: review\nid: [unclosed\n")
    with pytest.raises(InstrumentError) as err:
        open_review(tmp_path)
    assert f"{tmp_path / 'review.yaml'}:" in str(err.value)
    assert "YAML syntax error" in str(err.value)


def test_cli_reports_user_errors_in_one_line_without_traceback(tmp_path):
    result = CliRunner().invoke(cli, ["plugins", "--review", str(tmp_path / "nope")])
    assert result.exit_code == 1
    assert "error: review folder" in result.output
    assert "Traceback" not in result.output


def test_cli_version():
    from evidencekit.core import __version__

    result = CliRunner().invoke(cli, ["--version"])
    assert result.exit_code == 0
    assert __version__ in result.output
