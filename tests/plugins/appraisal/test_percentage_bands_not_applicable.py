"""percentage-bands: JBI-style "not applicable" answers leave the denominator.

JBI checklists answer each item Yes / No / Unclear / Not applicable, and the
usual score is the share of "yes" among the items that apply (Munn et al. 2020,
JBI Manual for Evidence Synthesis, ch. 3): 5 yes, 1 no and 2 "not applicable"
out of 8 items is 5/6 = 83.3 %, not 5/8.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evidencekit.core.errors import InstrumentError
from evidencekit.core.instruments import load_instrument
from evidencekit.plugins.appraisal.percentage_bands import PercentageBandsScorer

SCORER = PercentageBandsScorer()
BANDS = [
    {"grade": "high", "min_percent": 70},
    {"grade": "moderate", "min_percent": 50},
    {"grade": "low", "min_percent": 0},
]


def jbi_checklist(
    tmp_path: Path,
    n_items: int = 8,
    *,
    denominator: object = "scored-items",
    not_applicable: list[str] | None = None,
    points: dict | None = None,
):
    options = [{"code": c, "label": c} for c in ("yes", "unclear", "no", "not_applicable")]
    data = {
        "kind": "checklist",
        "id": "jbi-like",
        "version": "1",
        "title": "JBI-like",
        "source": {"citation": "test", "licence": "CC0"},
        "answer_sets": {"jbi": options},
        "items": [
            {"id": f"q{n}", "number": n, "text": f"Question {n}?", "answers": "jbi"}
            for n in range(1, n_items + 1)
        ],
        "scoring": {
            "method": "percentage-bands",
            "points": points or {"yes": 1, "no": 0, "unclear": 0},
            "not_applicable": ["not_applicable"] if not_applicable is None else not_applicable,
            "denominator": denominator,
            "bands": BANDS,
        },
    }
    path = tmp_path / "jbi-like.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return load_instrument(path)


def test_not_applicable_leaves_the_denominator(tmp_path):
    checklist = jbi_checklist(tmp_path)
    answers = {
        "q1": "yes",
        "q2": "yes",
        "q3": "yes",
        "q4": "yes",
        "q5": "yes",
        "q6": "no",
        "q7": "not_applicable",
        "q8": "not_applicable",
    }
    assert SCORER.check(checklist, answers, {}) == []
    result = SCORER.score(checklist, answers, {})
    assert Fraction(result["score"]) == 5 and result["out_of"] == 6
    assert result["score_percent"] == pytest.approx(500 / 6)
    assert result["grade"] == "high"
    assert result["not_applicable"] == ["q7", "q8"] and result["items_counted"] == 6
    assert result["levels"]["Q7"] == "not-applicable" and result["levels"]["Q6"] == "unfavourable"


def test_fixed_denominator_also_loses_the_not_applicable_items(tmp_path):
    checklist = jbi_checklist(tmp_path, denominator=8)
    answers = {f"q{n}": "yes" for n in range(1, 5)} | {
        "q5": "no",
        "q6": "unclear",
        "q7": "not_applicable",
        "q8": "no",
    }
    result = SCORER.score(checklist, answers, {})
    assert result["out_of"] == 7 and result["score_percent"] == pytest.approx(400 / 7)
    assert result["grade"] == "moderate"


def test_every_item_not_applicable_has_no_percentage(tmp_path):
    checklist = jbi_checklist(tmp_path, n_items=3)
    result = SCORER.score(checklist, {f"q{n}": "not_applicable" for n in (1, 2, 3)}, {})
    assert result["score_percent"] is None and result["grade"] is None


def test_without_the_declaration_not_applicable_needs_points(tmp_path):
    with pytest.raises(InstrumentError, match="no points for answer 'not_applicable'"):
        jbi_checklist(tmp_path, not_applicable=[])


def test_a_not_applicable_code_must_not_also_earn_points(tmp_path):
    with pytest.raises(InstrumentError, match="is a 'not applicable' code"):
        jbi_checklist(tmp_path, points={"yes": 1, "no": 0, "unclear": 0, "not_applicable": 0})


def test_the_review_can_declare_it_as_a_scorer_option(tmp_path):
    checklist = jbi_checklist(
        tmp_path, not_applicable=[], points={"yes": 1, "no": 0, "unclear": 0, "not_applicable": 0}
    )
    answers = {f"q{n}": "yes" for n in range(1, 7)} | {
        "q7": "not_applicable",
        "q8": "not_applicable",
    }
    counted = SCORER.score(checklist, answers, {})
    assert counted["score_percent"] == pytest.approx(75.0)  # 6 / 8: n/a scored as 0
    left_out = SCORER.score(checklist, answers, {"not_applicable": ["not_applicable"]})
    assert left_out["score_percent"] == pytest.approx(100.0)  # 6 / 6


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    codes=st.lists(
        st.sampled_from(["yes", "no", "unclear", "not_applicable"]), min_size=8, max_size=8
    )
)
def test_percentage_is_yes_among_the_items_that_apply(tmp_path, codes):
    checklist = jbi_checklist(tmp_path)
    result = SCORER.score(checklist, {f"q{n + 1}": c for n, c in enumerate(codes)}, {})
    applicable = [c for c in codes if c != "not_applicable"]
    if not applicable:
        assert result["score_percent"] is None
    else:
        expected = Fraction(applicable.count("yes"), len(applicable)) * 100
        assert Fraction(str(result["score_percent"])).limit_denominator(1000) == expected
