"""A methodologist adds a checklist as YAML only, and a new scorer as a plugin: no core change."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

from click.testing import CliRunner

from evidencekit.core.cli import cli

CHECKLIST = """\
kind: checklist
id: mixed-methods-quick
version: "0.1"
title: A methodologist's quick mixed-methods checklist
source:
  citation: written for this test
  licence: CC0-1.0
answer_sets:
  met:
    - {code: met, label: Met}
    - {code: partly, label: Partly met}
    - {code: not-met, label: Not met}
items:
  - {id: m1, number: 1, text: "Is the rationale for mixing methods stated?", answers: met}
  - {id: m2, number: 2, text: "Are the components integrated?", answers: met}
  - {id: m3, number: 3, text: "Are divergences addressed?", answers: met}
  - {id: m4, number: 4, text: "Is each component of adequate quality?", answers: met}
  - {id: m5, number: 5, text: Comments, answer_type: text, scored: false}
scoring:
  method: percentage-bands
  points: {met: 2, partly: 1, not-met: 0}
  denominator: scored-items
  unanswered: exclude
  bands:
    - {grade: strong, min_percent: 75}
    - {grade: moderate, min_percent: 50}
    - {grade: weak, min_percent: 0}
"""

ANSWERS = """\
study_id,checklist,item,answer,reviewer
a1,mixed-methods-quick,m1,Met,jb
a1,mixed-methods-quick,m2,partly,jb
a1,mixed-methods-quick,m3,Not met,jb
a1,mixed-methods-quick,m4,met,jb
a1,mixed-methods-quick,m5,a short comment,jb
a2,mixed-methods-quick,m1,met,jb
a2,mixed-methods-quick,m2,met,jb
a2,mixed-methods-quick,m3,,jb
a2,mixed-methods-quick,m4,met,jb
"""

PLUGIN = '''\
"""A local plugin: a scorer that grades by the share of items fully met."""

from evidencekit.core import hookimpl


class AllOrNothing:
    name = "all-or-nothing-{suffix}"
    description = "pass only if every scored item earns full points"
    options_schema = {{"type": "object",
                      "properties": {{"pass_grade": {{"type": "string"}}}},
                      "additionalProperties": False}}

    def score(self, checklist, answers, options):
        best = max(checklist.scoring.points.values())
        full = [i.id for i in checklist.scored_items
                if checklist.scoring.points.get(answers.get(i.id, ""), -1) == best]
        ok = len(full) == len(checklist.scored_items)
        return {{"grade": options.get("pass_grade", "pass") if ok else "fail",
                 "score": len(full), "out_of": len(checklist.scored_items)}}


@hookimpl
def evidencekit_appraisal_scorers():
    return [AllOrNothing()]
'''


def review_folder(tmp_path: Path, *, appraisal: str = "", plugin: str | None = None) -> Path:
    root = tmp_path / "review"
    (root / "instruments").mkdir(parents=True)
    (root / "instruments" / "mixed-methods-quick.yaml").write_text(CHECKLIST, "utf-8")
    plugins = ""
    if plugin:
        (root / f"{plugin}.py").write_text(PLUGIN.format(suffix=plugin[-6:]), "utf-8")
        plugins = f"plugins: [{plugin}]\n"
    (root / "review.yaml").write_text(
        "kind: review\nid: custom-test\nversion: '1'\ntitle: Custom checklist test\n"
        + plugins
        + textwrap.dedent(appraisal),
        "utf-8",
    )
    (root / "answers.csv").write_text(ANSWERS, "utf-8")
    return root


def score(root: Path, *extra: str) -> dict:
    result = CliRunner().invoke(
        cli,
        [
            "appraise",
            "score",
            "--review",
            str(root),
            "--answers",
            str(root / "answers.csv"),
            "--json",
            *extra,
        ],
    )
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_yaml_only_checklist_is_loaded_and_scored(tmp_path):
    root = review_folder(tmp_path)
    data = score(root)
    by_id = {s["study_id"]: s for s in data["studies"]}
    # a1: 2 + 1 + 0 + 2 = 5 of 8 → 62.5 % moderate
    assert by_id["a1"]["score_percent"] == 62.5 and by_id["a1"]["grade"] == "moderate"
    # a2: m3 left empty and 'unanswered: exclude' → 6 of 6 → 100 % strong
    assert by_id["a2"]["score_percent"] == 100.0 and by_id["a2"]["grade"] == "strong"
    assert data["grades"] == {"strong": 1, "moderate": 1}
    assert by_id["a1"]["answers"]["m3"] == "not-met"  # label matched to its code


def test_review_overrides_bands_of_a_new_checklist(tmp_path):
    root = review_folder(
        tmp_path,
        appraisal="""
        appraisal:
          bands: {excellent: 90, acceptable: 60, inadequate: 0}
        """,
    )
    grades = {s["study_id"]: s["grade"] for s in score(root)["studies"]}
    assert grades == {"a1": "acceptable", "a2": "excellent"}


def test_new_scorer_from_a_local_plugin_is_chosen_by_name(tmp_path):
    plugin = "ek_local_scorer_a"
    root = review_folder(
        tmp_path,
        plugin=plugin,
        appraisal="""
        appraisal:
          scorer: {mixed-methods-quick: all-or-nothing-orer_a}
          overrides:
            mixed-methods-quick: {options: {pass_grade: adequate}}
        """,
    )
    data = score(root)
    by_id = {s["study_id"]: s for s in data["studies"]}
    assert by_id["a1"]["scorer"] == "all-or-nothing-orer_a"
    assert by_id["a1"]["grade"] == "fail" and by_id["a2"]["grade"] == "fail"  # a2's m3 is empty
    assert by_id["a1"]["score_percent"] == 50.0  # from score / out_of: 2 of 4
    assert data["grades"] == {"fail": 2}


def test_scorer_registered_with_pm_register(tmp_path):
    """A scorer added to the plugin manager directly (as a test or an app would)."""
    import types

    from evidencekit.core import hookimpl
    from evidencekit.core.appraisal import Context, appraise, read_answers
    from evidencekit.core.review import open_review

    class Median:
        name = "test-median"
        description = "grade by the median answer"
        options_schema = None

        def score(self, checklist, answers, options):
            codes = sorted(answers[i.id] or "not-met" for i in checklist.scored_items)
            return {"grade": codes[len(codes) // 2]}

    module = types.ModuleType("ek_test_median")
    module.evidencekit_appraisal_scorers = hookimpl(lambda: [Median()])
    root = review_folder(
        tmp_path,
        appraisal="""
        appraisal:
          scorer: test-median
        """,
    )
    review = open_review(root)
    review.plugin_manager.register(module, name="ek_test_median")
    report = appraise(read_answers(root / "answers.csv"), Context(review))
    # a1: met, met, not-met, partly → not-met; a2: met, met, met, not-met (empty) → met
    assert {s.study_id: s.grade for s in report.studies} == {"a1": "not-met", "a2": "met"}
    assert report.studies[0].score_percent is None


def test_unknown_scorer_lists_the_known_ones(tmp_path):
    root = review_folder(
        tmp_path,
        appraisal="""
        appraisal:
          scorer: no-such-scorer
        """,
    )
    result = CliRunner().invoke(
        cli, ["appraise", "score", "--review", str(root), "--answers", str(root / "answers.csv")]
    )
    assert result.exit_code == 1
    assert "no-such-scorer" in result.output and "percentage-bands" in result.output
