"""Figures drawn side by side in forked processes (core.parallel) are the same bytes as
drawn one after the other."""

from __future__ import annotations

import os
import sys

import pytest
from test_prisma_diagram import WITH_OTHER
from test_quality_plots import report

from evidencekit.core.parallel import ENV
from evidencekit.plugins.reporters.prisma_diagram import PrismaDiagram
from evidencekit.plugins.reporters.quality_plots import QualityPlots


@pytest.fixture
def four_cores(monkeypatch: pytest.MonkeyPatch) -> None:
    """As if the process could use 4 cores, whatever the test machine has."""
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1, 2, 3}, raising=False)
    monkeypatch.delenv(ENV, raising=False)


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="forks on Linux only")
def test_figures_are_the_same_bytes_in_parallel_and_in_turn(
    tmp_path, four_cores: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    def render(folder: str) -> dict[str, bytes]:
        out = tmp_path / folder
        out.mkdir()
        paths = QualityPlots().render(report(4, 2), out, {"formats": ["svg", "png"]})
        paths += PrismaDiagram().render(WITH_OTHER, out, {"formats": ["svg", "png", "pdf"]})
        return {p.name: p.read_bytes() for p in paths}

    side_by_side = render("parallel")
    monkeypatch.setenv(ENV, "1")
    in_turn = render("serial")
    assert list(side_by_side) == list(in_turn)  # same files, same order
    assert side_by_side == in_turn
