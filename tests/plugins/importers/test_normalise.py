"""The shared field normalisers and the LaTeX decoder."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evidencekit.core.model import Author
from evidencekit.plugins.importers._latex import latex_to_text, split_names
from evidencekit.plugins.importers._normalise import (
    clean,
    clean_block,
    make_record,
    normalise_doi,
    normalise_pages,
    parse_name,
    parse_year,
    split_author_list,
    split_identifiers,
    split_outside_parentheses,
)


@pytest.mark.parametrize(
    ("raw", "doi"),
    [
        ("10.1000/ABC.def", "10.1000/abc.def"),
        ("https://doi.org/10.1000/abc.", "10.1000/abc"),
        ("http://dx.doi.org/10.4236/ojf.2020.101008", "10.4236/ojf.2020.101008"),
        ("doi: 10.1016/j.x.2019.01.001 [doi]", "10.1016/j.x.2019.01.001"),
        ("DOI 10.1016/j.x.2019.01.001;", "10.1016/j.x.2019.01.001"),
        ("10.1080%2F20964129.2020.1722034", "10.1080/20964129.2020.1722034"),
        ("(see 10.1000/abc).", "10.1000/abc"),
        ("10.1016/0022-1694(71)90011-X", "10.1016/0022-1694(71)90011-x"),
        ("S0048-9697(17)30912-9 [pii]", ""),
        ("", ""),
    ],
)
def test_normalise_doi(raw: str, doi: str) -> None:
    assert normalise_doi(raw) == doi


@pytest.mark.parametrize(
    ("start", "end", "pages"),
    [
        ("123-30", "", "123-130"),
        ("123", "30", "123-130"),
        ("1234-56", "", "1234-1256"),
        ("99-101", "", "99-101"),
        ("795-15", "", "795-815"),  # not 795-715: the end crosses a hundred
        ("795", "15", "795-815"),
        ("1098-102", "", "1098-1102"),
        ("123-30", "", "123-130"),
        ("134--137", "", "134-137"),
        ("134\u2013137", "", "134-137"),
        ("S12-5", "", "S12-S15"),
        ("R12-R19", "", "R12-R19"),
        ("e0123456", "", "e0123456"),
        ("pp. 5-9", "", "5-9"),
        ("123", "123", "123"),
        ("No", "Specified", ""),
        ("No-Specified", "", ""),
        ("", "", ""),
    ],
)
def test_normalise_pages(start: str, end: str, pages: str) -> None:
    assert normalise_pages(start, end) == pages


@pytest.mark.parametrize(
    ("raw", "year"),
    [
        ("2019", 2019),
        ("2019///", 2019),
        ("2019 Jan 5", 2019),
        ("2019.0", 2019),
        ("05/01/2019", 2019),
        ("DEC 16 2020", 2020),
        ("1999/08//undefined", 1999),
        ("20190315", 2019),
        ("201903", 2019),
        ("0", 0),
        ("3024", 3024),
        ("12345", 12345),
        ("19", 19),
        ("n.d.", None),
        ("", None),
        (None, None),
        (2001, 2001),
    ],
)
def test_parse_year(raw: object, year: int | None) -> None:
    assert parse_year(raw) == year


@pytest.mark.parametrize(
    ("raw", "author"),
    [
        ("Smith, John A.", Author("Smith", "John A.")),
        ("Smith JA", Author("Smith", "JA")),
        ("Adler D.G.", Author("Adler", "D.G.")),
        ("Li W.", Author("Li", "W.")),
        ("van der Maas M", Author("van der Maas", "M")),
        ("Smith J A", Author("Smith", "J A")),
        ("P. Kogge", Author("Kogge", "P.")),
        ("Ludwig van Beethoven", Author("van Beethoven", "Ludwig")),
        ("Prof. Dr. Janusz Kacprzyk", Author("Kacprzyk", "Janusz")),
        ("WHO Study Group", Author("WHO Study Group")),
        ("Plato", Author("Plato")),
    ],
)
def test_parse_name(raw: str, author: Author) -> None:
    assert parse_name(raw) == author


def test_author_lists() -> None:
    assert split_author_list("Phillips J.C., Braun R., Kalé L.") == [
        Author("Phillips", "J.C."),
        Author("Braun", "R."),
        Author("Kalé", "L."),
    ]
    assert split_author_list("Smith, Jane") == [Author("Smith", "Jane")]
    assert split_author_list("Smith, Jane, Doe, John") == [
        Author("Smith", "Jane"),
        Author("Doe", "John"),
    ]
    assert split_author_list("A. One|B. Two") == [Author("One", "A."), Author("Two", "B.")]
    # BibTeX-style lists in CSV exports (bib-dedupe's records_pre_merged.csv, CoLRev).
    assert split_author_list("Zuber, J and Le Quintrec, M and Sberro-Soussan, R") == [
        Author("Zuber", "J"),
        Author("Le Quintrec", "M"),
        Author("Sberro-Soussan", "R"),
    ]
    assert split_author_list("Smith JA and Jones K") == [
        Author("Smith", "JA"),
        Author("Jones", "K"),
    ]
    # Not a list of names: stays one name as before.
    assert split_author_list("Barnes and Noble") == [Author("Noble", "Barnes and")]


def test_missing_value_markers_are_empty_fields() -> None:
    # R-based tools (ASySD, revtools) write NA for a missing value.
    record = make_record(
        line=1,
        format="csv",
        raw={},
        title="NA",
        abstract="NA",
        journal="N/A",
        volume="NA",
        issue="NA",
        pages="NA",
        language="NA",
        url="NA",
        source_key="NA",
        keywords=["NA", "Na"],
        authors=[Author("NA"), Author("Na", "K.")],
    )
    assert (
        record.title,
        record.abstract,
        record.journal,
        record.volume,
        record.issue,
        record.pages,
        record.language,
        record.url,
        record.source_key,
    ) == ("",) * 9
    assert record.keywords == ["Na"] and record.authors == [Author("Na", "K.")]
    assert make_record(line=1, format="csv", raw={}, title="NAD+ and NA levels").title == (
        "NAD+ and NA levels"
    )


@pytest.mark.parametrize(
    ("escaped", "text"),
    [  # what `evidencekit records export --format bibtex` writes for special characters
        (r"a\textasciitilde{}b", "a~b"),
        (r"a\textbackslash{}b", "a\\b"),
        (r"\textbraceleft{}x\textbraceright{}", "{x}"),
        (r"x\textasciicircum{}2", "x^2"),
        (r"\$5 \& 50\% \#1 a\_b", "$5 & 50% #1 a_b"),
        ("a-{}-b", "a--b"),
        ("a--b", "a\u2013b"),
        ("a~b", "a\u00a0b"),
    ],
)
def test_latex_specials_are_read_literally(escaped: str, text: str) -> None:
    assert latex_to_text(escaped) == text


def test_identifiers() -> None:
    issn, isbn = split_identifiers(
        [
            "03064530 (ISSN)",
            "1939-1676 0891-6640",
            "978-3-030-92127-9",
            "1873-351x",
            "0893-8512\r0893-8512",
        ]
    )
    assert issn == ["0306-4530", "1939-1676", "0891-6640", "1873-351X", "0893-8512"]
    assert isbn == ["9783030921279"]


def test_text_cleaning() -> None:
    assert clean("  a\n b\t&amp; <i>c</i>\xa0d ") == "a b & c d"
    assert clean_block("First  line\n\n  second\tline ") == "First line\nsecond line"
    assert split_outside_parentheses("cyst (congenital, surgery), review") == [
        "cyst (congenital, surgery)",
        " review",
    ]


@pytest.mark.parametrize(
    ("latex", "text"),
    [
        (r"M{\"u}ller", "Müller"),
        (r"Jos{\'e} Garc{\'\i}a", "José García"),
        (r"\c{c}a \v{s}koda \aa{}se \ss{} \o", "ça škoda åse ß ø"),
        (r"{Cocker} {Spaniel}", "Cocker Spaniel"),
        (r"50\% \& \$5 \{x\}", "50% & $5 {x}"),
        (r"\textit{in vivo} -- $\alpha$ \textgreater{} 2", "in vivo \u2013 \u03b1 > 2"),
        ("plain text", "plain text"),
    ],
)
def test_latex_to_text(latex: str, text: str) -> None:
    assert latex_to_text(latex) == text


def test_bibtex_name_lists_respect_braces() -> None:
    assert split_names("{Barnes and Noble} and Smith, J.\n and Doe, A.") == [
        "{Barnes and Noble}",
        "Smith, J.",
        "Doe, A.",
    ]


@settings(deadline=None)
@given(st.text(max_size=80))
def test_normalisers_accept_any_text(text: str) -> None:
    normalise_doi(text)
    normalise_pages(text, text[::-1])
    parse_name(text)
    split_author_list(text)
    split_identifiers([text])
    assert isinstance(latex_to_text(text), str)
    year = parse_year(text)
    assert year is None or year >= 0
