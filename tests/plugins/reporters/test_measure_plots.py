"""The measure-plots reporter: heat map and profile plot, SVG and PNG."""

from __future__ import annotations

import pytest

from evidencekit.core.errors import EvidencekitError
from evidencekit.core.instruments import build_catalog
from evidencekit.core.measure import build_ratings, build_units, table2
from evidencekit.core.registry import build_registry


@pytest.fixture(scope="module")
def results():
    measure = build_catalog().get("peer-support-implementation-measure", kind="measure")
    records = [
        (u, "lead", j, (i + j) % 4)
        for i, u in enumerate(["Ulm", "Pune", "Kampala"])
        for j in range(1, 9)
    ]
    records[3] = ("Ulm", "lead", 4, None)  # a gap: Ulm is not scored (no missing item allowed)
    ratings = build_ratings(measure, records)
    units = build_units({"Ulm": {"exp": "no"}, "Pune": {"exp": "yes"}, "Kampala": {"exp": "yes"}})
    return {
        "table": table2(ratings.scores, units, "exp"),
        "scale": {"min": 0, "max": 3},
        "title": measure.title,
    }


@pytest.fixture(scope="module")
def reporter():
    return build_registry().get("reporter", "measure-plots")


def test_writes_both_plots_in_both_formats(tmp_path, reporter, results):
    paths = reporter.render(results, tmp_path, {})
    assert sorted(p.name for p in paths) == [
        "measure-heatmap.png",
        "measure-heatmap.svg",
        "measure-profile.png",
        "measure-profile.svg",
    ]
    svg = (tmp_path / "measure-heatmap.svg").read_text("utf-8")
    assert "Kampala" in svg and "Ulm" not in svg  # only scored units are drawn
    assert (tmp_path / "measure-profile.png").read_bytes().startswith(b"\x89PNG")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in paths)


def test_svg_output_is_reproducible(tmp_path, reporter, results):
    options = {"formats": ["svg"], "plots": ["profile"]}
    first = reporter.render(results, tmp_path / "a", options)[0].read_bytes()
    second = reporter.render(results, tmp_path / "b", options)[0].read_bytes()
    assert first == second


def test_nothing_to_plot(tmp_path, reporter, results):
    empty = dict(results, table=dict(results["table"], units=[]))
    with pytest.raises(EvidencekitError, match="nothing to plot"):
        reporter.render(empty, tmp_path / "x", {})
    assert not (tmp_path / "x").exists()


def test_options_are_checked():
    registry = build_registry()
    with pytest.raises(EvidencekitError, match="invalid options"):
        registry.validate_options("reporter", "measure-plots", {"formats": ["gif"]})


def png_size(path):
    import struct

    return struct.unpack(">II", path.read_bytes()[16:24])


def test_hundreds_of_units_give_readable_plots(tmp_path, reporter):
    """300 units: the heat map stops growing and drops cell numbers; the profile plot
    draws grey unit lines under one legend entry (before, 27 000 px wide and a legend
    of 300 names)."""
    from evidencekit.plugins.reporters import measure_plots

    measure = build_catalog().get("peer-support-implementation-measure", kind="measure")
    records = [
        (f"site{u}", "lead", j, (u * 7 + j * 3) % 4) for u in range(300) for j in range(1, 9)
    ]
    units = build_units({f"site{u}": {"exp": "yes" if u % 3 else "no"} for u in range(300)})
    results = {
        "table": table2(build_ratings(measure, records).scores, units, "exp"),
        "scale": {"min": 0, "max": 3},
        "title": measure.title,
    }
    reporter.render(results, tmp_path, {"dpi": 100})
    width, height = png_size(tmp_path / "measure-heatmap.png")
    assert width <= (measure_plots.MAX_WIDTH + 4) * 100 and height < 1000
    width, height = png_size(tmp_path / "measure-profile.png")
    assert width < 1500 and height < 700
    profile = (tmp_path / "measure-profile.svg").read_text("utf-8")
    assert "each unit (n = 300)" in profile and "site17" not in profile
    assert "mean, exp = no (n = 100)" in profile and "mean, exp = yes (n = 200)" in profile
    heatmap = (tmp_path / "measure-heatmap.svg").read_text("utf-8")
    assert "300 units, grouped by exp (every 5th named)" in heatmap


def test_heatmap_groups_units_by_level(results):
    from evidencekit.plugins.reporters.measure_plots import _grouped_units

    table = dict(
        results["table"],
        units=["Ulm", "Pune", "Kampala", "Bern"],
        groups={"no": ["Ulm"], "yes": ["Pune", "Kampala"]},
    )
    assert _grouped_units(table) == (
        ["Ulm", "Pune", "Kampala", "Bern"],
        [("no", 0, 0), ("yes", 1, 2), ("(none)", 3, 3)],
    )
    assert _grouped_units(dict(table, groups={})) == (table["units"], [])


def test_profile_colours_stay_distinct_past_ten_units_and_items_are_named(reporter):
    """tab10 repeats its colours from the 11th unit on; up to 20 units each gets its own."""
    from evidencekit.plugins.reporters.measure_plots import _Figures

    measure = build_catalog().get("peer-support-implementation-measure", kind="measure")
    names = [f"Site {n:02d}" for n in range(1, 16)]
    ratings = build_ratings(
        measure, [(u, "lead", j, (i * j) % 4) for i, u in enumerate(names) for j in range(1, 9)]
    )
    results = {
        "table": table2(ratings.scores, None, None),
        "scale": {"min": 0, "max": 3},
        "title": measure.title,
    }
    fig = reporter._profile(_Figures(), results)
    ax = fig.axes[0]
    unit_lines = [line for line in ax.lines if line.get_label() in names]
    assert len(unit_lines) == 15
    colours = {
        line.get_color() if isinstance(line.get_color(), str) else tuple(line.get_color())
        for line in unit_lines
    }
    assert len(colours) == 15
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert labels[0].startswith("1. Organisational culture")
    assert all(". " in label for label in labels)
