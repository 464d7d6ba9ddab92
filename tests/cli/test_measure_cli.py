"""`evidencekit measure`: the worked example's published figures, and bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from shared_folder import REFERENCE

from evidencekit.core.cli import cli
from evidencekit.core.measure import round_half_up

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "docs" / "examples" / "peer-support"
FACTS = REFERENCE / "paper-facts.yaml"  # ../shared, or EVIDENCEKIT_SHARED
MEASURE = "peer-support-implementation-measure"


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def run_json(*args: str) -> dict:
    result = run(*args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def example(name: str) -> str:
    return str(EXAMPLE / name)


# ------------------------------------------------------------ the worked example


@pytest.fixture(scope="module")
def scored() -> dict:
    return run_json("measure", "score", "--measure", MEASURE, "--ratings", example("ratings.csv"))


@pytest.fixture(scope="module")
def validity() -> dict:
    return run_json(
        "measure",
        "validity",
        "--measure",
        MEASURE,
        "--ratings",
        example("ratings.csv"),
        "--units",
        example("units.csv"),
        "--analysis",
        "floor-ceiling",
        "--analysis",
        "known-groups:psw_experience=differ",
        "--analysis",
        "known-groups:income=similar;groups=low+lower-middle/high",
        "--analysis",
        "internal-consistency",
        "--analysis",
        "inter-rater",
    )


def test_example_score_json_shape(scored):
    assert [u["unit"] for u in scored["units"]] == [
        "Ulm",
        "Hamburg",
        "Kampala",
        "Dar es Salaam",
        "Beer Sheva",
        "Pune",
    ]
    for unit in scored["units"]:
        assert {"unit", "total", "mean_item"} <= set(unit)
        assert unit["mean_item"] == pytest.approx(unit["total"] / 8)
    assert [i["id"] for i in scored["items"]][0] == "organisational-culture"
    for item in scored["items"]:
        assert {"id", "mean", "min", "max"} <= set(item)


def test_example_item_means_run_from_1_2_to_1_7(scored):
    means = [round_half_up(i["mean"]) for i in scored["items"]]
    assert all(1.2 <= m <= 1.7 for m in means)
    assert (min(means), max(means)) == (1.2, 1.7)


def test_example_every_item_but_6_has_a_two_point_range(scored, validity):
    ranges = {i["number"]: i["max"] - i["min"] for i in scored["items"]}
    assert ranges[6] < 2
    assert all(r >= 2 for n, r in ranges.items() if n != 6)
    floor_ceiling = validity["analyses"][0]
    assert floor_ceiling["items_below_min_range"] == [6]
    assert "Every item but item 6 spans at least 2 scale points" in floor_ceiling["verdict"]


def test_example_no_floor_or_ceiling_on_the_total(scored, validity):
    assert all(0 < u["total"] < 24 for u in scored["units"])
    total = validity["analyses"][0]["total"]
    assert (total["n_at_min"], total["n_at_max"]) == (0, 0)
    assert not total["floor"] and not total["ceiling"]
    assert validity["analyses"][0]["scale"]["midpoint"] == 1.5


def test_example_convergent_validity_1_8_vs_0_8(validity):
    kg = validity["analyses"][1]
    assert kg["analysis"] == "known-groups" and kg["attribute"] == "psw_experience"
    assert {k: round_half_up(v) for k, v in kg["groups"].items()} == {"yes": 1.8, "no": 0.8}
    assert kg["comparison"] == "yes - no"
    assert kg["difference"] == pytest.approx(kg["groups"]["yes"] - kg["groups"]["no"])
    assert kg["difference"] == pytest.approx(1.0)
    assert kg["n"]["groups"] == [4, 2]
    assert "preliminary evidence" in kg["verdict"].lower()
    assert kg["test"]["p_value"] == pytest.approx(2 / 15)  # the smallest possible with 4 vs 2


def test_example_discriminant_validity_1_3_vs_1_5(validity):
    kg = validity["analyses"][2]
    assert kg["attribute"] == "income"
    assert {k: round_half_up(v) for k, v in kg["groups"].items()} == {
        "low+lower-middle": 1.3,
        "high": 1.5,
    }
    assert kg["within_margin"] is True
    assert "preliminary evidence" in kg["verdict"].lower()


def test_example_grand_total_is_68_or_69(scored):
    assert sum(u["total"] for u in scored["units"]) in (68, 69)


def test_example_grand_total_derivation():
    """Work out, from the published one-decimal group means and the group sizes in
    units.csv, which grand totals of the 48 whole-number ratings are possible: the
    README's derivation says 68 and 69, and only if .x5 is rounded up."""
    import csv

    with open(example("units.csv"), encoding="utf-8") as handle:
        sites = list(csv.DictReader(handle))
    experience = sum(s["psw_experience"] == "yes" for s in sites)
    high = sum(s["income"] == "high" for s in sites)
    n, items = len(sites), 8

    def sums(sites_in_group: int, published: float, rounding) -> set[int]:
        points = items * sites_in_group
        return {s for s in range(3 * points + 1) if rounding(s / points) == published}

    def totals(rounding) -> set[int]:
        by_experience = {
            a + b
            for a in sums(experience, 1.8, rounding)
            for b in sums(n - experience, 0.8, rounding)
        }
        by_income = {
            a + b for a in sums(high, 1.5, rounding) for b in sums(n - high, 1.3, rounding)
        }
        return by_experience & by_income

    from decimal import ROUND_HALF_DOWN, Decimal

    def round_half_down(x: float) -> float:
        return float(Decimal(repr(x)).quantize(Decimal("0.1"), rounding=ROUND_HALF_DOWN))

    assert totals(round_half_up) == {68, 69}
    assert totals(round_half_down) == set()  # 0.75 -> 0.7, 1.75 -> 1.7: nothing fits
    scored = run_json("measure", "score", "--measure", MEASURE, "--ratings", example("ratings.csv"))
    assert sum(u["total"] for u in scored["units"]) in totals(round_half_up)


