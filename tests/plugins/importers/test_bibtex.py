"""BibTeX importer (bibtexparser 2 + our LaTeX decoding)."""

from __future__ import annotations

import pytest

from evidencekit.core.errors import RecordFormatError
from evidencekit.core.model import Author

BIB = r"""
@string{jmh = "Journal of Mental Health"}
@comment{exported by a reference manager}

@article{smith2019,
  author = {M{\"u}ller, J{\"o}rg and {World Health Organization}
            and Jos{\'e} Garc{\'\i}a and others},
  title = {Peer support {workers}: facilitators {\&} barriers -- a review},
  journal = jmh,
  year = 2019,
  month = aug,
  volume = {28},
  number = {3},
  pages = {123--30},
  doi = {https://doi.org/10.1080/09638237.2019.1608935},
  keywords = {peer support, implementation; barriers},
  abstract = {Background: {P}eer support $\alpha$ 50\% of\ldots},
}

@inproceedings{lee2020,
  author = "Lee, Kim and van der Berg, Jr, Pieter",
  title = "Conference paper",
  booktitle = "Proceedings of the Implementation Conference",
  date = {2020-05-01},
  isbn = {978-3-16-148410-0},
  url = {https://example.org/~lee/a--b\_c},
}

@article{smith2019,
  title = {A second entry with a repeated key},
  year = {2018},
}
"""


def test_fields_latex_and_names(load) -> None:
    result = load(BIB, "refs.bib")
    assert result.format == "bibtex" and len(result) == 3
    first, second, third = result
    assert first.authors == [
        Author("Müller", "Jörg"),
        Author("World Health Organization"),
        Author("García", "José"),
    ]
    assert first.title == "Peer support workers: facilitators & barriers \u2013 a review"
    assert first.journal == "Journal of Mental Health"  # @string macro resolved
    assert first.year == 2019 and first.pages == "123-130"
    assert first.doi == "10.1080/09638237.2019.1608935"
    # A list using ";" is split only there: a keyword may hold a comma.
    assert first.keywords == ["peer support, implementation", "barriers"]
    assert first.abstract == "Background: Peer support \u03b1 50% of\u2026"
    assert first.source_key == "smith2019" and first.publication_type == "article"
    assert first.raw["ENTRYTYPE"] == "article" and first.raw["number"] == "3"
    assert second.authors == [Author("Lee", "Kim"), Author("van der Berg", "Pieter Jr")]
    assert second.journal == "Proceedings of the Implementation Conference"
    assert second.year == 2020 and second.isbn == ["9783161484100"]
    assert second.url == "https://example.org/~lee/a--b_c"
    assert third.source_key == "smith2019"  # a repeated key is still a record
    assert [r.provenance.line for r in result] == [5, 20, 29]
    assert any(
        "the identifier 'smith2019' was already used by record 1" in w for w in result.warnings
    )


def test_a_broken_entry_is_an_error_naming_its_line(load) -> None:
    broken = BIB.replace('title = "Conference paper",', 'title = "Conference paper,')
    with pytest.raises(RecordFormatError) as info:
        load(broken, "broken.bib")
    assert str(info.value).startswith(
        "broken.bib:20: this BibTeX entry cannot be parsed (near line 29)"
    )


def test_a_truncated_file_is_an_error(load) -> None:
    cut = BIB[: BIB.index("date = {2020")]
    with pytest.raises(
        RecordFormatError, match=r"^cut.bib:20: the file ends inside the BibTeX entry.*truncated"
    ):
        load(cut, "cut.bib")


def test_a_file_without_entries(load) -> None:
    with pytest.raises(RecordFormatError, match="no BibTeX entry found"):
        load("@comment{nothing here}\n", "empty.bib", format="bibtex")


SCOPUS_REPEATED_FIELD = r"""
@string{ehs = "Ecosystem Health and Sustainability"}
@ARTICLE{Li2020,
author={Li, W. and Dou, Z. and Cui, L.},
title={Soil fauna {diversity}},
journal=ehs,
year={2020},
pages={12--19},
author_keywords={Environmental factors;  Lake Taihu},
funding_details={University of Twente},
funding_details={Special Fund, 201404305},
}
@article{plain, author = {Cao, F. and Li, J.}, title = {Plain}, year = 2020,
  keywords = {Humans, Pain}}
"""


