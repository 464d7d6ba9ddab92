"""The percentage-bands scorer on hand-computed cases, band edges included."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from evidencekit.core.errors import InstrumentError
from evidencekit.core.instruments import build_catalog, load_instrument
from evidencekit.plugins.appraisal.percentage_bands import PercentageBandsScorer

SCORER = PercentageBandsScorer()
PAPER_BANDS = [
    {"grade": "good", "min_percent": 60},
    {"grade": "fair", "min_percent": 45},
    {"grade": "poor", "min_percent": 0},
]


def make_checklist(
    tmp_path: Path,
    n_items: int,
    *,
    text_items: tuple[int, ...] = (),
    points: dict | None = None,
    bands: list | None = None,
    denominator: object = "scored-items",
    unanswered: str = "zero",
    extra_codes: tuple[str, ...] = (),
):
    """A checklist of ``n_items`` questions; those in ``text_items`` are free text, unscored."""
    options = [
        {"code": "yes", "label": "Yes"},
        {"code": "cant_tell", "label": "Can't tell"},
        {"code": "no", "label": "No"},
    ]
    options += [{"code": c, "label": c} for c in extra_codes]
    items = []
    for number in range(1, n_items + 1):
        if number in text_items:
            items.append(
                {
                    "id": f"q{number}",
                    "number": number,
                    "text": f"Question {number}?",
                    "answer_type": "text",
                    "scored": False,
                }
            )
        else:
            items.append(
                {
                    "id": f"q{number}",
                    "number": number,
                    "text": f"Question {number}?",
                    "answers": "ycn",
                }
            )
    data = {
        "kind": "checklist",
        "id": f"test-{n_items}",
        "version": "1",
        "title": "Test",
        "source": {"citation": "test", "licence": "CC0"},
        "answer_sets": {"ycn": options},
        "items": items,
        "scoring": {
            "method": "percentage-bands",
            "points": points or {"yes": 1, "cant_tell": 0, "no": 0, **{c: 0 for c in extra_codes}},
            "denominator": denominator,
            "unanswered": unanswered,
            "bands": bands or PAPER_BANDS,
        },
    }
    path = tmp_path / f"test-{n_items}.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return load_instrument(path)


def answers_with(checklist, n_yes: int, rest: str = "no", extra: dict | None = None) -> dict:
    out = {}
    scored = [i.id for i in checklist.scored_items]
    for index, item_id in enumerate(scored):
        out[item_id] = "yes" if index < n_yes else rest
    for item in checklist.items:
        if not item.scored:
            out[item.id] = "free text"
    out.update(extra or {})
    return out


# ------------------------------------------------------------------ band edges


@pytest.mark.parametrize(
    "partial,expected_percent,grade",
    [
        (Fraction(49, 100), Fraction(449, 10), "poor"),  # 4.49 / 10 = 44.9 %
        (Fraction(1, 2), Fraction(45), "fair"),  # 4.5 / 10 = 45 %
    ],
)
def test_edge_at_45_percent_10_items(tmp_path, partial, expected_percent, grade):
    checklist = make_checklist(
        tmp_path,
        10,
        extra_codes=("partial",),
        points={"yes": 1, "cant_tell": 0, "no": 0, "partial": float(partial)},
    )
    result = SCORER.score(checklist, answers_with(checklist, 4, extra={"q5": "partial"}), {})
    assert Fraction(str(result["score_percent"])).limit_denominator(1000) == expected_percent
    assert result["grade"] == grade


@pytest.mark.parametrize(
    "partial,expected_percent,grade",
    [
        (Fraction(99, 100), Fraction(599, 10), "fair"),  # 5.99 / 10 = 59.9 %
        (Fraction(1), Fraction(60), "good"),  # 6 / 10 = 60 %
    ],
)
def test_edge_at_60_percent_10_items(tmp_path, partial, expected_percent, grade):
    checklist = make_checklist(
        tmp_path,
        10,
        extra_codes=("partial",),
        points={"yes": 1, "cant_tell": 0, "no": 0, "partial": float(partial)},
    )
    result = SCORER.score(checklist, answers_with(checklist, 5, extra={"q6": "partial"}), {})
    assert Fraction(str(result["score_percent"])).limit_denominator(1000) == expected_percent
    assert result["grade"] == grade


def test_exact_45_and_60_percent_are_not_lost_to_rounding(tmp_path):
    # 9/20 and 12/20 are 45 % and 60 % exactly; in binary floating point 0.45*100 is
    # 45.00000000000001 and 0.6*100 is 60.00000000000001, but 0.15*3*100 is 44.99999999999999.
    checklist = make_checklist(tmp_path, 20)
    assert SCORER.score(checklist, answers_with(checklist, 9), {})["grade"] == "fair"
    assert SCORER.score(checklist, answers_with(checklist, 12), {})["grade"] == "good"
    three = make_checklist(
        tmp_path, 20, extra_codes=("p15",), points={"yes": 1, "cant_tell": 0, "no": 0, "p15": 0.15}
    )
    # 8 yes + 6 × 0.15 = 8.9 → 44.5 %; 9 yes = 45 %
    assert (
        SCORER.score(
            three, answers_with(three, 8, extra={f"q{i}": "p15" for i in range(9, 15)}), {}
        )["grade"]
        == "poor"
    )


# ------------------------------------------------------------------ 10, 11, 12 items


@pytest.mark.parametrize(
    "n_items,text_items,n_yes,percent,grade",
    [
        # 10 questions, q10 free text → 9 scored
        (10, (10,), 4, 100 * 4 / 9, "poor"),  # 44.4 %
        (10, (10,), 5, 100 * 5 / 9, "fair"),  # 55.6 %
        (10, (10,), 6, 100 * 6 / 9, "good"),  # 66.7 %
        # 11 questions, q7 and q8 free text (CASP RCT / case-control) → 9 scored
        (11, (7, 8), 5, 100 * 5 / 9, "fair"),
        # 11 questions, all scored
        (11, (), 5, 100 * 5 / 11, "fair"),  # 45.45 %
        (11, (), 4, 100 * 4 / 11, "poor"),  # 36.4 %
        (11, (), 7, 100 * 7 / 11, "good"),  # 63.6 %
        (11, (), 6, 100 * 6 / 11, "fair"),  # 54.5 %
        # 12 questions (CASP cohort: q7, q8, q12 free text) → 9 scored
        (12, (7, 8, 12), 4, 100 * 4 / 9, "poor"),
        # 12 questions, all scored: 6/12 = 50 %, 8/12 = 66.7 %, 5/12 = 41.7 %
        (12, (), 6, 50.0, "fair"),
        (12, (), 8, 100 * 8 / 12, "good"),
        (12, (), 5, 100 * 5 / 12, "poor"),
        (10, (), 6, 60.0, "good"),  # exactly 60 % with 10 scored items
    ],
)
def test_hand_computed_percentages(tmp_path, n_items, text_items, n_yes, percent, grade):
    checklist = make_checklist(tmp_path, n_items, text_items=text_items)
    assert len(checklist.items) == n_items
    result = SCORER.score(checklist, answers_with(checklist, n_yes), {})
    assert result["score_percent"] == pytest.approx(percent, abs=1e-9)
    assert result["grade"] == grade
    assert result["out_of"] == n_items - len(text_items)


def test_shipped_casp_checklists_score_nine_items():
    catalog = build_catalog()
    for ref, free in [
        ("casp-qualitative", ["q10"]),
        ("casp-rct", ["q7", "q8"]),
        ("casp-cohort", ["q7", "q8", "q12"]),
        ("casp-case-control", ["q7", "q8"]),
    ]:
        checklist = catalog.get(ref)
        answers = answers_with(checklist, 5, rest="cant_tell")
        for item_id in free:
            assert answers[item_id] == "free text"
        result = SCORER.score(checklist, answers, {})
        assert result["score_percent"] == pytest.approx(500 / 9)
        assert result["grade"] == "fair"


# ------------------------------------------------------------------ declared rules


def test_cant_tell_points_are_declared_not_hard_coded(tmp_path):
    checklist = make_checklist(tmp_path, 10, points={"yes": 2, "cant_tell": 1, "no": 0})
    result = SCORER.score(checklist, answers_with(checklist, 5, rest="cant_tell"), {})
    assert result["score_percent"] == pytest.approx(100 * (5 * 2 + 5 * 1) / 20)
    assert result["grade"] == "good"  # 75 %
    assert result["levels"]["Q6"] == "unclear"


def test_unanswered_zero_versus_exclude(tmp_path):
    zero = make_checklist(tmp_path, 10, unanswered="zero")
    answers = answers_with(zero, 6, extra={"q9": "", "q10": ""})
    result = SCORER.score(zero, answers, {})
    assert result["score_percent"] == pytest.approx(60.0)
    assert result["unanswered"] == ["q9", "q10"]
    excluded = SCORER.score(zero, answers, {"unanswered": "exclude"})
    assert excluded["score_percent"] == pytest.approx(75.0)  # 6 / 8
    assert excluded["out_of"] == 8


def test_fixed_denominator(tmp_path):
    # the paper counts 10 RCT items where the 2018 form scores 9: a review may declare 10
    checklist = make_checklist(tmp_path, 11, text_items=(7, 8), denominator=10)
    result = SCORER.score(checklist, answers_with(checklist, 6), {})
    assert result["score_percent"] == pytest.approx(60.0)


def test_review_bands_override(tmp_path):
    checklist = make_checklist(tmp_path, 10)
    answers = answers_with(checklist, 7)
    assert SCORER.score(checklist, answers, {})["grade"] == "good"
    strict = [
        {"grade": "high", "min_percent": 80},
        {"grade": "moderate", "min_percent": 50},
        {"grade": "low", "min_percent": 0},
    ]
    result = SCORER.score(checklist, answers, {"bands": strict})
    assert result["grade"] == "moderate"
    assert result["grades"] == ["high", "moderate", "low"]


def test_missing_points_and_bad_bands_are_instrument_errors(tmp_path):
    checklist = make_checklist(tmp_path, 10)
    with pytest.raises(InstrumentError, match="no points"):
        SCORER.score(checklist, answers_with(checklist, 5, rest="maybe"), {})
    with pytest.raises(InstrumentError, match="starts at 10"):
        SCORER.score(
            checklist, answers_with(checklist, 5), {"bands": [{"grade": "ok", "min_percent": 10}]}
        )


def test_check_reports_missing_scored_items(tmp_path):
    checklist = make_checklist(tmp_path, 10, text_items=(10,))
    answers = answers_with(checklist, 5)
    del answers["q3"]
    del answers["q10"]  # free text: not required
    problems = SCORER.check(checklist, answers, {})
    assert [p.item for p in problems] == ["q3"]
    assert "no answer row" in problems[0].message
    assert problems[0].allowed == "yes, cant_tell, no"


def test_levels_tell_cant_tell_from_no(tmp_path):
    checklist = make_checklist(tmp_path, 10)
    answers = answers_with(checklist, 8, extra={"q9": "cant_tell", "q10": "no"})
    levels = SCORER.score(checklist, answers, {})["levels"]
    assert levels["Q1"] == "favourable"
    assert levels["Q9"] == "unclear"
    assert levels["Q10"] == "unfavourable"


@settings(deadline=None)
@given(st.lists(st.sampled_from(["yes", "no", "cant_tell", ""]), min_size=10, max_size=10))
def test_percentage_property(tmp_path_factory, answers):
    tmp = tmp_path_factory.mktemp("pb")
    checklist = make_checklist(tmp, 10, points={"yes": 2, "cant_tell": 1, "no": 0})
    given_answers = {f"q{i + 1}": a for i, a in enumerate(answers)}
    total = sum({"yes": 2, "cant_tell": 1, "no": 0, "": 0}[a] for a in answers)
    result = SCORER.score(checklist, given_answers, {})
    assert result["score_percent"] == pytest.approx(100 * total / 20)
    expected = "good" if total * 100 >= 60 * 20 else "fair" if total * 100 >= 45 * 20 else "poor"
    assert result["grade"] == expected
