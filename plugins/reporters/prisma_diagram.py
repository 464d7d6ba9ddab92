"""The ``prisma-diagram`` reporter: the PRISMA 2020 flow diagram as SVG, PNG and PDF.

It draws the standard layout of the PRISMA 2020 statement (Page et al., BMJ
2021;372:n71, figure 1): identification, screening and included phases; the
databases-and-registers column; and the "other methods" column only when the
review used other methods. Every number comes from
:class:`evidencekit.core.prisma.PrismaCounts` (or its ``to_dict()``), which the
core computes from the store; where the counts do not add up, the figure still
shows them as they are and the problems are reported in words elsewhere
(``evidencekit prisma``), never drawn.

Text is measured with the drawing font and boxes are sized from it
(:mod:`._prisma_layout`), so long source names and exclusion reasons wrap
inside their boxes. SVG and PDF carry the text as outlines/embedded fonts so a
viewer without the font shows the same widths. Files are drawn in memory first
and written atomically. matplotlib is imported only when a diagram is drawn.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from functools import partial
from pathlib import Path
from typing import Any

from evidencekit.core import hookimpl

FORMATS = ("svg", "png", "pdf")
DEFAULT_DPI = 200
COLOURS = {
    "box": ("#ffffff", "#222222"),
    "title-dbr": ("#ffd966", "#7f6000"),
    "title-other": ("#d9d9d9", "#595959"),
    "phase": ("#9dc3e6", "#2e75b6"),
}
RC = {
    "font.family": "DejaVu Sans",
    "svg.fonttype": "path",  # outlines: the measured widths hold in every viewer
    "pdf.fonttype": 42,  # TrueType embedded: selectable text, same metrics
    "text.usetex": False,
    "svg.hashsalt": "evidencekit",  # reproducible files: the same clip-path ids every run
}


def _escape(text: str) -> str:
    # '$' starts mathtext in matplotlib; a source called "Ovid $MEDLINE" prints as written.
    return text.replace("\\", "\\\\").replace("$", r"\$")


def _counts(results: Any) -> Any:
    from evidencekit.core.prisma import PrismaCounts, counts_from_dict

    if isinstance(results, PrismaCounts):
        return results
    if isinstance(results, Mapping):
        return counts_from_dict(results)
    raise TypeError(
        "prisma-diagram renders PrismaCounts (evidencekit.core.prisma) or its "
        f"to_dict(), not {type(results).__name__}"
    )


def draw(counts: Any) -> Any:
    """The diagram of ``counts`` as a matplotlib Figure (not yet saved)."""
    from matplotlib.figure import Figure
    from matplotlib.patches import FancyArrowPatch, Rectangle
    from matplotlib.path import Path as MplPath

    from evidencekit.plugins.reporters._prisma_layout import LINE, layout

    lay = layout(counts)
    fig = Figure(figsize=(lay.width / 72, lay.height / 72))
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, lay.width)
    ax.set_ylim(lay.height, 0)
    ax.axis("off")
    for box in lay.boxes.values():
        face, edge = COLOURS[box.style]
        ax.add_patch(
            Rectangle(
                (box.x, box.y),
                box.width,
                box.height,
                facecolor=face,
                edgecolor=edge,
                linewidth=0.8,
                joinstyle="miter",
            )
        )
        weight = "bold" if box.bold else "normal"
        if box.style == "phase":
            ax.text(
                box.mid_x,
                box.mid_y,
                _escape(box.lines[0][0]),
                rotation=90,
                ha="center",
                va="center",
                fontsize=box.size,
                fontweight=weight,
            )
            continue
        step = box.size * LINE
        top = box.y + (box.height - step * len(box.lines)) / 2
        for i, (line, offset) in enumerate(box.lines):
            # each line centred in its own slot: exact, whatever the font's ascent
            ax.text(
                box.x + offset,
                top + step * (i + 0.5),
                _escape(line),
                ha="left",
                va="center_baseline",
                fontsize=box.size,
                fontweight=weight,
            )
    for points in lay.arrows:
        codes = [MplPath.MOVETO] + [MplPath.LINETO] * (len(points) - 1)
        ax.add_patch(
            FancyArrowPatch(
                path=MplPath(points, codes),
                arrowstyle="-|>",
                mutation_scale=8,
                linewidth=0.8,
                color="#222222",
                shrinkA=0,
                shrinkB=0,
            )
        )
    _no_ligatures(ax.texts)
    return fig


def _no_ligatures(texts: Any) -> None:
    """Turn ligatures off (matplotlib 3.11 shapes text, and joins "fi" in "Identification").

    Why: a ligature glyph goes into a second font subset, so the PDF would embed each face
    twice and subset the font file twice for it (about a third of the diagram's drawing
    time). Without them every glyph is the character's own, as the layout measured it
    and as matplotlib before 3.11 drew it.
    """
    for text in texts:
        if hasattr(text, "set_fontfeatures"):  # matplotlib >= 3.11
            text.set_fontfeatures(("-liga",))


class PrismaDiagram:
    """Reporter provider: PRISMA 2020 flow diagram files."""

    name = "prisma-diagram"
    description = (
        "PRISMA 2020 flow diagram (SVG, PNG, PDF) drawn from the counts the "
        "store gives; the other-methods column appears only when used"
    )
    options_schema = {
        "type": "object",
        "properties": {
            "formats": {
                "type": "array",
                "items": {"enum": list(FORMATS)},
                "minItems": 1,
                "uniqueItems": True,
                "default": list(FORMATS),
            },
            "dpi": {"type": "integer", "minimum": 72, "maximum": 600, "default": DEFAULT_DPI},
            "name": {
                "type": "string",
                "pattern": "^[A-Za-z0-9_.-]+$",
                "default": "prisma",
                "description": "file name without extension",
            },
        },
        "additionalProperties": False,
    }

    def files(self, options: Mapping[str, Any]) -> list[str]:
        """The names :meth:`render` writes with ``options``, in its order."""
        stem = str(options.get("name") or "prisma")
        return [f"{stem}.{fmt}" for fmt in options.get("formats") or FORMATS]

    def render(self, results: Any, out_dir: Path, options: Mapping[str, Any]) -> list[Path]:
        """Draw the diagram of ``results`` and write it in each format, atomically."""
        import matplotlib
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        from evidencekit.core.io import atomic_write_bytes
        from evidencekit.core.parallel import run_jobs

        counts = _counts(results)
        formats = list(options.get("formats") or FORMATS)
        dpi = int(options.get("dpi", DEFAULT_DPI))
        stem = str(options.get("name") or "prisma")
        out_dir = Path(out_dir)
        metadata = {  # reproducible files: no dates or software versions in the metadata
            "svg": {"Date": None},
            "png": {"Software": None},
            "pdf": {"CreationDate": None, "Producer": None},
        }

        def save(fig: Any, chosen: list[str]) -> list[tuple[Path, bytes]]:
            drawn = []
            for fmt in chosen:
                buffer = io.BytesIO()
                fig.savefig(buffer, format=fmt, dpi=dpi, metadata=metadata[fmt], facecolor="white")
                drawn.append((out_dir / f"{stem}.{fmt}", buffer.getvalue()))
            return drawn

        # The PDF takes as long as the SVG and PNG together (it subsets and embeds the
        # fonts): saved side by side with them on the machine's cores (core.parallel).
        shares = [[f for f in formats if f != "pdf"], ["pdf"]] if "pdf" in formats else [formats]
        with matplotlib.rc_context(RC):
            fig = draw(counts)
            FigureCanvasAgg(fig)
            saved = run_jobs([partial(save, fig, share) for share in shares if share])
        by_format = {path.suffix[1:]: (path, data) for items in saved for path, data in items}
        drawn = [by_format[fmt] for fmt in formats]
        for path, data in drawn:  # all drawn before any is written: nothing half-done
            atomic_write_bytes(path, data)
        return [path for path, _ in drawn]


@hookimpl
def evidencekit_reporters() -> list[Any]:
    return [PrismaDiagram()]
