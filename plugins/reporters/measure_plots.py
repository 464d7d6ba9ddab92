"""Plots of ratings on a measure: an items × units heat map and a profile plot.

matplotlib is imported only when a plot is drawn (with the Agg backend, so no
display is needed), keeping the command line's start-up fast.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from evidencekit.core import hookimpl

PLOTS = ("heatmap", "profile")
FORMATS = ("svg", "png")


class MeasurePlots:
    """Writes ``measure-heatmap.*`` and ``measure-profile.*`` from a Table 2."""

    name = "measure-plots"
    description = "Items × units heat map and profile plot of measure ratings (SVG, PNG)."
    options_schema = {
        "type": "object",
        "properties": {
            "formats": {"type": "array", "items": {"enum": list(FORMATS)}, "minItems": 1,
                        "uniqueItems": True, "default": list(FORMATS)},
            "plots": {"type": "array", "items": {"enum": list(PLOTS)}, "minItems": 1,
                      "uniqueItems": True, "default": list(PLOTS)},
            "dpi": {"type": "integer", "minimum": 50, "maximum": 600, "default": 150},
        },
        "additionalProperties": False,
    }

    def render(self, results: Mapping[str, Any], out_dir: Path,
               options: Mapping[str, Any]) -> list[Path]:
        """Draw every plot in memory first, then write each file atomically.

        ``results`` holds ``table`` (from ``evidencekit.core.measure.table2``),
        ``scale`` ({min, max}) and ``title``.
        """
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        from evidencekit.core.errors import EvidencekitError
        from evidencekit.core.io import atomic_write_bytes

        table = results["table"]
        if not table["units"]:
            raise EvidencekitError("nothing to plot: no unit has a score")
        formats = list(options.get("formats") or FORMATS)
        dpi = int(options.get("dpi", 150))
        drawn: list[tuple[Path, bytes]] = []
        out_dir = Path(out_dir)
        # Reproducible files: a fixed hash salt and no creation date in the metadata.
        with matplotlib.rc_context({"svg.hashsalt": "evidencekit", "font.size": 9}):
            for name in options.get("plots") or PLOTS:
                fig = (self._heatmap if name == "heatmap" else self._profile)(plt, results)
                try:
                    for fmt in formats:
                        buffer = io.BytesIO()
                        metadata = {"Date": None} if fmt == "svg" else {"Software": None}
                        fig.savefig(buffer, format=fmt, dpi=dpi, bbox_inches="tight",
                                    metadata=metadata)
                        drawn.append((out_dir / f"measure-{name}.{fmt}", buffer.getvalue()))
                finally:
                    plt.close(fig)
        for path, data in drawn:
            atomic_write_bytes(path, data)
        return [path for path, _ in drawn]

    @staticmethod
    def _labels(table: Mapping[str, Any]) -> list[str]:
        return [f"{r['number']}. {_short(r['text'])}" for r in table["rows"]]

    def _heatmap(self, plt: Any, results: Mapping[str, Any]) -> Any:
        import numpy as np

        table, scale = results["table"], results["scale"]
        units = table["units"]
        data = np.array([[np.nan if r["scores"][u] is None else r["scores"][u] for u in units]
                         for r in table["rows"]], dtype=float)
        fig, ax = plt.subplots(figsize=(1.2 + 0.9 * len(units), 0.9 + 0.45 * len(table["rows"])))
        image = ax.imshow(data, cmap="RdYlGn", vmin=scale["min"], vmax=scale["max"],
                          aspect="auto")
        ax.set_xticks(range(len(units)), labels=units, rotation=30, ha="right")
        ax.set_yticks(range(len(table["rows"])), labels=self._labels(table))
        for i in range(data.shape[0]):
            for j in range(data.shape[1]):
                if not np.isnan(data[i, j]):
                    ax.text(j, i, _num(data[i, j]), ha="center", va="center", fontsize=8)
        totals = [table["total"]["scores"][u] for u in units]
        ax.set_xlabel("total: " + ", ".join(_num(t) for t in totals))
        bar = fig.colorbar(image, ax=ax, ticks=range(scale["min"], scale["max"] + 1))
        bar.set_label("item score")
        ax.set_title(f"{results.get('title', 'Measure')}: item scores per unit")
        return fig

    def _profile(self, plt: Any, results: Mapping[str, Any]) -> Any:
        table, scale = results["table"], results["scale"]
        units = table["units"]
        x = list(range(1, len(table["rows"]) + 1))
        fig, ax = plt.subplots(figsize=(8, 4.5))
        for unit in units:
            y = [r["scores"][unit] for r in table["rows"]]
            ax.plot(x, [float("nan") if v is None else v for v in y], marker="o",
                    linewidth=1, alpha=0.8, label=unit)
        for group in table["groups"]:
            y = [r["groups"][group] for r in table["rows"]]
            ax.plot(x, [float("nan") if v is None else v for v in y], linestyle="--",
                    linewidth=2.2, label=f"mean, {table['by']} = {group}")
        ax.plot(x, [r["mean"] for r in table["rows"]], color="black", linewidth=2.5,
                label="mean of all units")
        ax.set_xticks(x, labels=[str(r["number"]) for r in table["rows"]])
        ax.set_xlabel("item")
        ax.set_ylim(scale["min"] - 0.2, scale["max"] + 0.2)
        ax.set_yticks(range(scale["min"], scale["max"] + 1))
        ax.set_ylabel("item score")
        ax.grid(axis="y", alpha=0.3)
        ax.legend(fontsize=7, bbox_to_anchor=(1.01, 1), loc="upper left")
        ax.set_title(f"{results.get('title', 'Measure')}: item profile per unit")
        return fig


def _short(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


@hookimpl
def evidencekit_reporters() -> list[Any]:
    return [MeasurePlots()]
