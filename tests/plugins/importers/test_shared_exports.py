"""Every real export in ../shared/datasets/exports imports completely.

For each file: the format found from its content, the exact number of records, and how many
records have a title, authors, a year, a DOI and an abstract. Where a count is below the
number of records, the source itself lacks the field for those records (counted
independently from the raw files: rispy for RIS, tag and column counts for the others), so
"every record where present in the source" is what these numbers assert.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from evidencekit.core.importing import read_records

#: file: (format, records, with title, authors, year, DOI, abstract)
EXPECTED: dict[str, tuple[str, int, int, int, int, int, int]] = {
    "asreview/embase.csv": ("csv", 6, 6, 6, 6, 6, 6),  # DOI from the Open URL link
    "asreview/embase.ris": ("ris", 6, 6, 6, 6, 6, 6),
    "asreview/ovid_zotero.ris": ("ris", 6, 6, 6, 6, 6, 6),
    "asreview/pubmed_endnote.txt": ("ris", 6, 6, 6, 6, 6, 6),
    "asreview/pubmed_zotero.ris": ("ris", 6, 6, 6, 6, 6, 6),
    "asreview/scopus.ris": ("ris", 6, 6, 6, 6, 6, 6),
    "asreview/web_of_science.txt": ("ris", 10, 10, 10, 10, 10, 10),
    "asysd/zotero_export.bib.gz": ("bibtex", 1000, 1000, 1000, 997, 718, 776),
    "asysd/zotero_export.csv.gz": ("csv", 1233, 1233, 1226, 1233, 1064, 1128),
    "asysd/zotero_export.ris.gz": ("ris", 1000, 1000, 1000, 997, 718, 776),
    "asysd/zotero_export.xml.gz": ("endnote-xml", 1233, 1233, 1226, 1233, 1064, 1128),
    "bibliometrix/scopus_sample.csv": ("scopus-csv", 8, 8, 8, 8, 8, 8),
    "bibliometrix/wos_sample.txt": ("wos", 8, 8, 8, 8, 8, 7),
    "citesource/WoS_79.ris": ("ris", 79, 79, 79, 79, 70, 76),
    "citesource/psycinfo_64.ris": ("ris", 64, 64, 64, 64, 49, 64),
    "citesource/pubmed_46.ris": ("ris", 46, 46, 46, 46, 45, 46),
    "litstudy/ieee.csv": ("csv", 10, 10, 10, 10, 10, 10),
    "litstudy/scopus.csv": ("scopus-csv", 58, 58, 49, 58, 44, 58),  # 9 "[No author name…]"
    "litstudy/springer.csv": ("csv", 18, 18, 18, 18, 18, 0),  # no abstract column
    "metaknowledge/medline_test.medline": ("medline", 175, 175, 174, 175, 171, 171),
    "metaknowledge/testFile.isi": ("wos", 34, 34, 34, 34, 19, 12),
    "revtools/avian_ecology_bibliography.ris": ("ris", 20, 20, 20, 20, 20, 20),
    "rispy/example_wos.ris": ("wos", 2, 2, 2, 2, 2, 2),  # WoS tagged despite .ris
    "synthesisr/ASP_ris_example.ris": ("ris", 4, 4, 4, 4, 2, 4),  # EBSCO: DOI in L3
    "synthesisr/Ovid_ris_example.ris": ("ris", 4, 4, 4, 4, 3, 4),
    "synthesisr/PubMed_example.txt": ("medline", 3, 3, 3, 3, 3, 3),
    "synthesisr/Scopus_bib_example.bib": ("bibtex", 3, 3, 3, 3, 3, 3),
    "synthesisr/Scopus_ris_example.ris": ("ris", 3, 3, 3, 3, 3, 3),
    "synthesisr/WoS_ciw_example.ciw": ("wos", 5, 5, 5, 5, 5, 5),
    "synthesisr/WoS_txt_example.txt": ("wos", 4, 4, 4, 4, 4, 4),
}


def test_psycinfo_pmids_from_ebsco_notes(shared_exports: Path, registry) -> None:
    result = read_records(
        shared_exports / "citesource/psycinfo_64.ris", registry, source_name="PsycINFO"
    )
    # 27 records carry "PMID: n" in their N1 note (grep -c 'PMID: [0-9]').
    pmids = [r.pmid for r in result if r.pmid]
    assert len(pmids) == 27 and pmids[0] == "33343428"


def test_every_shared_export_is_listed(shared_exports: Path) -> None:
    files = {
        str(p.relative_to(shared_exports))
        for p in shared_exports.glob("*/*")
        if p.is_file() and p.name != "README.md"
    }
    assert files == set(EXPECTED)


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_shared_export_imports_completely(name: str, shared_exports: Path, registry) -> None:
    fmt, count, titled, authored, dated, with_doi, with_abstract = EXPECTED[name]
    path = shared_exports / name
    result = read_records(path, registry, source_name="shared", date_searched="2024-01-31")
    assert result.format == fmt
    assert len(result) == count
    assert sum(1 for r in result if r.title) == titled
    assert sum(1 for r in result if r.authors) == authored
    assert sum(1 for r in result if r.year is not None) == dated
    assert sum(1 for r in result if r.doi) == with_doi
    assert sum(1 for r in result if r.abstract) == with_abstract
    for position, record in enumerate(result, 1):
        provenance = record.provenance
        assert (provenance.position, provenance.file, provenance.format) == (
            position,
            str(path),
            fmt,
        )
        assert provenance.line is not None and provenance.date_searched == "2024-01-31"
        assert record.source_key and record.raw
        assert not record.doi or (record.doi.startswith("10.") and record.doi == record.doi.lower())
        assert all(a.family for a in record.authors)
        # Each name is one person, split from the list (a BibTeX entry with a repeated
        # field once kept its braces and gave its whole author list as one name).
        assert not any(
            " and " in f"{a.family} {a.given}" or "{" in a.family or ";" in a.family
            for a in record.authors
        ), record.authors
        assert record.year is None or 1000 <= record.year <= 2100
    # Re-reading gives the same records (stable input for stable record ids).
    again = read_records(path, registry, source_name="shared", date_searched="2024-01-31")
    assert [r.to_dict() for r in again] == [r.to_dict() for r in result]
