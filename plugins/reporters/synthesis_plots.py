"""Synthesis plots: the ranked shares of influences (facilitator / barrier / both /
unclear stacked) and a subgroup comparison (a dot plot of the shares in each level).

``render`` reads the plain results of the synthesis methods: ``vote_count`` (the
``vote-count`` result) and, for the dot plot, ``subgroup`` (the ``subgroup`` result).
Bars and dots carry text as well as colour: each bar ends with its count and
percentage, and each subgroup has its own marker shape, so the plots read in grey
scale. matplotlib is imported only when a plot is drawn, with the Agg backend.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from evidencekit.core import hookimpl
from evidencekit.core.errors import EvidencekitError
from evidencekit.plugins.reporters._common import plot_options_schema, render_figures

PLOTS = ("shares", "subgroups")
#: direction segment → (colour, hatch, legend label); Okabe-Ito colours (colour-blind safe).
SEGMENTS = {
    "facilitator": ("#009E73", "", "facilitator"),
    "barrier": ("#D55E00", "", "barrier"),
    "both": ("#E69F00", "//", "both (facilitator and barrier)"),
    "unclear": ("#999999", "..", "unclear direction"),
}
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "<", ">", "h")
COLOURS = (
    "#0072B2",
    "#D55E00",
    "#009E73",
    "#CC79A7",
    "#E69F00",
    "#56B4E9",
    "#000000",
    "#F0E442",
    "#999999",
    "#882255",
)
ROW_INCH = 0.32


def _escape(text: Any) -> str:
    # '$' starts mathtext in matplotlib; a name must print as written.
    return str(text).replace("\\", "\\\\").replace("$", r"\$")


def _label(name: str, limit: int = 48) -> str:
    name = " ".join(str(name).split())
    return _escape(name if len(name) <= limit else name[: limit - 1] + "…")


class SynthesisPlots:
    """Writes ``synthesis-shares.*`` and ``synthesis-subgroups.*``."""

    name = "synthesis-plots"
    description = (
        "Ranked influence shares (stacked by direction) and a subgroup dot plot (SVG, PNG)."
    )
    options_schema = plot_options_schema(PLOTS)

    def render(
        self, results: Mapping[str, Any], out_dir: Path, options: Mapping[str, Any]
    ) -> list[Path]:
        """Draw every chosen plot in memory, then write each file atomically."""
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        plots = list(options.get("plots") or [p for p in PLOTS if _has_data(results, p)])
        for plot in plots:
            if not _has_data(results, plot):
                raise EvidencekitError(
                    f"synthesis-plots: no data for the {plot!r} plot; it needs the "
                    + (
                        "vote-count result"
                        if plot == "shares"
                        else "subgroup result (e.g. --by modality)"
                    )
                )
        draw = {"shares": self._shares, "subgroups": self._subgroups}
        return render_figures(
            {**options, "plots": plots},
            PLOTS,
            lambda name: draw[name](plt, results),
            out_dir,
            "synthesis",
            {"svg.hashsalt": "evidencekit", "svg.fonttype": "none", "font.size": 9},
            close=plt.close,
        )

    def _shares(self, plt: Any, results: Mapping[str, Any]) -> Any:
        """One bar per influence, in rank order from the top; influences of unclear
        direction below a rule; the retention threshold as a dashed line."""
        vote = results["vote_count"]
        ranked = list(vote["influences"])
        unclear = list(vote.get("unclear_direction") or [])
        rows = ranked + unclear
        n = vote["n_studies"]
        gap = 0.6 if unclear else 0.0
        y = [i for i in range(len(ranked))] + [len(ranked) + gap + i for i in range(len(unclear))]
        fig, ax = plt.subplots(figsize=(9, 1.3 + ROW_INCH * (len(rows) + gap)))
        left = [0.0] * len(rows)
        for segment, (colour, hatch, label) in SEGMENTS.items():
            widths = [100 * e["studies_by_direction"][segment] / n if n else 0 for e in rows]
            if not any(widths):
                continue
            ax.barh(
                y,
                widths,
                left=left,
                color=colour,
                hatch=hatch,
                edgecolor="white",
                linewidth=0.6,
                height=0.72,
                label=label,
            )
            left = [a + b for a, b in zip(left, widths, strict=True)]
        top = max((e["share"] or 0 for e in rows), default=0) * 100
        for yi, e in zip(y, rows, strict=True):
            share = 100 * (e["share"] or 0)
            # rounded half up, as the tables print shares (37.5 % is 38 %)
            shown = math.floor(share + 0.5 + 1e-9)
            ax.text(
                share + top * 0.01 + 0.3,
                yi,
                f"{e['n_studies']} ({shown} %)",
                va="center",
                fontsize=8,
            )
        ax.set_yticks(y, labels=[_label(e["name"]) for e in rows])
        ax.invert_yaxis()
        if unclear:
            ax.axhline(len(ranked) - 0.5 + gap / 2, color="black", linewidth=0.8)
            ax.text(
                1.0,
                len(ranked) + gap / 2 - 0.05,
                "unclear direction (ranked apart)",
                transform=ax.get_yaxis_transform(),
                ha="right",
                va="bottom",
                fontsize=7,
                style="italic",
            )
        threshold = vote.get("threshold")
        if threshold:
            ax.axvline(100 * threshold, color="black", linestyle="--", linewidth=0.9)
            ax.text(
                100 * threshold,
                0.01,
                f" {100 * threshold:g} % threshold",
                fontsize=7,
                va="bottom",
                transform=ax.get_xaxis_transform(),
            )
        ax.set_xlim(0, max(top * 1.18, 100 * (threshold or 0) * 1.3, 1))
        ax.set_xlabel(f"share of the {n} included studies coding the influence (%)")
        ax.legend(
            loc="center right",
            fontsize=7,
            title="studies coding it as",
            title_fontsize=7,
            frameon=True,
        )
        ax.set_title(
            f"Influences ranked by the share of studies coding them ({_escape(vote['framework'])})",
            fontsize=10,
        )
        ax.grid(axis="x", alpha=0.3)
        ax.set_axisbelow(True)
        return fig

    def _subgroups(self, plt: Any, results: Mapping[str, Any]) -> Any:
        """Influences in the whole review's rank order; per subgroup a marker at its share
        (hollow where the influence drops below the threshold), the whole as a black bar."""
        sub = results["subgroup"]
        whole = sub["whole"]["influences"]
        groups = [g for g in sub["subgroups"]]
        fig, ax = plt.subplots(figsize=(9.5, 1.4 + ROW_INCH * len(whole)))
        y = list(range(len(whole)))
        ax.scatter(
            [100 * (e["share"] or 0) for e in whole],
            y,
            marker="|",
            s=260,
            color="black",
            linewidths=2.2,
            zorder=3,
            label=f"all studies (n = {sub['n_studies']})",
        )
        count = max(len(groups), 1)
        for index, g in enumerate(groups):
            if not g["n_studies"]:
                continue
            by_id = {e["id"]: e for e in g["influences"]}
            offset = (index - (count - 1) / 2) * min(0.14, 0.7 / count)
            xs = [100 * (by_id[e["id"]]["share"] or 0) for e in whole]
            ys = [v + offset for v in y]
            colour = COLOURS[index % len(COLOURS)]
            kept = [e["id"] not in g["dropped"] for e in whole]
            small = " — small" if g["small"] else ""
            ax.scatter(
                [x for x, k in zip(xs, kept, strict=True) if k],
                [v for v, k in zip(ys, kept, strict=True) if k],
                marker=MARKERS[index % len(MARKERS)],
                color=colour,
                s=34,
                zorder=4,
                label=f"{_escape(g['level'])} (n = {g['n_studies']}{small})",
            )
            dropped = [(x, v) for x, v, k in zip(xs, ys, kept, strict=True) if not k]
            if dropped:
                ax.scatter(
                    [x for x, _ in dropped],
                    [v for _, v in dropped],
                    marker=MARKERS[index % len(MARKERS)],
                    facecolors="none",
                    edgecolors=colour,
                    s=34,
                    linewidths=1.2,
                    zorder=4,
                )
        empty = [g["level"] for g in groups if not g["n_studies"]]
        threshold = sub.get("threshold")
        if threshold:
            ax.axvline(100 * threshold, color="black", linestyle="--", linewidth=0.9)
        ax.set_yticks(y, labels=[_label(e["name"]) for e in whole])
        ax.invert_yaxis()
        highest = max(
            [100 * (e["share"] or 0) for e in whole]
            + [100 * (e["share"] or 0) for g in groups for e in g["influences"]]
        )
        ax.set_xlim(-2, min(102, max(highest * 1.08 + 3, 100 * (threshold or 0) * 1.5)))
        ax.set_xlabel(
            "share of the subgroup's studies coding the influence (%)"
            + (f"; hollow: dropped below {100 * threshold:g} % (dashed line)" if threshold else "")
        )
        title = f"Influences by {_escape(sub['attribute'])}: shares in each subgroup"
        if empty:
            title += f"\n(no studies: {', '.join(_escape(e) for e in empty)})"
        ax.set_title(title, fontsize=10)
        ax.grid(axis="x", alpha=0.3)
        ax.set_axisbelow(True)
        ax.legend(
            fontsize=7,
            bbox_to_anchor=(1.01, 1),
            loc="upper left",
            title=_escape(sub["attribute"]),
            title_fontsize=7,
        )
        return fig


def _has_data(results: Mapping[str, Any], plot: str) -> bool:
    if plot == "shares":
        return bool(results.get("vote_count"))
    return bool(results.get("subgroup"))


@hookimpl
def evidencekit_reporters() -> list[Any]:
    return [SynthesisPlots()]
