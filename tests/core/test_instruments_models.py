"""Typed instrument objects: built from validated data, with the lookups plugins use."""

from __future__ import annotations

from pathlib import Path

import pytest

from evidencekit.core.instruments import load_instrument
from evidencekit.core.instruments.models import (
    MODEL_BY_KIND,
    AnswerOption,
    Checklist,
    Crosswalk,
    Form,
    Framework,
    Measure,
    RatingScale,
    build_instrument,
    parse_ref,
)
from evidencekit.core.instruments.scoring_blocks import ScoringBlock

SOURCE = {"citation": "Someone 2020", "licence": "MIT"}


def header(kind: str, **extra) -> dict:
    return {
        "kind": kind,
        "id": f"demo-{kind}",
        "version": "1",
        "title": "Demo",
        "source": SOURCE,
        **extra,
    }


def test_every_kind_has_a_class() -> None:
    expected = {
        "checklist": Checklist,
        "framework": Framework,
        "measure": Measure,
        "form": Form,
        "crosswalk": Crosswalk,
    }
    assert expected == MODEL_BY_KIND


def test_parse_ref() -> None:
    assert parse_ref("cfir-2009") == ("cfir-2009", None)
    assert parse_ref("cfir-2009@2009") == ("cfir-2009", "2009")


# --------------------------------------------------------------------------- checklist


CHECKLIST = header(
    "checklist",
    design="cohort",
    answer_sets={
        "ync": [
            {"code": "yes", "label": "Yes"},
            {"code": "cant_tell", "label": "Can't tell"},
            {"code": "no", "label": "No"},
        ]
    },
    sections=[{"id": "valid", "label": "A", "title": "Valid?"}],
    items=[
        {
            "id": "q1",
            "number": 1,
            "section": "valid",
            "text": "First?",
            "answers": "ync",
            "screening": True,
        },
        {
            "id": "q2",
            "number": "2",
            "text": "Second?",
            "options": [{"code": "a", "label": "Alpha"}, {"code": "b", "label": "Beta"}],
            "domain": "d1",
            "parts": [
                {"id": "q2a", "number": "2a", "text": "Part a"},
                {"id": "q2b", "text": "Part b", "answer_type": "text"},
            ],
        },
        {"id": "q3", "number": 3, "text": "How big?"},
    ],
    scoring={
        "method": "percentage-bands",
        "points": {"yes": 2, "cant_tell": 1, "no": 0, "a": 1, "b": 0},
        "bands": [{"grade": "high", "min_percent": 70}, {"grade": "low", "min_percent": 0}],
    },
)


def test_checklist_fields_and_defaults() -> None:
    checklist = build_instrument(CHECKLIST, path="demo.yaml")
    assert isinstance(checklist, Checklist)
    assert checklist.ref == "demo-checklist@1"
    assert checklist.design == "cohort"
    assert checklist.sections[0].label == "A"
    assert checklist.section("valid").title == "Valid?"
    q1, q2, q3 = checklist.items
    assert (q1.number, q2.number, q3.number) == ("1", "2", "3")
    assert q1.answer_set == "ync" and q1.screening and q1.scored
    assert q1.options == checklist.answer_sets["ync"]
    assert q2.options == [AnswerOption("a", "Alpha"), AnswerOption("b", "Beta")]
    assert q2.domain == "d1" and q2.answer_set is None
    # No answers: free text, and free text is not scored unless said otherwise.
    assert (q3.answer_type, q3.scored, q3.options) == ("text", False, [])
    assert [i.id for i in checklist.scored_items] == ["q1", "q2"]
    assert [i.id for i in checklist.screening_items] == ["q1"]
    assert checklist.answer_codes("q1") == ["yes", "cant_tell", "no"]
    assert checklist.answer_codes(q2) == ["a", "b"]
    # A part answers like its item unless it says otherwise.
    assert q2.parts[0].options == q2.options and q2.parts[0].number == "2a"
    assert q2.parts[1].answer_type == "text" and q2.parts[1].options == []
    with pytest.raises(KeyError, match="no item 'q9'; items: q1, q2, q3"):
        checklist.item("q9")


@pytest.mark.parametrize(
    "given", ["Can't tell", "can’t tell", "CANT-TELL", "cant tell", " cant_tell "]
)
def test_answers_match_by_code_or_label(given: str) -> None:
    item = build_instrument(CHECKLIST).item("q1")
    assert item.code_for(given) == "cant_tell"


def test_unknown_answer_has_no_code() -> None:
    item = build_instrument(CHECKLIST).item("q1")
    assert item.code_for("maybe") is None
    assert item.code_for("YES") == "yes"


