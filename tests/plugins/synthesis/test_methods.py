"""subgroup, sensitivity, derive-measure and crosswalk on small hand-made data."""

from __future__ import annotations

import pytest
from synthesis_helpers import make_data

from evidencekit.core.errors import EvidencekitError
from evidencekit.core.instruments import build_catalog, load_instrument
from evidencekit.core.synthesis import run_method, write_measure

# 10 studies: arm x (s0-s5) and y (s6-s9); s9 has no arm recorded; country is a list
# attribute (as a form's list field is read), s0 in two countries
STUDIES = {
    f"s{i}": {
        "arm": "x" if i < 6 else ("y" if i < 9 else ""),
        "country": ["A", "B"] if i == 0 else ["A"],
    }
    for i in range(10)
}
ROWS = (
    [(f"s{i}", "a", "facilitator", "f") for i in range(6)]  # a: 6 (all of x)
    + [(f"s{i}", "b", "barrier", "g") for i in (0, 6, 7, 8)]  # b: 4 (1 x, 3 y)
    + [("s6", "c", "facilitator", "h")]
)  # c: 1 (y)


@pytest.fixture
def data():
    return make_data(STUDIES, ROWS, studies_file="studies.csv")


def test_subgroup_hand_computed(data, framework, registry):
    result = run_method(registry, "subgroup", data, framework, {"by": "arm", "threshold": 0.2})
    groups = {g["level"]: g for g in result["subgroups"]}
    assert list(groups) == ["(not recorded)", "x", "y"]
    assert [groups[k]["n_studies"] for k in groups] == [1, 6, 3]
    assert result["partition"] is True
    x, y = groups["x"], groups["y"]
    assert [(e["id"], e["n_studies"]) for e in x["influences"]] == [("a", 6), ("b", 1), ("c", 0)]
    # whole: a 6/10, b 4/10 retained at 20 %; c 1/10 not
    assert result["whole"]["retained"] == ["a", "b"]
    assert x["dropped"] == ["b"] and x["added"] == []  # 1/6 = 17 % < 20 %
    assert y["dropped"] == ["a"] and y["added"] == ["c"]  # c 1/3 = 33 %
    assert y["strongest"] == ["b", "c"]
    assert y["small"] is True and "a small subgroup" in y["summary"]
    assert {m["id"]: (m["rank_whole"], m["rank"]) for m in y["rank_changes"]} == {
        "b": (2, 1),
        "c": (3, 2),
        "a": (1, 3),
    }
    from scipy.stats import kendalltau

    assert y["kendall_tau"] == pytest.approx(kendalltau([6, 4, 1], [0, 3, 1]).statistic)


def test_subgroup_pools_levels_and_reports_an_empty_group(data, framework, registry):
    options = registry.get("synthesis-method", "subgroup").options_from_spec(
        "arm;groups=x+y/online"
    )
    assert options == {"by": "arm", "groups": {"x+y": ["x", "y"], "online": ["online"]}}
    result = run_method(registry, "subgroup", data, framework, options)
    groups = {g["level"]: g for g in result["subgroups"]}
    assert groups["x+y"]["n_studies"] == 9
    assert groups["online"]["n_studies"] == 0
    assert groups["online"]["kendall_tau"] is None
    assert "no study is in this subgroup" in groups["online"]["summary"]
    assert result["not_in_any_level"] == ["s9"] and result["partition"] is False


def test_subgroup_by_a_list_attribute_counts_a_study_in_each_level(data, framework, registry):
    result = run_method(registry, "subgroup", data, framework, {"by": "country"})
    groups = {g["level"]: g["n_studies"] for g in result["subgroups"]}
    assert groups == {"A": 10, "B": 1}
    assert result["partition"] is False


def test_subgroup_unknown_attribute_names_the_file_and_the_attributes(data, framework, registry):
    with pytest.raises(
        EvidencekitError,
        match=r"studies.csv:1: the studies table has no "
        r"attribute 'income'; attributes: arm, country",
    ):
        run_method(registry, "subgroup", data, framework, {"by": "income"})


def test_sensitivity_by_grade_and_by_attribute(framework, registry):
    data = make_data(
        STUDIES,
        ROWS,
        grades={"s0": ["poor"], "s6": ["fair"], "s1": ["good"]},
        grades_source="grades.csv",
    )
    result = run_method(registry, "sensitivity", data, framework, {"threshold": 0.2})
    assert result["excluded"] == ["s0", "s6"] and result["n_excluded"] == 2
    assert result["n_studies"] == 8
    counts = {e["id"]: e["n_studies"] for e in result["influences"]}
    assert counts == {"a": 5, "b": 2, "c": 0}
    assert result["content_changed"] is False and result["order_changed"] is False
    assert "unchanged" in result["verdict"]
    assert any("no appraisal grade" in n for n in result["notes"])
    by_arm = run_method(
        registry,
        "sensitivity",
        data,
        framework,
        {"exclude": [{"attribute": "arm", "value": "X"}], "threshold": 0.2},
    )
    # without arm x only s6-s9 remain: a is coded by none of them, b by 3 of 4
    assert by_arm["dropped"] == ["a"] and by_arm["content_changed"] is True
    assert "drops below 20 %" in by_arm["verdict"]
    with pytest.raises(EvidencekitError, match="no study has arm = 'w'; values found"):
        run_method(
            registry,
            "sensitivity",
            data,
            framework,
            {"exclude": [{"attribute": "arm", "value": "w"}]},
        )
    with pytest.raises(EvidencekitError, match="no study is graded awful"):
        run_method(registry, "sensitivity", data, framework, {"exclude_grades": ["awful"]})


