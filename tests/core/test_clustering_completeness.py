"""``completeness`` counts filled fields exactly as the plain definition does."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from evidencekit.core.model import Author, Record
from evidencekit.core.records.clustering import completeness, primary_rank
from evidencekit.core.records.common import COMPLETENESS_FIELDS

_TEXT = st.sampled_from(["", "x", " ", "0"])
_LIST = st.sampled_from([[], ["a"], [""]])


def _plain(record: Record) -> int:
    return sum(1 for n in COMPLETENESS_FIELDS if getattr(record, n) not in (None, "", []))


@st.composite
def records(draw: st.DrawFn) -> Record:
    return Record(
        title=draw(_TEXT),
        abstract=draw(_TEXT),
        authors=draw(st.sampled_from([[], [Author("Smith", "J")]])),
        year=draw(st.sampled_from([None, 0, 1999])),
        journal=draw(_TEXT),
        volume=draw(_TEXT),
        issue=draw(_TEXT),
        pages=draw(_TEXT),
        doi=draw(_TEXT),
        pmid=draw(_TEXT),
        issn=draw(_LIST),
        isbn=draw(_LIST),
        language=draw(_TEXT),
        keywords=draw(_LIST),
        publication_type=draw(_TEXT),
        url=draw(_TEXT),
    )


@given(records())
def test_completeness_is_the_number_of_fields_not_none_empty_or_an_empty_list(r: Record) -> None:
    assert completeness(r) == _plain(r)


def test_completeness_values() -> None:
    assert completeness(Record()) == 0
    full = Record(title="T", abstract="A", authors=[Author("Smith", "J")], year=0, doi="d")
    assert completeness(full) == 5  # a year of 0 is a value, as `not in (None, "", [])` says
    assert primary_rank(full, 3)[0] == -5
