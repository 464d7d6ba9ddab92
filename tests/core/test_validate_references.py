"""`instruments validate` also checks references between instruments."""

from __future__ import annotations

from click.testing import CliRunner

from evidencekit.core.cli import cli

MEASURE = """\
kind: measure
id: my-measure
version: "1"
title: A measure tied to the peer-support framework
source: {citation: a test, licence: MIT}
framework: peer-support-influences@2020
items:
  - {id: culture, number: 1, text: Culture, influence: organisational-culture}
  - {id: other, number: 2, text: Other, influence: no-such-influence}
scale: {min: 0, max: 3, anchors: {0: none, 3: all}}
scoring: {method: sum, total_min: 0, total_max: 6}
"""


def test_unknown_influence_is_reported_with_file_line_and_path(tmp_path):
    path = tmp_path / "my-measure.yaml"
    path.write_text(MEASURE)
    result = CliRunner().invoke(cli, ["instruments", "validate", str(path)])
    assert result.exit_code == 1
    assert (
        f"{path}:9: $.items[1].influence: peer-support-influences@2020 has no entry "
        "'no-such-influence'"
    ) in result.output
    assert "Traceback" not in result.output


def test_valid_references_pass(tmp_path):
    path = tmp_path / "my-measure.yaml"
    path.write_text(MEASURE.replace("no-such-influence", "psw-training"))
    result = CliRunner().invoke(cli, ["instruments", "validate", str(path)])
    assert result.exit_code == 0, result.output
    assert "1 file(s) valid" in result.output
