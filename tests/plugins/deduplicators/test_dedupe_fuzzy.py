"""The ``fuzzy`` deduplicator on crafted pairs: what must link, what must not."""

from __future__ import annotations

import random

import pytest
from dedupe_helpers import article, fuzzy, pairs, rec

from evidencekit.core.errors import EvidencekitError, RegistryError
from evidencekit.core.plugin_manager import get_plugin_manager
from evidencekit.core.registry import Registry
from evidencekit.plugins.deduplicators import _rules


def linked(*records, **kw) -> bool:
    """Whether the first two records end up in one cluster."""
    result = fuzzy(list(records), **kw)
    return (records[0].record_id, records[1].record_id) in pairs(result.clusters)


# -- the same publication, exported differently: must link ------------------------------


def test_formatting_variants_link() -> None:
    a = rec("a", **article())
    b = rec(
        "b",
        "PEER SUPPORT WORKERS IN MENTAL HEALTH SERVICES - A RANDOMISED CONTROLLED TRIAL.",
        "Smith, J.; Jones, A. B.; Brown, C.",
        2019,
        journal="Br J Psychiatry",
        volume="214",
        issue="3",
        pages="145-52",
    )
    result = fuzzy([a, b])
    assert result.clusters == [["a", "b"]]
    assert result.links[0].reason.startswith("same-year")


def test_typo_and_missing_doi_link() -> None:
    a = rec("a", **article(), doi="10.1192/bjp.2019.1")
    fields = article() | {
        "title": "Peer suport workers in mental health services: a randomised controled trial"
    }
    assert linked(a, rec("b", **fields))


def test_epub_year_one_apart_links_with_volume_and_pages() -> None:
    assert linked(rec("a", **article()), rec("b", **(article() | {"year": 2018})))


def test_swapped_name_order_links() -> None:
    b = rec("b", **(article() | {"au": "Jane, Smith; Ann B, Jones; Carl, Brown"}))
    assert linked(rec("a", **article()), b)


def test_same_doi_overrides_a_wrong_volume_when_titles_are_the_same() -> None:
    a = rec("a", **article(), doi="10.1192/x")
    b = rec("b", **(article() | {"volume": "213"}), doi="https://doi.org/10.1192/X")
    assert linked(a, b)


def test_translated_title_with_same_reference_links() -> None:
    a = rec(
        "a",
        "Indications and contraindications for living kidney donations",
        "Andres, A",
        2010,
        journal="Nefrologia",
        volume="30",
        pages="30-38",
    )
    b = rec(
        "b",
        "[Indications and contraindications of living-donor kidney transplantation]",
        "Andres, A",
        2010,
        journal="Nefrologia",
        volume="30",
        issue="Suppl 2",
        pages="30-38",
    )
    assert linked(a, b)


def test_prefixed_title_links() -> None:
    a = rec(
        "a",
        "Short report: tafenoquine for the treatment of recurrent vivax malaria",
        "Kitchener, S; Nasveld, P",
        2007,
        journal="Am J Trop Med Hyg",
        volume="76",
        pages="494-496",
    )
    b = rec(
        "b",
        "Tafenoquine for the treatment of recurrent vivax malaria",
        "Kitchener, S; Nasveld, P",
        2007,
        journal="American Journal of Tropical Medicine and Hygiene",
        volume="76",
        pages="494-6",
    )
    assert linked(a, b)


# -- different publications: must not link ------------------------------------------------


def test_conference_abstract_and_full_paper_do_not_link() -> None:
    paper = rec("a", **article())
    abstract = rec(
        "b",
        **(
            article()
            | {
                "year": 2018,
                "journal": "European Psychiatry",
                "volume": "48",
                "issue": "Suppl 1",
                "pages": "S120",
            }
        ),
    )
    result = fuzzy([paper, abstract])
    assert result.clusters == []
    # ... and they are not worth a person's time either: another volume, pages, journal
    assert result.uncertain == []


def test_abstract_without_volume_in_another_journal_does_not_link() -> None:
    paper = rec("a", **article())
    abstract = rec(
        "b", article()["title"], article()["au"], 2019, journal="Psychiatric Services Conference"
    )
    result = fuzzy([paper, abstract])
    assert result.clusters == []
    # Two reports, and not sent for review either: on the shared labelled sets every
    # conference/journal pair with nothing but the title in common was labelled different
    # (8 of haematology's 18 review pairs, 2 of neuroimaging's, 2 of special_cases').
    assert result.uncertain == []


@pytest.mark.parametrize(
    "title",
    [
        "Erratum: Peer support workers in mental health services: a randomised controlled trial",
        "Peer support workers in mental health services: a randomised controlled trial "
        "(vol 214, pg 145, 2019)",
        "Reply to: Peer support workers in mental health services: a randomised controlled trial",
        "Peer support workers in mental health services: a randomised controlled trial - Reply",
        "Comment on: Peer support workers in mental health services: a randomised controlled trial",
    ],
)
def test_errata_replies_and_comments_do_not_link(title: str) -> None:
    other = rec("b", **(article() | {"title": title, "issue": "6", "pages": "400"}))
    assert not linked(rec("a", **article()), other)


