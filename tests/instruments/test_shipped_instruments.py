"""The instruments shipped with evidencekit: all valid, typed, and true to their sources.

Counts and figures are checked against the published facts of the reference review
(``../shared/reference/paper-facts.yaml`` when present) and the CASP / CFIR notes.
"""

from __future__ import annotations

import re
from importlib.resources import as_file, files
from pathlib import Path

import pytest
import yaml
from shared_folder import REFERENCE

from evidencekit.core.instruments.catalog import build_catalog, validate_paths
from evidencekit.core.instruments.checks import reference_problems
from evidencekit.core.instruments.models import (
    MODEL_BY_KIND,
    Checklist,
    Crosswalk,
    Form,
    Framework,
    Measure,
)

PAPER_FACTS = REFERENCE / "paper-facts.yaml"  # ../shared, or EVIDENCEKIT_SHARED


@pytest.fixture(scope="module")
def catalog():
    catalog = build_catalog()
    assert catalog.problems == []
    return catalog


@pytest.fixture(scope="module")
def facts() -> dict:
    if not PAPER_FACTS.exists():
        pytest.skip(f"reference facts not found at {PAPER_FACTS}")
    return yaml.safe_load(PAPER_FACTS.read_text(encoding="utf-8"))


def shipped_files() -> list[Path]:
    with as_file(files("evidencekit.instruments")) as root:
        return sorted(Path(root).rglob("*.yaml"))


EXPECTED = {
    "casp-rct": Checklist,
    "casp-qualitative": Checklist,
    "casp-cohort": Checklist,
    "casp-case-control": Checklist,
    "peer-support-influences": Framework,
    "cfir-2009": Framework,
    "cfir-2022": Framework,
    "peer-support-implementation-measure": Measure,
    "peer-support-extraction": Form,
    "peer-support-to-cfir-2009": Crosswalk,
}


def test_every_shipped_file_validates() -> None:
    paths = shipped_files()
    assert len(paths) >= len(EXPECTED)
    count, problems = validate_paths(paths)
    assert problems == []
    assert count == len(paths)


def test_every_shipped_instrument_loads_as_its_typed_class(catalog) -> None:
    entries = {e.id: e for e in catalog.entries()}
    for instrument_id, cls in EXPECTED.items():
        instrument = entries[instrument_id].instrument
        assert type(instrument) is cls
        assert MODEL_BY_KIND[instrument.kind] is cls
        assert entries[instrument_id].origin == "package"


def test_every_shipped_instrument_names_source_and_licence(catalog) -> None:
    for entry in catalog.entries():
        source = entry.instrument.source
        assert source.citation.strip() and source.licence.strip()
        assert source.url and source.url.startswith("https://")
    for instrument_id in EXPECTED:
        # The licence is stated in the file's header comment too, for someone reading it.
        text = Path(catalog.entry(instrument_id).path).read_text(encoding="utf-8")
        assert re.search(r"^# Licence:", text, re.M), instrument_id


def test_references_between_shipped_instruments_resolve(catalog) -> None:
    assert reference_problems(catalog) == []


# --------------------------------------------------------------------------- CASP


CASP = {
    # id: (questions, screening questions, free-text questions, design)
    "casp-rct": (11, ["q1", "q2", "q3"], ["q7", "q8"], "randomised controlled trial"),
    "casp-qualitative": (10, ["q1", "q2"], ["q10"], "qualitative"),
    "casp-cohort": (12, ["q1", "q2"], ["q7", "q8", "q12"], "cohort"),
    "casp-case-control": (11, ["q1", "q2", "q3"], ["q7", "q8"], "case-control"),
}


@pytest.mark.parametrize("checklist_id", sorted(CASP))
def test_casp_checklist_items(catalog, checklist_id: str) -> None:
    questions, screening, free_text, design = CASP[checklist_id]
    checklist = catalog.get(checklist_id, "2018", kind="checklist")
    assert len(checklist.items) == questions
    assert [i.number for i in checklist.items] == [str(n) for n in range(1, questions + 1)]
    assert [i.id for i in checklist.screening_items] == screening
    assert [i.id for i in checklist.items if i.answer_type == "text"] == free_text
    assert all(not checklist.item(i).scored for i in free_text)
    assert len(checklist.scored_items) == questions - len(free_text)
    for item in checklist.scored_items:
        assert checklist.answer_codes(item) == ["yes", "cant_tell", "no"]
        assert [o.label for o in item.options] == ["Yes", "Can't tell", "No"]
    assert checklist.design == design
    assert {s.label for s in checklist.sections} == {"A", "B", "C"}
    assert "CC BY-NC-SA" in checklist.source.licence
    assert "Critical Appraisal Skills Programme (2018)" in checklist.source.citation


