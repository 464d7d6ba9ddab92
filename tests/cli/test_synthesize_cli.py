"""`evidencekit synthesize` and the `synthesize` step on the worked example: every published
figure of the reference review's synthesis, computed by the ordinary commands; bad input."""

from __future__ import annotations

import csv
import json
import math
import shutil
from collections import Counter
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from evidencekit.core.cli import cli
from evidencekit.core.instruments import build_catalog

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "docs" / "examples" / "peer-support"
REVIEW = ["--review", str(EXAMPLE)]


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def run_json(*args: str) -> dict:
    result = run(*args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def percent(share: float) -> int:
    """Rounded half up to a whole percentage, as the paper prints shares."""
    return math.floor(share * 100 + 0.5 + 1e-9)


@pytest.fixture
def paper(reference) -> dict:
    """The published facts (../shared/reference/paper-facts.yaml), or skip."""
    path = reference / "paper-facts.yaml"
    if not path.is_file():
        pytest.skip(f"paper facts not found at {path}")
    return yaml.safe_load(path.read_text("utf-8"))


@pytest.fixture
def facts(paper) -> dict:
    return paper["results"]


@pytest.fixture(scope="module")
def framework():
    return build_catalog().get("peer-support-influences", kind="framework")


def ids_of(framework, names) -> list[str]:
    return [framework.resolve(name).id for name in names]


# ------------------------------------------------------------ the published figures


@pytest.fixture(scope="module")
def vote() -> dict:
    return run_json("synthesize", "vote-count", *REVIEW)


def test_table1_shares_and_order_are_the_published_ones(vote, facts, framework):
    assert vote["n_studies"] == facts["studies_included"] == 53
    published = facts["influences_percent_of_papers"]
    assert [e["id"] for e in vote["influences"]] == ids_of(framework, published)
    assert [percent(e["share"]) for e in vote["influences"]] == list(published.values())
    unclear = facts["influences_unclear_direction_percent"]
    assert [e["id"] for e in vote["unclear_direction"]] == ids_of(framework, unclear)
    assert [percent(e["share"]) for e in vote["unclear_direction"]] == list(unclear.values())
    # the two ties (13 %, 6 %) are broken by the stated rule, framework order
    assert "order in which framework peer-support-influences@2020" in vote["tie_rule"]
    assert vote["influences"][6]["tied_with"] == ["psw-peer-network-access"]
    for entry in vote["influences"]:
        assert set(entry) >= {
            "id",
            "name",
            "n_studies",
            "share",
            "facilitators",
            "barriers",
            "unclear",
        }


def test_table1_as_csv_and_markdown(tmp_path):
    target = tmp_path / "table1.csv"
    result = run("synthesize", "vote-count", *REVIEW, "--format", "csv", "-o", str(target))
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(target.open(encoding="utf-8")))
    assert [r["percent"] for r in rows[:3]] == ["53", "42", "40"]
    assert rows[0]["influence"] == "Organisational culture" and rows[0]["n_studies"] == "28"
    assert rows[-1]["rank"] == "unclear 2"
    markdown = run("synthesize", "vote-count", *REVIEW, "--format", "markdown").stdout
    assert "| 1 | Organisational culture | 28 (53 %) |" in markdown
    assert "Of unclear direction" in markdown


@pytest.fixture(scope="module")
def by_modality() -> dict:
    return run_json("synthesize", "subgroup", "--by", "modality", *REVIEW)


def test_subgroup_individual_modality(by_modality, facts, framework):
    published = facts["subgroup_individual_only"]
    group = next(g for g in by_modality["subgroups"] if g["level"] == "individual")
    assert group["n_studies"] == published["studies"] == 13
    assert group["strongest"] == ids_of(framework, published["three_strongest"])
    eight = by_modality["whole"]["retained"]
    assert len(eight) == 8
    assert published["eight_strongest_all_retained"] is True
    assert set(eight) <= set(group["retained"]) and group["dropped"] == []


