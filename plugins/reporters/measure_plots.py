"""Plots of ratings on a measure: an items × units heat map and a profile plot.

matplotlib is imported only when a plot is drawn (with the Agg backend, so no
display is needed), keeping the command line's start-up fast.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from evidencekit.core import hookimpl
from evidencekit.plugins.reporters._common import (
    figure_files,
    plot_options_schema,
    render_figures,
)

PLOTS = ("heatmap", "profile")
#: Up to this many units the heat map prints each cell's score and every unit's name.
LABELLED_UNITS = 40
#: The heat map grows with the units up to this width (inches), then cells get narrower.
MAX_WIDTH = 16.0
#: At most this many unit names under a large heat map.
MAX_TICKS = 60
#: Up to this many units the profile plot gives each unit a coloured line and a legend entry,
#: every colour distinct (tab10 up to 10 units, tab20 up to 20: no colour reused).
PROFILE_LEGEND_UNITS = 20


class MeasurePlots:
    """Writes ``measure-heatmap.*`` and ``measure-profile.*`` from a Table 2."""

    name = "measure-plots"
    description = "Items × units heat map and profile plot of measure ratings (SVG, PNG)."
    options_schema = plot_options_schema(PLOTS)

    def files(self, options: Mapping[str, Any]) -> list[str]:
        """The names :meth:`render` writes with ``options``, in its order."""
        return figure_files(options, PLOTS, "measure")

    def render(
        self, results: Mapping[str, Any], out_dir: Path, options: Mapping[str, Any]
    ) -> list[Path]:
        """Draw every plot in memory first, then write each file atomically.

        ``results`` holds ``table`` (from ``evidencekit.core.measure.table2``),
        ``scale`` ({min, max}) and ``title``.
        """
        import matplotlib

        matplotlib.use("Agg")
        # Figures made directly, without pyplot: no global figure registry to close, and
        # pyplot's import (over a second on a slow machine) is saved.
        plt = _Figures()

        from evidencekit.core.errors import EvidencekitError

        table = results["table"]
        if not table["units"]:
            raise EvidencekitError("nothing to plot: no unit has a score")
        # Reproducible files: a fixed hash salt (the metadata is left out by render_figures).
        return render_figures(
            options,
            PLOTS,
            lambda name: (self._heatmap if name == "heatmap" else self._profile)(plt, results),
            out_dir,
            "measure",
            {"svg.hashsalt": "evidencekit", "font.size": 9},
        )

    @staticmethod
    def _labels(table: Mapping[str, Any]) -> list[str]:
        return [f"{r['number']}. {_short(r['text'])}" for r in table["rows"]]

    def _heatmap(self, plt: Any, results: Mapping[str, Any]) -> Any:
        """Items × units. Units are shown grouped by the ``--by`` attribute when there is
        one; beyond LABELLED_UNITS the cells carry no numbers and the figure stops
        growing, so hundreds of units still give a readable picture."""
        import numpy as np

        table, scale = results["table"], results["scale"]
        units, bounds = _grouped_units(table)
        many = len(units) > LABELLED_UNITS
        data = np.array(
            [
                [np.nan if r["scores"][u] is None else r["scores"][u] for u in units]
                for r in table["rows"]
            ],
            dtype=float,
        )
        width = min(MAX_WIDTH, 1.2 + 0.9 * len(units)) if not many else MAX_WIDTH
        fig, ax = plt.subplots(figsize=(max(width, 6.5), 0.9 + 0.45 * len(table["rows"])))
        cmap = plt.get_cmap("RdYlGn")
        image = ax.imshow(
            data,
            cmap=cmap,
            vmin=scale["min"],
            vmax=scale["max"],
            aspect="auto",
            interpolation="nearest",
        )
        ax.set_yticks(range(len(table["rows"])), labels=self._labels(table))
        if many:
            step = max(1, int(np.ceil(len(units) / MAX_TICKS)))
            ticks = list(range(0, len(units), step))
            ax.set_xticks(ticks, labels=[units[i] for i in ticks], rotation=90, fontsize=6)
            ax.set_xlabel(
                f"{len(units)} units"
                + (f", grouped by {table['by']}" if bounds else "")
                + (f" (every {step}th named)" if step > 1 else "")
            )
        else:
            ax.set_xticks(range(len(units)), labels=units, rotation=30, ha="right")
            span = scale["max"] - scale["min"] or 1
            for i in range(data.shape[0]):
                for j in range(data.shape[1]):
                    if not np.isnan(data[i, j]):
                        # Dark ends of the colour map get white numbers.
                        r, g, b, _ = cmap((data[i, j] - scale["min"]) / span)
                        dark = 0.299 * r + 0.587 * g + 0.114 * b < 0.5
                        ax.text(
                            j,
                            i,
                            _num(data[i, j]),
                            ha="center",
                            va="center",
                            fontsize=8,
                            color="white" if dark else "black",
                        )
            totals = [table["total"]["scores"][u] for u in units]
            ax.set_xlabel("total: " + ", ".join(_num(t) for t in totals))
        for label, first, last in bounds:
            if first:
                ax.axvline(first - 0.5, color="black", linewidth=1.5)
            ax.text(
                (first + last) / 2,
                -0.7,
                f"{table['by']} = {label}",
                ha="center",
                va="bottom",
                fontsize=8,
                clip_on=False,
            )
        bar = fig.colorbar(image, ax=ax, ticks=range(scale["min"], scale["max"] + 1))
        bar.set_label("item score")
        ax.set_title(
            f"{results.get('title', 'Measure')}: item scores per unit", pad=18 if bounds else 6
        )
        return fig

    def _profile(self, plt: Any, results: Mapping[str, Any]) -> Any:
        """One line per unit across the items, the mean of all units and of each group.
        Beyond PROFILE_LEGEND_UNITS units, the unit lines are thin and grey with a
        single legend entry, so the means stay readable."""
        table, scale = results["table"], results["scale"]
        units = table["units"]
        many = len(units) > PROFILE_LEGEND_UNITS
        x = list(range(1, len(table["rows"]) + 1))
        fig, ax = plt.subplots(figsize=(8, 4.5))
        alpha = max(0.04, min(0.3, 6 / max(len(units), 1)))
        palette = plt.get_cmap("tab10" if len(units) <= 10 else "tab20")
        for index, unit in enumerate(units):
            y = [r["scores"][unit] for r in table["rows"]]
            y = [float("nan") if v is None else v for v in y]
            if many:
                ax.plot(
                    x,
                    y,
                    color="grey",
                    linewidth=0.6,
                    alpha=alpha,
                    label=f"each unit (n = {len(units)})" if index == 0 else None,
                )
            else:
                ax.plot(x, y, marker="o", linewidth=1, alpha=0.8, label=unit, color=palette(index))
        group_colours = plt.get_cmap("Dark2")
        for index, group in enumerate(table["groups"]):
            y = [r["groups"][group] for r in table["rows"]]
            ax.plot(
                x,
                [float("nan") if v is None else v for v in y],
                linestyle="--",
                linewidth=2.2,
                color=group_colours(index % 8),
                label=f"mean, {table['by']} = {group} (n = {len(table['groups'][group])})",
            )
        ax.plot(
            x,
            [r["mean"] for r in table["rows"]],
            color="black",
            linewidth=2.5,
            label=f"mean of all units (n = {len(units)})",
        )
        # items by name, not by number only
        ax.set_xticks(
            x,
            labels=[f"{r['number']}. {_short(r['text'], 28)}" for r in table["rows"]],
            rotation=35,
            ha="right",
            fontsize=7,
        )
        ax.set_ylim(scale["min"] - 0.2, scale["max"] + 0.2)
        ax.set_yticks(range(scale["min"], scale["max"] + 1))
        ax.set_ylabel("item score")
        ax.grid(axis="y", alpha=0.3)
        ax.legend(fontsize=7, bbox_to_anchor=(1.01, 1), loc="upper left")
        ax.set_title(f"{results.get('title', 'Measure')}: item profile per unit")
        return fig


class _Figures:
    """The two pyplot calls the plots use, on a plain ``Figure``."""

    @staticmethod
    def subplots(figsize: tuple[float, float]) -> tuple[Any, Any]:
        from matplotlib.figure import Figure

        fig = Figure(figsize=figsize)
        return fig, fig.subplots()

    @staticmethod
    def get_cmap(name: str) -> Any:
        import matplotlib

        return matplotlib.colormaps[name]


def _grouped_units(table: Mapping[str, Any]) -> tuple[list[str], list[tuple[str, int, int]]]:
    """Units in file order, or grouped by level when Table 2 has groups; with the
    (level, first column, last column) of each group."""
    units = list(table["units"])
    if not table.get("groups"):
        return units, []
    ordered: list[str] = []
    bounds = []
    for label, members in table["groups"].items():
        chosen = [u for u in units if u in set(members)]
        if chosen:
            bounds.append((label, len(ordered), len(ordered) + len(chosen) - 1))
            ordered += chosen
    rest = [u for u in units if u not in set(ordered)]
    if rest:
        bounds.append(("(none)", len(ordered), len(ordered) + len(rest) - 1))
        ordered += rest
    return ordered, bounds


def _short(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


@hookimpl
def evidencekit_reporters() -> list[Any]:
    return [MeasurePlots()]
