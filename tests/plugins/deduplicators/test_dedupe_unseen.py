"""Issue 13: recurring titles never merged; the variant classes of unseen exports linked.

Every record here is constructed, shaped like the real exports the issue describes
(an information-systems search, Embase, Ovid, CoLRev CSVs). Recurring items must stay
apart (or go to the review list), never be linked; each variant class must be linked.
"""

from __future__ import annotations

import pytest
from dedupe_helpers import fuzzy, pairs, rec

TITLE = "Digital work and organizational design: a configurational perspective on platform labour"
AU = "Smith, Jane; Jones, Ann"


def together(records, options: dict | None = None) -> bool:
    return ("a", "b") in pairs(fuzzy(records, options).clusters)


def in_review(records, options: dict | None = None) -> bool:
    return any({u.a, u.b} == {"a", "b"} for u in fuzzy(records, options).uncertain)


# -- recurring titles: apart, or to review, never linked ------------------------------------


@pytest.mark.parametrize(
    "title",
    [
        "Editor's Comments",
        "Editorial Introduction",
        "Remarks from MIS Quarterly Editor",
        "Remarks from MIS Quarterly Editor - Editor's Comments",
        "Reply",
        "Response to the commentary by Brown",
        "Corrigendum",
        "Book review",
        "In this issue",
        "Front matter",
        "Issue Information",
        "Introduction to the special issue",
        "Preface",
    ],
)
def test_recurring_title_in_two_issues_is_not_linked(title: str) -> None:
    """The 55 false pairs of the issue: one editor, one volume, two issues, pages 3-8 / 3-4."""
    a = rec(
        "a",
        title,
        "Weber, Ron",
        2003,
        journal="MIS Quarterly",
        volume="27",
        issue="2",
        pages="3-8",
        doi="10.2307/30036530",
    )
    b = rec(
        "b",
        title,
        "Weber, Ron",
        2003,
        journal="MIS Quarterly",
        volume="27",
        issue="4",
        pages="3-4",
        doi="10.2307/30036531",
    )
    assert not together([a, b])
    assert not in_review([a, b])  # the issues tell them apart: nothing to decide


def test_recurring_title_without_dois_in_two_issues_is_not_linked() -> None:
    a = rec(
        "a",
        "Editor's Comments",
        "Weber, Ron",
        2002,
        journal="MIS Quarterly",
        volume="26",
        issue="1",
    )
    b = rec(
        "b",
        "Editor's Comments",
        "Weber, Ron",
        2002,
        journal="MIS Quarterly",
        volume="26",
        issue="4",
    )
    assert not together([a, b])


def test_same_recurring_title_same_first_page_other_doi_goes_to_review() -> None:
    """Genuinely ambiguous: nothing but the DOI tells them apart, so a person decides."""
    a = rec(
        "a",
        "Editorial",
        "Weber, Ron",
        2003,
        journal="MIS Quarterly",
        volume="27",
        pages="iii-v 3",
        doi="10.2307/1",
    )
    b = rec(
        "b",
        "Editorial",
        "Weber, Ron",
        2003,
        journal="MIS Quarterly",
        volume="27",
        pages="3",
        doi="10.2307/2",
    )
    assert not together([a, b])
    assert in_review([a, b])


def test_a_title_recurring_in_three_issues_is_treated_as_recurring() -> None:
    """No pattern names "Gateways to clinical trials": three issues carrying it do."""
    records = [
        rec(
            f"r{k}",
            "Gateways to clinical trials",
            "Bayes, M",
            2010,
            journal="Methods Find Exp",
            volume="32",
            issue=str(k),
        )
        for k in (1, 2, 3)
    ]
    records.append(
        rec(
            "r4",
            "Gateways to clinical trials",
            "Bayes, M",
            2010,
            journal="Methods Find Exp",
            volume="32",
            issue="2",
            doi="10.1/x",
        )
    )
    result = fuzzy(records)
    assert pairs(result.clusters) == {("r2", "r4")}  # the one copy: same volume and issue


def test_recurring_copies_of_one_item_are_still_linked() -> None:
    a = rec(
        "a",
        "Editor's Comments",
        "Weber, Ron",
        2003,
        journal="MIS Quarterly",
        volume="27",
        issue="2",
        pages="iii-vi",
        doi="10.2307/30036530",
    )
    b = rec(
        "b",
        "EDITOR'S COMMENTS",
        "Weber, Ron",
        2003,
        journal="MIS Q",
        volume="27",
        issue="2",
        doi="https://doi.org/10.2307/30036530",
    )
    assert together([a, b])


