"""The shipped JSON Schemas and the messages validation gives."""

from __future__ import annotations

import pytest
from jsonschema import Draft202012Validator

from evidencekit.core.instruments.catalog import SCHEMA_KINDS
from evidencekit.core.schema_validation import (
    SCHEMA_BASE,
    load_schema,
    schema_names,
    validate_document,
    validation_messages,
)
from evidencekit.core.yaml_loader import load_yaml

HEADER = {
    "id": "demo",
    "version": "1",
    "title": "Demo",
    "source": {"citation": "Someone 2020", "licence": "MIT"},
}


def test_every_kind_has_a_schema() -> None:
    assert set(SCHEMA_KINDS) | {"common"} <= set(schema_names())


@pytest.mark.parametrize("name", schema_names())
def test_schemas_are_valid_2020_12_with_ids(name: str) -> None:
    schema = load_schema(name)
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == f"{SCHEMA_BASE}{name}.schema.json"


@pytest.mark.parametrize("kind", ["checklist", "framework", "measure", "form", "crosswalk"])
def test_instrument_schemas_catch_typos_and_need_the_header(kind: str) -> None:
    schema = load_schema(kind)
    assert schema["additionalProperties"] is False
    assert {"kind", "id", "version", "title", "source"} <= set(schema["required"])
    assert schema["properties"]["kind"] == {"const": kind}


def test_review_schema_is_strict_where_a_typo_loses_data() -> None:
    review = {
        "kind": "review",
        "id": "r",
        "version": "1",
        "title": "R",
        "sources": [
            {"name": "M", "file": "m.ris", "date_serched": "2020-01-01", "kind": "databse"}
        ],
        "dedupe": {"methd": "fuzzy"},
        "steps": [{"step": "import", "extra": True}],
        "stesp": [],
    }
    messages = validation_messages(review, load_schema("review"))
    assert (
        "$.sources[0].date_serched: unknown field 'date_serched' (did you mean "
        "'date_searched'?); allowed here: " in "\n".join(messages)
    )
    assert any(
        m.startswith("$.sources[0].kind: 'databse' is not one of")
        and m.endswith("(did you mean 'database'?)")
        for m in messages
    )
    assert any(
        m.startswith("$.dedupe.methd: unknown field 'methd' (did you mean 'method'?)")
        for m in messages
    )
    assert any(m.startswith("$.steps[0].extra: unknown field 'extra'") for m in messages)
    assert any(
        m.startswith("$.stesp: unknown field 'stesp' (did you mean 'steps'?)") for m in messages
    )
    # a local extension section is allowed under x-
    ok = {k: v for k, v in review.items() if k in ("kind", "id", "version", "title")}
    assert validation_messages({**ok, "x-team": {"anything": 1}}, load_schema("review")) == []


def test_source_needs_citation_and_licence() -> None:
    data = {
        "kind": "crosswalk",
        **HEADER,
        "source": {"citation": "x"},
        "from": "a",
        "to": "b",
        "mappings": [{"source": "x", "target": "y"}],
    }
    assert validation_messages(data, load_schema("crosswalk")) == [
        "$.source: 'licence' is a required property"
    ]


def test_unquoted_values_get_a_hint() -> None:
    data = {
        "kind": "crosswalk",
        **HEADER,
        "version": 2018,
        "from": "a",
        "to": "b",
        "mappings": [{"source": True, "target": "y"}],
    }
    messages = validation_messages(data, load_schema("crosswalk"))
    assert (
        "$.version: 2018 is not of type 'string'; write it in quotes, e.g. '2018', "
        "so YAML keeps it as text" in messages
    )
    assert any(
        m.startswith(
            "$.mappings[0].source: True is not of type 'string'; YAML reads "
            "unquoted yes/no/on/off as true/false"
        )
        for m in messages
    )


def test_patterns_are_explained_in_words() -> None:
    data = {
        "kind": "crosswalk",
        **HEADER,
        "id": "Bad Id",
        "from": "a",
        "to": "b",
        "mappings": [{"source": "x", "target": "y"}],
    }
    assert validation_messages(data, load_schema("crosswalk")) == [
        "$.id: 'Bad Id' is not valid here: Lower-case identifier: letters, digits, '.', '_' "
        "and '-'."
    ]


def test_each_unknown_field_is_its_own_line_at_its_own_line() -> None:
    text = (
        "kind: crosswalk\nid: demo\nversion: '1'\ntitle: Demo\n"
        "source: {citation: x, licence: MIT}\nfrom: a\nto: b\n"
        "mapings: []\ncolour: red\nmappings: [{source: x, target: y}]\n"
    )
    doc = load_yaml("cw.yaml", text=text)
    problems = validate_document(doc, load_schema("crosswalk"))
    assert len(problems) == 2
    assert problems[0].startswith(
        "cw.yaml:8: $.mapings: unknown field 'mapings' (did you mean 'mappings'?); allowed here: "
    )
    assert "mappings" in problems[0]
    assert problems[1].startswith("cw.yaml:9: $.colour: unknown field 'colour'")


def test_alternatives_missing_entirely_are_named_together() -> None:
    data = {"kind": "framework", **HEADER}
    assert validation_messages(data, load_schema("framework")) == [
        "$: needs 'entries' or 'domains'"
    ]


def test_scoring_method_selects_its_rules() -> None:
    base = {
        "kind": "checklist",
        **HEADER,
        "items": [
            {
                "id": "q1",
                "number": 1,
                "text": "Q?",
                "options": [{"code": "yes", "label": "Yes"}, {"code": "no", "label": "No"}],
            }
        ],
    }
    from evidencekit.core.instruments.scoring_blocks import scoring_schema_problems

    schema = load_schema("checklist")
    # The checklist schema checks the common part of 'scoring'; the scorer its method names
    # checks the rest against the schema it declares: percentage-bands needs points and bands.
    bands = {**base, "scoring": {"method": "percentage-bands", "points": {"yes": 1, "no": 0}}}
    assert validation_messages(bands, schema) == []
    assert scoring_schema_problems(bands) == [(("scoring",), "'bands' is a required property")]
    # Another scorer's method passes with its own settings under 'options'.
    other = {**base, "scoring": {"method": "my-scorer", "options": {"weights": [1, 2]}}}
    assert validation_messages(other, schema) == []
    assert scoring_schema_problems(other) == []
