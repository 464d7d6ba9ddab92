"""Stopping rules: the hypergeometric test against its authors' implementation, the simple
rules by hand, and how rules combine."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from reference_libraries import optional

from evidencekit.core.prioritisation import (
    RuleSpec,
    ScreeningHistory,
    StopVerdict,
    combined,
    evaluate,
    parse_rule,
)
from evidencekit.core.registry import build_registry
from evidencekit.plugins.stopping_rules.hypergeometric import Hypergeometric, p_value
from evidencekit.plugins.stopping_rules.simple import ConsecutiveIrrelevant, FractionScreened

buscarpy = optional("buscarpy", reason="buscarpy (the reference) is a test extra")


@st.composite
def screenings(draw):
    n = draw(st.integers(1, 250))
    extra = draw(st.integers(0, 400))
    # Relevant records more likely early, as under a ranking.
    strength = draw(st.floats(0, 1))
    labels = [
        draw(st.booleans()) if draw(st.floats(0, 1)) < strength * (1 - i / n) else 0
        for i in range(n)
    ]
    return [int(v) for v in labels], n + extra, draw(st.sampled_from([0.8, 0.9, 0.95, 0.99]))


@settings(deadline=None)
@given(screenings())
def test_p_value_equals_buscarpy(case):
    labels, n_total, recall = case
    with np.errstate(all="ignore"):
        expected = buscarpy.calculate_h0(np.array(labels), n_total, recall_target=recall)
    if np.isnan(expected):  # buscarpy gives nan where the null is impossible; we give 0
        assert p_value(labels, n_total, recall) == 0.0
    else:
        assert p_value(labels, n_total, recall) == pytest.approx(expected, rel=1e-9, abs=1e-12)


def test_p_value_by_hand():
    # 100 records, 20 screened: 2 relevant then 18 irrelevant. Target recall 0.95.
    # Sample = last 18 (0 relevant), r_seen = 2, r_before = 2: K = floor(2/0.95 - 2) + 1 = 1.
    # Pool = 100 - 2 = 98, one relevant: P(0 in 18) = 80/98. Shorter samples give more.
    labels = [1, 1] + [0] * 18
    assert p_value(labels, 100, 0.95) == pytest.approx(80 / 98)


def test_priors_are_never_a_sample():
    # The prior relevant record counts as seen but is never inside a sample: the only
    # sample is the 30 ranked records (0 relevant), pool 998, K = floor(1/0.95 - 1) + 1 = 1.
    labels = [1, 0] + [0] * 30
    assert p_value(labels, 1000, 0.95, n_prior=2) == pytest.approx(968 / 998)
    assert p_value([1, 0], 1000, 0.95, n_prior=2) == 1.0


def test_hypergeometric_says_stop_only_with_enough_evidence():
    rule = Hypergeometric()
    few = ScreeningHistory([1, 1, 1] + [0] * 10, n_total=1000)
    # 20 relevant then 900 irrelevant of 1000: K = floor(20/0.95 - 20) + 1 = 2 in a pool
    # of 980, none in the 900 sampled: p = C(80, 2) / C(980, 2) = 0.0066 < 0.05.
    many = ScreeningHistory([1] * 20 + [0] * 900, n_total=1000)
    assert not rule.should_stop(few, {}).stop
    verdict = rule.should_stop(many, {"recall": 0.95, "confidence": 0.95})
    assert verdict.stop
    assert "95%" in verdict.reason and "confidence" in verdict.reason
    assert verdict.details["p"] == pytest.approx(80 * 79 / (980 * 979))


def test_consecutive_irrelevant_by_hand():
    rule = ConsecutiveIrrelevant()
    history = ScreeningHistory([0, 1, 0, 0, 0], n_total=50)
    assert not rule.should_stop(history, {"n": 4}).stop
    verdict = rule.should_stop(history, {"n": 3})
    assert verdict.stop and "last 3" in verdict.reason
    # Priors do not count towards the run.
    assert not rule.should_stop(ScreeningHistory([0, 0, 0], 50, n_prior=2), {"n": 2}).stop


def test_fraction_screened_by_hand():
    rule = FractionScreened()
    assert not rule.should_stop(ScreeningHistory([0] * 49, 100), {"fraction": 0.5}).stop
    verdict = rule.should_stop(ScreeningHistory([0] * 50, 100), {"fraction": 0.5})
    assert verdict.stop and "50 of 100" in verdict.reason


def test_rules_combine_any_and_all():
    registry = build_registry()
    history = ScreeningHistory([1] + [0] * 60, n_total=100)
    verdicts = evaluate(
        registry,
        [
            RuleSpec("consecutive-irrelevant", {"n": 50}),
            RuleSpec("fraction-screened", {"fraction": 0.9}),
        ],
        history,
    )
    assert [v.stop for _, v in verdicts] == [True, False]
    assert combined(verdicts, "any").stop
    all_verdict = combined(verdicts, "all")
    assert not all_verdict.stop and "fraction-screened" in all_verdict.reason
    assert not combined([], "any").stop


def test_rule_options_are_checked():
    registry = build_registry()
    from evidencekit.core.errors import RegistryError

    with pytest.raises(RegistryError, match="hypergeometric"):
        evaluate(registry, [RuleSpec("hypergeometric", {"recall": 2})], ScreeningHistory([1], 10))
    with pytest.raises(RegistryError, match="known: consecutive-irrelevant"):
        evaluate(registry, [RuleSpec("no-such-rule")], ScreeningHistory([1], 10))


def test_parse_rule():
    assert parse_rule("hypergeometric:recall=0.9,confidence=0.99") == RuleSpec(
        "hypergeometric", {"recall": 0.9, "confidence": 0.99}
    )
    assert parse_rule("fraction-screened") == RuleSpec("fraction-screened", {})
    from evidencekit.core.errors import EvidencekitError

    with pytest.raises(EvidencekitError, match="key=value"):
        parse_rule("hypergeometric:0.9")


def test_a_verdict_is_a_stop_verdict():
    assert isinstance(Hypergeometric().should_stop(ScreeningHistory([1], 10), {}), StopVerdict)


@settings(deadline=None, max_examples=60)
@given(screenings(), st.integers(0, 3), st.sampled_from([0.8, 0.95]))
def test_first_stop_is_the_first_length_a_scan_stops_at(case, n_prior, confidence):
    """first_stop skips lengths (the p-value never rises over irrelevant records); it must
    give the length that checking every length in turn gives."""
    labels, n_total, recall = case
    rule, options = Hypergeometric(), {"recall": recall, "confidence": confidence}
    n_prior = min(n_prior, len(labels))
    scan = next(
        (
            k
            for k in range(max(n_prior, 1), len(labels) + 1)
            if rule.should_stop(ScreeningHistory(labels[:k], n_total, n_prior), options).stop
        ),
        None,
    )
    assert rule.first_stop(labels, n_total, n_prior, options) == scan
