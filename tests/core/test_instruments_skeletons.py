"""``instruments new``: every skeleton is a valid instrument of its kind."""

from __future__ import annotations

import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evidencekit.core.errors import InstrumentError
from evidencekit.core.instruments.catalog import check_document
from evidencekit.core.instruments.models import MODEL_BY_KIND, build_instrument
from evidencekit.core.instruments.skeletons import SKELETON_KINDS, skeleton
from evidencekit.core.yaml_loader import load_yaml


def test_a_skeleton_for_every_kind() -> None:
    assert set(SKELETON_KINDS) == {*MODEL_BY_KIND, "review"}


@pytest.mark.parametrize("kind", SKELETON_KINDS)
def test_skeleton_validates_and_types(kind: str) -> None:
    text = skeleton(kind, "my-instrument")
    doc = load_yaml("my-instrument.yaml", text=text)
    assert check_document(doc) == []
    assert doc.data["kind"] == kind and doc.data["id"] == "my-instrument"
    assert doc.data["version"] == "0.1"
    assert "TODO" in text and text.lstrip().startswith("#")
    if kind != "review":
        instrument = build_instrument(doc.data)
        assert isinstance(instrument, MODEL_BY_KIND[kind])
        assert instrument.source.licence.startswith("TODO")


def test_unknown_kind_and_bad_id() -> None:
    with pytest.raises(InstrumentError, match="kinds: checklist, framework"):
        skeleton("questionnaire", "x")
    with pytest.raises(InstrumentError, match="id 'My Checklist' is not valid"):
        skeleton("checklist", "My Checklist")


_ids = st.from_regex(r"\A[a-z0-9][a-z0-9._-]{0,30}\Z")


@settings(max_examples=40, deadline=None)
@given(kind=st.sampled_from(SKELETON_KINDS), instrument_id=_ids)
def test_any_valid_id_gives_a_valid_skeleton(kind: str, instrument_id: str) -> None:
    doc = load_yaml("x.yaml", text=skeleton(kind, instrument_id))
    assert check_document(doc) == []
    assert doc.data["id"] == instrument_id


@given(st.text(alphabet=string.ascii_uppercase + " /", min_size=1, max_size=10))
def test_ids_with_capitals_spaces_or_slashes_are_refused(instrument_id: str) -> None:
    with pytest.raises(InstrumentError):
        skeleton("form", instrument_id)
