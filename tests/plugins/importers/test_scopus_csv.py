"""Scopus CSV importer."""

from __future__ import annotations

import pytest

from evidencekit.core.errors import RecordFormatError
from evidencekit.core.importing import read_records
from evidencekit.core.model import Author

NEW_LAYOUT = (
    '"Authors","Author full names","Author(s) ID","Title","Year","Source title","Volume",'
    '"Issue","Art. No.","Page start","Page end","DOI","Link","Abstract","PubMed ID",'
    '"Document Type","Source","EID"\n'
    '"Liu F.; Li C.","Liu, Fengyuan (60410297700); Li, Chunyun (58862216200)","1; 2",'
    '"Quantitative analysis","2024","Digital Health","12","","e123","","",'
    '"10.1177/20552076261415846","https://www.scopus.com/x","An abstract.","39436706",'
    '"Article","Scopus","2-s2.0-105030721984"\n'
)


def test_new_layout_with_full_names(load) -> None:
    result = load(NEW_LAYOUT, "scopus.csv")
    assert result.format == "scopus-csv"
    (record,) = result
    assert record.authors == [Author("Liu", "Fengyuan"), Author("Li", "Chunyun")]
    assert record.journal == "Digital Health"  # "Source" is the database, never the journal
    assert record.pages == "e123" and record.pmid == "39436706"
    assert record.source_key == "2-s2.0-105030721984"


def test_old_layout_with_shifted_funding_rows(excerpt, registry) -> None:
    """litstudy's export: some rows carry a second funding text without a header for it."""
    result = read_records(excerpt("litstudy_scopus.csv"), registry, source_name="Scopus")
    assert result.format == "scopus-csv" and len(result) == 3
    assert result[0].authors[:2] == [Author("Phillips", "J.C."), Author("Braun", "R.")]
    assert [r.source_key for r in result] == [
        "2-s2.0-27344436659",
        "2-s2.0-0024645936",
        "2-s2.0-85123480963",
    ]
    assert result[2].language == "English" and result[2].pmid == "35064163"
    assert result[2].publication_type == "Article"
    assert result.warnings == []


def test_scopus_needs_its_title_column(load) -> None:
    with pytest.raises(RecordFormatError, match="lacks the column.s. 'Title'"):
        load("Authors,Document title,EID\nA B.,x,2-s2.0-1\n", "s.csv", format="scopus-csv")
