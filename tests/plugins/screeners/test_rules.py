"""The ``rules`` screener (plugins/screeners/rules.py) and ``decisions apply-rules``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from screening_review import make_screening_review, record_ids, run

from evidencekit.core.model import Record
from evidencekit.core.review import open_review
from evidencekit.core.screening import AUTOMATION_REASON, automated_exclusions, final_decisions
from evidencekit.plugins.screeners.rules import RulesScreener, language_name


def rec(rid: str, **fields) -> Record:
    return Record(record_id=rid, **fields)


def screen(records, **options) -> dict[str, tuple[str, str]]:
    return {r: (rule, d) for r, rule, d in RulesScreener().screen(records, options)}


def test_languages_by_name_or_code_and_unknown_kept() -> None:
    records = [
        rec("a", language="eng"),
        rec("b", language="French"),
        rec("c", language="jpn"),
        rec("d", language=""),
        rec("e", language="eng; jpn"),
    ]
    out = screen(records, languages=["English", "French"])
    assert out == {"c": ("language", "language 'jpn' is not one of English, French")}
    assert language_name("EN") == language_name("English") == "english"


def test_publication_date_cut_off_with_month() -> None:
    records = [
        rec("a", year=2018, raw={"DA": ["2018/08/01"]}),  # after July 2018
        rec("b", year=2018, raw={"DP": "2018 Jul"}),  # July: kept
        rec("c", year=2018),  # month unknown: kept
        rec("d", year=2019),
        rec("e", year=None),
        rec("f", year=1989),
    ]
    out = screen(records, published_on_or_before="2018-07", published_on_or_after="1990")
    assert out == {
        "a": ("published_on_or_before", "published 2018-08, after 2018-07"),
        "d": ("published_on_or_before", "published 2019, after 2018-07"),
        "f": ("published_on_or_after", "published 1989, before 1990"),
    }


def test_publication_types_and_exclusion_terms_first_rule_wins() -> None:
    records = [
        rec("a", publication_type="Editorial", title="x"),
        rec("b", publication_type="Journal Article", abstract="A study of Substance Misuse."),
        rec("c", publication_type="Journal Article", title="substances misused"),  # no match
        rec("d", language="jpn", publication_type="Editorial"),
    ]
    out = screen(
        records,
        languages=["English"],
        publication_types={"exclude": ["editorial"]},
        exclude_terms=["substance misuse"],
    )
    assert out == {
        "a": ("publication_types", "publication type 'Editorial'"),
        "b": ("exclude_terms", "'Substance Misuse' in the title or abstract"),
        "d": ("language", "language 'jpn' is not one of English"),
    }
    assert screen(
        [rec("a", publication_type="Review")], publication_types={"include": ["Journal Article"]}
    ) == {"a": ("publication_types", "publication type 'Review'")}


RULES = """  rules:
    languages: [English]
    published_on_or_before: "2018-07"
"""


def test_apply_rules_stores_automated_exclusions_counted_apart(tmp_path: Path) -> None:
    folder = make_screening_review(tmp_path / "r", n=12, extra=RULES)
    result = run("decisions", "apply-rules", "--review", str(folder), "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    # records 3 and 8 are German; years 2010 + i % 12: records 9, 10, 11 are after 2018
    assert report["by_rule"] == {"language": 2, "published_on_or_before": 3}
    assert (report["screened"], report["excluded"]) == (12, 5)
    review = open_review(folder)
    autos = automated_exclusions(review)
    assert {a.rule for a in autos} == {"language", "published_on_or_before"}
    finals = final_decisions(review, "title-abstract")
    automated = [f for f in finals.values() if f.automated]
    assert len(automated) == 5 and {f.reason for f in automated} == {AUTOMATION_REASON}
    # The sample and the queues leave automated exclusions out.
    queue = json.loads(
        run(
            "decisions",
            "queue",
            "--reviewer",
            "ann",
            "--stage",
            "title-abstract",
            "--review",
            str(folder),
            "--json",
        ).stdout
    )
    assert queue["queues"][0]["assigned"] == 7
    # Running again replaces, never adds.
    run("decisions", "apply-rules", "--review", str(folder))
    assert len(automated_exclusions(review)) == 5
    assert len(record_ids(folder)) == 12


def test_bad_rules_are_a_clear_error(tmp_path: Path) -> None:
    folder = make_screening_review(
        tmp_path / "r", n=2, extra="  rules: {published_on_or_before: 'July 2018'}\n"
    )
    result = run("decisions", "apply-rules", "--review", str(folder))
    assert result.exit_code == 1
    assert "invalid options for screener 'rules'" in result.stderr
    assert "published_on_or_before" in result.stderr


@pytest.mark.parametrize("value", ["2018", "2018-07", "2018-07-31"])
def test_cut_off_forms_are_accepted(value: str) -> None:
    from evidencekit.core.registry import build_registry

    build_registry().validate_options("screener", "rules", {"published_on_or_before": value})
