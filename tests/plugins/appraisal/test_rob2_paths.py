"""RoB 2 (individually randomised, parallel-group; effect of assignment) on its published
algorithm: every path of every domain's flow chart, and the overall judgement.

The reference below is written independently of the YAML, straight from the RoB 2
guidance flow charts (Higgins et al., RoB 2 guidance of 22 August 2019; Sterne et al.
BMJ 2019;366:l4898): nested questions, each branch ending in a judgement. The test
walks every branch (every combination of answers a reviewer can give, with questions
not asked answered 'na') and checks that the declared rules give the same judgement.
"""

from __future__ import annotations

import itertools

import pytest

from evidencekit.core.instruments import build_catalog
from evidencekit.plugins.appraisal.domain_judgement import DomainJudgementScorer

SCORER = DomainJudgementScorer()
Y, N, NI = ("y", "py"), ("n", "pn"), ("ni",)
YES_NO_NI = ("y", "py", "pn", "n", "ni")


@pytest.fixture(scope="module")
def rob2():
    return build_catalog().get("rob2-parallel", kind="checklist")


# ----------------------------------------------------------------- the published flow charts


def ref_d1(a):
    q2 = a["1.2"]
    if q2 in N:
        return "high"
    if q2 in NI:
        return "high" if a["1.3"] in Y else "some-concerns"
    # 1.2 Y/PY
    if a["1.1"] in N:
        return "some-concerns"
    return "some-concerns" if a["1.3"] in Y else "low"


def ref_d2(a):
    # part 1: 2.1-2.5
    if a["2.1"] in N and a["2.2"] in N or a["2.3"] in N:
        part1 = "low"
    elif a["2.3"] in NI or a["2.4"] in N or a["2.5"] in Y:
        part1 = "some-concerns"
    else:
        part1 = "high"
    # part 2: 2.6-2.7
    if a["2.6"] in Y:
        part2 = "low"
    elif a["2.7"] in N:
        part2 = "some-concerns"
    else:
        part2 = "high"
    if "high" in (part1, part2):
        return "high"
    return "low" if part1 == part2 == "low" else "some-concerns"


def ref_d3(a):
    if a["3.1"] in Y:
        return "low"
    if a["3.2"] in Y:
        return "low"
    if a["3.3"] in N:
        return "low"
    return "some-concerns" if a["3.4"] in N else "high"


def ref_d4(a):
    if a["4.1"] in Y or a["4.2"] in Y:
        return "high"
    known_same = a["4.2"] in N  # 4.2 N/PN, else NI
    if a["4.3"] in N:
        return "low" if known_same else "some-concerns"
    if a["4.4"] in N:
        return "low" if known_same else "some-concerns"
    return "some-concerns" if a["4.5"] in N else "high"


def ref_d5(a):
    if a["5.2"] in Y or a["5.3"] in Y:
        return "high"
    if a["5.2"] in N and a["5.3"] in N:
        return "low" if a["5.1"] in Y else "some-concerns"
    return "some-concerns"


# ----------------------------------------------------------------- every answer path


def paths_d1():
    for q1, q2, q3 in itertools.product(YES_NO_NI, repeat=3):
        yield {"1.1": q1, "1.2": q2, "1.3": q3}


def paths_d2():
    for q1, q2, q6 in itertools.product(YES_NO_NI, repeat=3):
        aware = q1 in Y + NI or q2 in Y + NI
        for q3 in YES_NO_NI if aware else ("na",):
            for q4 in YES_NO_NI if q3 in Y else ("na",):
                for q5 in YES_NO_NI if q4 in Y + NI else ("na",):
                    for q7 in YES_NO_NI if q6 in N + NI else ("na",):
                        yield {
                            "2.1": q1,
                            "2.2": q2,
                            "2.3": q3,
                            "2.4": q4,
                            "2.5": q5,
                            "2.6": q6,
                            "2.7": q7,
                        }


def paths_d3():
    for q1 in YES_NO_NI:
        for q2 in ("y", "py", "pn", "n") if q1 in N + NI else ("na",):
            for q3 in YES_NO_NI if q2 in N else ("na",):
                for q4 in YES_NO_NI if q3 in Y + NI else ("na",):
                    yield {"3.1": q1, "3.2": q2, "3.3": q3, "3.4": q4}


