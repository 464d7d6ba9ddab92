"""The ``exact`` deduplicator: DOI, PMID, normalised title + year."""

from __future__ import annotations

from dedupe_helpers import exact, rec

from evidencekit.core.plugin_manager import get_plugin_manager
from evidencekit.core.registry import Registry

TITLE = "Peer support workers in mental health services: a randomised controlled trial"


def test_registered_with_valid_default_options() -> None:
    registry = Registry(get_plugin_manager(autoload=False))
    assert {"exact", "fuzzy"} <= set(registry.names("deduplicator"))
    options = registry.validate_options("deduplicator", "exact", {})
    assert isinstance(options, dict)


def test_same_doi_links_despite_resolver_prefix_and_case() -> None:
    result = exact(
        [
            rec("a", TITLE, "Smith, J", 2019, doi="10.1000/ABC"),
            rec("b", TITLE.upper(), "Smith, J", 2020, doi="https://doi.org/10.1000/abc"),
        ]
    )
    assert result.clusters == [["a", "b"]]
    assert result.links[0].reason.startswith("doi")


def test_same_pmid_links() -> None:
    result = exact(
        [
            rec("a", TITLE, year=2019, pmid="31234567"),
            rec("b", TITLE + ".", year=2019, pmid="31234567"),
        ]
    )
    assert result.clusters == [["a", "b"]]


def test_title_and_year_link_after_normalisation() -> None:
    result = exact(
        [
            rec("a", "Peer support: a review", year=2019),
            rec("b", "PEER SUPPORT - A REVIEW.", year=2019),
            rec("c", "Peer support: a review", year=2020),  # another year: not exact
        ]
    )
    assert result.clusters == [["a", "b"]]
    assert result.links[0].reason.startswith("title+year")


def test_different_dois_never_link_on_title() -> None:
    result = exact(
        [
            rec("a", TITLE, year=2019, doi="10.1000/one"),
            rec("b", TITLE, year=2019, doi="10.1000/two"),
        ]
    )
    assert result.clusters == []


def test_same_doi_with_unrelated_titles_goes_to_review() -> None:
    result = exact(
        [
            rec("a", TITLE, year=2019, doi="10.1000/one"),
            rec("b", "Nutrition in early childhood", year=2019, doi="10.1000/one"),
        ]
    )
    assert result.clusters == []
    assert [(u.a, u.b) for u in result.uncertain] == [("a", "b")]


def test_supplement_doi_shared_by_different_abstracts_is_ignored() -> None:
    # A supplement DOI carried by three different abstracts identifies none of them.
    result = exact(
        [
            rec("a", "Liraglutide reduces plaque", year=2012, doi="10.1007/supp"),
            rec("b", "Exenatide and vascular ageing", year=2012, doi="10.1007/supp"),
            rec("c", "Liraglutide reduces plaque.", year=2012, doi="10.1007/supp"),
        ]
    )
    assert result.clusters == [["a", "c"]]  # by title and year, not by the DOI
    assert result.stats["shared_identifiers_ignored"] == 1


def test_decisions_are_respected() -> None:
    records = [rec("a", TITLE, year=2019), rec("b", TITLE, year=2019), rec("c", "Other", year=1)]
    assert exact(records, decisions={("b", "a"): "different"}).clusters == []
    # "same" always joins; b is then left out, its title being unlike c's, and its
    # link goes to review.
    result = exact(records, decisions={("a", "c"): "same"})
    assert result.clusters == [["a", "c"]]
    assert ("a", "b") in {(u.a, u.b) for u in result.uncertain}
    assert any(link.reason == "decision: same" for link in result.links)


def test_title_year_link_can_be_turned_off() -> None:
    records = [rec("a", TITLE, year=2019), rec("b", TITLE, year=2019)]
    assert exact(records, {"title_year": False}).clusters == []