def test_example_small_sample_analyses_say_so(validity):
    ic, ir = validity["analyses"][3], validity["analyses"][4]
    assert ic["alpha"] is None and ic["reason"].startswith("not estimable with n = 6")
    assert ir["icc"] is None and "one rater only" in ir["reason"]
    for entry in validity["analyses"]:
        assert isinstance(entry["verdict"], str) and entry["verdict"]


def test_example_analyses_file_gives_the_same_figures(validity):
    again = run_json(
        "measure",
        "validity",
        "--measure",
        MEASURE,
        "--ratings",
        example("ratings.csv"),
        "--units",
        example("units.csv"),
        "--analyses",
        example("validity.yaml"),
    )
    assert [a["analysis"] for a in again["analyses"]] == [
        "floor-ceiling",
        "known-groups",
        "known-groups",
        "internal-consistency",
        "inter-rater",
    ]
    assert again["analyses"][1]["groups"] == validity["analyses"][1]["groups"]
    assert again["analyses"][1]["test"]["alternative"] == "greater"  # higher: "yes" declared
    assert again["analyses"][2]["groups"] == validity["analyses"][2]["groups"]


ISSUE_COMMAND = [
    "measure",
    "validity",
    "--measure",
    MEASURE,
    "--ratings",
    "ratings.csv",
    "--units",
    "units.csv",
    "--analysis",
    "floor-ceiling",
    "--analysis",
    "known-groups:psw_experience=differ",
    "--analysis",
    "known-groups:income=similar",
]


def test_example_the_command_line_of_the_issue(tmp_path, monkeypatch):
    """The command exactly as the issue spells it, run in a folder holding the two files."""
    for name in ("ratings.csv", "units.csv"):
        (tmp_path / name).write_bytes((EXAMPLE / name).read_bytes())
    monkeypatch.chdir(tmp_path)
    text = run(*ISSUE_COMMAND)
    assert text.exit_code == 0, text.output
    data = run_json(*ISSUE_COMMAND)
    floor_ceiling, experience, income = data["analyses"]
    assert floor_ceiling["total"]["n_at_min"] == floor_ceiling["total"]["n_at_max"] == 0
    # yes/no read 'yes' first even without higher=yes: 1.8 vs 0.8, difference +1
    assert experience["comparison"] == "yes - no"
    assert {k: round_half_up(v) for k, v in experience["groups"].items()} == {"yes": 1.8, "no": 0.8}
    assert experience["difference"] == pytest.approx(1.0)
    # income has three levels and no grouping is declared: each level is compared
    assert income["estimable"] is True and income["grouping"] == "levels"
    assert income["groups"] == {"high": 1.5, "low": 1.375, "lower-middle": 1.25}
    assert income["difference"] == pytest.approx(0.25) and income["within_margin"] is True
    assert income["test"]["n_splits"] == 60 and income["test"]["method"] == "exact"
    for entry in data["analyses"]:
        assert entry["verdict"].startswith("Preliminary evidence")
    # ... and the verdict says exactly what to add for the published pooled comparison
    assert "e.g. ;groups=high/low+lower-middle" in income["verdict"]
    pooled = run_json(
        *ISSUE_COMMAND[:-1], "known-groups:income=similar;groups=high/low+lower-middle"
    )
    assert {k: round_half_up(v) for k, v in pooled["analyses"][2]["groups"].items()} == {
        "high": 1.5,
        "low+lower-middle": 1.3,
    }
    assert "Preliminary evidence consistent with discriminant validity" in text.stdout
    assert "default margin of 0.50 (option margin)" in text.stdout


