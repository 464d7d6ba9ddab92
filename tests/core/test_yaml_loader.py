"""Safe, bounded YAML loading with a line for every node."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from evidencekit.core import yaml_loader
from evidencekit.core.errors import InstrumentError
from evidencekit.core.yaml_loader import json_path, load_yaml

TEXT = """\
kind: checklist
id: demo
items:
  - id: q1
    text: First
  - id: q2
    text: Second
scale:
  anchors:
    0: none
    3: all
registered: 2018-07-24
"""


def test_lines_of_every_node() -> None:
    doc = load_yaml("demo.yaml", text=TEXT)
    assert doc.name == "demo.yaml"
    assert doc.lines[("kind",)] == 1
    assert doc.lines[("items",)] == 3  # a block list's line is its key's line
    assert doc.lines[("items", 0)] == 4
    assert doc.lines[("items", 1, "text")] == 7
    assert doc.lines[("scale", "anchors", "3")] == 11
    # Paths that do not exist fall back to the deepest existing ancestor.
    assert doc.lines[("scale", "anchors")] == 9
    assert doc.line_of(("items", 1, "answers")) == 6
    assert doc.line_of(("nothing", "here")) == 1


def test_dates_stay_text_and_numeric_keys_become_strings() -> None:
    doc = load_yaml("demo.yaml", text=TEXT)
    assert doc.data["registered"] == "2018-07-24"
    assert doc.data["scale"]["anchors"] == {"0": "none", "3": "all"}


def test_boolean_keys_become_lower_case_strings() -> None:
    doc = load_yaml("x.yaml", text="points: {yes: 1, no: 0}\n")
    assert doc.data == {"points": {"true": 1, "false": 0}}


def test_duplicate_key_names_file_line_and_path() -> None:
    with pytest.raises(InstrumentError) as err:
        load_yaml("dup.yaml", text="a:\n  b: 1\n  c: 2\n  b: 3\n")
    assert err.value.problems == ["dup.yaml:4: $.a: key 'b' appears twice; keep one"]


def test_syntax_error_names_file_line_and_path() -> None:
    with pytest.raises(InstrumentError) as err:
        load_yaml("bad.yaml", text="a: 1\nb: [1, 2\nc: 3\n")
    (problem,) = err.value.problems
    assert problem.startswith(
        "bad.yaml:3: YAML syntax error in $.b (column 2): expected ',' or ']'"
    )


@pytest.mark.parametrize(
    "text,expected",
    [
        # A tab used for indentation, inside a list of items.
        (
            "kind: checklist\nitems:\n  - id: q1\n\t text: First\n",
            "t.yaml:4: YAML syntax error in $.items[0] (column 1): found character '\\t' that "
            "cannot start any token",
        ),
        # An alias (*name) with no anchor (&name) of that name.
        (
            "answer_sets:\n  ync: &ync [yes, no]\nitems:\n  - {id: q1, answers: *yn}\n",
            "t.yaml:4: YAML syntax error in $.items[0].answers (column 23): found undefined alias "
            "'yn'",
        ),
        # A colon in an unquoted value, deep in a mapping.
        (
            "source:\n  citation: Smith: a study\n  licence: MIT\n",
            "t.yaml:2: YAML syntax error in $.source (column 18): mapping values are not "
            "allowed here",
        ),
        # An unclosed quote runs to the end of the file.
        (
            'title: "Open\nid: x\n',
            "t.yaml:3: YAML syntax error in $.title (column 1): found unexpected end of stream",
        ),
    ],
)
def test_syntax_error_paths(text: str, expected: str) -> None:
    with pytest.raises(InstrumentError) as err:
        load_yaml("t.yaml", text=text)
    (problem,) = err.value.problems
    assert problem.startswith(expected), problem


def test_alias_bomb_is_rejected_quickly() -> None:
    lines = ['a0: &a0 ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    for level in range(1, 9):
        refs = ", ".join([f"*a{level - 1}"] * 10)
        lines.append(f"a{level}: &a{level} [{refs}]")
    with pytest.raises(InstrumentError, match=r"bomb.yaml:\d+: more than 200,000 YAML nodes"):
        load_yaml("bomb.yaml", text="\n".join(lines) + "\n")


def test_small_aliases_and_merge_keys_still_work() -> None:
    doc = load_yaml("m.yaml", text="base: &b {x: 1}\nother:\n  <<: *b\n  y: 2\n")
    assert doc.data["other"] == {"x": 1, "y": 2}


@pytest.mark.parametrize(
    "text",
    [
        "a: !!python/object/apply:os.system ['echo no']\n",
        "a: !!python/name:os.system ''\n",
        "a: !custom {x: 1}\n",
    ],
)
def test_unsafe_or_unknown_tags_are_errors(text: str) -> None:
    with pytest.raises(InstrumentError, match=r"^t.yaml:1: \$\.a: "):
        load_yaml("t.yaml", text=text)


def test_several_documents_are_an_error() -> None:
    with pytest.raises(InstrumentError, match=r"two.yaml:2: YAML syntax error"):
        load_yaml("two.yaml", text="a: 1\n---\nb: 2\n")


def test_empty_document_gives_none() -> None:
    assert load_yaml("e.yaml", text="# nothing\n").data is None


def test_files_utf8_with_bom(tmp_path: Path) -> None:
    path = tmp_path / "bom.yaml"
    path.write_bytes("\ufeffkind: checklist\ntitle: Café\n".encode())
    assert load_yaml(path).data == {"kind": "checklist", "title": "Café"}


def test_non_utf8_file_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes("kind: checklist\ntitle: Caf\xe9\n".encode("latin-1"))
    with pytest.raises(InstrumentError, match=r"latin1.yaml:2: the file is not UTF-8"):
        load_yaml(path)


def test_control_characters_name_their_line() -> None:
    with pytest.raises(InstrumentError) as err:
        load_yaml("c.yaml", text="a: 1\nb: x\x1fy\n")
    assert err.value.problems == [
        "c.yaml:2: the text contains the control character U+001F, which YAML does not "
        "allow; remove it"
    ]


def test_nul_bytes_and_missing_files(tmp_path: Path) -> None:
    path = tmp_path / "nul.yaml"
    path.write_bytes(b"a: 1\x00\n")
    with pytest.raises(InstrumentError, match="NUL bytes"):
        load_yaml(path)
    with pytest.raises(InstrumentError, match="cannot read the file"):
        load_yaml(tmp_path / "missing.yaml")


def test_size_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(yaml_loader, "MAX_BYTES", 100)
    path = tmp_path / "big.yaml"
    path.write_text("a: " + "x" * 200 + "\n")
    with pytest.raises(InstrumentError, match="more than the 100 allowed"):
        load_yaml(path)


@pytest.mark.parametrize(
    "path,expected",
    [
        ((), "$"),
        (("items", 3, "answers"), "$.items[3].answers"),
        (("answer_sets", "yes-cant-tell-no", 0), "$.answer_sets.yes-cant-tell-no[0]"),
        (("scale", "anchors", "4"), "$.scale.anchors['4']"),
        (("a b",), "$['a b']"),
    ],
)
def test_json_path(path: tuple, expected: str) -> None:
    assert json_path(path) == expected


# Plain YAML data: string keys, scalars that YAML round-trips as themselves.
_keys = st.text(alphabet=string.ascii_letters + "_-", min_size=1, max_size=8)
_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.text(
        alphabet=string.printable.replace("\r", "").replace("\x0b", "").replace("\x0c", ""),
        max_size=20,
    ),
)
_data = st.recursive(
    _scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(_keys, children, max_size=4)
    ),
    max_leaves=20,
)


@settings(deadline=None)
@given(st.dictionaries(_keys, _data, min_size=1, max_size=5))
def test_round_trip_and_every_path_has_a_line(data: dict) -> None:
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
    doc = load_yaml("h.yaml", text=text)
    assert doc.data == yaml.safe_load(text)

    def paths(value, path=()):
        yield path
        if isinstance(value, dict):
            for key, child in value.items():
                yield from paths(child, (*path, key))
        elif isinstance(value, list):
            for i, child in enumerate(value):
                yield from paths(child, (*path, i))

    n_lines = text.count("\n") + 1
    for path in paths(doc.data):
        assert 1 <= doc.line_of(path) <= n_lines
        assert path in doc.lines


@settings(deadline=None)
@given(st.text(max_size=60))
def test_arbitrary_text_never_raises_anything_but_instrument_error(text: str) -> None:
    try:
        load_yaml("fuzz.yaml", text=text)
    except InstrumentError as exc:
        assert all(p.startswith("fuzz.yaml") for p in exc.problems)
        for problem in exc.problems:
            # A syntax error always says where in the document it happened.
            if "YAML syntax error" in problem:
                assert re.match(
                    r"fuzz\.yaml:\d+: YAML syntax error in \$.* \(column \d+\): ", problem
                ), problem


@settings(deadline=None)
@given(st.text(alphabet="ab: -[]{},\n\t&*'\"?#!|>", max_size=40))
def test_yaml_like_text_errors_are_one_located_line(text: str) -> None:
    """Text made of YAML's own punctuation hits many syntax errors; each is one line
    with the file, the line, the JSON path being read and the column."""
    try:
        load_yaml("y.yaml", text=text)
    except InstrumentError as exc:
        (problem,) = exc.problems
        assert "\n" not in problem
        assert re.match(r"y\.yaml:\d+: ", problem), problem
        if "YAML syntax error" in problem:
            assert re.match(r"y\.yaml:\d+: YAML syntax error in \$.* \(column \d+\): ", problem)


def test_unreadable_path_is_an_instrument_error(tmp_path: Path) -> None:
    with pytest.raises(InstrumentError, match=r": cannot read the file: Is a directory$"):
        load_yaml(tmp_path)
