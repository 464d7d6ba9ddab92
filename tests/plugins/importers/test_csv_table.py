"""Generic CSV/TSV/XLSX importer: synonyms, delimiters, bad tables."""

from __future__ import annotations

import pytest

from evidencekit.core.errors import RecordFormatError
from evidencekit.core.importing import read_records
from evidencekit.core.model import Author
from evidencekit.plugins.importers._table import (
    KEYWORD_COLUMNS,
    SYNONYMS,
    normalise_header,
    split_glued_names,
)


def test_embase_csv_excerpt(excerpt, registry) -> None:
    """No year, volume or DOI column: they come from the 'Source' citation and the link."""
    result = read_records(excerpt("asreview_embase.csv"), registry, source_name="Embase")
    assert result.format == "csv" and len(result) == 3
    first = result[0]
    assert first.title.startswith("Duplication cysts: Diagnosis, management")
    assert first.authors == [Author("Liu", "R."), Author("Adler", "D.G.")]
    assert (first.journal, first.year, first.volume, first.issue, first.pages) == (
        "Endoscopic Ultrasound",
        2014,
        "3",
        "3",
        "152-160",
    )
    assert first.doi == "10.4103/2303-9027.138783"  # from the Open URL link
    # Emtree terms are comma-separated, with commas inside their parentheses too.
    assert first.keywords[:3] == [
        "endoscopic ultrasonography",
        "gastrointestinal malformation (diagnosis)",
        "gastrointestinal tract duplication cyst (diagnosis)",
    ]
    assert "bronchogenic duplication cyst (diagnosis, surgery)" in first.keywords


def test_ieee_and_springer_excerpts(excerpt, registry) -> None:
    ieee = read_records(excerpt("litstudy_ieee.csv"), registry, source_name="IEEE")
    assert [len(r.authors) for r in ieee][0] == 2
    assert ieee[0].authors == [Author("Kogge", "P."), Author("Shalf", "J.")]
    assert (
        ieee[0].title == 'Exascale Computing Trends: Adjusting to the "New Normal"\' for '
        "Computer Architecture"
    )
    assert ieee[0].pages == "16-26" and ieee[0].year == 2013
    springer = read_records(excerpt("litstudy_springer.csv"), registry, source_name="Springer")
    assert len(springer) == 18
    assert springer[0].authors == [Author("Aliev", "Araz R."), Author("Ismayilova", "Nigar T.")]
    assert springer[1].authors[:2] == [Author("Aliev", "Rafik A."), Author("Kacprzyk", "Janusz")]
    assert springer[0].doi == "10.1007/978-3-030-92127-9_33"
    assert springer[0].publication_type == "Chapter"


@pytest.mark.parametrize(
    ("header", "row"),
    [
        # Lens.org
        (
            "Lens ID,Title,Date Published,Publication Year,Source Title,Author/s,DOI,PMID,ISSNs",
            "020-1,A lens study,2019-03-01,2019,J Impl,Jane Smith; Ahmed Ali,10.1/x1,123,1234-5678",
        ),
        # OpenAlex
        (
            "id,doi,title,publication_year,primary_location.source.display_name,"
            "authorships.author.display_name,ids.pmid",
            "https://openalex.org/W1,https://doi.org/10.1/X1,A lens study,2019,J Impl,"
            "Jane Smith|Ahmed Ali,https://pubmed.ncbi.nlm.nih.gov/123",
        ),
        # Zotero
        (
            '"Key","Item Type","Publication Year","Author","Title","Publication Title","DOI"',
            '"020-1","journalArticle","2019","Smith, Jane; Ali, Ahmed","A lens study","J Impl",'
            '"10.1/x1"',
        ),
    ],
)
def test_column_synonyms_of_other_databases(load, header: str, row: str) -> None:
    (record,) = load(f"{header}\n{row}\n".replace("10.1/", "10.1000/"), "export.csv")
    assert record.title == "A lens study" and record.year == 2019
    assert record.authors == [Author("Smith", "Jane"), Author("Ali", "Ahmed")]
    assert record.doi == "10.1000/x1"
    assert record.journal == "J Impl"
    assert record.source_key in ("020-1", "https://openalex.org/W1")


