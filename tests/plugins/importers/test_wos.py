"""Web of Science tagged importer."""

from __future__ import annotations

import pytest

from evidencekit.core.errors import RecordFormatError
from evidencekit.core.importing import read_records
from evidencekit.core.model import Author

WOS = """\
FN Clarivate Analytics Web of Science
VR 1.0
PT J
AU Li, W
   Dou, Z
AF Li, Wei
   Dou, Zhiguo
CA WHO Study Group
TI Soil fauna diversity at different stages of reed restoration in a
   lakeshore wetland at Lake Taihu, China
SO ECOSYSTEM HEALTH AND SUSTAINABILITY
DE soil fauna; reed; restoration
ID DIVERSITY; WETLAND
AB Wetlands are important.
VL 6
IS 1
AR 1722034
DI 10.1080/20964129.2020.1722034
PD DEC 16 2020
SN 2096-4129
EI 2332-8878
PM 12345678
UT WOS:000513227800001
ER

PT B
AU Smith, J
TI A book
PD 2019
BP 12
EP 19
UT WOS:000000000000002
ER

EF
"""


def test_fields_are_mapped(load) -> None:
    result = load(WOS, "savedrecs.txt")
    assert result.format == "wos" and len(result) == 2
    first, second = result
    assert first.authors == [
        Author("Li", "Wei"),
        Author("Dou", "Zhiguo"),
        Author("WHO Study Group"),
    ]
    assert first.title == (
        "Soil fauna diversity at different stages of reed restoration in "
        "a lakeshore wetland at Lake Taihu, China"
    )
    assert first.pages == "1722034"  # article number when there are no page numbers
    assert first.year == 2020 and second.year == 2019  # PY, else PD
    assert first.doi == "10.1080/20964129.2020.1722034" and first.pmid == "12345678"
    assert first.issn == ["2096-4129", "2332-8878"]
    assert first.keywords == ["soil fauna", "reed", "restoration", "DIVERSITY", "WETLAND"]
    assert first.source_key == "WOS:000513227800001"
    assert second.pages == "12-19" and second.authors == [Author("Smith", "J")]
    assert first.raw["AU"] == ["Li, W", "Dou, Z"]
    assert [r.provenance.line for r in result] == [3, 26]
    assert result.warnings == []


def test_a_missing_er_and_a_truncated_file(load) -> None:
    no_er = WOS.replace("UT WOS:000513227800001\nER\n", "UT WOS:000513227800001\n")
    result = load(no_er, "a.txt")
    assert len(result) == 2
    assert result.warnings[0].startswith("a.txt:25: the record starting on line 3 has no 'ER'")
    cut = WOS[: WOS.index("BP 12")] + "BP 1"
    with pytest.raises(
        RecordFormatError,
        match=r"^b.txt:30: the file ends in the middle of "
        r"record 2 .*truncated",
    ):
        load(cut, "b.txt")


def test_a_record_without_pt_is_an_error(load) -> None:
    broken = WOS.replace("PT B\n", "")
    with pytest.raises(RecordFormatError) as info:
        load(broken, "c.txt", format="wos")
    assert str(info.value).startswith(
        "c.txt:26: the tag line 'AU Smith, J' is outside any "
        "record (after the record that ended on line 24)"
    )


def test_not_wos_at_all(load) -> None:
    with pytest.raises(RecordFormatError, match="no Web of Science record found"):
        load("hello\nworld\n", "d.txt", format="wos")


def test_real_export_with_ris_extension(excerpt, registry) -> None:
    """rispy's own WoS sample: tagged WoS despite the .ris name; rispy's WokParser raises
    KeyError on tags it does not know (e.g. WE), ours keeps them raw."""
    result = read_records(excerpt("rispy_example_wos.ris"), registry, source_name="WoS")
    assert result.format == "wos" and len(result) == 2
    first = result[0]
    assert first.authors[0] == Author("Parkes-Loach", "PS")
    assert first.title.startswith("Interactions stabilizing the structure of the core")
    assert first.journal == "BIOCHEMISTRY" and first.doi == "10.1021/bi049798f"
    assert first.source_key.startswith("WOS:") and first.pmid
