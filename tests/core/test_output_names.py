"""File names built from data never leave their folder (issue 12: safe outputs)."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from evidencekit.core.io import file_name_part


@given(st.text())
def test_a_name_part_from_any_text_stays_in_its_folder(text):
    part = file_name_part(text)
    assert part and "/" not in part and "\\" not in part and not part.startswith(".")
    folder = Path("/tmp/outputs")
    target = (folder / f"synthesis-subgroups-{part}.svg").resolve()
    assert target.parent == folder.resolve()


def test_ordinary_names_are_kept():
    assert file_name_part("modality") == "modality"
    assert file_name_part("income_level") == "income_level"
    assert file_name_part("derived-measure.v2") == "derived-measure.v2"


def test_path_like_names_are_flattened():
    assert file_name_part("../../etc/passwd") == "-..-etc-passwd"
    assert file_name_part("a/b c") == "a-b-c"
    assert file_name_part("..") == "-"
