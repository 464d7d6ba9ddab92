"""MEDLINE / PubMed (.nbib) importer."""

from __future__ import annotations

import pytest

from evidencekit.core.errors import RecordFormatError
from evidencekit.core.model import Author

NBIB = """\
PMID- 28441597
OWN - NLM
STAT- PubMed-not-MEDLINE
IS  - 1879-1026 (Electronic)
IS  - 0048-9697 (Linking)
VI  - 598
DP  - 2017 Nov 15
TI  - Differences in nitrate and phosphorus export between wooded and grassed riparian
      zones from farmland to receiving waterways.
PG  - 188-97
LID - S0048-9697(17)30912-9 [pii]
LID - 10.1016/j.scitotenv.2017.04.075 [doi]
AB  - Agricultural activities in catchments can cause excessive nutrient loads in
      waterways.
FAU - Smith, Jane A
AU  - Smith JA
FAU - van der Berg, Pieter
AU  - van der Berg P
CN  - Riparian Study Group
LA  - eng
PT  - Journal Article
PT  - Review
OT  - riparian buffer
OT  - nitrate
JT  - The Science of the total environment
TA  - Sci Total Environ

PMID- 30000001
DP  - 2019
BTI - Handbook of implementation science
AU  - Doe J
ISBN- 978-3-16-148410-0
"""


def test_fields_are_mapped(load) -> None:
    result = load(NBIB, "pubmed.nbib")
    assert result.format == "medline"
    first, book = result
    assert first.pmid == first.source_key == "28441597"
    assert first.title == (
        "Differences in nitrate and phosphorus export between wooded and "
        "grassed riparian zones from farmland to receiving waterways."
    )
    assert first.authors == [
        Author("Smith", "Jane A"),
        Author("van der Berg", "Pieter"),
        Author("Riparian Study Group"),
    ]
    assert first.doi == "10.1016/j.scitotenv.2017.04.075"
    assert first.pages == "188-197" and first.volume == "598" and first.year == 2017
    assert first.issn == ["1879-1026", "0048-9697"]
    assert first.journal == "The Science of the total environment"
    assert first.publication_type == "Journal Article; Review"
    assert first.keywords == ["riparian buffer", "nitrate"]
    assert first.abstract.endswith("nutrient loads in waterways.")
    assert book.title == "Handbook of implementation science" and book.journal == ""
    assert book.authors == [Author("Doe", "J")] and book.isbn == ["9783161484100"]
    assert [r.provenance.line for r in result] == [1, 28]
    assert result.warnings == []


def test_a_file_without_final_line_break_is_warned_about(load) -> None:
    result = load(NBIB.rstrip("\n"), "cut.nbib")
    assert len(result) == 2
    assert result.warnings == [
        "cut.nbib:28: the file ends without a line break inside record 2 (from this line): "
        "its last field may be cut short; check that the file is complete"
    ]


def test_two_records_without_a_blank_line_are_split(load) -> None:
    result = load(NBIB.replace("TA  - Sci Total Environ\n\n", "TA  - Sci Total Environ\n"))
    assert [r.pmid for r in result] == ["28441597", "30000001"]
    assert "a second PMID line" in result.warnings[0]


def test_a_blank_line_of_indentation_ends_the_record_after_its_last_value(load) -> None:
    # A line of spaces only after a continuation line ended the record before the
    # continuation was joined: the title lost it, and the next tag line crashed the import.
    text = NBIB.replace("TA  - Sci Total Environ\n\n", "TA  - Sci Total\n      Environ\n       \n")
    result = load(text)
    assert [r.pmid for r in result] == ["28441597", "30000001"]
    assert result[0].raw["TA"] == ["Sci Total Environ"]
    assert result[1].provenance.line == 29
    assert result.warnings == []


def test_not_medline_at_all(load) -> None:
    with pytest.raises(RecordFormatError, match="no MEDLINE record found"):
        load("some text\n", "x.nbib", format="medline")


OVID_MEDLINE = """\
<1>
VN  - Ovid Technologies
DB  - Ovid MEDLINE(R)
UI  - 31366609
TI  - 8-Aminoquinoline therapy for latent malaria.
AU  - Baird JK
SO  - Clinical Microbiology Reviews. 32(4), 2019 09 18.
YR  - 2019

<2>
VN  - Ovid Technologies
UI  - 30000002
TI  - A second record.
AU  - Doe J
JN  - Malaria Journal
YR  - 2018
"""


def test_ovid_medline_export(load) -> None:
    result = load(OVID_MEDLINE, "ovid.txt")
    assert result.format == "medline"
    first, second = result
    assert (first.pmid, first.source_key, first.year) == ("31366609", "31366609", 2019)
    assert first.journal == "Clinical Microbiology Reviews"
    assert first.authors == [Author("Baird", "JK")]
    assert second.journal == "Malaria Journal" and second.year == 2018
    assert result.warnings == []  # the "<1>" lines are record numbers, not stray text