def test_subgroup_group_modality(by_modality, facts, framework):
    published = facts["subgroup_group_only"]
    group = next(g for g in by_modality["subgroups"] if g["level"] == "group")
    assert group["n_studies"] == published["studies"] == 6
    assert sorted(group["dropped"]) == sorted(
        ids_of(framework, published["removed_from_framework"])
    )
    assert group["strongest"][0] == framework.resolve(published["strongest"]).id
    assert group["influences"][0]["n_studies"] > group["influences"][1]["n_studies"]
    assert group["small"] is True and "a small subgroup" in group["summary"]


def test_subgroup_levels_partition_the_studies(by_modality, facts):
    assert by_modality["partition"] is True
    counts = {g["level"]: g["n_studies"] for g in by_modality["subgroups"]}
    modality = facts["modality"]
    assert counts == {
        "individual": modality["individual"],
        "group": modality["group"],
        "both": modality["both"],
        "not stated": modality["not_stated"],
    }
    for group in by_modality["subgroups"]:
        assert set(group) >= {"level", "n_studies", "influences", "dropped", "kendall_tau"}


def test_sensitivity_without_poor_and_fair_studies(facts):
    published = facts["sensitivity_excluding_poor_and_fair"]
    result = run_json("synthesize", "sensitivity", *REVIEW)
    assert result["n_excluded"] == published["excluded_studies"] == 6
    assert result["n_studies"] == 47
    assert result["content_changed"] is published["content_or_ordering_changed"] is False
    assert result["order_changed"] is False
    assert result["dropped"] == []
    assert "unchanged" in result["verdict"]


def test_sensitivity_reads_appraise_score_output(tmp_path):
    grades = tmp_path / "appraisal.json"
    result = run(
        "appraise",
        "score",
        *REVIEW,
        "--answers",
        str(EXAMPLE / "appraisal-answers.csv"),
        "--json",
        "-o",
        str(grades),
    )
    assert result.exit_code == 0, result.output
    out = run_json(
        "synthesize",
        "sensitivity",
        *REVIEW,
        "--appraisal",
        str(grades),
        "--exclude-grade",
        "poor,fair",
    )
    assert out["excluded"] == ["S07", "S15", "S26", "S33", "S44", "S50"]
    assert out["content_changed"] is False and out["order_changed"] is False
    by_design = run_json("synthesize", "sensitivity", *REVIEW, "--exclude", "design=case-control")
    assert by_design["n_excluded"] == 1 and by_design["n_studies"] == 52


def test_derived_measure_is_the_shipped_implementation_measure(tmp_path):
    out = tmp_path / "derived.yaml"
    result = run_json(
        "synthesize",
        "derive-measure",
        "--threshold",
        "0.10",
        "--id",
        "derived-measure",
        "--out",
        str(out),
        *REVIEW,
    )
    shipped = build_catalog().get("peer-support-implementation-measure", kind="measure")
    assert result["items"] == [item.influence for item in shipped.items]
    assert len(result["items"]) == 8 and result["threshold"] == 0.10
    assert result["file"] == str(out)
    from evidencekit.core.instruments import load_instrument

    derived = load_instrument(out)
    assert [i.influence for i in derived.items] == [i.influence for i in shipped.items]
    assert derived.scale == shipped.scale
    provenance = derived.raw["derived_from"]
    import hashlib

    assert (
        provenance["codings_sha256"]
        == hashlib.sha256((EXAMPLE / "codings.csv").read_bytes()).hexdigest()
    )
    assert provenance["framework"] == "peer-support-influences@2020"
    assert provenance["threshold"] == 0.10
    # scorable straight away, with the example's ratings, and the same totals as the shipped
    scored = run_json(
        "measure", "score", "--measure", str(out), "--ratings", str(EXAMPLE / "ratings.csv")
    )
    reference = run_json(
        "measure",
        "score",
        "--measure",
        "peer-support-implementation-measure",
        "--ratings",
        str(EXAMPLE / "ratings.csv"),
    )
    assert [u["total"] for u in scored["units"]] == [u["total"] for u in reference["units"]]