def paths_d4():
    for q1, q2 in itertools.product(YES_NO_NI, repeat=2):
        for q3 in YES_NO_NI if q1 in N + NI and q2 in N + NI else ("na",):
            for q4 in YES_NO_NI if q3 in Y + NI else ("na",):
                for q5 in YES_NO_NI if q4 in Y + NI else ("na",):
                    yield {"4.1": q1, "4.2": q2, "4.3": q3, "4.4": q4, "4.5": q5}


def paths_d5():
    for q1, q2, q3 in itertools.product(YES_NO_NI, repeat=3):
        yield {"5.1": q1, "5.2": q2, "5.3": q3}


LOW_ELSEWHERE = {
    "d1": {"1.1": "y", "1.2": "y", "1.3": "n"},
    "d2": {"2.1": "n", "2.2": "n", "2.6": "y"},
    "d3": {"3.1": "y"},
    "d4": {"4.1": "n", "4.2": "n", "4.3": "n"},
    "d5": {"5.1": "y", "5.2": "n", "5.3": "n"},
}


def full_answers(domain: str, answers: dict) -> dict:
    """``answers`` for one domain, every other domain answered on a low-risk path."""
    out = {}
    for other, low in LOW_ELSEWHERE.items():
        out.update(answers if other == domain else low)
    return {k: v for k, v in out.items() if v != "na"}  # a question not asked may be left out


@pytest.mark.parametrize(
    "domain,paths,reference",
    [
        ("d1", paths_d1, ref_d1),
        ("d2", paths_d2, ref_d2),
        ("d3", paths_d3, ref_d3),
        ("d4", paths_d4, ref_d4),
        ("d5", paths_d5, ref_d5),
    ],
)
def test_every_path_of_every_domain(rob2, domain, paths, reference):
    count = 0
    seen = set()
    for answers in paths():
        given = full_answers(domain, answers)
        assert SCORER.check(rob2, given, {}) == [], answers
        result = SCORER.score(rob2, given, {})
        expected = reference(answers)
        assert result["domains"][domain]["judgement"] == expected, (answers, result["domains"])
        others = [d for d in LOW_ELSEWHERE if d != domain]
        assert all(result["domains"][d]["judgement"] == "low" for d in others)
        assert result["grade"] == expected  # the other four domains are low
        seen.add(expected)
        count += 1
    assert seen == {"low", "some-concerns", "high"}
    assert count >= 100 or domain == "d3"


# ----------------------------------------------------------------- named worked paths


@pytest.mark.parametrize(
    "domain,answers,judgement",
    [
        # Domain 1: concealed, random, baseline fine → low; not concealed → high;
        # no information on concealment with baseline problems → high; concealed but not random
        ("d1", {"1.1": "y", "1.2": "y", "1.3": "n"}, "low"),
        ("d1", {"1.1": "ni", "1.2": "py", "1.3": "ni"}, "low"),
        ("d1", {"1.1": "y", "1.2": "n", "1.3": "n"}, "high"),
        ("d1", {"1.1": "y", "1.2": "ni", "1.3": "y"}, "high"),
        ("d1", {"1.1": "n", "1.2": "y", "1.3": "n"}, "some-concerns"),
        ("d1", {"1.1": "ni", "1.2": "ni", "1.3": "ni"}, "some-concerns"),
        # Domain 2: blinded trial with ITT → low; open trial, deviations affecting the outcome
        # and unbalanced → high; per-protocol analysis with substantial impact → high
        ("d2", {"2.1": "n", "2.2": "n", "2.6": "y"}, "low"),
        ("d2", {"2.1": "y", "2.2": "y", "2.3": "n", "2.6": "y"}, "low"),
        ("d2", {"2.1": "y", "2.2": "n", "2.3": "y", "2.4": "y", "2.5": "n", "2.6": "y"}, "high"),
        (
            "d2",
            {"2.1": "y", "2.2": "n", "2.3": "y", "2.4": "ni", "2.5": "y", "2.6": "y"},
            "some-concerns",
        ),
        ("d2", {"2.1": "n", "2.2": "n", "2.6": "n", "2.7": "y"}, "high"),
        ("d2", {"2.1": "n", "2.2": "n", "2.6": "pn", "2.7": "n"}, "some-concerns"),
        ("d2", {"2.1": "ni", "2.2": "n", "2.3": "ni", "2.6": "y"}, "some-concerns"),
        # Domain 3
        ("d3", {"3.1": "y"}, "low"),
        ("d3", {"3.1": "n", "3.2": "y"}, "low"),
        ("d3", {"3.1": "n", "3.2": "n", "3.3": "n"}, "low"),
        ("d3", {"3.1": "ni", "3.2": "n", "3.3": "y", "3.4": "n"}, "some-concerns"),
        ("d3", {"3.1": "n", "3.2": "pn", "3.3": "ni", "3.4": "ni"}, "high"),
        # Domain 4
        ("d4", {"4.1": "y", "4.2": "n"}, "high"),
        ("d4", {"4.1": "n", "4.2": "y"}, "high"),
        ("d4", {"4.1": "n", "4.2": "n", "4.3": "n"}, "low"),
        ("d4", {"4.1": "n", "4.2": "n", "4.3": "y", "4.4": "n"}, "low"),
        ("d4", {"4.1": "n", "4.2": "n", "4.3": "y", "4.4": "y", "4.5": "n"}, "some-concerns"),
        ("d4", {"4.1": "n", "4.2": "n", "4.3": "y", "4.4": "y", "4.5": "y"}, "high"),
        ("d4", {"4.1": "n", "4.2": "ni", "4.3": "n"}, "some-concerns"),
        ("d4", {"4.1": "ni", "4.2": "ni", "4.3": "ni", "4.4": "ni", "4.5": "ni"}, "high"),
        # Domain 5
        ("d5", {"5.1": "y", "5.2": "n", "5.3": "n"}, "low"),
        ("d5", {"5.1": "n", "5.2": "n", "5.3": "n"}, "some-concerns"),
        ("d5", {"5.1": "y", "5.2": "ni", "5.3": "n"}, "some-concerns"),
        ("d5", {"5.1": "y", "5.2": "n", "5.3": "py"}, "high"),
    ],
)
def test_named_paths(rob2, domain, answers, judgement):
    result = SCORER.score(rob2, full_answers(domain, answers), {})
    assert result["domains"][domain]["judgement"] == judgement
    assert result["domains"][domain]["reason"]


