"""Ratings reading and validation, scoring under the missing-data rule, Table 2."""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evidencekit.core.errors import RecordFormatError, RegistryError
from evidencekit.core.instruments.models import build_instrument
from evidencekit.core.measure import (
    RatingsError,
    build_ratings,
    build_units,
    check_units,
    parse_analysis_spec,
    read_ratings,
    read_units,
    render_table2,
    round_half_up,
    table2,
)
from evidencekit.core.registry import build_registry


def make_measure(max_missing: int = 0, rule: str = "prorate"):
    """A four-item, 0-3 measure (total 0-12)."""
    return build_instrument(
        {
            "kind": "measure",
            "id": "mini",
            "version": "1",
            "title": "Mini measure",
            "source": {"citation": "test", "licence": "CC0"},
            "items": [
                {"id": "culture", "number": 1, "text": "Culture"},
                {"id": "training", "number": 2, "text": "Training"},
                {"id": "roles", "number": 3, "text": "Roles"},
                {"id": "money", "number": 4, "text": "Money"},
            ],
            "scale": {"min": 0, "max": 3, "anchors": {0: "none", 3: "all"}},
            "scoring": {
                "method": "sum",
                "total_min": 0,
                "total_max": 12,
                "missing": {"max_missing_items": max_missing, "rule": rule},
            },
        }
    )


@pytest.fixture
def measure():
    return make_measure()


def write(tmp_path, text, name="ratings.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


# ------------------------------------------------------------------- reading


def test_wide_file_with_item_numbers(tmp_path, measure):
    path = write(tmp_path, "unit,rater,1,2,3,4\nA,lead,0,1,2,3\nB,lead,3,3,2,2\n")
    ratings = read_ratings(path, measure)
    assert ratings.layout == "wide"
    assert ratings.units == ["A", "B"]
    scores = ratings.scores
    assert [(u.unit, u.total, u.mean_item) for u in scores.units] == [
        ("A", 6.0, 1.5),
        ("B", 10.0, 2.5),
    ]
    item = {i.id: i for i in scores.items}
    assert (item["culture"].mean, item["culture"].min, item["culture"].max) == (1.5, 0, 3)


def test_wide_file_with_item_ids_and_labels_and_no_rater_column(tmp_path, measure):
    path = write(tmp_path, "Unit;Culture;item 2;Q3;money;notes\nA;1;1;1;1;fine\n")
    ratings = read_ratings(path, measure)
    assert ratings.raters == [""]
    assert ratings.scores.units[0].total == 4.0


def test_long_file_is_detected(tmp_path, measure):
    rows = "".join(f"A,r1,{i},2\n" for i in ("culture", "training", "3", "item 4"))
    ratings = read_ratings(write(tmp_path, "unit,rater,item,score\n" + rows), measure)
    assert ratings.layout == "long"
    assert ratings.scores.units[0].total == 8.0


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "cp1252"])
def test_encodings(tmp_path, measure, encoding):
    text = "unit,rater,1,2,3,4\nDar es Salaam,Ndèye,1,2,3,0\n"
    ratings = read_ratings(write(tmp_path, text, encoding=encoding), measure)
    assert ratings.raters == ["Ndèye"]
    assert ratings.units == ["Dar es Salaam"]


def test_several_raters_are_averaged_per_item(tmp_path, measure):
    path = write(tmp_path, "unit,rater,1,2,3,4\nA,x,0,1,2,3\nA,y,1,1,3,3\n")
    unit = read_ratings(path, measure).scores.units[0]
    assert unit.n_raters == 2
    assert unit.items == {"culture": 0.5, "training": 1.0, "roles": 2.5, "money": 3.0}
    assert unit.total == 7.0


# -------------------------------------------------------------- bad ratings


