"""Property test: BibTeX values split into parts exactly as the straightforward
character-by-character reading does (the reference below, the importer's earlier code),
for any text of delimiters, escapes, ``#`` and words."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evidencekit.plugins.importers._bibmacros import split_value


def reference_split(raw: str) -> list[tuple[bool, str]] | None:
    """The parts of a raw BibTeX value joined by ``#``, read one character at a time."""
    parts: list[tuple[bool, str]] = []
    i, n = 0, len(raw)
    while True:
        while i < n and raw[i].isspace():
            i += 1
        if i >= n:
            return parts if parts else [(True, "")]
        char = raw[i]
        if char == "{":
            depth, j = 0, i
            while j < n:
                if raw[j] == "\\":
                    j += 2
                    continue
                if raw[j] == "{":
                    depth += 1
                elif raw[j] == "}":
                    depth -= 1
                    if depth == 0:
                        break
                j += 1
            if j >= n:
                return None
            parts.append((True, raw[i + 1 : j]))
            i = j + 1
        elif char == '"':
            depth, j = 0, i + 1
            while j < n and not (raw[j] == '"' and depth == 0):
                if raw[j] == "\\":
                    j += 2
                    continue
                depth += {"{": 1, "}": -1}.get(raw[j], 0)
                j += 1
            if j >= n:
                return None
            parts.append((True, raw[i + 1 : j]))
            i = j + 1
        else:
            j = i
            while j < n and not raw[j].isspace() and raw[j] != "#":
                j += 1
            word = raw[i:j]
            if any(c in word for c in '{}"'):
                return None
            parts.append((True, word) if word.isdigit() else (False, word))
            i = j
        while i < n and raw[i].isspace():
            i += 1
        if i >= n:
            return parts
        if raw[i] != "#":
            return None
        i += 1


@pytest.mark.slow
@settings(max_examples=2000, deadline=None)
@given(st.text(st.sampled_from('{}"\\# \tab1\u00e9'), max_size=30))
def test_values_split_as_read_character_by_character(raw: str) -> None:
    assert split_value(raw) == reference_split(raw)


def test_a_long_braced_abstract_is_one_literal_part() -> None:
    inner = 'A {DNA} study of \\{escaped\\} braces, \\\\ and quotes " ' * 200
    assert split_value("{" + inner + "}") == [(True, inner)]
    assert split_value("jmh # { x}") == [(False, "jmh"), (True, " x")]
