"""Quality appraisal plots: a traffic-light plot (study × items) and a summary plot.

Both read the result of ``evidencekit appraise score`` (``AppraisalReport.to_dict()``)
and colour every cell by the *level* the scorer gave it (favourable, unclear,
unfavourable, unanswered, not applicable), so any scorer's output can be drawn
without knowing its rules. Each checklist gets its own panel: CASP items, RoB 2
domains and a methodologist's own checklist are never mixed in one grid.

Readability at 60+ studies: the figure grows 0.2 inch per study, labels stay at
7-8 pt, and every cell carries a symbol (+ ? − ·) as well as a colour, so the
plot reads in grey scale and for colour-blind readers. SVG text is kept as text
(``svg.fonttype: none``), so study labels can be searched and tested.

matplotlib is imported only when a plot is drawn, with the Agg backend.
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
from evidencekit.plugins.reporters._quality_panels import (
    COL_INCH,
    ROW_INCH,
    STYLE,
    SYMBOL_MARKERS,
    escape,
    grade_level,
    grades_text,
    panels_of,
    symbol_marker,
)

PLOTS = ("traffic-light", "summary")


class QualityPlots:
    """Writes ``quality-traffic-light.*`` and ``quality-summary.*``."""

    name = "quality-plots"
    description = "Traffic-light (study × items) and summary plots of quality appraisals (SVG, PNG)"
    options_schema = plot_options_schema(
        PLOTS,
        prefix={"type": "string", "pattern": "^[A-Za-z0-9._-]+$", "default": "quality"},
    )

    def files(self, options: Mapping[str, Any]) -> list[str]:
        """The names :meth:`render` writes with ``options``, in its order."""
        return figure_files(options, PLOTS, options.get("prefix", "quality"))

    def render(
        self, results: Mapping[str, Any], out_dir: Path, options: Mapping[str, Any]
    ) -> list[Path]:
        """Draw every plot in memory, then write each file atomically; return the paths."""
        import matplotlib

        matplotlib.use("Agg")
        from matplotlib.figure import Figure

        from evidencekit.core.errors import EvidencekitError

        panels = panels_of(results)
        if not panels:
            raise EvidencekitError("nothing to plot: no study was scored")
        rc = {
            "svg.fonttype": "none",
            "svg.hashsalt": "evidencekit",
            "font.size": 8,
            "font.family": "DejaVu Sans",
        }
        return render_figures(
            options,
            PLOTS,
            lambda plot: (
                self._traffic_light(Figure, panels)
                if plot == "traffic-light"
                else self._summary(Figure, panels)
            ),
            out_dir,
            options.get("prefix", "quality"),
            rc,
        )

    # ----------------------------------------------------------------- traffic light

    def _traffic_light(self, Figure: Any, panels: list[dict[str, Any]]) -> Any:  # noqa: N803
        # Laid out in inches, so every panel has the same row height however many
        # studies it has; titles and column labels sit in a fixed header above each.
        header, gap, legend_inch, left, key_line = 0.5, 0.12, 0.8, 1.2, 0.15
        heights = [len(p["studies"]) * ROW_INCH + 0.1 for p in panels]
        widths = [COL_INCH * (len(p["columns"]) + 1) + 0.2 for p in panels]
        keys = [(len(p["key"]) * key_line + 0.1) if p["key"] else 0.0 for p in panels]
        fig_w = left + max(max(widths), 4.5) + 0.3
        fig_h = sum(heights) + sum(keys) + len(panels) * (header + gap) + legend_inch
        fig = Figure(figsize=(fig_w, fig_h))
        top = fig_h
        for panel, height, width, key in zip(panels, heights, widths, keys, strict=True):
            top -= header
            ax = fig.add_axes([left / fig_w, (top - height) / fig_h, width / fig_w, height / fig_h])
            self._traffic_panel(ax, panel)
            top -= height
            for index, (label, name) in enumerate(panel["key"].items()):
                fig.text(
                    left / fig_w,
                    (top - 0.1 - (index + 0.5) * key_line) / fig_h,
                    escape(f"{label}: {name}"),
                    fontsize=7,
                    va="center",
                    color="#333333",
                )
            top -= key + gap
        legend_ax = fig.add_axes([0.0, 0.0, 1.0, legend_inch / fig_h])
        legend_ax.axis("off")
        self._legend(legend_ax)
        return fig

    def _traffic_panel(self, ax: Any, panel: dict[str, Any]) -> None:
        # One scatter per level (not one per cell): a 53-study panel is then a handful of
        # collections to draw instead of hundreds, which is what made the plots slow.
        studies, columns = panel["studies"], panel["columns"]
        n_rows, n_cols = len(studies), len(columns) + 1
        cells: dict[str, list[tuple[int, int, int]]] = {}
        for row, study in enumerate(studies):
            levels = study.get("details", {}).get("levels") or {}
            values = [levels.get(c, "not-applicable") for c in columns]
            values.append(grade_level(study, panel["grades"]))
            for col, level in enumerate(values):
                size = 95 if col < n_cols - 1 else 120
                cells.setdefault(level if level in STYLE else "unanswered", []).append(
                    (col, row, size)
                )
        for level, points in cells.items():
            colour, symbol, _ = STYLE[level]
            xs, ys, sizes = zip(*points, strict=True)
            ax.scatter(
                xs, ys, s=sizes, color=colour, edgecolors="#555555", linewidths=0.4, zorder=2
            )
            if symbol:
                # the symbol as a marker (a path drawn once per level), not a text per cell
                ax.scatter(
                    xs,
                    ys,
                    s=22,
                    marker=symbol_marker(SYMBOL_MARKERS[level]),
                    linewidths=0,
                    color="white" if level in ("favourable", "unfavourable") else "#222222",
                    zorder=3,
                )
        ax.set_xlim(-0.6, n_cols - 0.4)
        ax.set_ylim(n_rows - 0.5, -0.5)
        # The rows' labels and grid lines drawn as a tick axis draws them (labels 3.5 pt
        # left of the axes, right-aligned; light lines across), but as plain texts and
        # one line collection: a tick per study is the costliest thing in this figure
        # (each tick is five artists, laid out again for every bounding box).
        ax.set_yticks([])
        transform, va, ha = ax.get_yaxis_text1_transform(3.5)
        for row, study in enumerate(studies):
            ax.text(
                0,
                row,
                escape(study.get("label") or study["study_id"]),
                transform=transform,
                va=va,
                ha=ha,
                fontsize=7,
            )
        ax.hlines(
            range(n_rows),
            0,
            1,
            transform=ax.get_yaxis_transform(),
            color="#eeeeee",
            linewidth=0.5,
            zorder=0.5,
        )
        ax.set_xticks(range(n_cols))
        ax.set_xticklabels(
            [escape(c) for c in columns] + ["Grade"],
            fontsize=7,
            rotation=90 if max((len(c) for c in columns), default=0) > 4 else 0,
        )
        ax.xaxis.tick_top()
        ax.tick_params(length=0)
        ax.axvline(n_cols - 1.5, color="#999999", linewidth=0.6)
        for spine in ax.spines.values():
            spine.set_visible(False)
        ax.set_axisbelow(True)
        ax.grid(True, color="#eeeeee", linewidth=0.5)
        ax.set_title(
            escape(
                f"{panel['title']} ({n_rows} stud{'y' if n_rows == 1 else 'ies'})"
                + grades_text(panel)
            ),
            fontsize=8,
            loc="left",
            pad=14,
        )

    def _legend(self, ax: Any) -> None:
        from matplotlib.lines import Line2D

        handles = [
            Line2D(
                [0],
                [0],
                marker="o",
                linestyle="",
                markersize=8,
                markerfacecolor=colour,
                markeredgecolor="#555555",
                label=f"{symbol} {label}" if symbol else label,
            )
            for colour, symbol, label in STYLE.values()
        ]
        ax.legend(handles=handles, loc="center", ncol=2, frameon=False, fontsize=7)

    # ----------------------------------------------------------------- summary

    def _summary(self, Figure: Any, panels: list[dict[str, Any]]) -> Any:  # noqa: N803
        from matplotlib.collections import PolyCollection

        heights = [(len(p["columns"]) + 1) * 0.28 + 0.8 for p in panels]
        legend_inch = 0.7
        fig = Figure(figsize=(8.0, sum(heights) + legend_inch))
        grid = fig.add_gridspec(
            len(panels) + 1, 1, height_ratios=[*heights, legend_inch], hspace=0.45
        )
        order = list(STYLE)
        for index, panel in enumerate(panels):
            ax = fig.add_subplot(grid[index])
            labels = [*panel["columns"], "Grade"]
            n = len(panel["studies"])
            shares = {level: [] for level in order}
            for col, label in enumerate(labels):
                counts = dict.fromkeys(order, 0)
                for study in panel["studies"]:
                    if col < len(panel["columns"]):
                        level = (study.get("details", {}).get("levels") or {}).get(
                            label, "not-applicable"
                        )
                    else:
                        level = grade_level(study, panel["grades"])
                    counts[level if level in counts else "unanswered"] += 1
                for level in order:
                    shares[level].append(100.0 * counts[level] / n if n else 0.0)
            left = [0.0] * len(labels)
            for level in order:
                colour, _, _ = STYLE[level]
                values = shares[level]
                # One collection of rectangles per level, as barh would draw them (height
                # 0.75 about each row), without barh's patch per bar, each updating the
                # data limits: a third of the figure's drawing time. The limits are set
                # below.
                ax.add_collection(
                    PolyCollection(
                        [
                            [
                                (x0, y - 0.375),
                                (x0 + v, y - 0.375),
                                (x0 + v, y + 0.375),
                                (x0, y + 0.375),
                            ]
                            for y, (x0, v) in enumerate(zip(left, values, strict=True))
                        ],
                        facecolors=colour,
                        edgecolors="white",
                        linewidths=0.5,
                    ),
                    autolim=False,
                )
                for y, (x0, v) in enumerate(zip(left, values, strict=True)):
                    if v >= 8:
                        ax.text(
                            x0 + v / 2,
                            y,
                            f"{v:.0f}%",
                            ha="center",
                            va="center",
                            fontsize=6.5,
                            color="white" if level in ("favourable", "unfavourable") else "#222222",
                        )
                left = [a + b for a, b in zip(left, values, strict=True)]
            ax.set_yticks(range(len(labels)))
            key = panel["key"]
            ax.set_yticklabels(
                [escape(f"{lab}: {key[lab]}" if lab in key else lab) for lab in labels], fontsize=7
            )
            ax.set_ylim(len(labels) - 0.5, -0.5)
            ax.set_xlim(0, 100)
            ax.set_xlabel("% of studies", fontsize=7)
            ax.tick_params(labelsize=7)
            for spine in ("top", "right"):
                ax.spines[spine].set_visible(False)
            ax.set_title(
                escape(
                    f"{panel['title']} ({n} stud{'y' if n == 1 else 'ies'})" + grades_text(panel)
                ),
                fontsize=8,
                loc="left",
            )
        legend_ax = fig.add_subplot(grid[len(panels)])
        legend_ax.axis("off")
        self._legend(legend_ax)
        return fig


@hookimpl
def evidencekit_reporters() -> list[Any]:
    return [QualityPlots()]