def test_conference_abstract_and_journal_article_with_one_title_are_kept_apart() -> None:
    abstract = rec(
        "a",
        TITLE,
        AU,
        2019,
        journal="Circulation. Conference: AHA Scientific Sessions 2019",
        volume="140",
        issue="Suppl 1",
        pages="A123",
    )
    article = rec(
        "b",
        TITLE,
        AU,
        2019,
        journal="Circulation",
        volume="141",
        issue="3",
        pages="200-210",
        doi="10.1161/circ.1",
    )
    assert not together([abstract, article])


def test_conference_paper_and_journal_version_with_one_title_are_kept_apart() -> None:
    paper = rec(
        "a",
        TITLE,
        AU,
        2019,
        journal="Proceedings of the International Conference on Information Systems",
        pages="1-14",
    )
    article = rec(
        "b",
        TITLE,
        AU,
        2019,
        journal="MIS Quarterly",
        volume="43",
        issue="4",
        pages="1001-1030",
        doi="10.25300/misq/2019/1",
    )
    assert not together([paper, article])


def test_authors_response_to_a_comment_is_not_linked_to_the_article() -> None:
    original = rec(
        "a", TITLE, AU, 2019, journal="MIS Quarterly", volume="43", issue="4", pages="1001-1030"
    )
    response = rec(
        "b",
        f"Author's response to: Comment on {TITLE}",
        AU,
        2019,
        journal="MIS Quarterly",
        volume="43",
        issue="4",
        pages="1031-1033",
    )
    assert not together([original, response])


# -- variant classes: linked -----------------------------------------------------------------

VARIANTS = {
    "no journal, volume or DOI; pages on one side only": (
        {"title": TITLE, "au": AU, "year": 2019, "pages": "1--14"},
        {"title": TITLE, "au": "Smith, J.; Jones, A.", "year": 2019},
    ),
    "title - subtitle vs title: subtitle": (
        {"title": "Peer support in mental health - a randomised controlled trial"},
        {"title": "Peer support in mental health: A randomised controlled trial"},
    ),
    "main title only vs title with subtitle": (
        {"title": "Peer support workers in mental health services", "pages": "4-9"},
        {
            "title": "Peer support workers in mental health services: a randomised controlled "
            "trial in three regions",
            "pages": "4-9",
        },
    ),
    "trailing [Review]": (
        {"title": "Peer support workers in mental health services: a review [Review]"},
        {"title": "Peer support workers in mental health services: a review"},
    ),
    "bracketed translation": (
        {
            "title": "Peer support workers in mental health services [Peer-Unterstützung in der "
            "psychiatrischen Versorgung]",
            "pages": "100-108",
        },
        {"title": "Peer support workers in mental health services", "pages": "100-8"},
    ),
    "Embase translated title with its language": (
        {
            "title": "Protective effects of sevoflurane pretreatment in rabbits. Chinese\n"
            "Yi Ke Da Xue Xue Bao"
        },
        {"title": "Protective effects of sevoflurane pretreatment in rabbits"},
    ),
    "case": ({"title": TITLE.upper()}, {"title": TITLE}),
    "PDF title with a footnote mark": (
        {"title": TITLE.upper() + " 1", "year": None},
        {"title": TITLE},
    ),
    "full given names vs initials": ({"au": "Liang, Chen; Wu, Ming"}, {"au": "Liang, C.; Wu, M."}),
    "family and given names swapped": (
        {"au": "Andrea, C.; Kunz, S."},
        {"au": "Carignani, Andrea; Kunz, Sebastian"},
    ),
    "East Asian name order": ({"au": "Wang Xiaoming; Li Hua"}, {"au": "Xiaoming, Wang; Hua, Li"}),
    "author list cut short": (
        {"au": "Smith, J; Jones, A; Brown, C; White, D; Green, E"},
        {"au": "Smith, J; Jones, A"},
    ),
    "glued author string": (
        {"au": "Kunz Sebastian N.Calkins Hugh"},
        {"au": "Kunz, Sebastian N.; Calkins, Hugh"},
    ),
    "first page lost (t-20)": ({"pages": "t-20"}, {"pages": "314-320"}),
    "first page lost (Suppl-11)": ({"pages": "Suppl-11"}, {"pages": "S7-S11"}),
    "one page vs a range": ({"pages": "488"}, {"pages": "487-488"}),
    "article number vs page": ({"pages": "c1804"}, {"pages": "1014"}),
    "Embase pages holding the year": ({"pages": "2019"}, {"pages": "55-60"}),
    "var.pagings": ({"pages": "var.pagings"}, {"pages": "55-60"}),
    "no pagination": ({"pages": "no pagination"}, {"pages": "55-60"}),
    "abbreviated page range crossing a hundred": ({"pages": "795-15"}, {"pages": "795-815"}),
    "citation packed in the journal field": (
        {
            "journal": "Heart. 4 (2) (pp 55-60), 2019. Date of Publication: 2019.",
            "volume": "",
            "issue": "",
            "pages": "",
        },
        {"journal": "Heart", "volume": "4", "issue": "2", "pages": "55-60"},
    ),
    "abbreviated journal": (
        {"journal": "Curr Opin Pulm Med"},
        {"journal": "Current Opinion in Pulmonary Medicine"},
    ),
    "run-together journal": (
        {"journal": "Jthoraccardiovascsurg"},
        {"journal": "J Thorac Cardiovasc Surg"},
    ),
    "journal edition in brackets": (
        {"journal": "BMJ (Clinical research ed.)"},
        {"journal": "BMJ (Online)"},
    ),
    "journal abbreviating the start of the other": (
        {"journal": "Pflugers Arch"},
        {"journal": "Pflugers Archiv European Journal of Physiology"},
    ),
    "hyphenated number vs glued number": (
        {"title": "TGF-beta-1 signalling in cardiac fibrosis after myocardial infarction"},
        {"title": "TGF-beta1 signalling in cardiac fibrosis after myocardial infarction"},
    ),
    "DOI with a trailing slash": (
        {"doi": "10.25300/MISQ/2020/14435/"},
        {"doi": "10.25300/MISQ/2020/14435"},
    ),
    "copy without a year (PDF metadata)": ({"year": None}, {}),
}


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_variant_class_is_linked(name: str) -> None:
    base = {
        "title": TITLE,
        "au": AU,
        "year": 2019,
        "journal": "Heart",
        "volume": "4",
        "issue": "2",
        "pages": "55-60",
    }
    left, right = VARIANTS[name]
    a, b = {**base, **left}, {**base, **right}
    if name.startswith("no journal"):
        a, b = left, right
    assert together([rec("a", **a), rec("b", **b)]), name


