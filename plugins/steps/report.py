"""The ``report`` step: the run's report as HTML, Markdown and tables (XLSX, CSV).

It assembles the *bundle* (the review's sections, the run so far, every earlier step's
results, the SVG figures they wrote, references for every instrument used) and hands it
to the reporters ``report-html``, ``report-markdown`` and ``report-tables`` (see
``plugins/reporters/report.py`` and docs/reporting.md). Sections follow the results that
are present, so a step added later (screening, synthesis, a plugin's) appears in the
report by putting a ``report`` block in its results (or Markdown in
``StepOutcome.report``), without a change here.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Any

from evidencekit.core import hookimpl
from evidencekit.core.providers import PipelineStep
from evidencekit.core.review import Review
from evidencekit.core.steps import StepContext, StepOutcome

FORMATS = {
    "html": ("report-html", {}),
    "markdown": ("report-markdown", {}),
    "xlsx": ("report-tables", {"formats": ["xlsx"]}),
    "csv": ("report-tables", {"formats": ["csv"]}),
}


class ReportStep(PipelineStep):
    """Write the report of every step that ran: report.html, report.md, tables."""

    name = "report"
    description = (
        "Write the report (report.html, report.md, report-tables.xlsx, table-*.csv) "
        "from the results of the steps before it"
    )
    options_schema = {
        "type": "object",
        "properties": {
            "title": {
                "type": "string",
                "description": "the report's title (default: report.title, else the review's)",
            },
            "formats": {
                "type": "array",
                "minItems": 1,
                "uniqueItems": True,
                "items": {"enum": list(FORMATS)},
                "description": "default: report.formats, else all four",
            },
        },
        "additionalProperties": False,
    }
    order = 90
    #: the figures it inlines; the run draws the others (PNG, PDF) while it runs
    reads_staged_files = ("*.svg",)
    reads_sections = ("report", "title", "protocol", "sources", "id", "version")

    def inputs(self, review: Review, options: dict[str, Any]) -> dict[str, str]:
        """Nothing but review.yaml's sections and the steps before it (chained)."""
        return {}

    def run(self, context: StepContext) -> StepOutcome:
        from evidencekit.core.parallel import run_jobs

        registry = context.review.registry
        settings = context.review.section("report")
        formats = list(context.options.get("formats") or settings.get("formats") or list(FORMATS))
        bundle = build_bundle(context)
        files: list[str] = []
        wanted: dict[str, dict[str, Any]] = {}
        for fmt in formats:
            reporter, options = FORMATS[fmt]
            merged = wanted.setdefault(reporter, {})
            if "formats" in options:
                merged.setdefault("formats", []).extend(options["formats"])
        jobs = {
            reporter: partial(
                registry.get("reporter", reporter).render,
                bundle,
                context.staging,
                registry.validate_options("reporter", reporter, options),
            )
            for reporter, options in wanted.items()
        }
        # The reporters share nothing: written side by side on the machine's cores
        # (core.parallel), the tables (openpyxl's import and the workbook, ~0.25 s in a fresh
        # run) beside the HTML (~0.35 s). Jobs are dealt round-robin, so the quick Markdown
        # goes last, into the HTML's share; the files are listed in the reporters' order.
        order = sorted(jobs, key=lambda name: name == "report-markdown")
        written = dict(zip(order, run_jobs([jobs[name] for name in order]), strict=True))
        for reporter in wanted:
            files += [Path(p).name for p in written[reporter]]
        return StepOutcome(
            summary=f"report written: {', '.join(files)}", data={"files": files}, files=files
        )


def build_bundle(context: StepContext) -> dict[str, Any]:
    """What the report reporters read (see plugins/reporters/_report_content.py)."""
    import datetime as _dt

    from evidencekit.core.pipeline_state import seeds_of

    review = context.review
    config = review.config
    title = (
        context.options.get("title")
        or review.section("report").get("title")
        or config.get("title")
        or "Review"
    )
    figures = {p.name: p.read_text("utf-8") for p in sorted(context.staging.glob("*.svg"))}
    outputs = _outputs_dir(context)
    for step_files in (s.get("files") or [] for s in context.run.get("steps") or []):
        for name in step_files:
            # a skipped step's figures are in the outputs folder from its last run
            if name.endswith(".svg") and name not in figures and (outputs / name).is_file():
                figures[name] = (outputs / name).read_text("utf-8")
    return {
        "title": title,
        "review": {k: config.get(k) for k in ("id", "version", "title", "protocol", "sources")},
        "run": {
            "evidencekit": context.run.get("evidencekit", ""),
            "finished": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
            "instruments": dict(sorted(context.instruments.items())),
            "steps": list(context.run.get("steps") or []),
            "seeds": seeds_of(context.results),
        },
        "results": dict(context.results),
        "markdown_sections": dict(context.reports),
        "figures": figures,
        "references": references(review, context.instruments),
    }


def _outputs_dir(context: StepContext) -> Path:
    from evidencekit.core.pipeline import outputs_dir

    return outputs_dir(context.review)


def references(review: Review, instruments: dict[str, str]) -> list[dict[str, Any]]:
    """A reference for every instrument the run used (id → version)."""
    from evidencekit.core.errors import EvidencekitError

    out = []
    for instrument_id, version in sorted(instruments.items()):
        try:
            instrument = review.instrument(f"{instrument_id}@{version}")
        except EvidencekitError:
            continue  # checked at plan time; a reference is never worth failing the run
        source = instrument.source
        out.append(
            {
                "id": instrument.id,
                "version": instrument.version,
                "kind": instrument.kind,
                "title": instrument.title,
                "citation": source.citation,
                "url": source.url,
                "licence": source.licence,
            }
        )
    return out


@hookimpl
def evidencekit_pipeline_steps() -> list[PipelineStep]:
    return [ReportStep()]