def test_scoring_rule() -> None:
    scoring = build_instrument(CHECKLIST).scoring
    assert scoring.points == {"yes": 2.0, "cant_tell": 1.0, "no": 0.0, "a": 1.0, "b": 0.0}
    assert scoring.max_points == 2.0
    assert (scoring.denominator, scoring.unanswered) == ("scored-items", "zero")
    assert scoring.grade_for(70) == "high" and scoring.grade_for(69.9) == "low"
    assert scoring.raw["method"] == "percentage-bands"


def test_other_scoring_methods_keep_their_data() -> None:
    data = {
        **CHECKLIST,
        "scoring": {"method": "my-scorer", "options": {"k": 1}, "domains": [{"id": "d1"}]},
    }
    scoring = build_instrument(data).scoring
    # A scorer the core does not know: the block as written, no percentage-bands fields.
    assert isinstance(scoring, ScoringBlock) and not hasattr(scoring, "points")
    assert scoring.method == "my-scorer"
    assert scoring.options == {"k": 1}
    assert scoring.raw["domains"] == [{"id": "d1"}]


def test_to_dict_is_the_data_as_loaded_and_a_copy() -> None:
    checklist = build_instrument(CHECKLIST)
    out = checklist.to_dict()
    assert out == CHECKLIST
    out["items"].clear()
    assert len(checklist.to_dict()["items"]) == 3


def test_instruments_are_hashable_and_lines_come_from_the_file(tmp_path: Path) -> None:
    path = tmp_path / "cw.yaml"
    path.write_text(
        "kind: crosswalk\nid: cw\nversion: '1'\ntitle: CW\n"
        "source: {citation: x, licence: MIT}\nfrom: a\nto: b\n"
        "mappings:\n  - {source: x, target: y}\n",
        encoding="utf-8",
    )
    crosswalk = load_instrument(path)
    assert crosswalk in {crosswalk}
    assert crosswalk.line_of(("mappings", 0, "target")) == 9
    assert crosswalk.line_of(("to",)) == 7


# --------------------------------------------------------------------------- framework


FRAMEWORK = header(
    "framework",
    domains=[
        {
            "id": "inner",
            "name": "Inner setting",
            "entries": [
                {
                    "id": "culture",
                    "name": "Culture",
                    "aliases": ["organisational culture"],
                    "entries": [{"id": "learning", "name": "Learning-centredness"}],
                }
            ],
        },
        {
            "id": "people",
            "name": "Individuals",
            "subdomains": [
                {"id": "roles", "name": "Roles", "entries": [{"id": "leaders", "name": "Leaders"}]},
                {
                    "id": "traits",
                    "name": "Characteristics",
                    "entries": [{"id": "motivation", "name": "Motivation"}],
                },
            ],
        },
    ],
    entries=[
        {
            "id": "match",
            "name": "Match",
            "direction": "unclear",
            "reference": {"percent_of_papers": 4},
            "crosswalk": [
                {"framework": "cfir-2009", "target": "inner", "condition": "if internal"}
            ],
        },
        {"id": "leaders-2", "name": "Leaders"},
    ],
)


def test_framework_flattens_every_entry_with_its_place() -> None:
    framework = build_instrument(FRAMEWORK)
    assert [i.id for i in framework.influences] == [
        "culture",
        "learning",
        "leaders",
        "motivation",
        "match",
        "leaders-2",
    ]
    learning = framework.influence("learning")
    assert (learning.domain, learning.parent, learning.subdomain) == ("inner", "culture", None)
    leaders = framework.influence("leaders")
    assert (leaders.domain, leaders.subdomain, leaders.parent) == ("people", "roles", None)
    match = framework.influence("match")
    assert match.domain is None and match.unclear
    assert match.reference == {"percent_of_papers": 4}
    assert match.crosswalk == [
        {"framework": "cfir-2009", "target": "inner", "condition": "if internal"}
    ]
    assert framework.ids() == {"culture", "learning", "leaders", "motivation", "match", "leaders-2"}
    assert framework.domain_ids() == {"inner", "people", "roles", "traits"}
    assert [i.id for i in framework.top_level()] == [
        "culture",
        "leaders",
        "motivation",
        "match",
        "leaders-2",
    ]
    assert [i.id for i in framework.children("culture")] == ["learning"]
    assert [e.id for e in framework.domain("people").all_entries()] == ["leaders", "motivation"]
    assert framework.domain("roles").parent == "people"
    with pytest.raises(KeyError):
        framework.influence("nope")


