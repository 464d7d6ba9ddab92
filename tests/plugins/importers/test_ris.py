"""RIS importer: the flavours databases write, and bad input."""

from __future__ import annotations

import pytest

from evidencekit.core.errors import RecordFormatError
from evidencekit.core.importing import read_records
from evidencekit.core.model import Author

OVID = """\
1.
TY  - JOUR
ID  - 20203152553
DO  - http://dx.doi.org/10.4236/ojf.2020.101008
T1  - Detection of retention trees on clearcuts,
      a 50-year perspective.
A1  - Holmstrom, E.
A1  - Nordstrom, E.
Y1  - 2020//
N2  - Changes in clearcut management over time were evaluated.
KW  - forests
KW  - clearcutting
JF  - Open Journal of Forestry
VL  - 10
IS  - 1
SP  - 134
EP  - 48
SN  - 2163-0429
ER  -

Link to the Ovid Full Text or citation: http://ovidsp.ovid.com/ovidweb.cgi?T=JS&AN=1

2.
TY  - JOUR
ID  - 20203155626
T1  - Second record
A1  - Lee, K.
Y1  - 2019
ER  -
"""


def test_ovid_numbered_records_and_link_lines(load) -> None:
    result = load(OVID, "ovid.ris")
    assert result.format == "ris"
    first, second = result
    assert first.title == "Detection of retention trees on clearcuts, a 50-year perspective."
    assert first.authors == [Author("Holmstrom", "E."), Author("Nordstrom", "E.")]
    assert first.year == 2020 and second.year == 2019
    assert first.doi == "10.4236/ojf.2020.101008"
    assert first.abstract == "Changes in clearcut management over time were evaluated."
    assert first.pages == "134-148" and first.issn == ["2163-0429"]
    assert first.journal == "Open Journal of Forestry" and first.keywords == [
        "forests",
        "clearcutting",
    ]
    assert (first.source_key, second.source_key) == ("20203152553", "20203155626")
    assert [r.provenance.line for r in result] == [2, 24]
    # Ovid's number and link lines are expected; other text outside records is reported.
    assert result.warnings == []
    other = load(OVID.replace("Link to the Ovid", "Printed by the library; Ovid"), "x.ris")
    assert other.warnings == [
        "x.ris:21: 1 line(s) outside any RIS record were ignored (the first: "
        "'Printed by the library; Ovid Full Text or citat...')"
    ]


def test_crlf_and_byte_order_mark_read_like_plain_text(load, load_raw) -> None:
    plain = [r.to_dict() for r in load(OVID)]
    crlf = load_raw(b"\xef\xbb\xbf" + OVID.replace("\n", "\r\n").encode("utf-8"))
    assert [r.to_dict() for r in crlf] == plain
    assert [r.to_dict() for r in load_raw(OVID.encode("utf-16"))] == plain
    old_mac = load_raw(OVID.replace("\n", "\r").encode("cp1252"))
    assert [r.to_dict() for r in old_mac] == plain


def test_a_file_cut_exactly_at_a_line_break_is_an_error_naming_the_last_record(load) -> None:
    # Issue 12: the records before it end with ER, so a last record without one is a
    # half record (the file was cut after a complete line), not an exporter's habit.
    text = OVID.rsplit("ER  -", 1)[0]  # ends with "Y1  - 2019\n"
    with pytest.raises(RecordFormatError) as info:
        load(text, "noend.ris")
    assert str(info.value).startswith(
        "noend.ris:28: the last record (record 2, from line 24) has no 'ER  -' line, though "
        "the records before it end with one"
    )
    assert "incomplete" in str(info.value)
    # Cut at any earlier line break of the last record: the same error.
    lines = OVID.rsplit("ER  -", 1)[0].splitlines(keepends=True)
    for end in range(24, len(lines)):
        with pytest.raises(RecordFormatError, match="the last record .*incomplete"):
            load("".join(lines[:end]), "noend.ris")


def test_a_lone_record_without_er_is_kept_with_a_warning(load) -> None:
    result = load("TY  - JOUR\nTI  - Only record\nPY  - 2019\n", "noend.ris")
    assert [r.title for r in result] == ["Only record"]
    assert any(
        "noend.ris:1: the last record (record 1, from this line) has no 'ER  -'" in w
        for w in result.warnings
    )