def test_crosswalk_is_the_papers_cfir_map(paper):
    mapping = paper["cfir_mapping"]
    result = run_json(
        "synthesize", "crosswalk", "--crosswalk", "peer-support-to-cfir-2009", *REVIEW
    )
    computed = {
        d["name"].casefold(): sorted(
            (i["name"] + (f" ({i['condition']})" if i["condition"] else "")).casefold()
            for i in d["influences"]
        )
        for d in result["domains"]
        if d["influences"]
    }
    assert computed == {
        k.casefold(): sorted(v.casefold() for v in names) for k, names in mapping.items()
    }
    inner = next(d for d in result["domains"] if d["id"] == "inner-setting")
    assert 0 < inner["share"] <= 1 and inner["n_studies_unconditional"] <= inner["n_studies"]


# ------------------------------------------------------------ the constructed data


def test_studies_reproduce_the_published_marginals(facts):
    from evidencekit.core.synthesis import read_studies_table

    form = build_catalog().get("peer-support-extraction", kind="form")
    studies, _ = read_studies_table(EXAMPLE / "studies.csv", form)
    assert len(studies) == facts["studies_included"]
    assert Counter(s["design"] for s in studies.values()) == Counter(facts["designs"])
    countries = Counter(" and ".join(s["country"]) for s in studies.values())
    assert countries == Counter(facts["countries"])
    modality = Counter(s["modality"] for s in studies.values())
    assert modality == Counter(
        {k.replace("_", " "): v for k, v in facts["modality"].items() if k != "stated"}
    )
    assert sum(modality.values()) - modality["not stated"] == facts["modality"]["stated"]


def test_grades_and_designs_agree_with_the_appraisal(facts):
    result = run_json(
        "appraise", "score", *REVIEW, "--answers", str(EXAMPLE / "appraisal-answers.csv")
    )
    assert result["grades"] == facts["quality"]
    designs = {
        r["study_id"]: r["design"]
        for r in csv.DictReader((EXAMPLE / "studies.csv").open(encoding="utf-8"))
    }
    assert {s["study_id"]: s["design"] for s in result["studies"]} == designs


def test_example_files_validate_against_the_form():
    result = run(
        "extract", "validate", *REVIEW, str(EXAMPLE / "studies.csv"), str(EXAMPLE / "codings.csv")
    )
    assert result.exit_code == 0, result.output


def test_construction_script_check_passes():
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, str(EXAMPLE / "construct_synthesis_data.py"), "--check"],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr


# ------------------------------------------------------------ the pipeline


def test_synthesize_step_in_evidencekit_run(tmp_path, facts, framework):
    review = tmp_path / "review"
    shutil.copytree(EXAMPLE, review, ignore=shutil.ignore_patterns("outputs", "*.sqlite*"))
    result = run("run", "--review", str(review), "--only", "synthesize", "--only", "report")
    assert result.exit_code == 0, result.output
    outputs = review / "outputs"
    vote = json.loads((outputs / "synthesis-vote-count.json").read_text("utf-8"))
    assert [percent(e["share"]) for e in vote["influences"]] == list(
        facts["influences_percent_of_papers"].values()
    )
    sensitivity = json.loads((outputs / "synthesis-sensitivity.json").read_text("utf-8"))
    assert sensitivity["n_excluded"] == 6 and not sensitivity["content_changed"]
    measure = yaml.safe_load((outputs / "derived-implementation-measure.yaml").read_text("utf-8"))
    shipped = build_catalog().get("peer-support-implementation-measure", kind="measure")
    assert [i["influence"] for i in measure["items"]] == [i.influence for i in shipped.items]
    for name in (
        "table1.csv",
        "table1.md",
        "synthesis-subgroup.md",
        "synthesis-shares.svg",
        "synthesis-subgroups-modality.svg",
        "synthesis-crosswalk.md",
    ):
        assert (outputs / name).is_file(), name
    report = (outputs / "report.md").read_text("utf-8")
    assert "### Table 1: influences coded in 53 studies" in report
    assert "### Subgroups by modality" in report
    assert "the 8 retained influences and their order are unchanged" in report
    assert "1. Organisational culture (53 %)" in report
    assert "### Map onto cfir-2009@2009" in report