@pytest.mark.parametrize(
    "text,expected",
    [
        (
            "unit,rater,1,2,3,4,5\nA,x,0,1,2,3,1\n",
            r"ratings.csv:1: column '5' is not an item of measure mini",
        ),
        (
            "unit,rater,item,score\nA,x,culture,1\nA,x,vision,2\n",
            r"ratings.csv:3: item 'vision' is not an item of measure mini",
        ),
        (
            "unit,rater,1,2,3,4\nA,x,0,4,2,3\n",
            r"ratings.csv:2: unit 'A', item 2 \(training\): score 4 is off the scale; expected a "
            r"whole number from 0 to 3 \(0 = none; 3 = all\)",
        ),
        ("unit,rater,1,2,3,4\nA,x,0,1.5,2,3\n", r"ratings.csv:2: .*score 1.5 is off the scale"),
        ("unit,rater,1,2,3,4\nA,x,0,1,-1,3\n", r"ratings.csv:2: .*score -1 is off the scale"),
        (
            "unit,rater,1,2,3,4\nA,x,0,high,2,3\n",
            r"ratings.csv:2: unit 'A', item 2 \(training\): score 'high' is not a number",
        ),
        ("unit,rater,1,2,3\nA,x,0,1,2\n", r"ratings.csv:1: no column for item 4 \(money\)"),
        (
            "unit,rater,1,2,3,4\nA,x,0,1,2,3\nA,x,1,1,1,1\n",
            r"ratings.csv:3: unit 'A' is rated again by rater 'x' \(first at line 2\)",
        ),
        (
            "unit,rater,item,score\nA,x,1,1\nA,x,culture,2\n",
            r"ratings.csv:3: unit 'A', item 1 is rated again by rater 'x' \(first at line 2\)",
        ),
        ("unit,rater,1,2,3,4\n,x,0,1,2,3\n", r"ratings.csv:2: the unit is empty"),
        ("rater,1,2,3,4\nx,0,1,2,3\n", r"ratings.csv:1: no 'unit' column"),
        ("unit,rater,1,2,3,4\n", r"ratings.csv: no ratings below the header"),
        ("", r"ratings.csv:1: the file is empty"),
        ("unit,rater,1,1,2,3,4\nA,x,0,0,1,2,3\n", r"columns '1' and '1' are both item 1"),
    ],
)
def test_bad_ratings_name_file_and_line(tmp_path, measure, text, expected):
    with pytest.raises(RatingsError, match=expected) as info:
        read_ratings(write(tmp_path, text), measure)
    assert isinstance(info.value, RecordFormatError)


def test_empty_trailing_column_is_ignored_but_extra_cells_are_not(tmp_path, measure):
    ratings = read_ratings(write(tmp_path, "unit,rater,1,2,3,4,\nA,x,1,1,1,1,\n"), measure)
    assert ratings.scores.units[0].total == 4.0
    with pytest.raises(RatingsError, match=r"ratings.csv:2: column 7 has a value but no name"):
        read_ratings(write(tmp_path, "unit,rater,1,2,3,4,\nA,x,1,1,1,1,5\n"), measure)
    with pytest.raises(RatingsError, match=r"ratings.csv:3: 7 cells but the header has 6"):
        read_ratings(write(tmp_path, "unit,rater,1,2,3,4\nA,x,1,1,1,1\nB,x,1,1,1,1,1\n"), measure)


def test_every_problem_is_listed(tmp_path, measure):
    path = write(tmp_path, "unit,rater,1,2,3,4\nA,x,9,1,2,3\nB,x,0,x,2,3\n")
    with pytest.raises(RatingsError) as info:
        read_ratings(path, measure)
    assert [p.split(":")[1] for p in info.value.problems] == ["2", "3"]
    assert "(and 1 more problem)" in str(info.value)


def test_missing_file(tmp_path, measure):
    with pytest.raises(RatingsError, match="no such file"):
        read_ratings(tmp_path / "nope.csv", measure)


# ----------------------------------------------------------- missing-data rule


def test_unit_with_a_gap_is_not_scored_when_the_measure_allows_none(tmp_path, measure):
    path = write(tmp_path, "unit,rater,1,2,3,4\nA,x,1,,2,3\nB,x,1,1,1,1\n")
    scores = read_ratings(path, measure).scores
    a = scores.unit("A")
    assert a.total is None and a.mean_item is None and a.missing == ["training"]
    assert a.reason == (
        "ratings.csv:2: unit 'A' not scored: 1 of 4 items not rated (item 2); "
        "the measure allows at most 0"
    ).replace("ratings.csv", str(path))
    assert [u.unit for u in scores.scored] == ["B"]
    # item summaries use scored units only
    assert {i.id: i.n for i in scores.items} == {
        "culture": 1,
        "training": 1,
        "roles": 1,
        "money": 1,
    }