def test_a_file_cut_mid_record_is_truncated(load) -> None:
    text = OVID[: OVID.index("A1  - Lee")] + "A1  - Le"
    with pytest.raises(RecordFormatError) as info:
        load(text, "cut.ris")
    message = str(info.value)
    assert message.startswith("cut.ris:27: the file ends in the middle of record 2")
    assert "truncated" in message


def test_missing_er_between_records_splits_with_a_warning(load) -> None:
    text = "TY  - JOUR\nTI  - One\nTY  - BOOK\nTI  - Two\nER  - \n"
    result = load(text, "x.ris")
    assert [r.title for r in result] == ["One", "Two"]
    assert [r.publication_type for r in result] == ["JOUR", "BOOK"]
    assert result.warnings[0].startswith("x.ris:3: the record starting on line 1 has no 'ER'")


def test_a_tag_outside_any_record_is_an_error(load) -> None:
    text = "TY  - JOUR\nTI  - One\nER  - \nAU  - Orphan, A.\nTI  - Lost\nER  - \n"
    with pytest.raises(RecordFormatError) as info:
        load(text, "orphan.ris", format="ris")
    assert str(info.value).startswith(
        "orphan.ris:4: the tag line 'AU  - Orphan, A.' is outside any record (after the "
        "record that ended on line 3)"
    )


def test_repeated_tags_continuations_and_loose_separators(load) -> None:
    text = (
        "TY - JOUR\n"  # one space before the dash (some exporters)
        "TI  - Facilitators and barriers\n"
        "AU  - Smith, J.; Doe, A.\n"
        "AU  - Roe, R.\n"
        "AB  - First paragraph\n"
        "continues here.\n"
        "Second paragraph.\n"
        "SN  - 1234-5678\n"
        "SN  - 978-3-16-148410-0\n"
        "KW  - one; two\n"
        "KW  - three\n"
        "PY  - 2021///\n"
        "DB  - PubMed\n"
        "AN  - 31366609\n"
        "L3  - 10.1000/FROM.L3\n"
        "ER  -\n"
    )
    (record,) = load(text)
    assert record.authors == [Author("Smith", "J."), Author("Doe", "A."), Author("Roe", "R.")]
    assert record.abstract == "First paragraph\ncontinues here.\nSecond paragraph."
    assert record.issn == ["1234-5678"] and record.isbn == ["9783161484100"]
    assert record.keywords == ["one", "two", "three"]
    assert record.pmid == "31366609" and record.source_key == "31366609"
    assert record.doi == "10.1000/from.l3" and record.year == 2021
    assert record.raw["AU"] == ["Smith, J.; Doe, A.", "Roe, R."]
    assert record.raw["AB"] == ["First paragraph\ncontinues here.\nSecond paragraph."]


def test_a_continuation_line_that_looks_like_a_loose_tag(load) -> None:
    text = "TY  - JOUR\nTI  - Title\nAB  - First paragraph.\nUK - based services differ.\nER  -\n"
    (record,) = load(text)
    assert record.abstract == "First paragraph.\nUK - based services differ."
    assert "UK" not in record.raw


def test_no_record_at_all_says_what_was_expected(load) -> None:
    with pytest.raises(RecordFormatError, match="use --format medline"):
        load("PMID- 1\nTI  - x\n", "m.ris", format="ris")
    with pytest.raises(RecordFormatError, match="no RIS record found"):
        load("just words\n", "w.ris", format="ris")


def test_real_ovid_via_zotero_excerpt(excerpt, registry) -> None:
    result = read_records(excerpt("asreview_ovid_zotero.ris"), registry, source_name="Ovid")
    assert len(result) == 3
    first = result[0]
    assert first.title.startswith("The influence of self-criticism on depression symptoms")
    assert first.authors[0] == Author("Trindade", "Ines A")
    assert first.journal == "Clinical Psychology & Psychotherapy"
    assert result[0].pages == ""  # Ovid's "No-Specified", split into SP "No" / EP "Specified"
    assert result[1].pages == "847-856" and result[2].pages == "26-33"
    assert all(r.doi.startswith("10.") for r in result)


def test_real_wos_ris_in_a_txt_file(excerpt, registry) -> None:
    result = read_records(excerpt("asreview_web_of_science.txt"), registry, source_name="WoS")
    assert result.format == "ris" and len(result) == 3
    assert result[0].authors[:2] == [Author("Alceste", "F"), Author("Luke", "TJ")]
    assert result[0].source_key.startswith("WOS:")
    assert result[0].keywords[:3] == ["Police custody", "Interview", "Interrogation"]


