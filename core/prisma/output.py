"""Writing a review's PRISMA outputs: the diagram (through a reporter), the CSV, the JSON.

Shared by ``evidencekit prisma`` and the ``prisma`` pipeline step, so both write
the same files. The reporter is found by name through the registry (the core
never imports a plugin); every file is written atomically, and the figures are
all drawn before any file is written.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from evidencekit.core.prisma.compute import prisma_counts
from evidencekit.core.prisma.counts import PrismaCounts
from evidencekit.core.prisma.csvfields import prisma_csv, prisma_fields

DEFAULT_REPORTER = "prisma-diagram"
CSV_NAME = "prisma.csv"
JSON_NAME = "prisma.json"


@dataclass(frozen=True)
class PrismaOutput:
    """What :func:`write_prisma` computed and wrote."""

    counts: PrismaCounts
    files: tuple[Path, ...] = field(default_factory=tuple)

    def fields_json(self) -> dict[str, Any]:
        """The PRISMA2020 CSV fields with their counts, plus problems and notes."""
        return {
            **prisma_fields(self.counts),
            "problems": list(self.counts.problems),
            "notes": list(self.counts.notes),
        }


def write_prisma(
    review: Any,
    out_dir: str | Path,
    *,
    formats: Sequence[str] | None = None,
    dpi: int | None = None,
    reporter: str = DEFAULT_REPORTER,
    counts: PrismaCounts | None = None,
    defer: Callable[[Callable[[], Any], list[str]], list[str]] | None = None,
) -> PrismaOutput:
    """Compute the counts (unless given) and write the diagram, ``prisma.csv`` and
    ``prisma.json`` (every count, problem and note) into ``out_dir``.

    With ``defer`` (a pipeline step's ``StepContext.defer``), a reporter that names its
    files beforehand (``files(options)``) draws the diagram through it: beside the later
    steps; the files are still listed in the same order."""
    from evidencekit.core.io import atomic_write_text

    counts = counts if counts is not None else prisma_counts(review)
    options: dict[str, Any] = {}
    if formats:
        options["formats"] = list(dict.fromkeys(formats))
    if dpi is not None:
        options["dpi"] = int(dpi)
    registry = review.registry
    options = registry.validate_options("reporter", reporter, options)
    out = Path(out_dir)
    provider = registry.get("reporter", reporter)
    if defer is not None and callable(getattr(provider, "files", None)):
        # the PDF a job of its own: a step waiting for the SVG (the report) need not wait
        # for its font subsetting, which takes longer than the rest
        formats = list(options.get("formats") or [])
        shares = [[f for f in formats if f != "pdf"], [f for f in formats if f == "pdf"]]
        for share in [s for s in shares if s] if formats else [[]]:
            one = {**options, "formats": share} if share else options
            defer(partial(provider.render, counts, out, one), list(provider.files(one)))
        files = [out / name for name in provider.files(options)]  # in the formats' order
    else:
        files = list(provider.render(counts, out, options))
    atomic_write_text(out / CSV_NAME, prisma_csv(counts))
    data = {"fields": prisma_fields(counts), "counts": counts.to_dict()}
    atomic_write_text(out / JSON_NAME, json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    return PrismaOutput(counts, (*files, out / CSV_NAME, out / JSON_NAME))