def test_openalex_abstract_from_its_inverted_index(load) -> None:
    text = (
        "id,title,publication_year,abstract_inverted_index\n"
        'W1,A study,2020,"{""Peer"": [0], ""support"": [1, 3], ""and"": [2]}"\n'
    )
    (record,) = load(text, "openalex.csv")
    assert record.abstract == "Peer support and support"


def test_delimiters_are_guessed_and_can_be_named(load) -> None:
    tsv = "record_id\ttitle\tyear\tauthors\n7\tA; B\t2001\tSmith J\n"
    (record,) = load(tsv, "x.tsv")
    assert (record.source_key, record.title, record.year) == ("7", "A; B", 2001)
    semi = "Title;Year\nOne, two;2002\n"
    assert load(semi, "y.csv")[0].title == "One, two"
    assert load(semi, "y.csv", format="csv", delimiter=";")[0].year == 2002


def test_columns_option_maps_unusual_names(load) -> None:
    text = "Headline,Writers,When\nA study,Smith J,2003\n"
    (record,) = load(
        text,
        "odd.csv",
        format="csv",
        columns={"title": "Headline", "authors": "Writers", "year": "When"},
    )
    assert (record.title, record.authors, record.year) == ("A study", [Author("Smith", "J")], 2003)
    with pytest.raises(RecordFormatError, match="which the file does not have"):
        load(text, "odd.csv", format="csv", columns={"title": "Nope"})


def test_a_csv_without_title_column_names_columns_and_synonyms(load) -> None:
    with pytest.raises(RecordFormatError) as info:
        load("doi,openalex_id,label_included\n10.1/x,W1,1\n", "ids.csv")
    message = str(info.value)
    assert message.startswith(
        "ids.csv:1: no title column: the columns are 'doi', 'openalex_id', 'label_included'"
    )
    assert "'document title'" in message and "columns: {title: YOUR COLUMN}" in message


def test_an_unclosed_quote_is_a_truncated_file(load) -> None:
    text = 'Title,Year\n"First",2001\n"Second, cut off in the mi'
    with pytest.raises(RecordFormatError, match=r"^cut.csv:3: a quote opened in the row"):
        load(text, "cut.csv")


def test_a_short_last_row_without_line_break_is_truncated(load) -> None:
    text = "Title,Year,Authors,DOI\nFirst,2001,Smith J,10.1000/1\nSecond,20"
    with pytest.raises(RecordFormatError, match=r"^short.csv:3: the last row has 2 of the 4"):
        load(text, "short.csv")


def test_a_header_only_table_has_no_records(load) -> None:
    result = load("Title,Year\n", "empty.csv")
    assert list(result) == [] and result.warnings == ["empty.csv: no records found in the file"]


def test_rows_with_extra_cells_are_warned_about(load) -> None:
    result = load("Title,Year\nA,2001,surplus\n", "extra.csv")
    assert result[0].raw == {"Title": "A", "Year": "2001", "column 3": "surplus"}
    assert "extra.csv:2: this row has 3 cells" in result.warnings[0]


def test_glued_springer_names_keep_prefixes_whole() -> None:
    assert split_glued_names("Jane McDonaldPeter DeVries") == ["Jane McDonald", "Peter DeVries"]


