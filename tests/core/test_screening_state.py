"""The final decision on a record from its reviewers' decisions, after each stage's rules
(core/screening/state.py combine), and the review.yaml screening section."""

from __future__ import annotations

import pytest

from evidencekit.core.errors import ScreeningError
from evidencekit.core.screening import (
    AUTOMATION_REASON,
    AutomatedExclusion,
    ScreeningDecision,
    Stage,
    screening_config,
)
from evidencekit.core.screening.state import combine


def d(reviewer: str, decision: str, reason: str = "", study: str = "") -> ScreeningDecision:
    return ScreeningDecision("r1", "s", reviewer, decision, reason, "", "t", study)


def outcome(stage: Stage, *decisions: ScreeningDecision) -> str:
    return combine(stage, "r1", list(decisions)).outcome


SINGLE = Stage("s", 1)
SINGLE_NAMED = Stage("s", 1, reviewer="ann")
CONSENSUS = Stage("s", 1, decision_rule="consensus", reviewer="chair")
BOTH = Stage("s", 1, decision_rule="all-include")
FULL = Stage("s", 2, maybe="undecided", reason_required=True, full_text=True)


def test_no_decision_is_pending_and_automation_excludes() -> None:
    assert outcome(SINGLE) == "pending"
    auto = [AutomatedExclusion("r1", "s", "rules", "language", "fre", "t")]
    final = combine(SINGLE, "r1", [], auto)
    assert (final.outcome, final.automated, final.reason, final.rule) == (
        "exclude",
        True,
        AUTOMATION_REASON,
        "language",
    )
    # A person's decision overrides the tool.
    final = combine(SINGLE, "r1", [d("ann", "include")], auto)
    assert (final.outcome, final.automated) == ("include", False)


def test_maybe_counts_as_the_stage_says() -> None:
    assert outcome(SINGLE, d("ann", "maybe")) == "include"
    assert outcome(Stage("s", 1, maybe="exclude"), d("ann", "maybe")) == "exclude"
    assert outcome(FULL, d("ann", "maybe")) == "pending"


def test_single_reviewer_stands_and_disagreement() -> None:
    final = combine(SINGLE, "r1", [d("ann", "exclude", "wrong population")])
    assert (final.outcome, final.reason, final.reviewers) == (
        "exclude",
        "wrong population",
        ("ann",),
    )
    assert outcome(SINGLE, d("ann", "include"), d("bob", "include")) == "include"
    assert outcome(SINGLE, d("ann", "include"), d("bob", "exclude")) == "conflict"
    # The named screener's decision stands where the second reviewer differs.
    assert outcome(SINGLE_NAMED, d("ann", "include"), d("bob", "exclude")) == "include"
    assert outcome(SINGLE_NAMED, d("ann", "exclude", "x"), d("bob", "include")) == "exclude"
    # A maybe counted as include agrees with an include.
    assert outcome(SINGLE, d("ann", "maybe"), d("bob", "include")) == "include"


def test_consensus_needs_two_agreeing_or_the_named_reviewer() -> None:
    assert outcome(CONSENSUS, d("ann", "include")) == "pending"
    assert outcome(CONSENSUS, d("ann", "include"), d("bob", "include")) == "include"
    assert outcome(CONSENSUS, d("ann", "include"), d("bob", "exclude")) == "conflict"
    assert (
        outcome(CONSENSUS, d("ann", "include"), d("bob", "exclude"), d("chair", "exclude", "r"))
        == "exclude"
    )
    assert outcome(CONSENSUS, d("chair", "include")) == "include"


def test_all_include_needs_two_includes_and_one_exclusion_excludes() -> None:
    assert outcome(BOTH, d("ann", "include")) == "pending"
    assert outcome(BOTH, d("ann", "include"), d("bob", "include")) == "include"
    final = combine(BOTH, "r1", [d("ann", "include"), d("bob", "exclude", "design")])
    assert (final.outcome, final.reason) == ("exclude", "design")
    assert outcome(BOTH, d("ann", "exclude")) == "exclude"


def test_not_retrieved_and_study_id() -> None:
    assert outcome(FULL, d("ann", "not-retrieved")) == "not-retrieved"
    final = combine(FULL, "r1", [d("ann", "include", study="S1")])
    assert (final.outcome, final.study_id) == ("include", "S1")


def test_config_defaults_and_declared_section() -> None:
    config = screening_config({})
    assert [s.name for s in config.stages] == ["title-abstract", "full-text"]
    assert config.stages[0].maybe == "include" and not config.stages[0].reason_required
    assert config.stages[1].full_text and config.stages[1].reason_required
    config = screening_config(
        {
            "stages": [
                {"id": "ta", "decision_rule": "consensus", "reviewer": "chair"},
                {"id": "ft", "full_text": True},
            ],
            "reasons": ["Wrong population", "Wrong design"],
        }
    )
    assert config.stage("ft").maybe == "undecided"
    assert config.reason("  wrong   POPULATION ") == "Wrong population"
    assert config.reason("other") is None
    with pytest.raises(ScreeningError, match="unknown screening stage 'x'.*ta, ft"):
        config.stage("x")
