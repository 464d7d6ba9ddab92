"""The recall curve of a prioritised screening order, against random order.

Draws the share of included records found against the share of records screened, the
straight line random order would give on average, the 95 % recall level, and where each
stopping rule said stop. matplotlib is imported only when the plot is drawn.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from evidencekit.core import hookimpl
from evidencekit.plugins.reporters._common import plot_options_schema, render_figures

PLOTS = ("recall",)
_MARKERS = ("o", "s", "D", "^", "v", "P")


class RecallCurve:
    """Writes ``simulation-recall.svg`` / ``.png`` from a simulation's labelling order."""

    name = "recall-curve"
    description = "Recall curve of a screening order against random order (SVG, PNG)."
    options_schema = plot_options_schema(PLOTS)

    def render(
        self, results: Mapping[str, Any], out_dir: Path, options: Mapping[str, Any]
    ) -> list[Path]:
        """``results`` holds ``labels_in_order`` (1/0), ``stopping`` (rule, fired_at,
        recall) as ``evidencekit simulate`` reports them, ``title`` and ``n_prior``."""
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        return render_figures(
            options,
            PLOTS,
            lambda _name: self._draw(plt, results),
            out_dir,
            "simulation",
            {"svg.hashsalt": "evidencekit", "font.size": 9},
            close=plt.close,
        )

    @staticmethod
    def _draw(plt: Any, results: Mapping[str, Any]) -> Any:
        import numpy as np

        labels = np.asarray(results["labels_in_order"], dtype=float)
        n, total = labels.size, labels.sum()
        x = np.arange(0, n + 1) / n * 100
        recall = np.concatenate([[0.0], np.cumsum(labels) / total]) * 100
        fig, ax = plt.subplots(figsize=(6.4, 4.6))
        ax.plot(x, recall, color="#1f5fa8", lw=1.8, label="prioritised (this simulation)")
        ax.plot(
            [0, 100], [0, 100], color="#888888", lw=1.2, ls="--", label="random order (expected)"
        )
        ax.axhline(95, color="#c0392b", lw=0.8, ls=":", label="95 % recall")
        for i, point in enumerate(results.get("stopping", [])):
            if point.get("fired_at") is None:
                continue
            px, py = point["fired_at"] / n * 100, point["recall"] * 100
            ax.plot(
                px,
                py,
                _MARKERS[i % len(_MARKERS)],
                ms=7,
                mfc="white",
                mew=1.5,
                label=f"{point['rule']} stops: {px:.0f} % screened, recall {py:.0f} %",
            )
        ax.set_xlim(0, 101)  # room for a marker at 100 %
        ax.set_ylim(0, 102)
        ax.set_xlabel("records screened (%)")
        ax.set_ylabel("included records found (recall, %)")
        ax.set_title(results.get("title", "Recall curve"), fontsize=10)
        ax.grid(True, color="#dddddd", lw=0.6)
        ax.legend(loc="lower right", fontsize=8, frameon=True)
        return fig


@hookimpl
def evidencekit_reporters() -> list[RecallCurve]:
    return [RecallCurve()]