def test_entry_with_a_repeated_field_is_read_like_any_other(load) -> None:
    # bibtexparser sets such an entry aside (Scopus repeats funding_details) without
    # its middleware: the enclosing braces stayed and the author list was one name.
    first, second = load(SCOPUS_REPEATED_FIELD, "scopus.bib")
    assert first.authors == [Author("Li", "W."), Author("Dou", "Z."), Author("Cui", "L.")]
    assert first.title == "Soil fauna diversity"
    assert first.journal == "Ecosystem Health and Sustainability"  # macro resolved too
    assert (first.year, first.pages) == (2020, "12-19")
    assert first.keywords == ["Environmental factors", "Lake Taihu"]
    assert first.raw["funding_details"] == ["University of Twente", "Special Fund, 201404305"]
    assert second.keywords == ["Humans", "Pain"]  # no ";": commas separate


def test_latex_escapes_a_writer_uses_are_read_back(load) -> None:
    (record,) = load(
        r"""@article{k,
  title = {miR-106b\textasciitilde{}25: 50\% \textbraceleft{}x\textbraceright{}
           a\textbackslash{}b x\textasciicircum{}2 -{}- done},
  pages = {872-\&},
}""",
        "escapes.bib",
    )
    assert record.title == "miR-106b~25: 50% {x} a\\b x^2 -- done"
    assert record.pages == "872-&"


def test_set_aside_entries_keep_inner_braces(load) -> None:
    entry = "@article{a, title={{WHO} and {X}}, author={{World Health Organization}}}\n"
    first, second = load(entry * 2, "twice.bib")  # the second is set aside (repeated key)
    assert first.title == second.title == "WHO and X"
    assert first.authors == second.authors == [Author("World Health Organization")]


# -- issue 12: no silent loss ---------------------------------------------------------------


def test_a_damaged_at_line_is_an_error_naming_it(load) -> None:
    text = (
        "@article{a, title={First}, year={2001}}\n\n"
        "@articl}{b, title={Second}, year={2002}}\n\n"
        "@article{c, title={Third}, year={2003}}\n"
    )
    with pytest.raises(
        RecordFormatError,
        match=r"test.txt:3: this line starts like a BibTeX "
        r"entry but cannot be read as one \('@articl\}\{b, title",
    ):
        load(text)


def test_an_undefined_macro_is_a_warning_not_the_title(load) -> None:
    result = load(
        "@article{d, title = undefinedmacro, journal = jmh, year = 2003}\n"
        "@string{jmh = {J Ment Health}}\n"
    )
    (record,) = result.records
    assert record.title == "" and record.journal == "J Ment Health"
    assert any(
        "line 1: entry 'd', field 'title': the @string macro 'undefinedmacro' is not defined" in w
        for w in result.warnings
    )


@pytest.mark.parametrize(
    "strings",
    [
        "@string{p = q # p}\n",
        "@string{p = s1}\n@string{s1 = s2}\n@string{s2 = p}\n",
    ],
)
def test_a_circular_macro_is_a_warning_not_the_title(load, strings) -> None:
    result = load(strings + "@article{e, title = p, year = {2003}}\n")
    (record,) = result.records
    assert record.title == ""
    assert any(
        "field 'title'" in w and ("in terms of itself" in w or "not defined" in w)
        for w in result.warnings
    )


def test_macros_and_concatenation_resolve(load) -> None:
    result = load(
        '@string{pre = "Peer"}\n@string{both = pre # " support"}\n'
        '@article{x, title = both # { in } # "mental health", year = 2003, '
        "month = jan}\n"
    )
    (record,) = result.records
    assert record.title == "Peer support in mental health"
    assert record.raw["month"] == "jan" and result.warnings == []


def test_a_long_macro_chain_is_linear_and_bounded(load) -> None:
    from evidencekit.plugins.importers._bibmacros import MAX_DEPTH

    chain = "".join(f"@string{{m{i} = m{i + 1}}}\n" for i in range(5000))
    result = load(chain + '@string{m5000 = "end"}\n@article{x, title = m0, year = 2003}\n')
    (record,) = result.records
    assert record.title == ""
    assert any(f"more than {MAX_DEPTH} other macros" in w for w in result.warnings)