def test_erratum_identical_to_its_own_copy_links() -> None:
    erratum = article() | {
        "title": "Erratum: " + article()["title"],
        "pages": "400-400",
        "issue": "6",
    }
    copy = erratum | {"title": article()["title"]}  # one database dropped the marker
    assert linked(rec("a", **erratum), rec("b", **copy))


def test_series_parts_do_not_link() -> None:
    one = article() | {"title": "Peer support in mental health services. Part I: design"}
    two = one | {
        "title": "Peer support in mental health services. Part II: design",
        "pages": "153-160",
    }
    assert not linked(rec("a", **one), rec("b", **two))
    same = one | {"title": "Peer support in mental health services. Part 1: design"}
    assert linked(rec("a", **one), rec("b", **same))


def test_same_title_other_authors_and_journal_do_not_link() -> None:
    a = rec(
        "a",
        "Peer support in mental health: a review",
        "Smith, J; Jones, A",
        2019,
        journal="Psychiatric Services",
        volume="70",
        pages="1-10",
    )
    b = rec(
        "b",
        "Peer support in mental health: a review",
        "Garcia, M; Chen, L",
        2019,
        journal="BMC Psychiatry",
        volume="19",
        pages="200",
    )
    assert not linked(a, b)


def test_different_dois_do_not_link() -> None:
    a = rec("a", **article(), doi="10.1000/one")
    b = rec("b", **(article() | {"year": 2020, "volume": "215", "pages": "1-8"}), doi="10.1000/two")
    assert not linked(a, b)


def test_short_generic_titles_need_the_whole_citation() -> None:
    a = rec("a", "Editorial", "", 2019, journal="Lancet", volume="393", issue="1", pages="1")
    b = rec("b", "Editorial", "", 2019, journal="Lancet", volume="393", issue="2", pages="101")
    assert not linked(a, b)
    c = rec("c", "Editorial", "", 2019, journal="Lancet", volume="393", issue="1", pages="1")
    assert linked(a, c)


def test_untitled_record_is_sent_for_review_not_linked() -> None:
    a = rec("a", **article())
    b = rec("b", **(article() | {"title": ""}))
    result = fuzzy([a, b])
    assert result.clusters == []
    assert [(u.a, u.b) for u in result.uncertain] == [("a", "b")]
    assert fuzzy([a, b], {"link_untitled": True}).clusters == [["a", "b"]]


def test_supplement_doi_alone_does_not_link_two_abstracts() -> None:
    # One supplement DOI on many abstracts; two of them by overlapping authors.
    common = {"year": 2014, "journal": "Diabetes Metab Res Rev", "volume": "30"}
    records = [
        rec(
            "a",
            "The effects of incretin on artery lesions in apolipoprotein E-deficient mice",
            "Chen, R; Wang, J; Yan, C; Wang, Y; Liang, L",
            pages="52",
            doi="10.1002/x",
            **common,
        ),
        rec(
            "b",
            "Effects of incretin on artery lesions in apolipoprotein E-deficient mice",
            "Chen, R; Wang, Y; Liang, L",
            pages="51",
            doi="10.1002/x",
            **common,
        ),
        rec(
            "c",
            "Liraglutide ameliorates palmitate-induced injury",
            "Li, Q",
            pages="60",
            doi="10.1002/x",
            **common,
        ),
    ]
    result = fuzzy(records)
    assert result.clusters == []
    assert result.stats["shared_identifiers_ignored"] == 1


def test_embase_multiple_letters_joins_letter_and_reply_but_they_never_link_alone() -> None:
    common = {"year": 2004, "journal": "Pediatric Nephrology", "volume": "19", "issue": "8"}
    title = "Atypical hemolytic uremic syndrome associated with group A streptococcus"
    letter = rec("l", title, "Yildiz, B; Kural, N; Yarar, C", pages="943-944", **common)
    reply = rec("r", title + " - Reply", "Shepherd, A B; Palmer, A L", pages="945", **common)
    bundle = rec(
        "m",
        title + " (multiple letters)",
        "Yildiz, B; Kural, N; Yarar, C; Shepherd, A B",
        pages="943-945",
        **common,
    )
    assert fuzzy([letter, reply]).clusters == []
    assert fuzzy([letter, reply, bundle]).clusters == [["l", "m", "r"]]


# -- decisions, coherence, determinism --------------------------------------------------------


def test_decision_different_is_never_overridden_even_transitively() -> None:
    a = rec("a", **article())
    b = rec("b", **(article() | {"journal": "Br J Psychiatry"}))
    c = rec("c", **(article() | {"pages": "145"}))
    assert fuzzy([a, b, c]).clusters == [["a", "b", "c"]]
    result = fuzzy([a, b, c], decisions={("a", "c"): "different", ("c", "a"): "different"})
    assert all(not {"a", "c"} <= set(cluster) for cluster in result.clusters)
    assert ("a", "c") not in {(u.a, u.b) for u in result.uncertain}
    assert fuzzy([a, b], decisions={("b", "a"): "different"}).clusters == []


