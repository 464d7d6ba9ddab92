"""Semantic checks inside one file, and reference checks across a catalogue.

The crafted files in tests/instruments/invalid/ cover one mistake each; these tests
cover the remaining rules and the checks between files.
"""

from __future__ import annotations

import shutil
from importlib.resources import as_file, files
from pathlib import Path

import pytest
import yaml

from evidencekit.core.instruments.catalog import Catalog, check_document
from evidencekit.core.instruments.checks import reference_problems
from evidencekit.core.yaml_loader import load_yaml

HEAD = "kind: checklist\nid: c\nversion: '1'\ntitle: C\nsource: {citation: x, licence: MIT}\n"
YNC = (
    "answer_sets:\n  ync:\n    - {code: 'yes', label: 'Yes'}\n"
    "    - {code: cant_tell, label: \"Can't tell\"}\n    - {code: 'no', label: 'No'}\n"
)


def problems(text: str) -> list[str]:
    return check_document(load_yaml("c.yaml", text=text))


def test_a_valid_checklist_has_no_problems() -> None:
    text = (
        HEAD
        + YNC
        + """\
items:
  - {id: q1, number: 1, text: "One?", answers: ync}
  - {id: q2, number: 2, text: "Two?", answers: ync}
scoring:
  method: percentage-bands
  points: {"yes": 2, cant_tell: 1, "no": 0}
  denominator: 2
  unanswered: zero
  bands: [{grade: good, min_percent: 50}, {grade: poor, min_percent: 0}]
"""
    )
    assert problems(text) == []


def test_fixed_denominator_below_the_scored_items() -> None:
    text = (
        HEAD
        + YNC
        + """\
items:
  - {id: q1, number: 1, text: "One?", answers: ync}
  - {id: q2, number: 2, text: "Two?", answers: ync}
scoring:
  method: percentage-bands
  points: {"yes": 1, cant_tell: 0, "no": 0}
  denominator: 1
  unanswered: exclude
  bands: [{grade: poor, min_percent: 0}]
"""
    )
    assert problems(text) == [
        "c.yaml:17: $.scoring.denominator: a fixed denominator of 1 is below the 2 scored "
        "items, so a score could pass 100 %",
        "c.yaml:18: $.scoring.unanswered: 'exclude' leaves unanswered items out of the "
        "denominator, which needs denominator: scored-items, not a fixed number",
    ]


def test_no_scored_item_and_no_positive_points() -> None:
    text = (
        HEAD
        + """\
items:
  - {id: q1, number: 1, text: "One?", answer_type: text}
scoring:
  method: percentage-bands
  points: {"yes": 1}
  bands: [{grade: poor, min_percent: 0}]
"""
    )
    assert problems(text) == [
        "c.yaml:8: $.scoring: the scoring rule has no scored item to "
        "count; mark items scored: true or remove 'scoring'"
    ]
    text = (
        HEAD
        + YNC
        + """\
items:
  - {id: q1, number: 1, text: "One?", answers: ync}
scoring:
  method: percentage-bands
  points: {"yes": 0, cant_tell: 0, "no": 0}
  bands: [{grade: poor, min_percent: 0}]
"""
    )
    assert problems(text) == [
        "c.yaml:15: $.scoring.points: no answer earns points above 0, so every score is 0 %"
    ]


def test_duplicates_sections_numbers_codes_and_parts() -> None:
    text = (
        HEAD
        + """\
answer_sets:
  yn:
    - {code: 'yes', label: 'Yes'}
    - {code: 'yes', label: 'Yes again'}
sections:
  - {id: a, title: A}
  - {id: a, title: A again}
items:
  - id: q1
    number: 1
    text: One
    answers: yn
    parts:
      - {id: q1a, text: Part, answers: nope}
  - {id: q2, number: 1, text: Two, answer_type: text, options: [{code: x, label: X}]}
  - {id: q1a, number: 3, text: Three, answer_type: text}
"""
    )
    assert problems(text) == [
        "c.yaml:9: $.answer_sets.yn[1].code: answer code 'yes' is used twice (first at line 8);"
        " give each a different answer code",
        "c.yaml:12: $.sections[1].id: section id 'a' is used twice (first at line 11); give each"
        " a different section id",
        "c.yaml:19: $.items[0].parts[0].answers: unknown answer set 'nope'; answer sets: yn",
        "c.yaml:20: $.items[1].number: item number '1' is used twice (first at line 15); give "
        "each a different item number",
        "c.yaml:20: $.items[1].answer_type: a text item takes free text, so 'answers'/'options' "
        "do not apply; remove them or use answer_type: choice",
        "c.yaml:21: $.items[2].id: item id 'q1a' is used twice (first at line 19); give each a "
        "different item id",
    ]


