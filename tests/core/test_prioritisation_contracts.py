"""A ranking screener's or a stopping rule's malformed answer is refused at the boundary,
naming the plugin (issue 8: every provider kind's result is checked)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from evidencekit.core.errors import RegistryError
from evidencekit.core.prioritisation import (
    Ranking,
    RankingContext,
    StopVerdict,
    check_verdict,
    rank,
)


class _Registry:
    """One screener called ``liar`` from ``a-plugin``."""

    def __init__(self, answer):
        provider = SimpleNamespace(screen=lambda records, options, context: answer)
        self._info = SimpleNamespace(provider=provider, origin="a-plugin")

    def info(self, kind, name):
        assert (kind, name) == ("screener", "liar")
        return self._info


@pytest.mark.parametrize(
    "answer, words",
    [
        ([2, 1, 0], "returned list, not a ranking"),
        (Ranking(order=[0, 0, 1]), "not a permutation of the unlabelled records"),
        (Ranking(order=[0, 1]), "not a permutation of the unlabelled records"),
    ],
)
def test_a_malformed_ranking_names_the_screener(answer, words):
    with pytest.raises(RegistryError, match=rf"screener 'liar' \(a-plugin\).*{words}"):
        rank(_Registry(answer), "liar", ["a", "b", "c"], {}, RankingContext(labels={}))


def test_a_ranking_of_the_unlabelled_records_is_accepted():
    answer = Ranking(order=[2, 0])
    assert (
        rank(_Registry(answer), "liar", ["a", "b", "c"], {}, RankingContext(labels={1: 1}))
        is answer
    )


@pytest.mark.parametrize("verdict", [True, "stop", (1, "reason"), (True,), None])
def test_a_malformed_verdict_names_the_rule(verdict):
    with pytest.raises(
        RegistryError,
        match=r"stopping rule 'n-irrelevant' \(a-plugin\) "
        r"returned .*expected a StopVerdict",
    ):
        check_verdict(verdict, "n-irrelevant", "a-plugin")


def test_a_verdict_or_a_pair_is_accepted():
    assert check_verdict(StopVerdict(True, "why"), "r", "o") == StopVerdict(True, "why")
    assert check_verdict((False, "not yet"), "r", "o") == StopVerdict(False, "not yet")