def test_synthesize_step_options_are_checked_at_plan_time(tmp_path):
    review = tmp_path / "review"
    shutil.copytree(EXAMPLE, review, ignore=shutil.ignore_patterns("outputs", "*.sqlite*"))
    text = (
        (review / "review.yaml")
        .read_text("utf-8")
        .replace("          by: modality", "          by: modality\n          threshold: 2")
    )
    (review / "review.yaml").write_text(text, "utf-8")
    result = run("run", "--review", str(review), "--only", "synthesize")
    assert result.exit_code == 1
    assert "methods[1] (subgroup)" in result.output and "threshold" in result.output
    assert not (review / "outputs").exists()


# ------------------------------------------------------------ bad input


@pytest.fixture
def copy(tmp_path) -> Path:
    folder = tmp_path / "review"
    shutil.copytree(
        EXAMPLE, folder, ignore=shutil.ignore_patterns("outputs", "*.sqlite*", "exports")
    )
    return folder


def fails(*args: str) -> str:
    result = run(*args)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    return result.output


def test_unknown_framework(copy, tmp_path):
    out = tmp_path / "out.json"
    message = fails(
        "synthesize",
        "vote-count",
        "--review",
        str(copy),
        "--framework",
        "no-such-framework",
        "-o",
        str(out),
    )
    assert "no-such-framework" in message
    assert not out.exists()


def test_unknown_influence_names_file_line_and_allowed(copy, tmp_path):
    codings = copy / "codings.csv"
    lines = codings.read_text("utf-8").splitlines()
    lines[3] = lines[3].replace("financial-arrangements", "financial-arrangement")
    codings.write_text("\n".join(lines) + "\n", "utf-8")
    out = tmp_path / "out.json"
    message = fails("synthesize", "vote-count", "--review", str(copy), "-o", str(out))
    assert "codings.csv:4:" in message
    assert "not an influence of framework peer-support-influences@2020" in message
    assert "did you mean financial-arrangements" in message and "allowed:" in message
    assert not out.exists()


def test_codings_with_wrong_columns(copy):
    codings = copy / "codings.csv"
    text = codings.read_text("utf-8").replace(
        "study_id,influence,direction,", "study_id,influence,polarity,", 1
    )
    codings.write_text(text, "utf-8")
    message = fails("synthesize", "vote-count", "--review", str(copy))
    assert "codings.csv:1: the coded influences lack column(s) direction" in message
    assert "required: study_id, influence, direction" in message


def test_study_not_in_studies_table(copy):
    with (copy / "codings.csv").open("a", encoding="utf-8") as handle:
        handle.write("S99,psw-training,facilitator,x,constructed,R1\n")
    message = fails("synthesize", "vote-count", "--review", str(copy))
    assert "codings.csv:" in message and "study S99" in message
    assert "not in the studies table" in message


@pytest.mark.parametrize("value", ["0", "1.5", "-0.1"])
def test_threshold_outside_zero_one(copy, tmp_path, value):
    out = tmp_path / "m.yaml"
    message = fails(
        "synthesize",
        "derive-measure",
        "--review",
        str(copy),
        "--threshold",
        value,
        "--id",
        "m",
        "--out",
        str(out),
    )
    assert f"--threshold {float(value):g}: must be a share of studies in (0, 1]" in message
    assert not out.exists()


def test_subgroup_attribute_the_studies_table_lacks(copy, tmp_path):
    out = tmp_path / "sub.json"
    message = fails(
        "synthesize", "subgroup", "--review", str(copy), "--by", "setting", "--json", "-o", str(out)
    )
    assert "studies.csv:1: the studies table has no attribute 'setting'" in message
    assert "attributes: design, country, modality, income_level" in message
    assert not out.exists()


def test_bad_by_spec_and_exclude(copy):
    assert "unknown part" in fails(
        "synthesize", "subgroup", "--review", str(copy), "--by", "modality;pool=a"
    )
    assert "write ATTRIBUTE=VALUE" in fails(
        "synthesize", "sensitivity", "--review", str(copy), "--exclude", "design"
    )


def test_bad_appraisal_file(copy, tmp_path):
    grades = tmp_path / "grades.csv"
    grades.write_text("study_id,grade\nS01,good\nS77,poor\n", "utf-8")
    message = fails("synthesize", "sensitivity", "--review", str(copy), "--appraisal", str(grades))
    assert "grades.csv: grades for 1 study not in the studies table: S77" in message