def test_example_units_match_the_published_sites():
    if not FACTS.is_file():
        pytest.skip(f"paper facts not found at {FACTS}")
    sites = yaml.safe_load(FACTS.read_text("utf-8"))["measure"]["sites"]
    import csv

    with open(example("units.csv"), encoding="utf-8") as handle:
        rows = {r["unit"]: r for r in csv.DictReader(handle)}
    assert set(rows) == set(sites)
    for site, facts in sites.items():
        assert rows[site]["country"] == facts["country"]
        assert rows[site]["income"] == facts["income"]
        assert rows[site]["psw_experience"] == ("yes" if facts["psw_experience"] else "no")


def test_example_construction_script_checks_the_committed_file():
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, example("construct_ratings.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "grand total 68" in done.stdout or "grand total 69" in done.stdout


def test_example_table_and_text_outputs(tmp_path):
    out = tmp_path / "table2.md"
    result = run(
        "measure",
        "score",
        "--measure",
        MEASURE,
        "--ratings",
        example("ratings.csv"),
        "--units",
        example("units.csv"),
        "--by",
        "psw_experience",
        "--format",
        "markdown",
        "-o",
        str(out),
    )
    assert result.exit_code == 0, result.output
    text = out.read_text("utf-8")
    assert text.startswith(
        "| Item | Ulm | Hamburg | Kampala | Dar es Salaam | Beer Sheva | Pune "
        "| Mean | psw_experience = no | psw_experience = yes |"
    )
    assert "| Mean item score |" in text
    result = run("measure", "score", "--measure", MEASURE, "--ratings", example("ratings.csv"))
    assert result.exit_code == 0 and "Organisational culture" in result.stdout
    result = run(
        "measure",
        "validity",
        "--measure",
        MEASURE,
        "--ratings",
        example("ratings.csv"),
        "--units",
        example("units.csv"),
        "--analyses",
        example("validity.yaml"),
    )
    assert result.exit_code == 0
    assert "Preliminary evidence consistent with convergent validity" in result.stdout


def test_example_plots(tmp_path):
    out = tmp_path / "plots"
    data = run_json(
        "measure",
        "plot",
        "--measure",
        MEASURE,
        "--ratings",
        example("ratings.csv"),
        "--units",
        example("units.csv"),
        "--by",
        "psw_experience",
        "-o",
        str(out),
    )
    names = sorted(Path(p).name for p in data["files"])
    assert names == [
        "measure-heatmap.png",
        "measure-heatmap.svg",
        "measure-profile.png",
        "measure-profile.svg",
    ]
    assert (out / "measure-heatmap.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "<svg" in (out / "measure-profile.svg").read_text("utf-8")


def test_measure_from_a_yaml_file():
    path = REPO / "instruments" / "measures" / f"{MEASURE}.yaml"
    data = run_json("measure", "score", "--measure", str(path), "--ratings", example("ratings.csv"))
    assert len(data["units"]) == 6


# ---------------------------------------------------------------------- bad input


def ratings_file(tmp_path: Path, text: str) -> str:
    path = tmp_path / "ratings.csv"
    path.write_text(text, encoding="utf-8")
    return str(path)


GOOD_ROW = "Ulm,lead,1,1,1,1,1,1,1,1\n"
HEADER = "unit,rater,1,2,3,4,5,6,7,8\n"


@pytest.mark.parametrize(
    "text,message",
    [
        (
            "unit,rater,1,2,3,4,5,6,7,8,9\nUlm,lead,1,1,1,1,1,1,1,1,1\n",
            "ratings.csv:1: column '9' is not an item of measure "
            "peer-support-implementation-measure",
        ),
        (
            HEADER + "Ulm,lead,1,1,1,5,1,1,1,1\n",
            "ratings.csv:2: unit 'Ulm', item 4 (staff-willingness-and-ability): score 5 is off the "
            "scale; expected a whole number from 0 to 3",
        ),
        (
            HEADER + "Ulm,lead,1,1,1,1,1,one,1,1\n",
            "ratings.csv:2: unit 'Ulm', item 6 (financial-arrangements): score 'one' is not a "
            "number",
        ),
        (
            "unit,rater,item,score\nUlm,lead,vision,2\n",
            "ratings.csv:2: item 'vision' is not an item of measure "
            "peer-support-implementation-measure",
        ),
    ],
)
def test_bad_ratings_exit_1_with_a_clear_message_and_write_nothing(tmp_path, text, message):
    out = tmp_path / "out.json"
    for command in (["score"], ["validity", "--units", example("units.csv")]):
        result = run(
            "measure",
            *command,
            "--measure",
            MEASURE,
            "--ratings",
            ratings_file(tmp_path, text),
            "--json",
            "-o",
            str(out),
        )
        assert result.exit_code == 1
        assert message in result.stderr
        assert result.stderr.startswith("error: ")
        assert "Traceback" not in result.output
        assert not out.exists()


def test_rated_unit_without_attributes(tmp_path):
    text = HEADER + GOOD_ROW + "Ulm West,lead,1,1,1,1,1,1,1,1\n"
    out = tmp_path / "out.json"
    result = run(
        "measure",
        "validity",
        "--measure",
        MEASURE,
        "--ratings",
        ratings_file(tmp_path, text),
        "--units",
        example("units.csv"),
        "--analysis",
        "floor-ceiling",
        "-o",
        str(out),
    )
    assert result.exit_code == 1
    assert "ratings.csv:3: unit 'Ulm West' has no row in" in result.stderr
    assert "add its attributes there or correct the unit's name" in result.stderr
    assert not out.exists()


def test_unit_with_an_empty_row_of_attributes(tmp_path):
    units = tmp_path / "units.csv"
    lines = (EXAMPLE / "units.csv").read_text("utf-8").splitlines()
    assert lines[6].startswith("Pune,")
    lines[6] = "Pune" + "," * lines[0].count(",")  # the row is there, every attribute empty
    text = "\n".join(lines) + "\n"
    units.write_text(text, encoding="utf-8")
    out = tmp_path / "out.json"
    result = run(
        "measure",
        "validity",
        "--measure",
        MEASURE,
        "--ratings",
        example("ratings.csv"),
        "--units",
        str(units),
        "--analysis",
        "floor-ceiling",
        "--json",
        "-o",
        str(out),
    )
    assert result.exit_code == 1
    assert result.stderr == f"error: {units}:7: unit 'Pune' has no attribute values; fill them in\n"
    assert not out.exists()


def test_attribute_with_one_level_is_an_error_and_writes_nothing(tmp_path):
    units = tmp_path / "units.csv"
    units.write_text("unit,income\nUlm,high\nHamburg,high\n", encoding="utf-8")
    text = HEADER + GOOD_ROW + "Hamburg,lead,2,2,2,2,2,2,2,2\n"
    out = tmp_path / "out.json"
    result = run(
        "measure",
        "validity",
        "--measure",
        MEASURE,
        "--ratings",
        ratings_file(tmp_path, text),
        "--units",
        str(units),
        "--analysis",
        "floor-ceiling",
        "--analysis",
        "known-groups:income=similar",
        "--json",
        "-o",
        str(out),
    )
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert result.stderr == (
        f"error: {units}: known-groups on 'income' is impossible: every "
        "rated unit has income = 'high'; a comparison needs at least two "
        f"levels. Correct {units} or drop this analysis\n"
    )
    assert not out.exists()


def test_all_ratings_identical_says_alpha_is_undefined(tmp_path):
    text = HEADER + "".join(f"site{i},lead,2,2,2,2,2,2,2,2\n" for i in range(35))
    data = run_json(
        "measure",
        "validity",
        "--measure",
        MEASURE,
        "--ratings",
        ratings_file(tmp_path, text),
        "--analysis",
        "internal-consistency",
    )
    entry = data["analyses"][0]
    assert entry["alpha"] is None
    assert entry["reason"].startswith("undefined: all ratings are identical")


def test_unknown_attribute_and_unknown_analysis(tmp_path):
    result = run(
        "measure",
        "validity",
        "--measure",
        MEASURE,
        "--ratings",
        example("ratings.csv"),
        "--units",
        example("units.csv"),
        "--analysis",
        "known-groups:size=differ",
    )
    assert result.exit_code == 1 and "no column 'size'" in result.stderr
    result = run(
        "measure",
        "validity",
        "--measure",
        MEASURE,
        "--ratings",
        example("ratings.csv"),
        "--analysis",
        "reliability",
    )
    assert result.exit_code == 1
    assert "unknown validity-analysis 'reliability'; known: floor-ceiling" in result.stderr
    result = run(
        "measure",
        "validity",
        "--measure",
        MEASURE,
        "--ratings",
        example("ratings.csv"),
        "--analysis",
        "known-groups:psw_experience=differ",
    )
    assert result.exit_code == 1 and "give the units file with --units FILE" in result.stderr


def test_unknown_measure_and_missing_file(tmp_path):
    result = run(
        "measure", "score", "--measure", "no-such-measure", "--ratings", example("ratings.csv")
    )
    assert result.exit_code == 1 and "no instrument with id 'no-such-measure'" in result.stderr
    result = run(
        "measure", "score", "--measure", MEASURE, "--ratings", str(tmp_path / "missing.csv")
    )
    assert result.exit_code == 1 and "missing.csv: no such file" in result.stderr


def test_unscored_unit_is_a_warning_not_an_error(tmp_path):
    text = HEADER + GOOD_ROW + "Hamburg,lead,2,,2,2,2,2,2,2\n"
    result = run(
        "measure",
        "score",
        "--measure",
        MEASURE,
        "--ratings",
        ratings_file(tmp_path, text),
        "--json",
    )
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["units"][1]["total"] is None and data["units"][1]["scored"] is False
    assert "warning: " in result.stderr and "unit 'Hamburg' not scored" in result.stderr


def test_plot_bad_input_writes_nothing(tmp_path):
    out = tmp_path / "plots"
    result = run(
        "measure",
        "plot",
        "--measure",
        MEASURE,
        "--ratings",
        ratings_file(tmp_path, HEADER + "Ulm,lead,1,1,1,1,1,1,1,9\n"),
        "-o",
        str(out),
    )
    assert result.exit_code == 1 and "score 9 is off the scale" in result.stderr
    assert not out.exists()


# ------------------------------------------------------------- hundreds of ratings


def test_hundreds_of_ratings_by_several_raters(tmp_path):
    """A long file: 40 units x 3 raters x 8 items = 960 ratings; the ICC in the declared
    form and its interval as pingouin computes them, item scores averaged over raters."""
    import numpy as np

    pg = pytest.importorskip("pingouin")
    pd = pytest.importorskip("pandas")
    rng = np.random.default_rng(7)
    truth = rng.normal(1.5, 0.8, 40)
    rows = [
        (
            f"site{u}",
            rater,
            item,
            int(np.clip(np.round(truth[u] + bias + rng.normal(0, 0.7)), 0, 3)),
        )
        for u in range(40)
        for rater, bias in (("ana", 0), ("ben", 0.4), ("chi", -0.2))
        for item in range(1, 9)
    ]
    path = tmp_path / "ratings.csv"
    path.write_text(
        "unit,rater,item,score\n" + "".join(f"{u},{r},{i},{s}\n" for u, r, i, s in rows), "utf-8"
    )
    frame = pd.DataFrame(rows, columns=["unit", "rater", "item", "score"])
    scored = run_json("measure", "score", "--measure", MEASURE, "--ratings", str(path))
    site0 = frame[frame.unit == "site0"]
    assert scored["units"][0]["n_raters"] == 3
    assert scored["units"][0]["total"] == pytest.approx(site0.groupby("item").score.mean().sum())
    data = run_json(
        "measure",
        "validity",
        "--measure",
        MEASURE,
        "--ratings",
        str(path),
        "--analysis",
        "inter-rater:form=ICC(A,1)",
        "--analysis",
        "inter-rater:form=ICC3k;score=mean_item",
    )
    totals = frame.groupby(["unit", "rater"]).score.sum().reset_index()
    ref = pg.intraclass_corr(totals, "unit", "rater", "score").set_index("Type")
    agreement, consistency = data["analyses"]
    assert agreement["label"] == "ICC(A,1)" and agreement["n_units"] == 40
    assert agreement["icc"] == pytest.approx(ref.loc["ICC(A,1)", "ICC"])
    assert agreement["ci"] == pytest.approx(list(ref.loc["ICC(A,1)", "CI95"]), abs=0.005)
    assert agreement["verdict"].startswith("Evidence (40 units × 3 raters): ICC(A,1) of the total")
    means = frame.groupby(["unit", "rater"]).score.mean().reset_index()
    ref = pg.intraclass_corr(means, "unit", "rater", "score").set_index("Type")
    assert consistency["label"] == "ICC(C,k)"
    assert consistency["icc"] == pytest.approx(ref.loc["ICC(C,k)", "ICC"])
    assert consistency["ci"] == pytest.approx(list(ref.loc["ICC(C,k)", "CI95"]), abs=0.005)
