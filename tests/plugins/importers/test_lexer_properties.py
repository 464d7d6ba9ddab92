"""Property tests of the tagged-format lexers (RIS, MEDLINE): records rendered from
random fields, with values wrapped over continuation lines, lex back to the same fields,
each record at the line of its first tag; and reading lines in blocks is ``str.split``."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evidencekit.core.providers import Cursor
from evidencekit.plugins.importers import medline, ris
from evidencekit.plugins.importers._tagged import iter_line_blocks

# Words without white space, so that a value survives wrapping and stripping unchanged.
_WORD = st.text(
    st.characters(
        codec="utf-8", exclude_categories=("Cc", "Cs", "Zs", "Zl", "Zp"), exclude_characters="\x85"
    ),
    min_size=1,
    max_size=8,
)
_VALUE = st.lists(_WORD, min_size=1, max_size=12).map(" ".join)


@settings(max_examples=300, deadline=None)
@given(st.text(st.sampled_from("ab\n\r"), max_size=60), st.integers(1, 10))
def test_line_blocks_are_the_lines(text: str, size: int) -> None:
    blocks = list(iter_line_blocks(text, size))
    assert [line for block in blocks for line in block] == text.split("\n")


def _source(text: str) -> SimpleNamespace:
    warnings: list[tuple[str, int | None]] = []
    return SimpleNamespace(
        text=text,
        head=text[:4000],
        display="x",
        warnings=warnings,
        warn=lambda message, line=None: warnings.append((message, line)),
    )


def _wrapped(value: str, width: int) -> list[str]:
    """``value`` over lines of about ``width`` characters, broken between words."""
    lines, line = [], ""
    for word in value.split(" "):
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    return [*lines, line]


_MEDLINE_TAGS = st.sampled_from(["TI", "AB", "FAU", "AU", "JT", "MH", "OT", "AD", "LID"])


@pytest.mark.slow
@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.lists(st.tuples(_MEDLINE_TAGS, _VALUE), max_size=8), min_size=1, max_size=5),
    st.integers(10, 60),
    st.sampled_from(["", "  ", "      "]),
)
def test_medline_records_lex_back_to_their_fields(records, width, blank) -> None:
    lines: list[str] = []
    expected = []
    for number, fields in enumerate(records, 1):
        start = len(lines) + 1
        tags: dict[str, list[str]] = {"PMID": [str(number)]}
        lines.append(f"PMID- {number}")
        for tag, value in fields:
            first, *rest = _wrapped(value, width)
            lines.append(f"{tag:<4}- {first}")
            lines.extend("      " + part for part in rest)
            tags.setdefault(tag, []).append(value)
        lines.append(blank)  # a record ends with a line of white space (or nothing)
        expected.append((start, tags))
    source = _source("\n".join(lines) + "\n")
    assert list(medline.lex(source, Cursor())) == expected
    assert source.warnings == []


_RIS_TAGS = st.sampled_from(["TI", "AB", "AU", "KW", "T2", "N1", "PY", "UR"])


@pytest.mark.slow
@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.lists(st.tuples(_RIS_TAGS, _VALUE), max_size=8), min_size=1, max_size=5),
    st.integers(10, 60),
    st.integers(0, 2),
)
def test_ris_records_lex_back_to_their_fields(records, width, blank_lines) -> None:
    lines: list[str] = []
    expected = []
    for fields in records:
        start = len(lines) + 1
        tags: dict[str, list[str]] = {"TY": ["JOUR"]}
        lines.append("TY  - JOUR")
        for tag, value in fields:
            first, *rest = _wrapped(value, width)
            # A continuation line must not look like a tag line ("AB  - ..."): indent it.
            lines.append(f"{tag}  - {first}")
            lines.extend("   " + part for part in rest)
            tags.setdefault(tag, []).append("\n".join([first, *rest]))
        lines.append("ER  - ")
        lines.extend([""] * blank_lines)
        expected.append((start, tags))
    source = _source("\n".join(lines) + "\n")
    assert list(ris.lex(source, Cursor())) == expected
    assert source.warnings == []