# ----------------------------------------------------------------- overall and overrides


def test_overall_least_favourable_and_flag(rob2):
    all_low = full_answers("d1", LOW_ELSEWHERE["d1"])
    result = SCORER.score(rob2, all_low, {})
    assert result["grade"] == "low" and result["flags"] == []
    assert result["levels"] == {f"D{i}": "favourable" for i in range(1, 6)}

    two_concerns = {**all_low, "1.1": "n", "5.1": "n"}  # d1 and d5 some concerns
    result = SCORER.score(rob2, two_concerns, {})
    assert result["grade"] == "some-concerns"
    assert len(result["flags"]) == 1 and "overall-override" in result["flags"][0]

    one_high = {**two_concerns, "1.2": "n"}
    assert SCORER.score(rob2, one_high, {})["grade"] == "high"


def test_reviewer_overrides_are_kept_with_the_proposal(rob2):
    answers = {
        **full_answers("d1", {"1.1": "n", "1.2": "y", "1.3": "n"}),
        "d1-override": "low",
        "overall-override": "low",
    }
    result = SCORER.score(rob2, answers, {})
    d1 = result["domains"]["d1"]
    assert (d1["proposed"], d1["judgement"], d1["overridden"]) == ("some-concerns", "low", True)
    assert result["proposed"] == "low" and result["grade"] == "low"
    escalate = {
        **full_answers("d1", LOW_ELSEWHERE["d1"]),
        "1.1": "n",
        "5.1": "n",
        "overall-override": "high",
    }
    result = SCORER.score(rob2, escalate, {})
    assert (result["proposed"], result["grade"], result["overridden"]) == (
        "some-concerns",
        "high",
        True,
    )


def test_check_names_missing_and_inapplicable_answers(rob2):
    answers = full_answers("d2", {"2.1": "n", "2.2": "n", "2.6": "y"})
    answers["2.4"] = "y"  # asked only when 2.3 is y/py; 2.3 is not asked at all
    del answers["5.3"]  # always asked
    answers["3.1"] = "n"  # now 3.2 is asked but missing
    problems = {p.item: p for p in SCORER.check(rob2, answers, {})}
    assert set(problems) == {"2.4", "3.2", "5.3"}
    assert problems["2.4"].value == "y" and problems["2.4"].allowed == "na"
    assert "2.3 is y/py" in problems["2.4"].message
    assert problems["3.2"].allowed == "y, py, pn, n"
    answers = {**full_answers("d2", {"2.1": "y", "2.2": "n", "2.6": "y"}), "2.3": "na"}
    problems = SCORER.check(rob2, answers, {})
    assert [p.item for p in problems] == ["2.3"] and "applies" in problems[0].message