def test_real_pubmed_via_endnote_excerpt(excerpt, registry) -> None:
    result = read_records(excerpt("asreview_pubmed_endnote.txt"), registry, source_name="PubMed")
    first = result[0]
    assert first.pmid == "21553931" and first.source_key
    # EndNote writes one KW tag with one keyword per continuation line.
    assert first.keywords[:3] == [
        "Animals",
        "Anti-Inflammatory Agents/adverse effects/pharmacokinetics/*pharmacology",
        "Boswellia/*chemistry",
    ]


def test_agrees_with_rispy_on_every_shared_ris_file(registry, shared_exports) -> None:
    """rispy is the field's reference parser: same records, same titles."""
    import gzip

    import rispy

    files = sorted(shared_exports.glob("*/*.ris*")) + sorted(shared_exports.glob("asreview/*.txt"))
    files = [f for f in files if f.name != "example_wos.ris"]  # WoS tagged, not RIS
    assert len(files) >= 10
    for path in files:
        data = path.read_bytes()
        if path.suffix == ".gz":
            data = gzip.decompress(data)
        text = data.decode("utf-8-sig").replace("\r\n", "\n").replace("\ufeff", "")
        theirs = rispy.loads(text)
        ours = read_records(path, registry, source_name="x")
        assert len(ours) == len(theirs), path
        for mine, their in zip(ours, theirs, strict=True):
            title = their.get("title") or their.get("primary_title") or ""
            assert mine.title == " ".join(title.split()), path


def test_pmid_from_an_ebsco_note_or_a_pubmed_accession_number(load) -> None:
    first, second, third = load(
        "TY  - JOUR\nTI  - PsycINFO via EBSCO\nAN  - 2019-75323-001\nDP  - EBSCOhost\n"
        "N1  - Accession Number: 2019-75323-001. PMID: 31799775 Partial author list.\n"
        "ER  - \n\n"
        "TY  - JOUR\nTI  - EndNote from PubMed\nAN  - 21553931\nDB  - NLM\nER  - \n\n"
        "TY  - JOUR\nTI  - An accession number that is no PMID\nAN  - 12345678\n"
        "DB  - Embase\nER  - \n",
        "notes.ris",
    )
    assert (first.pmid, first.source_key) == ("31799775", "2019-75323-001")
    assert second.pmid == "21553931"
    assert third.pmid == ""


# Shaped like a real Ovid PsycINFO RIS export: a "NL  - " line (the link to the record)
# follows each "ER  -" (rispy reads every record of such a file).
OVID_PSYCINFO = """\
TY  - JOUR
ID  - 2019-12345-001
T1  - Peer support in mental health services: a review
A1  - Smith, Jane
Y1  - 2019
JF  - Psychiatric Services
SP  - 795
EP  - 15
ER  -
NL  - http://ovidsp.ovid.com/ovidweb.cgi?T=JS&PAGE=reference&D=psyc16&AN=2019-12345-001

TY  - JOUR
ID  - 2019-12345-002
T1  - TGF-beta-
      1 signalling in stress
A1  - Lee, K.
Y1  - 2019
ER  -
NL  - http://ovidsp.ovid.com/ovidweb.cgi?T=JS&PAGE=reference&D=psyc16&AN=2019-12345-002
"""


def test_ovid_psycinfo_nl_line_after_er_is_a_warning_with_its_line(load) -> None:
    result = load(OVID_PSYCINFO, "psycinfo.ris")
    assert [r.title for r in result] == [
        "Peer support in mental health services: a review",
        "TGF-beta-1 signalling in stress",  # the hyphen at the line break is kept, no space
    ]
    assert result[0].pages == "795-815"  # "795-15": an abbreviated end crossing a hundred
    assert [w.split(": ", 1)[0] for w in result.warnings] == ["psycinfo.ris:10", "psycinfo.ris:19"]
    assert all("the tag line 'NL  - http://ovidsp" in w for w in result.warnings)
    assert all(w.endswith("is outside any record; ignored") for w in result.warnings)


def test_endnote_py_0000_is_no_year_with_a_warning(load) -> None:
    text = "TY  - JOUR\nTI  - From EndNote\nPY  - 0000\nER  - \n"
    (record,) = result = load(text, "endnote.ris")
    assert record.year is None
    assert result.warnings == [
        "endnote.ris:1: record 1 (id 1): no year (written as 0000); stored without a year"
    ]
