"""What the plot reporters share: their options schema and the draw-save-write loop.

A private module (its name starts with ``_``), so the plugin manager does not register it.
matplotlib is imported only inside ``render_figures``, when a plot is drawn.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping, Sequence
from functools import partial
from pathlib import Path
from typing import Any

FORMATS = ("svg", "png")
DEFAULT_DPI = 150


def plot_options_schema(plots: Sequence[str], **extra: Mapping[str, Any]) -> dict[str, Any]:
    """The JSON Schema of a plot reporter's options: ``formats``, ``plots`` (out of
    ``plots``), ``dpi``, plus the reporter's own ``extra`` properties."""
    return {
        "type": "object",
        "properties": {
            "formats": {
                "type": "array",
                "items": {"enum": list(FORMATS)},
                "minItems": 1,
                "uniqueItems": True,
                "default": list(FORMATS),
            },
            "plots": {
                "type": "array",
                "items": {"enum": list(plots)},
                "minItems": 1,
                "uniqueItems": True,
                "default": list(plots),
            },
            "dpi": {"type": "integer", "minimum": 50, "maximum": 600, "default": DEFAULT_DPI},
            **extra,
        },
        "additionalProperties": False,
    }


def render_figures(
    options: Mapping[str, Any],
    plots: Sequence[str],
    draw: Callable[[str], Any],
    out_dir: Path,
    prefix: str,
    rc: Mapping[str, Any],
    close: Callable[[Any], None] | None = None,
) -> list[Path]:
    """Draw each chosen plot with ``draw(name)`` and save it in each chosen format, all in
    memory; then write ``out_dir/{prefix}-{name}.{format}`` atomically and return the paths.
    Plots are drawn in parallel where the machine allows (:mod:`evidencekit.core.parallel`),
    so ``draw`` must not change state the caller reads afterwards.

    Why in memory first: a plot that fails to draw leaves no file half-written. ``rc``
    holds the matplotlib settings for drawing and saving; ``close`` (e.g.
    ``pyplot.close``) releases each figure once it is saved.
    """
    import matplotlib

    from evidencekit.core.io import atomic_write_bytes
    from evidencekit.core.parallel import run_jobs

    formats = list(options.get("formats") or FORMATS)
    dpi = int(options.get("dpi", DEFAULT_DPI))
    out_dir = Path(out_dir)

    def job(name: str) -> list[tuple[Path, bytes]]:
        drawn: list[tuple[Path, bytes]] = []
        with matplotlib.rc_context(dict(rc)):
            fig = draw(name)
            try:
                # The tight bounding box once per figure: bbox_inches="tight" would lay the
                # figure out again for every format (a full extra draw each time).
                bbox = _tight_bbox(fig)
                for fmt in formats:
                    buffer = io.BytesIO()
                    # Reproducible files: no creation date or software in the metadata.
                    metadata = {"Date": None} if fmt == "svg" else {"Software": None}
                    fig.savefig(buffer, format=fmt, dpi=dpi, bbox_inches=bbox, metadata=metadata)
                    drawn.append((out_dir / f"{prefix}-{name}.{fmt}", buffer.getvalue()))
            finally:
                if close is not None:
                    close(fig)
        return drawn

    # The figures share nothing: drawn side by side on the machine's cores (core.parallel).
    names = list(options.get("plots") or plots)
    if len(names) > 1:
        _load_backends(formats)  # once, before the fork, not again in each child
    drawn = [item for items in run_jobs([partial(job, name) for name in names]) for item in items]
    for path, data in drawn:
        atomic_write_bytes(path, data)
    return [path for path, _ in drawn]


def _load_backends(formats: Sequence[str]) -> None:
    """Import the matplotlib backends that save ``formats`` (the backends load lazily)."""
    import importlib

    for fmt in formats:
        importlib.import_module(f"matplotlib.backends.backend_{'agg' if fmt == 'png' else fmt}")


def figure_files(options: Mapping[str, Any], plots: Sequence[str], prefix: str) -> list[str]:
    """The names :func:`render_figures` writes for ``options``, in its order."""
    formats = list(options.get("formats") or FORMATS)
    return [f"{prefix}-{name}.{fmt}" for name in options.get("plots") or plots for fmt in formats]


def render_later(
    context: Any, reporter: Any, results: Any, options: Mapping[str, Any]
) -> list[str]:
    """Draw ``reporter``'s figures into the step's staging folder beside the later steps
    (``StepContext.defer``) when the reporter can name its files beforehand (a
    ``files(options)`` method), else now; the names of the files, in the reporter's order.
    (The step lists :data:`PRELOADS` in its ``preloads``.)"""
    if not callable(getattr(reporter, "files", None)):
        return [Path(path).name for path in reporter.render(results, context.staging, options)]
    names = list(reporter.files(options))
    return context.defer(partial(reporter.render, results, context.staging, options), names)


#: What a step that draws puts in its ``preloads`` (see ._preload).
PRELOADS = ("evidencekit.plugins.reporters._preload",)


def _tight_bbox(fig: Any) -> Any:
    """What ``bbox_inches="tight"`` computes (with its 0.1 inch pad), computed once."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = fig.canvas if isinstance(fig.canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)
    return fig.get_tightbbox(canvas.get_renderer()).padded(0.1)
