"""The records table's JSON columns, written directly, are exactly json.dumps's text."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from evidencekit.core.store.json_columns import json_pairs, json_raw, json_strings


def dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)


TEXT = st.text(st.characters(codec="utf-8") | st.sampled_from('"\\\n\x00\u2028/'), max_size=12)


@settings(max_examples=300, deadline=None)
@given(st.lists(TEXT, max_size=5))
def test_lists_of_strings(values: list[str]) -> None:
    assert json_strings(values) == dumps(values)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(TEXT, TEXT), max_size=5))
def test_author_pairs(pairs: list[tuple[str, str]]) -> None:
    assert json_pairs(pairs) == dumps([list(pair) for pair in pairs])


RAW_VALUE = st.lists(TEXT, max_size=4) | TEXT | st.integers() | st.none() | st.lists(st.integers())


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(TEXT, RAW_VALUE, max_size=5))
def test_raw_fields(raw: dict) -> None:
    assert json_raw(raw) == dumps(raw)
