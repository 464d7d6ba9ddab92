"""vote-count on hand-computed data: counts, shares, factors, ties, duplicates, conflicts."""

from __future__ import annotations

import pytest
from synthesis_helpers import make_data

from evidencekit.core.errors import EvidencekitError
from evidencekit.core.synthesis import run_method
from evidencekit.plugins.synthesis._counting import percent, reaches, vote_count

STUDIES = {f"s{i}": {"modality": "individual" if i <= 3 else "group"} for i in range(1, 6)}
ROWS = [
    ("s1", "a", "facilitator", "good leaders"),
    ("s1", "a", "facilitator", "Good  leaders."),  # the same factor again: s1 counts once
    ("s2", "a", "barrier", "stigma"),
    ("s3", "a", "facilitator", "good leaders"),
    ("s3", "a", "barrier", "stigma"),  # both directions: counted under both
    ("s1", "b", "barrier", "no money"),
    ("s4", "b", "facilitator", "funding"),
    ("s5", "c", "facilitator", "x"),
    ("s2", "u", "unclear", "matching"),
]


def by_id(result):
    return {e["id"]: e for e in (*result["influences"], *result["unclear_direction"])}


def test_hand_computed_counts(framework):
    result = vote_count(make_data(STUDIES, ROWS), framework, threshold=0.3)
    assert result["n_studies"] == 5
    entries = by_id(result)
    assert [e["id"] for e in result["influences"]] == ["a", "b", "c"]
    assert [e["id"] for e in result["unclear_direction"]] == ["u"]
    assert (
        entries["a"]["n_studies"],
        entries["b"]["n_studies"],
        entries["c"]["n_studies"],
        entries["u"]["n_studies"],
    ) == (3, 2, 1, 1)
    assert entries["a"]["share"] == pytest.approx(3 / 5)
    assert entries["c"]["share"] == pytest.approx(1 / 5)
    # factors grouped ignoring case, spacing and a final full stop, with study counts
    assert entries["a"]["facilitators"] == [{"factor": "good leaders", "n_studies": 2}]
    assert entries["a"]["barriers"] == [{"factor": "stigma", "n_studies": 2}]
    assert entries["u"]["unclear"] == [{"factor": "matching", "n_studies": 1}]
    assert entries["a"]["studies_by_direction"] == {
        "facilitator": 1,
        "barrier": 1,
        "both": 1,
        "unclear": 0,
    }
    # retention at 30 %: 3/5 and 2/5 reach it, 1/5 does not
    assert result["retained"] == ["a", "b"]
    assert entries["c"]["retained"] is False


def test_a_study_coding_an_influence_twice_counts_once(framework):
    rows = [
        ("s1", "a", "facilitator", "x"),
        ("s1", "a", "facilitator", "y"),
        ("s1", "a", "facilitator", "x"),
    ]
    result = vote_count(make_data({"s1": {}, "s2": {}}, rows), framework)
    assert by_id(result)["a"]["n_studies"] == 1
    assert by_id(result)["a"]["share"] == 0.5


def test_conflicting_directions_counted_under_both_and_flagged(framework):
    result = vote_count(make_data(STUDIES, ROWS), framework)
    assert result["conflicts"] == [{"study_id": "s3", "influence": "a", "lines": [5, 6]}]
    a = by_id(result)["a"]
    # s3 is among the studies of the facilitator and of the barrier
    assert {f["factor"]: f["n_studies"] for f in a["facilitators"]}["good leaders"] == 2
    assert {f["factor"]: f["n_studies"] for f in a["barriers"]}["stigma"] == 2


@pytest.mark.parametrize(
    "rule,order",
    [("framework-order", ["c", "b", "a"]), ("name", ["a", "b", "c"]), ("id", ["a", "b", "c"])],
)
def test_ties_follow_the_declared_rule_and_say_so(framework, rule, order):
    # every influence coded by one study, but listed so that framework order differs from
    # name order: build a framework whose entries are c, b, a
    from evidencekit.core.instruments.models import Framework

    reversed_framework = Framework.from_dict(
        {**framework.to_dict(), "entries": list(reversed(framework.to_dict()["entries"][:3]))}
    )
    rows = [("s1", "a", "facilitator"), ("s2", "b", "barrier"), ("s3", "c", "facilitator")]
    result = vote_count(make_data(STUDIES, rows), reversed_framework, tie_rule=rule)
    assert [e["id"] for e in result["influences"]] == order
    assert [e["rank"] for e in result["influences"]] == [1, 2, 3]
    assert sorted(result["influences"][0]["tied_with"]) == sorted(order[1:])
    words = {
        "framework-order": "order in which framework mini@1",
        "name": "by name",
        "id": "by id",
    }[rule]
    assert words in result["tie_rule"]


def test_denominator_coded_counts_only_studies_with_codings(framework):
    rows = [("s1", "a", "facilitator"), ("s2", "a", "barrier")]
    result = vote_count(make_data(STUDIES, rows), framework, denominator="coded")
    assert result["n_studies"] == 2
    assert by_id(result)["a"]["share"] == 1.0
    assert "2 studies that coded" in result["denominator"]


def test_an_empty_set_of_studies_gives_no_shares(framework):
    result = vote_count(make_data(STUDIES, ROWS), framework, [], threshold=0.1)
    assert result["n_studies"] == 0
    assert all(e["share"] is None for e in result["influences"])
    assert result["retained"] == []


def test_threshold_comparison_is_exact():
    assert reaches(7, 70, 0.10)  # 7/70 is 0.1 exactly; 7/70 >= 0.1 in floats is False
    assert not reaches(6, 70, 0.10)
    assert reaches(1, 1, 1.0)
    assert percent(22 / 53) == "42 %" and percent(0.125) == "13 %" and percent(None) == "n/a"


def test_through_the_registry_with_bad_options(framework, registry):
    data = make_data(STUDIES, ROWS)
    result = run_method(registry, "vote-count", data, framework, {})
    assert result["method"] == "vote-count" and result["n_studies"] == 5
    with pytest.raises(EvidencekitError, match="invalid options"):
        run_method(registry, "vote-count", data, framework, {"threshold": 1.5})
    with pytest.raises(EvidencekitError, match="invalid options"):
        run_method(registry, "vote-count", data, framework, {"tie_rule": "random"})
    with pytest.raises(EvidencekitError, match="unknown synthesis-method 'vote-counting'"):
        run_method(registry, "vote-counting", data, framework, {})


def test_a_malformed_result_names_the_plugin(framework):
    """run_method checks what a third-party method returns, at the boundary."""
    from types import SimpleNamespace

    from evidencekit.core.results import ProviderResultError

    class Registry:
        def __init__(self, result):
            self.result = result

        def info(self, kind, name):
            provider = SimpleNamespace(run=lambda *a: self.result)
            return SimpleNamespace(provider=provider, origin="mypkg 1.0 (mine)")

        def validate_options(self, kind, name, options):
            return dict(options)

    data = make_data(STUDIES, ROWS)
    with pytest.raises(
        ProviderResultError,
        match=r"'vote-count' \(mypkg 1.0 \(mine\)\) "
        r"returned list, not a mapping",
    ):
        run_method(Registry([1, 2]), "vote-count", data, framework)
    with pytest.raises(ProviderResultError, match="returned no influences"):
        run_method(Registry({"n_studies": 3}), "vote-count", data, framework)
    assert run_method(Registry({"anything": 1}), "my-method", data, framework) == {"anything": 1}