def test_web_of_science_tab_delimited(load) -> None:
    text = (
        "PT\tAU\tAF\tTI\tSO\tDE\tID\tPY\tBP\tEP\tDI\tUT\n"
        "J\tLi, W\tLi, Wei\tSoil fauna\tECOSYSTEM HEALTH\treed; soil\tDIVERSITY\t2020\t1\t9\t"
        "10.1080/2096\tWOS:000513227800001\n"
    )
    (record,) = load(text, "savedrecs.txt")
    assert record.authors == [Author("Li", "Wei")] and record.title == "Soil fauna"
    assert record.source_key == "WOS:000513227800001"  # UT, not ID (Keywords Plus)
    assert record.keywords == ["reed", "soil", "DIVERSITY"] and record.pages == "1-9"


def test_every_synonym_is_normalised() -> None:
    for names in [*SYNONYMS.values(), KEYWORD_COLUMNS]:
        for name in names:
            assert normalise_header(name) == name


def test_docs_list_every_synonym_and_importer(registry) -> None:
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[3] / "docs" / "importing.md").read_text("utf-8")
    section = doc.split("### Column-name synonyms", 1)[1]
    for field, names in SYNONYMS.items():
        row = next(line for line in section.splitlines() if line.startswith(f"| `{field}` |"))
        assert row == f"| `{field}` | " + ", ".join(f"`{n}`" for n in names) + " |"
    for name in KEYWORD_COLUMNS:
        assert f"`{name}`" in doc
    for name in registry.names("importer"):
        assert f"| `{name}` |" in doc


def test_a_title_line_above_the_header_is_skipped(load) -> None:
    text = (
        "Embase Session Results\nExported 2020-01-31\nTITLE,AUTHOR NAMES,PUBLICATION YEAR\n"
        "A study,Smith J.,2019\n"
    )
    result = load(text, "embase.csv")
    assert result.format == "csv" and [r.title for r in result] == ["A study"]
    assert result[0].provenance.line == 4
    assert result.warnings == [
        "embase.csv:3: the header row is on line 3; the 2 row(s) above it were skipped"
    ]


def test_author_cells_in_bibtex_style_and_glued_endnote_style(load) -> None:
    result = load(
        "ID,title,author,year\n"
        'id_1,A trial,"Zuber, J and Le Quintrec, M",2011\n'
        "id_2,Another,Adeli K.Lewis G. F.,2008\n"
        'id_3,Third,"Chen R.Wang J.Liang, L.",2014\n',
        "records_pre_merged.csv",
    )
    assert [r.authors for r in result] == [
        [Author("Zuber", "J"), Author("Le Quintrec", "M")],
        [Author("Adeli", "K."), Author("Lewis", "G. F.")],
        [Author("Chen", "R."), Author("Wang", "J."), Author("Liang", "L.")],
    ]


def test_na_cells_of_r_exports_are_empty(load) -> None:
    (record,) = load("title,abstract,volume,number,year\nA title,NA,NA,NA,2010\n", "r.csv")
    assert (record.abstract, record.volume, record.issue, record.year) == ("", "", "", 2010)


@pytest.mark.parametrize("column", ["ID", "id", "record_id", "Record ID"])
def test_source_key_from_an_id_column_else_the_position(load, column: str) -> None:
    keyed = load(f"title,{column}\nFirst,A-17\nSecond,B-2\n", "keyed.csv")
    assert [r.source_key for r in keyed] == ["A-17", "B-2"]
    plain = load("title,year\nFirst,2001\nSecond,2002\n", "plain.csv")
    assert [r.source_key for r in plain] == ["1", "2"]


def test_a_booktitle_column_is_the_container_title(load) -> None:
    """Conference papers exported by CoLRev / bib-dedupe-style CSVs name the proceedings
    in a ``booktitle`` column: it is the record's container (journal) title."""
    text = (
        "ID,ENTRYTYPE,author,title,year,booktitle,pages\n"
        'p1,inproceedings,"Smith, Jane",A lens study,2019,'
        "Proceedings of the 40th International Conference on Information Systems,1--14\n"
    )
    (record,) = load(text, "colrev.csv")
    assert record.journal == (
        "Proceedings of the 40th International Conference on Information Systems"
    )
    assert record.pages == "1-14"
