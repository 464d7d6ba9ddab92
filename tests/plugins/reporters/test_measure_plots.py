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
    records = [(u, "lead", j, (i + j) % 4) for i, u in enumerate(["Ulm", "Pune", "Kampala"])
               for j in range(1, 9)]
    records[3] = ("Ulm", "lead", 4, None)  # a gap: Ulm is not scored (no missing item allowed)
    ratings = build_ratings(measure, records)
    units = build_units({"Ulm": {"exp": "no"}, "Pune": {"exp": "yes"}, "Kampala": {"exp": "yes"}})
    return {"table": table2(ratings.scores, units, "exp"),
            "scale": {"min": 0, "max": 3}, "title": measure.title}


@pytest.fixture(scope="module")
def reporter():
    return build_registry().get("reporter", "measure-plots")


def test_writes_both_plots_in_both_formats(tmp_path, reporter, results):
    paths = reporter.render(results, tmp_path, {})
    assert sorted(p.name for p in paths) == ["measure-heatmap.png", "measure-heatmap.svg",
                                             "measure-profile.png", "measure-profile.svg"]
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
