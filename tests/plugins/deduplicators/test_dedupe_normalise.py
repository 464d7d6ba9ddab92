"""Field normalisation used by both deduplicators."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from evidencekit.core.model import Author
from evidencekit.plugins.deduplicators import _normalise as norm


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        ("Peer Support: A Review.", "peer support a review"),
        (
            "Effect of <i>Lactobacillus</i> in ApoE<sup>-/-</sup> mice",
            "effect of lactobacillus in apoe mice",
        ),
        ("Naïve café workers — a study", "naive cafe workers a study"),
        ("Role of α-synuclein & β-amyloid", "role of alpha synuclein and beta amyloid"),
        ("Protective effects of incretin. [Japanese]", "protective effects of incretin"),
        (
            "[Current aspects of the syndrome]. [Review] [16 refs] [Romanian]",
            "current aspects of the syndrome",
        ),
        (
            "Long-term effect of eculizumab.[Erratum appears in Am J Hematol. 2010;85(11):911]",
            "long term effect of eculizumab",
        ),
        ("Atypical HUS and streptococcus (multiple letters) [1]", "atypical hus and streptococcus"),
        ("Effect of [18F]FDG on uptake", "effect of 18f fdg on uptake"),
        ("[A review of peer support]", "a review of peer support"),
        ("", ""),
    ],
)
def test_title_words(raw: str, words: str) -> None:
    assert norm.title_words(raw) == words


@pytest.mark.parametrize(
    ("raw", "kind"),
    [
        ("Erratum: Gain-of-function mutations in factor B", "erratum"),
        ("Correction to: Peer support in practice", "erratum"),
        ("Retraction notice: Peer support in practice", "retraction"),
        ("Reply to Smith et al.", "reply"),
        ("Atypical HUS associated with streptococcus - Reply", "reply"),
        ("Comment on: peer support trial", "comment"),
        ("Re: The peer support trial", "comment"),
        ("Re-evaluation of peer support", ""),
        ("Eculizumab for atypical HUS (vol 360, pg 542, 2009)", "erratum"),
        (
            "Eculizumab for atypical HUS (New England Journal of Medicine (2009) 360 (542-544))",
            "erratum",
        ),
        ("Atypical HUS and streptococcus (multiple letters) [1]", "letters"),
        ("Peer support in practice", ""),
    ],
)
def test_title_kind(raw: str, kind: str) -> None:
    assert norm.title_kind(raw, norm.title_words(raw)) == kind


@pytest.mark.parametrize(
    ("raw", "numbers"),
    [
        ("Peer support. Part I", "1"),
        ("Peer support. Part II", "2"),
        ("A phase 3 trial in type II diabetes", "2 3"),
        ("Diet and type 2 diabetes", "2"),
        ("I think therefore I am", ""),  # "I" is a word, not a numeral
        ("Vitamin C and X-rays", ""),
    ],
)
def test_title_numbers(raw: str, numbers: str) -> None:
    assert norm.title_numbers(norm.title_words(raw)) == numbers


@pytest.mark.parametrize(
    ("raw", "start", "end", "prefixed"),
    [
        ("221-8", "221", "228", False),
        ("1223-1229", "1223", "1229", False),
        ("S354", "354", "", True),
        ("e0123456", "123456", "", True),
        ("01-Oct", "1", "10", False),  # a spreadsheet's "1-10"
        ("21-Aug", "21", "28", False),  # "21-8" -> 21-28
        ("494‐496", "494", "496", False),  # Unicode hyphen
        ("pp. 12--19", "12", "19", False),
        ("", "", "", False),
    ],
)
def test_pages(raw: str, start: str, end: str, prefixed: bool) -> None:
    assert norm.pages(raw) == norm.Pages(start, end, prefixed)


def test_pages_conflict() -> None:
    assert norm.pages_conflict(norm.pages("145-152"), norm.pages("146-152"))
    assert not norm.pages_conflict(norm.pages("145-152"), norm.pages("145"))
    assert not norm.pages_conflict(norm.pages(""), norm.pages("145"))
    # an article number in one export, its own pagination in the other
    assert not norm.pages_conflict(norm.pages("1-12"), norm.pages("e0123456"))


@pytest.mark.parametrize(
    ("short", "full", "agree"),
    [
        ("Am J Trop Med Hyg", "American Journal of Tropical Medicine and Hygiene", True),
        ("Nat Rev Nephrol", "Nature Reviews Nephrology", True),
        ("J Natl Cancer Inst", "Journal of the National Cancer Institute", True),
        ("PNAS", "Proceedings of the National Academy of Sciences", True),
        ("Circ Res", "Circulation", False),
        ("Circulation", "Circulation Research", False),
        ("Diabetologia", "Diabetes", False),
    ],
)
def test_journals_agree(short: str, full: str, agree: bool) -> None:
    a, b = norm.journal_words(short), norm.journal_words(full)
    assert norm.journals_agree(a, b) is agree
    assert norm.journals_agree(b, a) is agree


def test_journal_words_drop_conference_and_place() -> None:
    assert norm.journal_words("Circulation. Conference: Resuscitation Symposium") == "circulation"
    assert norm.journal_words("Ann Endocrinol (Paris)") == "ann endocrinol"
    assert norm.journal_words("The Lancet") == "lancet"


@pytest.mark.parametrize(
    ("raw", "doi"),
    [
        ("https://doi.org/10.1000/ABC.123", "10.1000/abc.123"),
        ("doi:10.1000/abc.", "10.1000/abc"),
        ("http://dx.doi.org/10.1016/S0025-7753%2817%2930624-3", "10.1016/s0025-7753(17)30624-3"),
        ("(10.1000/xyz)", "10.1000/xyz"),
        (
            "10.1002/(SICI)1097-0258(199808)17:15<1661::AID-SIM968>3.0.CO;2-2",
            "10.1002/(sici)1097-0258(199808)17:15<1661::aid-sim968>3.0.co;2-2",
        ),
        ("not a doi", ""),
    ],
)
def test_doi(raw: str, doi: str) -> None:
    assert norm.doi(raw) == doi


def test_family_names() -> None:
    assert norm.family_name("Le Quintrec", "M") == "quintrec"
    assert norm.family_name("de Jorge", "E G") == "jorge"
    assert norm.family_name("Zuber J.") == "zuber"
    assert norm.family_name("Nürnberger", "Jens") == "nurnberger"
    assert norm.author_families([Author("Smith", "J"), Author("et al")]) == ["smith"]
    # swapped family and given names still share their words
    assert set(norm.author_names([Author("Ching-yi", "Wu")]).split()) == {"ching", "yi", "wu"}


@given(st.text(max_size=200))
def test_normalisers_never_raise(text: str) -> None:
    words = norm.title_words(text)
    assert words == words.strip() and "  " not in words
    norm.title_kind(text, words)
    assert norm.footnote_numbers(text, norm.title_numbers(words)) is not None
    p = norm.pages(text)
    assert p.start == "" or p.start.isdigit()
    assert norm.doi(text) == "" or norm.doi(text).startswith("10.")
    norm.journal_words(text)
    norm.numbers(text)


@pytest.mark.parametrize(
    ("raw", "loose"),
    [
        ("Combining Methods in IS Research: A Case Study 1", ""),  # a footnote mark
        ("Decision Support Systems: An MIS Manager's Perspective*", ""),
        ("Evaluating IS Effectiveness - Part 2", "2"),  # the title's own number
        ("Phase 3 trial of drug X in 2019", "2019 3"),  # no trailing mark: as it is
        ("FIRM PROFITABILITY: MECHANISMS AND EVIDENCE 1 Sunil Mithas", ""),
        ("Firm profitability: mechanisms and evidence 1 Sunil Mithas", "1"),  # not capitals
    ],
)
def test_footnote_numbers(raw: str, loose: str) -> None:
    assert norm.footnote_numbers(raw, norm.title_numbers(norm.title_words(raw))) == loose


_WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=3, max_size=9)


@given(st.lists(_WORD, min_size=2, max_size=10), st.sampled_from(["1", "2", "*", "1, 2"]))
def test_a_trailing_mark_is_set_aside_unless_after_a_numbering_word(
    words: list[str], mark: str
) -> None:
    title = " ".join(words).title()
    loose = norm.footnote_numbers(f"{title} {mark}", norm.title_numbers(norm.title_words(title)))
    if words[-1] in {"part", "phase", "type", "stage", "trial", "class", "grade", "wave"}:
        return
    assert loose == norm.title_numbers(norm.title_words(title))
