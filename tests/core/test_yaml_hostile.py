"""Issue 12, item 6: hostile YAML gives a located InstrumentError, never a traceback."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from evidencekit.core import yaml_loader
from evidencekit.core.errors import InstrumentError
from evidencekit.core.yaml_loader import MAX_DEPTH, load_yaml


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "a: &a [*a]\n",
            r"^x.yaml:1: \$.a\[0\]: an alias refers to the list or mapping that "
            r"contains it \(a circular alias\)",
        ),
        ("ok: 1\nb: &b {c: [1, *b]}\n", r"^x.yaml:2: \$.b.c\[1\]: .*circular alias"),
        (
            "x: " + "[" * 2000 + "]" * 2000 + "\n",
            rf"^x.yaml:1: lists and mappings nested more than {MAX_DEPTH} deep",
        ),
        (
            "".join("  " * i + f"k{i}:\n" for i in range(300)),
            rf"^x.yaml:{MAX_DEPTH}: lists and mappings nested more than {MAX_DEPTH} deep",
        ),
        (
            "a0: &a0 [x]\n" + "".join(f"a{i}: &a{i} [*a{i - 1}]\n" for i in range(1, 300)),
            rf"nested more than {MAX_DEPTH} deep \(through aliases\)",
        ),
        (
            "n: 1\nbig: " + "9" * 5000 + "\n",
            r"^x.yaml:2: \$.big: the value '99999999999999999999'... cannot be read \(Exceeds the "
            r"limit",
        ),
    ],
)
def test_hostile_yaml_is_a_located_error(text: str, expected: str) -> None:
    with pytest.raises(InstrumentError, match=expected):
        load_yaml("x.yaml", text=text)


def test_node_limit_is_enforced_while_composing(monkeypatch) -> None:
    monkeypatch.setattr(yaml_loader, "MAX_NODES", 1000)
    events = 0
    original = yaml_loader._Loader.get_event

    def counted(self):
        nonlocal events
        events += 1
        return original(self)

    monkeypatch.setattr(yaml_loader._Loader, "get_event", counted)
    text = "items:\n" + "".join(f"- {i}\n" for i in range(50_000))
    with pytest.raises(InstrumentError, match=r"^x.yaml:\d+: more than 1,000 YAML nodes"):
        load_yaml("x.yaml", text=text)
    # The file holds 50,000 items; composition stopped at the limit, not after parsing all.
    assert events < 1100


def test_moderate_nesting_and_big_floats_still_load() -> None:
    deep = "x: " + "[" * 50 + "1" + "]" * 50 + "\n"
    value = load_yaml("x.yaml", text=deep).data["x"]
    for _ in range(50):
        value = value[0]
    assert value == 1
    assert load_yaml("x.yaml", text="f: 1.5e+300\nn: 123\n").data == {"f": 1.5e300, "n": 123}


def test_circular_alias_in_review_yaml_is_an_error_on_every_command(tmp_path) -> None:
    from evidencekit.core.cli import cli

    (tmp_path / "review.yaml").write_text(
        "kind: review\nid: r\nversion: '1'\ntitle: T\nloop: &a [*a]\n", encoding="utf-8"
    )
    for args in (["records", "list"], ["run", "--dry-run"], ["instruments", "list"]):
        result = CliRunner().invoke(cli, [*args, "--review", str(tmp_path)])
        if "No such option" in result.output:
            continue
        assert result.exit_code != 0, args
        assert "circular alias" in result.output + (result.stderr or ""), args
        assert "Traceback" not in result.output and not isinstance(
            result.exception, RecursionError
        ), args
