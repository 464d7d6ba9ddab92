"""The synthesis-plots reporter: ranked stacked shares and the subgroup dot plot."""

from __future__ import annotations

import pytest
from synthesis_helpers import make_data, mini_framework

from evidencekit.core.errors import EvidencekitError
from evidencekit.core.registry import build_registry
from evidencekit.plugins.synthesis._counting import vote_count
from evidencekit.plugins.synthesis.subgroup import Subgroup

STUDIES = {f"s{i}": {"arm": "x" if i < 4 else "y"} for i in range(8)}
ROWS = [
    ("s0", "a", "facilitator"),
    ("s1", "a", "barrier"),
    ("s2", "a", "facilitator"),
    ("s2", "a", "barrier"),
    ("s5", "b", "barrier"),
    ("s6", "u", "unclear"),
]


@pytest.fixture(scope="module")
def results():
    data = make_data(STUDIES, ROWS)
    framework = mini_framework()
    return {
        "vote_count": vote_count(data, framework, threshold=0.1),
        "subgroup": Subgroup().run(data, framework, {"by": "arm"}),
    }


@pytest.fixture(scope="module")
def reporter():
    return build_registry().get("reporter", "synthesis-plots")


def test_writes_both_plots_in_both_formats(tmp_path, reporter, results):
    paths = reporter.render(results, tmp_path, {})
    assert sorted(p.name for p in paths) == [
        "synthesis-shares.png",
        "synthesis-shares.svg",
        "synthesis-subgroups.png",
        "synthesis-subgroups.svg",
    ]
    shares = (tmp_path / "synthesis-shares.svg").read_text("utf-8")
    # text is kept as text: names, counts, legend and the threshold can be read and searched
    for text in (
        "Alpha",
        "3 (38 %)",
        "both (facilitator and barrier)",
        "unclear direction",
        "10 % threshold",
    ):
        assert text in shares, text
    dots = (tmp_path / "synthesis-subgroups.svg").read_text("utf-8")
    assert "x (n = 4 — small)" in dots and "all studies (n = 8)" in dots
    assert (tmp_path / "synthesis-shares.png").read_bytes().startswith(b"\x89PNG")


def test_only_the_plots_with_data_by_default(tmp_path, reporter, results):
    paths = reporter.render({"vote_count": results["vote_count"]}, tmp_path, {})
    assert sorted(p.name for p in paths) == ["synthesis-shares.png", "synthesis-shares.svg"]


def test_asking_for_a_plot_without_its_data(tmp_path, reporter, results):
    with pytest.raises(EvidencekitError, match="no data for the 'subgroups' plot"):
        reporter.render(
            {"vote_count": results["vote_count"]}, tmp_path / "x", {"plots": ["subgroups"]}
        )
    assert not (tmp_path / "x").exists()


def test_svg_is_reproducible(tmp_path, reporter, results):
    options = {"formats": ["svg"], "plots": ["shares"]}
    first = reporter.render(results, tmp_path / "a", options)[0].read_bytes()
    second = reporter.render(results, tmp_path / "b", options)[0].read_bytes()
    assert first == second