def test_prorated_gap(tmp_path):
    path = write(tmp_path, "unit,rater,1,2,3,4\nA,x,1,NA,2,3\n")
    unit = read_ratings(path, make_measure(1, "prorate")).scores.unit("A")
    assert unit.mean_item == 2.0 and unit.total == 8.0


def test_gap_counted_as_minimum(tmp_path):
    path = write(tmp_path, "unit,rater,1,2,3,4\nA,x,1,,2,3\n")
    unit = read_ratings(path, make_measure(1, "count-as-min")).scores.unit("A")
    assert unit.total == 6.0 and unit.mean_item == 1.5


def test_long_file_gap_by_absent_row(tmp_path):
    text = "unit,rater,item,score\nA,x,1,1\nA,x,2,1\nA,x,3,1\nB,x,1,1\nB,x,2,1\nB,x,3,1\nB,x,4,1\n"
    scores = read_ratings(write(tmp_path, text), make_measure()).scores
    assert scores.unit("A").total is None and scores.unit("A").missing == ["money"]
    assert scores.unit("B").total == 4.0


# ---------------------------------------------------------------------- units


def test_units_file_and_check(tmp_path, measure):
    units = read_units(
        write(tmp_path, "unit,income,psw_experience\nA,high,yes\nB,low,NA\n", "units.csv")
    )
    assert units.columns == ["income", "psw_experience"]
    assert units.value("B", "psw_experience") is None
    assert units.levels("income") == ["high", "low"]
    ratings = build_ratings(measure, [(u, "x", i, 1) for u in "AB" for i in range(1, 5)])
    check_units(ratings, units)


def test_rated_unit_without_attributes_is_an_error(tmp_path, measure):
    units = read_units(write(tmp_path, "unit,income\nA,high\n", "units.csv"))
    path = write(tmp_path, "unit,rater,1,2,3,4\nA,x,1,1,1,1\nUlm,x,1,1,1,1\n")
    with pytest.raises(RatingsError, match=r"ratings.csv:3: unit 'Ulm' has no row in .*units.csv"):
        check_units(read_ratings(path, measure), units)


def test_units_file_problems(tmp_path):
    with pytest.raises(RatingsError, match=r"units.csv:3: unit 'A' appears again"):
        read_units(write(tmp_path, "unit,income\nA,high\nA,low\n", "units.csv"))
    with pytest.raises(RatingsError, match=r"units.csv:1: no 'unit' column"):
        read_units(write(tmp_path, "site,income\nA,high\n", "units.csv"))


# -------------------------------------------------------------------- Table 2


def test_table2_with_group_means(measure):
    ratings = build_ratings(
        measure,
        [
            *[("A", "x", i, s) for i, s in zip(range(1, 5), [0, 1, 2, 3], strict=True)],
            *[("B", "x", i, s) for i, s in zip(range(1, 5), [2, 2, 2, 2], strict=True)],
            *[("C", "x", i, s) for i, s in zip(range(1, 5), [3, 3, 3, 0], strict=True)],
        ],
    )
    units = build_units({"A": {"size": "small"}, "B": {"size": "big"}, "C": {"size": "big"}})
    table = table2(ratings.scores, units, by="size")
    assert table["units"] == ["A", "B", "C"]
    assert list(table["groups"]) == ["big", "small"]
    culture = table["rows"][0]
    assert culture["scores"] == {"A": 0.0, "B": 2.0, "C": 3.0}
    assert culture["mean"] == pytest.approx(5 / 3)
    assert culture["groups"] == {"big": 2.5, "small": 0.0}
    assert table["total"]["scores"] == {"A": 6.0, "B": 8.0, "C": 9.0}
    assert table["total"]["groups"] == {"big": 8.5, "small": 6.0}
    assert table["mean_item"]["groups"]["big"] == pytest.approx(2.125)
    md = render_table2(table, "markdown")
    assert md.splitlines()[0] == "| Item | A | B | C | Mean | size = big | size = small |"
    assert "| 1. Culture | 0 | 2 | 3 | 1.67 | 2.50 | 0.00 |" in md
    assert md.splitlines()[-1] == "| Mean item score | 1.50 | 2.00 | 2.25 | 1.92 | 2.13 | 1.50 |"
    rows = list(csv.reader(io.StringIO(render_table2(table, "csv"))))
    assert rows[-2] == ["Total score", "6", "8", "9", "7.67", "8.50", "6.00"]