def test_sensitivity_order_change_is_computed(framework, registry):
    rows = [
        ("s0", "a", "facilitator"),
        ("s1", "a", "facilitator"),
        ("s2", "a", "barrier"),
        ("s3", "b", "barrier"),
        ("s4", "b", "barrier"),
    ]
    data = make_data(
        {f"s{i}": {} for i in range(5)},
        rows,
        grades={"s0": ["poor"], "s1": ["poor"], "s2": ["good"], "s3": ["good"], "s4": ["good"]},
    )
    result = run_method(registry, "sensitivity", data, framework, {"threshold": 0.1})
    assert result["content_changed"] is False and result["order_changed"] is True
    assert "order" in result["verdict"] and "changes" in result["verdict"]


def test_sensitivity_without_grades_says_how_to_give_them(data, framework, registry):
    with pytest.raises(EvidencekitError, match="no appraisal grades.*--appraisal FILE"):
        run_method(registry, "sensitivity", data, framework, {})


def test_derive_measure_is_loaded_by_the_instrument_loader(tmp_path, framework, registry):
    data = make_data(STUDIES, ROWS, codings_file="codings.csv", codings_sha256="0" * 64)
    data.instrument = build_catalog().get
    result = run_method(
        registry, "derive-measure", data, framework, {"threshold": 0.3, "id": "mini-measure"}
    )
    assert result["items"] == ["a", "b"]
    path = write_measure(result["measure"], tmp_path / "mini.yaml")
    measure = load_instrument(path)
    assert measure.kind == "measure" and measure.id == "mini-measure"
    assert [i.influence for i in measure.items] == ["a", "b"]
    assert (measure.scale.min, measure.scale.max) == (0, 3)  # the template's
    assert (measure.scoring.total_min, measure.scoring.total_max) == (0, 6)
    derived = measure.raw["derived_from"]
    assert derived["threshold"] == 0.3 and derived["codings_sha256"] == "0" * 64
    assert derived["framework"] == "mini@1"
    with pytest.raises(
        EvidencekitError,
        match=r"no influence .* at least 70 %.*largest share "
        r"is 60 %",
    ):
        run_method(
            registry, "derive-measure", data, framework, {"threshold": 0.7, "id": "mini-measure"}
        )


def test_an_invalid_measure_is_not_written(tmp_path, framework, registry):
    data = make_data(STUDIES, ROWS, codings_sha256="0" * 64)
    data.instrument = build_catalog().get
    measure = run_method(
        registry, "derive-measure", data, framework, {"threshold": 0.3, "id": "m"}
    )["measure"]
    measure["scoring"]["total_max"] = 99
    with pytest.raises(EvidencekitError, match="total_max"):
        write_measure(measure, tmp_path / "bad.yaml")
    assert not (tmp_path / "bad.yaml").exists()


def test_crosswalk_domains_and_conditions(registry):
    catalog = build_catalog()
    framework = catalog.get("peer-support-influences", kind="framework")
    studies = {f"s{i}": {} for i in range(4)}
    rows = [
        ("s0", "organisational-culture", "facilitator"),
        ("s1", "psw-training", "barrier"),
        ("s2", "psw-peer-network-access", "facilitator"),
        ("s3", "psw-expectations", "barrier"),
    ]
    data = make_data(studies, rows)
    data.instrument = catalog.get
    result = run_method(
        registry, "crosswalk", data, framework, {"crosswalk": "peer-support-to-cfir-2009"}
    )
    domains = {d["id"]: d for d in result["domains"]}
    inner = domains["inner-setting"]
    # culture (always), training (if internal), network (if internal): s0, s1, s2
    assert inner["n_studies"] == 3 and inner["share"] == 0.75
    assert inner["n_studies_unconditional"] == 1
    conditions = {i["id"]: i["condition"] for i in inner["influences"]}
    assert conditions["psw-training"] == "if provided internally"
    assert conditions["organisational-culture"] is None
    assert domains["intervention-characteristics"]["n_studies"] == 0
    assert domains["process"]["n_studies"] == 1  # training, always
    assert "psw-expectations" in [u["id"] for u in result["unmapped"]]
    other = catalog.get("cfir-2009", kind="framework")
    with pytest.raises(EvidencekitError, match="maps peer-support-influences@2020, not"):
        run_method(registry, "crosswalk", data, other, {"crosswalk": "peer-support-to-cfir-2009"})