def test_semantic_checks_wait_for_the_schema() -> None:
    # A schema error and a semantic error: only the schema error is shown, so the
    # semantic checks can trust the shape of the data.
    text = HEAD + "items:\n  - {id: q1, number: 1, text: One, answers: nope, colour: red}\n"
    assert problems(text) == [
        "c.yaml:7: $.items[0].colour: unknown field 'colour'; allowed "
        "here: id, number, section, text, hint, screening, scored, "
        "answer_type, answers, options, domain, parts, notes"
    ]


# --------------------------------------------------------------------------- across files


@pytest.fixture
def review_instruments(tmp_path: Path) -> Path:
    """A folder with the shipped peer-support framework and CFIR 2009, plus broken files."""
    folder = tmp_path / "instruments"
    folder.mkdir()
    with as_file(files("evidencekit.instruments")) as root:
        for name in ("peer-support-influences.yaml", "cfir-2009.yaml"):
            shutil.copy(Path(root) / "frameworks" / name, folder / name)
    (folder / "measure.yaml").write_text(
        """\
kind: measure
id: m
version: "1"
title: M
source: {citation: x, licence: MIT}
framework: peer-support-influences@2020
items:
  - {id: a, number: 1, text: A, influence: organisational-culture}
  - {id: b, number: 2, text: B, influence: organisational-climate}
scale: {min: 0, max: 3}
scoring: {method: sum, total_min: 0, total_max: 6}
""",
        encoding="utf-8",
    )
    (folder / "crosswalk.yaml").write_text(
        """\
kind: crosswalk
id: cw
version: "1"
title: CW
source: {citation: x, licence: MIT}
from: peer-support-influences
to: cfir-2022
mappings:
  - {source: psw-training, target: process}
""",
        encoding="utf-8",
    )
    (folder / "crosswalk-2.yaml").write_text(
        """\
kind: crosswalk
id: cw2
version: "1"
title: CW
source: {citation: x, licence: MIT}
from: peer-support-influences
to: cfir-2009@2009
mappings:
  - {source: psw-training, target: process}
  - {source: psw-coaching, target: inner-setting}
  - {source: psw-training, target: tension-for-change}
  - {source: psw-training, target: climate}
""",
        encoding="utf-8",
    )
    (folder / "form.yaml").write_text(
        """\
kind: form
id: f
version: "1"
title: F
source: {citation: x, licence: MIT}
groups:
  - {id: g, label: G, fields: [{id: study_id, label: S, type: string}]}
coded_influences:
  framework: peer-support-influences@1999
  columns:
    - {id: study_id, label: S, type: string}
    - {id: influence, label: I, type: string}
    - {id: direction, label: D, type: choice, allowed: [facilitator, barrier]}
""",
        encoding="utf-8",
    )
    return folder


def test_reference_problems_name_file_line_and_path(review_instruments: Path) -> None:
    catalog = Catalog()
    catalog.add_folder(review_instruments, "review")
    assert catalog.problems == []
    found = [p.replace(str(review_instruments) + "/", "") for p in reference_problems(catalog)]
    assert found == [
        "crosswalk.yaml:7: $.to: no instrument with id 'cfir-2022'; known: cfir-2009, cw, cw2, "
        "f, m, peer-support-influences",
        "crosswalk-2.yaml:10: $.mappings[1].source: peer-support-influences@2020 has no entry "
        "'psw-coaching'",
        "crosswalk-2.yaml:12: $.mappings[3].target: cfir-2009@2009 has no entry or domain "
        "'climate'",
        "form.yaml:9: $.coded_influences.framework: instrument 'peer-support-influences' has "
        "no version '1999'; versions: 2020",
        "measure.yaml:9: $.items[1].influence: peer-support-influences@2020 has no entry "
        "'organisational-climate'",
    ]


def test_reference_to_an_instrument_of_another_kind(tmp_path: Path) -> None:
    folder = tmp_path / "instruments"
    folder.mkdir()
    data = {
        "kind": "crosswalk",
        "id": "cw",
        "version": "1",
        "title": "CW",
        "source": {"citation": "x", "licence": "MIT"},
        "from": "cw",
        "to": "cw@1",
        "mappings": [{"source": "a", "target": "b"}],
    }
    (folder / "cw.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
    catalog = Catalog()
    catalog.add_folder(folder, "review")
    # 'from' and 'to' name the same framework: a semantic error, so nothing loads.
    assert len(catalog.problems) == 1 and "name the same framework" in catalog.problems[0]
    data["to"] = "other"
    data["from"] = "cw"
    (folder / "cw.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
    catalog = Catalog()
    catalog.add_folder(folder, "review")
    found = reference_problems(catalog)
    assert any("$.from: instrument 'cw' is a crosswalk, not a framework" in p for p in found)
