"""A supplement's page ("S363") and a printed page ("363") with the same number.

Found by ``benchmarks/dedupe_scale.py --sizes 1000000`` (5 false pairs): a conference
abstract in a supplement a year before the article, with the article's title, authors and
abstract, whose supplement page happened to carry the article's first page number. The
two paginations are not one first page, unless the volume or the last page agrees too
(then one export dropped the letter: "c37-c42" / "37-42" in one volume, haematology).
"""

from __future__ import annotations

from dedupe_helpers import fuzzy, pairs, rec

TITLE = "Informating the Clan: Controlling Physicians' Costs and Outcomes"
AU = "Kohli, R; Kettinger, W J"
ABSTRACT = (
    "We study how an information system that reports physicians' costs and outcomes to "
    "their peers changes their practice, in a hospital group over three years."
)


def article(rid: str = "article", year: int = 2004, **kw: str) -> object:
    fields = {"journal": "MIS Quarterly", "issue": "3", "pages": "363", "abstract": ABSTRACT}
    return rec(rid, TITLE, AU, year, **(fields | kw))


def abstract_in_supplement(rid: str = "abstract", **kw: str) -> object:
    fields = {
        "journal": "Computers and Education",
        "volume": "278",
        "issue": "Suppl 1",
        "pages": "S363",
        "abstract": ABSTRACT,
    }
    return rec(rid, TITLE, AU, 2003, **(fields | kw))


def test_supplement_page_and_printed_page_of_one_number_are_not_one_first_page() -> None:
    result = fuzzy([article(), abstract_in_supplement()])
    assert pairs(result.clusters) == set()
    # The same title, authors and abstract a year apart: a person decides, nothing is lost.
    assert [{u.a, u.b} for u in result.uncertain] == [{"abstract", "article"}]


def test_two_copies_of_the_supplement_abstract_still_link() -> None:
    result = fuzzy(
        [article(), abstract_in_supplement(), abstract_in_supplement("abstract2", pages="S363")]
    )
    assert pairs(result.clusters) == {("abstract", "abstract2")}


def test_a_dropped_letter_in_one_volume_is_one_first_page() -> None:
    # One export writes the journal's letter ("c37-c42"), the other drops it ("37-42").
    nephron = {"journal": "Nephron", "volume": "118", "issue": "1"}
    result = fuzzy(
        [
            rec(
                "a",
                "Haemolytic uraemic syndrome",
                "Kavanagh, D; Goodship, T",
                2011,
                **(nephron | {"pages": "c37-c42"}),
            ),
            rec(
                "b",
                "Haemolytic uraemic syndrome",
                "Kavanagh, D; Goodship, T",
                2010,
                **(nephron | {"journal": "Nephron - Clinical Practice", "pages": "37-42"}),
            ),
        ]
    )
    assert pairs(result.clusters) == {("a", "b")}


def test_a_dropped_letter_with_the_same_last_page_is_one_first_page() -> None:
    result = fuzzy(
        [
            article("a", pages="S363-S370", volume=""),
            article("b", 2005, pages="363-370", volume=""),
        ]
    )
    assert pairs(result.clusters) == {("a", "b")}