@pytest.mark.parametrize("checklist_id", sorted(CASP))
def test_casp_scoring_is_the_reference_reviews_convention(catalog, checklist_id: str) -> None:
    scoring = catalog.get(checklist_id, kind="checklist").scoring
    assert scoring.method == "percentage-bands"
    assert scoring.points == {"yes": 1.0, "cant_tell": 0.0, "no": 0.0}
    assert scoring.denominator == "scored-items"
    assert [(b.grade, b.min_percent) for b in scoring.bands] == [
        ("good", 60.0),
        ("fair", 45.0),
        ("poor", 0.0),
    ]
    assert "Ibrahim" in scoring.convention
    assert "CASP itself does not recommend" in scoring.convention
    # 45-59 % is fair: 59 is fair, 60 good, 44.9 poor.
    assert scoring.grade_for(59) == "fair"
    assert scoring.grade_for(60) == "good"
    assert scoring.grade_for(44.9) == "poor"


def test_casp_counts_match_the_reference_review(catalog, facts) -> None:
    published = facts["appraisal"]["checklist_items"]
    for checklist_id, (_, _, _, design) in CASP.items():
        if design != "randomised controlled trial":
            assert len(catalog.get(checklist_id).items) == published[design]
    # The RCT form of 2018 has 11 questions where the review counts 10; the file says why.
    rct = catalog.get("casp-rct")
    assert published["randomised controlled trial"] == 10
    assert len(rct.items) == 11
    assert "cannot be" in rct.notes and "reproduced" in rct.notes
    assert "2006" in rct.notes


def test_casp_parts_are_recorded_not_scored(catalog) -> None:
    cohort = catalog.get("casp-cohort", kind="checklist")
    q5 = cohort.item("q5")
    assert [p.id for p in q5.parts] == ["q5a", "q5b"]
    assert [p.number for p in q5.parts] == ["5a", "5b"]
    assert all(p.options == q5.options for p in q5.parts)
    assert q5.scored


# --------------------------------------------------------------------------- frameworks


def test_peer_support_framework(catalog, facts) -> None:
    framework = catalog.get("peer-support-influences", kind="framework")
    assert len(framework.influences) == 14
    unclear = [i for i in framework.influences if i.unclear]
    assert [i.id for i in unclear] == ["psw-patient-match", "emotional-intensity"]
    results = facts["results"]
    for name, percent in results["influences_percent_of_papers"].items():
        influence = framework.resolve(name)
        assert influence.direction == "facilitator-barrier"
        assert influence.reference["percent_of_papers"] == percent
    for name, percent in results["influences_unclear_direction_percent"].items():
        assert framework.resolve(name).reference["percent_of_papers"] == percent
    # The paper's Table 1 is not available: no facilitator or barrier is invented.
    assert all(i.facilitators == [] and i.barriers == [] for i in framework.influences)
    assert "Table 1" in framework.notes
    assert "own words" in framework.source.licence


def _paper_mapping(facts: dict, cfir: Framework) -> set[tuple[str, str, str | None]]:
    """The paper's CFIR mapping as (influence name, CFIR domain id, condition)."""
    domain_ids = {d.name.lower(): d.id for d in cfir.domains}
    out = set()
    for domain, names in facts["cfir_mapping"].items():
        for text in names:
            match = re.fullmatch(r"(.+?)(?: \((.+)\))?", text)
            out.add((match.group(1), domain_ids[domain.lower()], match.group(2)))
    return out


def test_crosswalk_matches_the_paper_and_the_framework(catalog, facts) -> None:
    framework = catalog.get("peer-support-influences", kind="framework")
    cfir = catalog.get("cfir-2009", kind="framework")
    crosswalk = catalog.get("peer-support-to-cfir-2009", kind="crosswalk")
    paper = {
        (framework.resolve(name).id, target, condition)
        for name, target, condition in _paper_mapping(facts, cfir)
    }
    mapped = {(m.source, m.target, m.condition) for m in crosswalk.mappings}
    assert mapped == paper
    inline = {
        (i.id, c["target"], c["condition"]) for i in framework.influences for c in i.crosswalk
    }
    assert inline == mapped
    assert {(m.target, m.condition) for m in crosswalk.targets_for("psw-training")} == {
        ("inner-setting", "if provided internally"),
        ("process", None),
    }