def test_decision_same_links_what_the_rules_would_not() -> None:
    a = rec("a", **article())
    b = rec("b", "A completely different title", "Other, A", 2001)
    result = fuzzy([a, b], decisions={("a", "b"): "same"})
    assert result.clusters == [["a", "b"]]
    assert result.links[0].reason == "decision: same"


def test_incoherent_cluster_is_split_and_the_weaker_link_sent_for_review() -> None:
    # b (no volume, no DOI) looks like both a and c, but a and c differ in volume and DOI.
    a = rec("a", **article(), doi="10.1000/one")
    c = rec("c", **(article() | {"volume": "215"}), doi="10.1000/two")
    b = rec("b", **(article() | {"volume": ""}))
    result = fuzzy([a, b, c])
    assert not any({"a", "c"} <= set(cluster) for cluster in result.clusters)
    assert result.clusters == [["a", "b"]]  # equal scores: ties broken by record id
    assert result.stats["clusters_split"] == 1
    assert any((u.a, u.b) == ("b", "c") and u.reason.startswith("split") for u in result.uncertain)


def test_result_does_not_depend_on_input_order() -> None:
    records = [
        rec("a", **article(), doi="10.1000/one"),
        rec("c", **(article() | {"volume": "215"}), doi="10.1000/two"),
        rec("b", **(article() | {"volume": ""})),
        rec("d", **(article() | {"title": "Erratum: " + article()["title"], "pages": "400"})),
        rec("e", **(article() | {"year": 2018, "journal": "Br J Psychiatry"})),
        rec("f", "Something else", "Doe, J", 2001),
    ]
    first = fuzzy(records)
    for seed in range(5):
        shuffled = records[:]
        random.Random(seed).shuffle(shuffled)
        again = fuzzy(shuffled)
        assert again.clusters == first.clusters
        assert again.links == first.links
        assert again.uncertain == first.uncertain


# -- options and errors -------------------------------------------------------------------------


def test_options_schema_defaults_and_validation() -> None:
    registry = Registry(get_plugin_manager(autoload=False))
    assert registry.validate_options("deduplicator", "fuzzy", {"title_threshold": 0.9})
    with pytest.raises(RegistryError):
        registry.validate_options("deduplicator", "fuzzy", {"title_threshold": 2})
    with pytest.raises(RegistryError):
        registry.validate_options("deduplicator", "fuzzy", {"no_such_option": 1})
    assert _rules.defaults()["max_year_gap"] == 1


def test_thresholds_are_tunable() -> None:
    a = rec("a", **article())
    # two years apart, and no issue to fix the year (the citation would: see below)
    b = rec("b", **(article() | {"year": 2017, "issue": ""}))
    assert not linked(a, b)
    assert linked(a, b, options={"max_year_gap": 2})


def test_bad_input_is_a_clear_error() -> None:
    with pytest.raises(EvidencekitError, match="occurs twice"):
        fuzzy([rec("a", "x"), rec("a", "y")])
    with pytest.raises(EvidencekitError, match="no record_id"):
        fuzzy([rec("", "x")])
    with pytest.raises(EvidencekitError, match="expected 'same' or 'different'"):
        fuzzy([rec("a", "x"), rec("b", "y")], decisions={("a", "b"): "maybe"})


def test_empty_and_single_inputs() -> None:
    assert fuzzy([]).clusters == []
    assert fuzzy([rec("a", "x")]).clusters == []


def test_large_blocks_are_compared_by_window_not_all_pairs() -> None:
    records = [
        rec(f"r{k:03d}", f"Reply to the editor {k}", "", 2019, journal=f"J{k}") for k in range(60)
    ]
    result = fuzzy(records, {"full_block": 10, "window": 3})
    assert result.stats["blocks_windowed"] >= 1
    # every record shares its title start with 59 others: all pairs would be 1,770
    assert result.stats["candidate_pairs"] <= 60 * 3 * 3
    assert result.clusters == []


def test_windowed_block_still_finds_neighbouring_duplicates() -> None:
    # 40 different trials whose titles start alike, one of them exported twice.
    base = "A randomised controlled trial of peer support for {}"
    topics = [f"condition number {k} in adults" for k in range(40)]
    records = [
        rec(
            f"t{k:02d}",
            base.format(t),
            f"Author{k}, A",
            2019,
            journal="Trials",
            volume="20",
            pages=f"{k * 10 + 1}-{k * 10 + 9}",
        )
        for k, t in enumerate(topics)
    ]
    copy = rec(
        "copy",
        base.format(topics[17]).upper(),
        "Author17, A.",
        2019,
        journal="Trials",
        volume="20",
        pages="171-9",
    )
    result = fuzzy(records + [copy], {"full_block": 10, "window": 3})
    assert result.clusters == [["copy", "t17"]]