# -- Cochrane review versions: an option, reviewed by default ---------------------------------


def _cochrane_pair() -> list:
    title = "Peer support for people with severe mental illness"
    return [
        rec(
            "a",
            title,
            "Chien, WT; Clifton, AV",
            2013,
            journal="Cochrane Database Syst Rev",
            doi="10.1002/14651858.CD010880",
        ),
        rec(
            "b",
            title,
            "Chien, WT; Clifton, AV",
            2019,
            journal="Cochrane Database Syst Rev",
            doi="10.1002/14651858.CD010880.pub2",
        ),
    ]


def test_cochrane_review_versions_go_to_review_by_default() -> None:
    assert not together(_cochrane_pair())
    assert in_review(_cochrane_pair())


def test_cochrane_review_versions_can_be_linked_or_kept_apart() -> None:
    assert together(_cochrane_pair(), {"cochrane_versions": "link"})
    assert not together(_cochrane_pair(), {"cochrane_versions": "separate"})
    assert not in_review(_cochrane_pair(), {"cochrane_versions": "separate"})


def test_errata_and_co_publications_with_other_dois_are_kept_apart() -> None:
    """A decision, documented in docs/dedupe.md: an erratum or a co-publication in another
    journal is its own record in a review's flow diagram, whatever a benchmark says."""
    article = rec(
        "a",
        TITLE,
        AU,
        2019,
        journal="Heart",
        volume="4",
        issue="2",
        pages="55-60",
        doi="10.1/heart.1",
    )
    erratum = rec(
        "b",
        f"Erratum: {TITLE}",
        AU,
        2019,
        journal="Heart",
        volume="4",
        issue="5",
        pages="300",
        doi="10.1/heart.2",
    )
    copublished = rec(
        "b",
        TITLE,
        AU,
        2019,
        journal="Lancet",
        volume="390",
        issue="1",
        pages="10-15",
        doi="10.1/lancet.1",
    )
    assert not together([article, erratum])
    assert not together([article, copublished])


def test_part_one_with_its_own_doi_and_the_same_first_page_is_not_linked() -> None:
    """Found by the 100k scale benchmark: a one-page record of the article ("59") and
    "... Part I" (pp 59-68, its own DOI) in the same issue. The DOI-typo exception must
    not excuse two different DOIs when the titles' numbers differ."""
    title = "Assimilation of Enterprise Systems: The Effect of Institutional Pressures"
    au = "Liang; Saraf; Hu; Xue"
    a = rec(
        "a",
        title,
        au,
        2007,
        journal="MIS Quar",
        volume="31",
        issue="1",
        pages="59",
        doi="10.2307/25148781",
    )
    b = rec(
        "b",
        title + ". Part I",
        au,
        2007,
        journal="MIS Quarterly",
        volume="31",
        issue="1",
        pages="59-68",
        doi="10.3117/ek.96",
    )
    assert not together([a, b])
