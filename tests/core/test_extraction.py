"""Extraction: records against a form, coded influences against a framework, studies.csv,
the seeded second-extractor sample and field-level agreement."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from reference_libraries import function

from evidencekit.core.errors import EvidencekitError, RecordFormatError
from evidencekit.core.extraction import (
    check_value,
    draw_sample,
    field_agreement,
    influence_agreement,
    read_studies,
    sniff_kind,
    split_by_reviewer,
    split_list,
    validate_influences,
    validate_records,
    validate_studies,
)
from evidencekit.core.instruments import build_catalog
from evidencekit.core.instruments.models import FormField

cohen_kappa_score = function("sklearn.metrics", "cohen_kappa_score")

DATA = Path(__file__).resolve().parents[1] / "data" / "appraisal"


@pytest.fixture(scope="module")
def form():
    return build_catalog().get("peer-support-extraction", kind="form")


@pytest.fixture(scope="module")
def framework():
    return build_catalog().get("peer-support-influences", kind="framework")


def test_valid_records_are_normalised(form):
    checked = validate_records(DATA / "extraction-b.csv", form)
    assert checked.ok, [str(p) for p in checked.problems]
    smith = checked.rows[0]
    assert smith["design"] == "qualitative"  # 'Qualitative' → the allowed value
    assert smith["country"] == ["UK"]  # a list field
    assert checked.rows[3]["country"] == ["USA", "Israel"]
    assert checked.rows[2]["income_level"] is None  # optional, left empty
    assert smith["reviewer"] == "dt"


def test_record_problems_name_file_row_study_field_value_allowed(form):
    checked = validate_records(DATA / "extraction-bad.csv", form)
    text = [str(p) for p in checked.problems]
    name = str(DATA / "extraction-bad.csv")
    assert all(t.startswith(name + ":") for t in text)
    assert any(
        "column colour: column 'colour' is not a field of form peer-support-extraction@2020" in t
        for t in text
    )
    design = next(p for p in checked.problems if p.item == "design")
    assert (design.row, design.study_id, design.value) == (2, "smith2010", "ethnography")
    assert "one of randomised controlled trial" in design.allowed
    by_item = {(p.row, p.item): p for p in checked.problems}
    assert "required field is empty" in by_item[(3, "citation")].message
    assert "only one value" in by_item[(3, "modality")].message
    assert by_item[(3, "income_level")].value == "rich"
    assert any(p.row == 4 and "study_id is empty" in p.message for p in checked.problems)
    assert len(checked.problems) == 6
    assert checked.rows == []


def test_unknown_study_when_studies_are_known(form):
    studies = read_studies(DATA / "studies.csv")
    checked = validate_records(
        DATA / "extraction-a.csv",
        form,
        studies={k: v for k, v in studies.items() if k != "lee2015"},
    )
    (problem,) = checked.problems
    assert problem.study_id == "lee2015" and problem.message.startswith("unknown study")


def test_duplicate_record_for_the_same_reviewer(form, tmp_path):
    lines = (DATA / "extraction-a.csv").read_text("utf-8").splitlines()
    path = tmp_path / "dup.csv"
    path.write_text("\n".join([*lines, lines[1]]) + "\n", "utf-8")
    checked = validate_records(path, form)
    assert [p.row for p in checked.problems] == [6]
    assert "first at line 2" in checked.problems[0].message


def test_coded_influences_checked_against_the_framework(form, framework):
    checked = validate_influences(DATA / "influences-a.csv", form, framework)
    assert checked.ok
    # the name 'Organisational culture' is accepted and stored as its id
    assert checked.rows[2]["influence"] == "organisational-culture"
    bad = validate_influences(DATA / "influences-bad.csv", form, framework)
    by_row = {p.row: p for p in bad.problems}
    assert "did you mean organisational-culture" in by_row[2].message
    assert by_row[2].value == "organisational-cultur"
    assert by_row[3].item == "direction" and by_row[3].value == "helps"
    assert "facilitator, barrier, unclear" in by_row[3].allowed
    assert by_row[4].item == "factor" and "required" in by_row[4].message


def test_studies_table_against_the_form(form, tmp_path):
    checked = validate_studies(DATA / "studies.csv", form)
    assert checked.ok, [str(p) for p in checked.problems]
    path = tmp_path / "studies.csv"
    path.write_text("study_id,design,budget\ns1,survey,10\ns1,qualitative,3\n", "utf-8")
    checked = validate_studies(path, form)
    messages = [str(p) for p in checked.problems]
    (budget,) = [p for p in checked.problems if p.item == "budget"]
    # every declared study attribute is allowed, not only the columns present in the file,
    # and the columns an "Author Year" label is read from
    assert "not a study attribute of form peer-support-extraction@2020" in budget.message
    assert budget.allowed == (
        "design, country, setting, modality, income_level, "
        "label, first_author, author, authors, year"
    )
    assert any("'survey' is not an allowed value" in m for m in messages)
    assert any("a second study row" in m for m in messages)
    with pytest.raises(RecordFormatError, match="appears twice"):
        read_studies(path)


def test_sniff_kind(tmp_path):
    assert sniff_kind(DATA / "influences-a.csv") == "influences"
    assert sniff_kind(DATA / "studies.csv") == "studies"
    assert sniff_kind(DATA / "extraction-a.csv") == "records"


@pytest.mark.parametrize(
    "spec,value,expected,problem",
    [
        (FormField("n", "N", "integer"), "12", 12, None),
        (FormField("n", "N", "integer"), "1.5", None, "whole number"),
        (FormField("x", "X", "number", min=0, max=1), "0,25", 0.25, None),
        (FormField("x", "X", "number", min=0, max=1), "2", None, "above the maximum"),
        (FormField("b", "B", "boolean"), "Yes", True, None),
        (FormField("b", "B", "boolean"), "maybe", None, "yes or no"),
        (FormField("d", "D", "date"), "2018-07", "2018-07", None),
        (FormField("d", "D", "date"), "07/2018", None, "YYYY"),
        (
            FormField("c", "C", "choice", allowed=["a", "b"], multiple=True),
            "A; b",
            ["a", "b"],
            None,
        ),
        (FormField("l", "L", "list", allowed=["x", "y"]), "x;z", None, "'z' is not an allowed"),
    ],
)
def test_check_value(spec, value, expected, problem):
    normalised, found = check_value(spec, value)
    if problem is None:
        assert found is None and normalised == expected
    else:
        assert problem in found


@settings(max_examples=50, deadline=None)
@given(st.lists(st.text(alphabet="abc ", min_size=1, max_size=5), max_size=6))
def test_split_list_property(entries):
    joined = ";".join(entries)
    assert split_list(joined) == [e.strip() for e in entries if e.strip()]


# ------------------------------------------------------------------ sampling


def test_sample_is_seeded_and_reproducible():
    ids = [f"S{i:02d}" for i in range(1, 54)]
    first = draw_sample(ids, fraction=0.1, seed=42)
    assert first["n"] == 6  # 10 % of 53 = 5.3, rounded up
    assert first == draw_sample(list(reversed(ids)), fraction=0.1, seed=42)
    assert first["study_ids"] != draw_sample(ids, fraction=0.1, seed=43)["study_ids"]
    drawn = draw_sample(ids, n=5)
    assert isinstance(drawn["seed"], int) and len(drawn["study_ids"]) == 5
    assert draw_sample(ids, n=5, seed=drawn["seed"]) == drawn
    assert draw_sample(["a", "b"], fraction=1.0, seed=1)["study_ids"] == ["a", "b"]


@pytest.mark.parametrize(
    "kwargs,message",
    [
        ({}, "either a fraction or a number"),
        ({"fraction": 0.1, "n": 3}, "either a fraction or a number"),
        ({"fraction": 1.5}, "in \\(0, 1\\]"),
        ({"n": 0}, "at least 1"),
        ({"n": 99}, "cannot sample 99"),
    ],
)
def test_sample_errors(kwargs, message):
    with pytest.raises(EvidencekitError, match=message):
        draw_sample(["a", "b", "c"], **kwargs)


# ------------------------------------------------------------------ agreement


def test_field_agreement_hand_computed(form):
    a = validate_records(DATA / "extraction-a.csv", form)
    b = validate_records(DATA / "extraction-b.csv", form)
    result = field_agreement(a, b, form)
    assert result["studies"] == ["jones2012", "khan2016", "lee2015", "smith2010"]
    # 10 fields × 4 studies; disagreements: smith psw_characteristics ('4' vs 'four'),
    # jones modality (group vs both), lee income_level (high vs empty). Case, spacing and
    # list order ('Israel; USA' vs 'USA; Israel') do not count.
    assert result["overall"]["n"] == 40 and result["overall"]["agreed"] == 37
    assert {(d["study_id"], d["field"]) for d in result["disagreements"]} == {
        ("smith2010", "psw_characteristics"),
        ("jones2012", "modality"),
        ("lee2015", "income_level"),
    }
    modality = result["fields"]["modality"]
    assert modality["percent"] == 75.0
    a_mod = ["group", "individual", "both", "individual"]  # in study order
    b_mod = ["both", "individual", "both", "individual"]
    assert modality["kappa"] == pytest.approx(cohen_kappa_score(a_mod, b_mod))
    assert "kappa" not in result["fields"]["citation"]  # free text: percent only
    assert "study_id" not in result["fields"]


def test_agreement_on_a_sample_only(form):
    a = validate_records(DATA / "extraction-a.csv", form)
    b = validate_records(DATA / "extraction-b.csv", form)
    result = field_agreement(a, b, form, only=["khan2016", "lee2015"])
    assert result["studies"] == ["khan2016", "lee2015"]
    assert result["overall"]["agreed"] == 19


def test_influence_agreement_hand_computed(form, framework):
    a = validate_influences(DATA / "influences-a.csv", form, framework)
    b = validate_influences(DATA / "influences-b.csv", form, framework)
    result = influence_agreement(a, b, framework)
    assert result["studies"] == ["jones2012", "lee2015", "smith2010"]
    assert result["influences"] == 14
    presence = result["presence"]
    assert (presence["n"], presence["agreed"]) == (42, 40)
    direction = result["direction"]
    assert (direction["n"], direction["agreed"]) == (4, 3)
    pa = [False] * 42
    pb = [False] * 42
    # same pairs as the function, for sklearn: 4 coded by both, 1 by a only, 1 by b only
    for i in range(4):
        pa[i] = pb[i] = True
    pa[4] = True
    pb[5] = True
    assert presence["kappa"] == pytest.approx(cohen_kappa_score(pa, pb))


def test_split_by_reviewer(form, tmp_path):
    lines_a = (DATA / "extraction-a.csv").read_text("utf-8").splitlines()
    lines_b = (DATA / "extraction-b.csv").read_text("utf-8").splitlines()[1:]
    path = tmp_path / "both.csv"
    path.write_text("\n".join(lines_a + lines_b) + "\n", "utf-8")
    checked = validate_records(path, form)
    assert checked.ok
    first, second, names = split_by_reviewer(checked)
    assert names == ["ni", "dt"] and len(first.rows) == len(second.rows) == 4
    with pytest.raises(EvidencekitError, match="no rows from reviewer"):
        split_by_reviewer(checked, ["ni", "xx"])


# ------------------------------------------------------------------ audit additions


@pytest.mark.parametrize(
    "spec,value,problem,allowed",
    [
        (
            FormField("d", "D", "date"),
            "2012-02-30",
            "no such day in the calendar",
            "YYYY, YYYY-MM or YYYY-MM-DD",
        ),
        (FormField("d", "D", "date"), "2011-02-29", "no such day", None),
        (
            FormField("n", "N", "integer", min=1),
            "0",
            "below the minimum 1",
            "a whole number of at least 1",
        ),
        (
            FormField("x", "X", "number", min=16, max=100),
            "101",
            "above the maximum 100",
            "a number from 16 to 100",
        ),
        (FormField("x", "X", "number", max=5), "6", "above the maximum 5", "a number of at most 5"),
        (
            FormField("l", "L", "list", allowed=["x", "y"]),
            "x;z",
            "'z' is not an allowed entry",
            "any of x, y, separated by ';'",
        ),
    ],
)
def test_values_outside_the_form_say_what_is_allowed(spec, value, problem, allowed):
    from evidencekit.core.extraction import _allowed_text

    _, found = check_value(spec, value)
    assert problem in found
    if allowed:
        assert _allowed_text(spec) == allowed


def test_a_leap_day_is_a_date():
    assert check_value(FormField("d", "D", "date"), "2012-02-29") == ("2012-02-29", None)


@settings(deadline=None)
@given(st.dates())
def test_date_property(day):
    text = day.isoformat()
    if len(text) == 10:  # years 1-9999 written with four digits
        assert check_value(FormField("d", "D", "date"), text) == (text, None)


@settings(deadline=None)
@given(st.integers(-(10**6), 10**6), st.integers(-50, 50), st.integers(-50, 50))
def test_integer_bounds_property(value, low, high):
    spec = FormField("n", "N", "integer", min=low, max=high)
    normalised, problem = check_value(spec, f" {value} ")
    if value < low:
        assert "below the minimum" in problem
    elif value > high:
        assert "above the maximum" in problem
    else:
        assert (normalised, problem) == (value, None)


def test_unknown_column_is_named_on_the_header_line(form, tmp_path):
    path = tmp_path / "records.csv"
    path.write_text("\n\nstudy_id,modalty\nsmith2010,group\n", "utf-8")
    checked = validate_records(path, form)
    (column,) = [p for p in checked.problems if p.item == "modalty"]
    assert column.row == 3 and "did you mean 'modality'" in column.message


def test_influence_ids_are_checked_on_rows_with_other_problems(form, framework, tmp_path):
    path = tmp_path / "influences.csv"
    path.write_text(
        "study_id,influence,direction,factor\nsmith2010,bogus,helps,x\n"
        "smith2010,psw-training,barrier,y\n",
        "utf-8",
    )
    checked = validate_influences(path, form, framework)
    assert [(p.row, p.item) for p in checked.problems] == [(2, "direction"), (2, "influence")]
    influence = checked.problems[1]
    assert influence.value == "bogus"
    # a small framework's ids are listed in full
    assert influence.allowed == ", ".join(sorted(framework.ids()))
    assert [r["influence"] for r in checked.rows] == ["psw-training"]


def test_empty_influence_says_what_is_allowed(form, framework, tmp_path):
    path = tmp_path / "influences.csv"
    path.write_text("study_id,influence,direction,factor\nsmith2010,,barrier,x\n", "utf-8")
    (problem,) = validate_influences(path, form, framework).problems
    assert problem.allowed == "an influence id (or name) of the framework"


def test_sampled_studies_missing_from_an_extractor_are_listed(form):
    a = validate_records(DATA / "extraction-a.csv", form)
    b = validate_records(DATA / "extraction-b.csv", form)
    b.rows = [r for r in b.rows if r["study_id"] != "lee2015"]
    result = field_agreement(a, b, form, only=["khan2016", "lee2015", "zhou2020"])
    assert result["studies"] == ["khan2016"]
    assert result["sample_missing"] == {"first": ["zhou2020"], "second": ["lee2015", "zhou2020"]}
    assert field_agreement(a, b, form)["sample_missing"] is None


def test_sampled_study_one_coder_left_without_influences_counts_as_none_coded(form, framework):
    a = validate_influences(DATA / "influences-a.csv", form, framework)
    b = validate_influences(DATA / "influences-b.csv", form, framework)
    b.rows = [r for r in b.rows if r["study_id"] != "jones2012"]
    result = influence_agreement(a, b, framework, only=["jones2012", "lee2015", "zhou2020"])
    assert result["studies"] == ["jones2012", "lee2015"]
    assert result["sample_missing"] == {"first": [], "second": ["jones2012"], "both": ["zhou2020"]}
    # jones2012: a coded organisational-culture and resource-availability, b nothing;
    # lee2015: both psw-role-definition, b also financial-arrangements → 3 of 28 differ
    presence = result["presence"]
    assert (presence["n"], presence["agreed"]) == (28, 25)
    # without a sample, a study missing from one file is not compared at all
    assert influence_agreement(a, b, framework)["studies"] == ["lee2015", "smith2010"]


@settings(deadline=None)
@given(
    st.sets(st.text(alphabet="abcdef0123", min_size=1, max_size=6), min_size=1, max_size=40),
    st.integers(0, 2**31 - 1),
    st.floats(0.01, 1.0),
)
def test_sample_property(ids, seed, fraction):
    import math

    drawn = draw_sample(sorted(ids), fraction=fraction, seed=seed)
    assert drawn["n"] == len(drawn["study_ids"]) == max(1, math.ceil(fraction * len(ids) - 1e-9))
    assert set(drawn["study_ids"]) <= ids and len(set(drawn["study_ids"])) == drawn["n"]
    # the same seed gives the same sample, whatever the order of the studies
    assert draw_sample(list(reversed(sorted(ids))), fraction=fraction, seed=seed) == drawn


def test_a_tiny_fraction_still_samples_one_study():
    assert draw_sample(["a", "b", "c"], fraction=1e-12, seed=1)["n"] == 1
    assert draw_sample([f"s{i}" for i in range(30)], fraction=0.1, seed=1)["n"] == 3


@settings(deadline=None)
@given(
    data=st.binary(max_size=300),
    suffix=st.sampled_from([".csv", ".yaml"]),
    kind=st.sampled_from(["records", "influences", "studies"]),
)
def test_any_bytes_are_checked_or_refused_with_a_located_error(
    tmp_path_factory, form, framework, data, suffix, kind
):
    """Extraction files of any content give problems or a RecordFormatError naming the
    file; never another exception (which the CLI would show as a traceback)."""
    path = tmp_path_factory.mktemp("fuzz") / f"{kind}{suffix}"
    path.write_bytes(data)
    try:
        if kind == "records":
            checked = validate_records(path, form)
        elif kind == "influences":
            checked = validate_influences(path, form, framework)
        else:
            checked = validate_studies(path, form)
    except RecordFormatError as exc:
        assert str(path) in str(exc)
    else:
        assert all(p.file == str(path) for p in checked.problems)