def test_cfir_2009_counts(catalog) -> None:
    cfir = catalog.get("cfir-2009", kind="framework")
    assert len(cfir.domains) == 5
    assert len(cfir.influences) == 39
    per_domain = {d.id: sum(1 for i in cfir.influences if i.domain == d.id) for d in cfir.domains}
    assert per_domain == {
        "intervention-characteristics": 8,
        "outer-setting": 4,
        "inner-setting": 14,
        "characteristics-of-individuals": 5,
        "process": 8,
    }
    assert [c.id for c in cfir.children("implementation-climate")] == [
        "tension-for-change",
        "compatibility",
        "relative-priority",
        "organizational-incentives-and-rewards",
        "goals-and-feedback",
        "learning-climate",
    ]
    assert "Damschroder" in cfir.source.citation and "2009" in cfir.source.citation
    assert "CC BY" in cfir.source.licence


def test_cfir_2022_counts(catalog) -> None:
    cfir = catalog.get("cfir-2022", kind="framework")
    assert len(cfir.domains) == 5
    assert len(cfir.top_level()) == 48
    assert len([i for i in cfir.influences if i.parent is not None]) == 19
    individuals = cfir.domain("individuals")
    assert [(s.id, len(s.entries)) for s in individuals.subdomains] == [
        ("roles", 9),
        ("characteristics", 4),
    ]
    inner = [i for i in cfir.top_level() if i.domain == "inner-setting"]
    assert [i.label for i in inner] == list("ABCDEFGHIJK")
    assert "CC BY 4.0" in cfir.source.licence
    # The three 'Innovation Deliverers' entries are told apart by id, not by name.
    with pytest.raises(KeyError, match="could be any of"):
        cfir.resolve("Innovation Deliverers")
    assert cfir.resolve("assessing-needs-innovation-deliverers").parent == "assessing-needs"


# --------------------------------------------------------------------------- measure and form


def test_measure_items_are_the_influences_of_ten_percent_or_more(catalog, facts) -> None:
    measure = catalog.get("peer-support-implementation-measure", kind="measure")
    framework = catalog.get(measure.framework, kind="framework")
    threshold = [
        i
        for i in framework.influences
        if i.reference.get("percent_of_papers", 0) >= 10 and not i.unclear
    ]
    ranked = sorted(threshold, key=lambda i: -i.reference["percent_of_papers"])
    assert [item.influence for item in measure.items] == [i.id for i in ranked]
    assert len(measure.items) == facts["measure"]["items"] == 8
    assert [item.number for item in measure.items] == list(range(1, 9))
    assert (measure.scale.min, measure.scale.max) == (0, 3)
    assert measure.scale.anchors == {int(k): v for k, v in facts["measure"]["scale"].items()}
    assert (
        [measure.scoring.total_min, measure.scoring.total_max]
        == facts["measure"]["total_range"]
        == [0, 24]
    )
    assert measure.scoring.method == "sum"
    assert measure.scoring.max_missing_items == 0
    assert measure.scale.midpoint == facts["measure"]["reported"]["scale_midpoint"]
    assert measure.item_by_number(6).influence == "financial-arrangements"


def test_extraction_form(catalog, facts) -> None:
    form = catalog.get("peer-support-extraction", kind="form")
    labels = [g.label for g in form.groups]
    for wanted in (
        "Participant inclusion and exclusion criteria",
        "Peer support intervention summary",
        "PSW characteristics",
        "Country and service setting",
    ):
        assert wanted in labels
    assert form.influence_table_label.startswith("Influences")
    assert form.field("design").allowed == facts["eligibility"]["designs"]
    assert form.field("modality").allowed == ["individual", "group", "both", "not stated"]
    assert [f.id for f in form.study_attributes] == [
        "design",
        "country",
        "setting",
        "modality",
        "income_level",
    ]
    assert [c.id for c in form.influence_columns] == [
        "study_id",
        "influence",
        "direction",
        "factor",
        "evidence",
        "reviewer",
    ]
    assert form.column("direction").allowed == ["facilitator", "barrier", "unclear"]
    assert form.column("influence").values_from == "framework"
    assert form.influence_framework == "peer-support-influences@2020"
    # Every CASP checklist appraises a design the form can record.
    for checklist_id in CASP:
        assert catalog.get(checklist_id).design in form.field("design").allowed