def test_table2_needs_units_to_group(measure):
    ratings = build_ratings(measure, [("A", "x", i, 1) for i in range(1, 5)])
    with pytest.raises(RatingsError, match="needs the units file"):
        table2(ratings.scores, None, by="size")
    with pytest.raises(RatingsError, match="no column 'size'"):
        table2(ratings.scores, build_units({"A": {"income": "low"}}), by="size")


def test_round_half_up():
    assert round_half_up(0.75) == 0.8
    assert round_half_up(1.75) == 1.8
    assert round_half_up(0.25) == 0.3  # round() would give 0.2
    assert round_half_up(1.3333) == 1.3


# -------------------------------------------------------------- analysis specs


@pytest.fixture(scope="module")
def registry():
    return build_registry()


def test_analysis_specs(registry):
    assert parse_analysis_spec("floor-ceiling", registry) == ("floor-ceiling", {})
    assert parse_analysis_spec("floor-ceiling:threshold=0.2;min_item_range=1", registry) == (
        "floor-ceiling",
        {"threshold": 0.2, "min_item_range": 1},
    )
    name, options = parse_analysis_spec(
        "known-groups:income=similar;groups=low+lower-middle/high;margin=0.3", registry
    )
    assert options == {
        "attribute": "income",
        "expect": "similar",
        "margin": 0.3,
        "groups": {"low+lower-middle": ["low", "lower-middle"], "high": ["high"]},
    }
    _, options = parse_analysis_spec("known-groups:psw_experience=differ;higher=yes", registry)
    assert options == {"attribute": "psw_experience", "expect": "differ", "higher": "yes"}
    _, options = parse_analysis_spec(
        'known-groups:{"attribute": "income", "expect": "similar", '
        '"groups": {"lmic": ["low", "lower-middle"], "hic": ["high"]}}',
        registry,
    )
    assert options["groups"]["lmic"] == ["low", "lower-middle"]


@pytest.mark.parametrize(
    "spec,message",
    [
        ("nonsense", "unknown validity-analysis 'nonsense'; known: floor-ceiling"),
        ("floor-ceiling:threshold=2", "invalid options for validity-analysis 'floor-ceiling'"),
        ("known-groups:income=maybe", "unknown option 'income'"),
        ("known-groups:income=similar;groups=a/b/c", "must name exactly two groups"),
        ("inter-rater:form=ICC7", "invalid options"),
        ("known-groups:{oops", "not valid JSON"),
    ],
)
def test_bad_analysis_specs(registry, spec, message):
    with pytest.raises(RegistryError, match=message.replace("(", r"\(")):
        parse_analysis_spec(spec, registry)


# ----------------------------------------------------------------- properties


@st.composite
def rating_tables(draw):
    units = draw(
        st.lists(
            st.text("abcdefgh XYZ", min_size=1, max_size=8).map(str.strip).filter(bool),
            min_size=1,
            max_size=6,
            unique=True,
        )
    )
    raters = draw(
        st.lists(st.sampled_from(["r1", "r2", "r3"]), min_size=1, max_size=3, unique=True)
    )
    cells = {
        (u, r): draw(st.lists(st.one_of(st.none(), st.integers(0, 3)), min_size=4, max_size=4))
        for u in units
        for r in raters
    }
    return units, raters, cells


@given(rating_tables())
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
def test_wide_and_long_layouts_give_the_same_scores(tmp_path, table):
    units, raters, cells = table
    measure = make_measure(max_missing=1)
    wide = ["unit,rater,1,2,3,4"] + [
        ",".join([u, r, *("" if v is None else str(v) for v in cells[(u, r)])])
        for u in units
        for r in raters
    ]
    long = ["unit,rater,item,score"] + [
        f"{u},{r},{i + 1},{'' if v is None else v}"
        for u in units
        for r in raters
        for i, v in enumerate(cells[(u, r)])
    ]
    a = read_ratings(write(tmp_path, "\n".join(wide) + "\n", "w.csv"), measure).scores
    b = read_ratings(write(tmp_path, "\n".join(long) + "\n", "l.csv"), measure).scores
    assert [(u.unit, u.total, u.mean_item, u.missing) for u in a.units] == [
        (u.unit, u.total, u.mean_item, u.missing) for u in b.units
    ]
    for u in a.units:
        if u.total is not None:
            assert 0 <= u.total <= 12
            assert u.mean_item == pytest.approx(u.total / 4)