def test_framework_resolves_names_aliases_and_ids() -> None:
    framework = build_instrument(FRAMEWORK)
    assert framework.resolve("Organisational  Culture").id == "culture"
    assert framework.resolve("learning").id == "learning"
    assert framework.resolve("leaders-2").id == "leaders-2"  # an id wins over a shared name
    with pytest.raises(KeyError, match="could be any of leaders, leaders-2"):
        framework.resolve("LEADERS ")
    with pytest.raises(KeyError, match="no entry called 'climate'"):
        framework.resolve("climate")


# ------------------------------------------------------------------ measure, form, crosswalk


def test_measure() -> None:
    measure = build_instrument(
        header(
            "measure",
            framework="demo@1",
            items=[
                {"id": "a", "number": 1, "text": "A", "influence": "culture"},
                {"id": "b", "number": 2, "text": "B"},
            ],
            scale={"min": 0, "max": 3, "anchors": {"0": "none", "3": "all"}},
            scoring={
                "method": "sum",
                "total_min": 0,
                "total_max": 6,
                "missing": {"max_missing_items": 1, "rule": "count-as-min"},
            },
            administration={"unit": "site"},
        )
    )
    assert measure.framework == "demo@1"
    assert measure.item("a").influence == "culture" and measure.item("b").influence is None
    assert measure.item_by_number(2).id == "b"
    assert measure.scale == RatingScale(0, 3, {0: "none", 3: "all"})
    assert measure.scale.points == [0, 1, 2, 3] and measure.scale.midpoint == 1.5
    assert 3 in measure.scale and 4 not in measure.scale and True not in measure.scale
    assert (measure.scoring.total_min, measure.scoring.total_max) == (0, 6)
    assert (measure.scoring.max_missing_items, measure.scoring.missing) == (1, "count-as-min")
    assert measure.administration == {"unit": "site"}


def test_measure_missing_defaults() -> None:
    measure = build_instrument(
        header(
            "measure",
            items=[{"id": "a", "number": 1, "text": "A"}],
            scale={"min": 1, "max": 5},
            scoring={"method": "sum", "total_min": 1, "total_max": 5},
        )
    )
    assert (measure.scoring.max_missing_items, measure.scoring.missing) == (0, "prorate")
    assert measure.framework is None and measure.scale.anchors == {}


def test_form() -> None:
    form = build_instrument(
        header(
            "form",
            groups=[
                {
                    "id": "study",
                    "label": "Study",
                    "fields": [
                        {"id": "study_id", "label": "Id", "type": "string", "required": True},
                        {
                            "id": "design",
                            "label": "Design",
                            "type": "choice",
                            "allowed": ["cohort", "qualitative"],
                            "multiple": True,
                        },
                    ],
                },
                {
                    "id": "setting",
                    "label": "Setting",
                    "fields": [{"id": "n", "label": "N", "type": "integer", "min": 1}],
                },
            ],
            study_attributes=["design"],
            coded_influences={
                "framework": "demo",
                "label": "Influences",
                "columns": [
                    {
                        "id": "influence",
                        "label": "Influence",
                        "type": "string",
                        "values_from": "framework",
                    }
                ],
            },
        )
    )
    assert [g.id for g in form.groups] == ["study", "setting"]
    assert [f.id for f in form.fields] == ["study_id", "design", "n"]
    design = form.field("design")
    assert (design.group, design.allowed, design.multiple) == (
        "study",
        ["cohort", "qualitative"],
        True,
    )
    assert form.field("study_id").required and form.field("study_id").allowed is None
    assert form.field("n").min == 1
    assert form.study_attributes == [design]
    assert form.column("influence").values_from == "framework"
    assert form.influence_framework == "demo" and form.influence_table_label == "Influences"
    with pytest.raises(KeyError, match="no field 'x'"):
        form.field("x")


def test_crosswalk() -> None:
    crosswalk = build_instrument(
        header(
            "crosswalk",
            **{"from": "a@1", "to": "b"},
            mappings=[
                {"source": "x", "target": "t1"},
                {"source": "x", "target": "t2", "condition": "if so"},
                {"source": "y", "target": "t1", "condition": None},
            ],
        )
    )
    assert (crosswalk.source_framework, crosswalk.target_framework) == ("a@1", "b")
    assert [(m.target, m.condition) for m in crosswalk.targets_for("x")] == [
        ("t1", None),
        ("t2", "if so"),
    ]
    assert [m.source for m in crosswalk.sources_for("t1")] == ["x", "y"]
    assert crosswalk.targets_for("z") == []
    assert len(list(crosswalk)) == 3
