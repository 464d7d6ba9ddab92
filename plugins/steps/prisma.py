"""The ``prisma`` step: the PRISMA 2020 flow diagram and counts, computed from the store."""

from __future__ import annotations

from typing import Any

from evidencekit.core import hookimpl
from evidencekit.core.errors import PipelineError
from evidencekit.core.providers import PipelineStep
from evidencekit.core.review import Review
from evidencekit.core.steps import StepContext, StepOutcome


def _escape(text: str) -> str:
    # Source names and reasons come from imports and review.yaml: no stray markup.
    for char in ("\\", "|", "<", ">", "*", "_", "`", "[", "]"):
        text = text.replace(char, "\\" + char)
    return " ".join(text.split())


def report_section(counts: Any, image: str | None) -> str:
    """The run report's PRISMA section: the diagram, the counts, any problems."""
    c = counts
    lines = ["## PRISMA 2020 flow diagram", ""]
    if image:
        lines += [f"![PRISMA 2020 flow diagram]({image})", ""]
    rows = [
        ("Records identified from databases", c.database_results),
        ("Records identified from registers", c.register_results),
    ]
    if c.other_methods_used:
        rows.append(("Records identified by other methods", c.identified_other))
    rows += [
        ("Duplicate records removed", c.duplicates),
        ("Records marked as ineligible by automation tools", c.excluded_automatic),
        ("Records screened", c.records_screened),
        ("Records excluded", c.records_excluded),
        ("Reports sought for retrieval", c.dbr.sought + c.other.sought),
        ("Reports not retrieved", c.dbr.not_retrieved + c.other.not_retrieved),
        ("Reports assessed for eligibility", c.dbr.assessed + c.other.assessed),
    ]
    reasons: dict[str, int] = {}
    for flow in (c.dbr, c.other):
        for r in flow.excluded:
            reasons[r.reason or "no reason given"] = (
                reasons.get(r.reason or "no reason given", 0) + r.n
            )
    rows += [(f"Reports excluded: {_escape(reason)}", n) for reason, n in reasons.items()]
    rows += [("Studies included", c.new_studies), ("Reports of included studies", c.new_reports)]
    lines += ["| Box | n |", "|---|---|"]
    lines += [f"| {label} | {n:,} |" for label, n in rows]
    lines.append("")
    if c.problems:
        lines += ["The counts do not add up:", ""]
        lines += [f"- {_escape(p)}" for p in c.problems]
        lines.append("")
    lines += [f"Note: {_escape(n)}" for n in c.notes]
    return "\n".join(lines).rstrip() + "\n"


class PrismaStep(PipelineStep):
    """Compute the PRISMA 2020 counts and draw the diagram (docs/prisma.md)."""

    name = "prisma"
    description = (
        "PRISMA 2020 flow diagram (SVG, PNG, PDF), the PRISMA2020 R package's CSV "
        "and the counts, computed from the store"
    )
    options_schema = {
        "type": "object",
        "properties": {
            "formats": {
                "type": "array",
                "items": {"enum": ["svg", "png", "pdf"]},
                "minItems": 1,
                "uniqueItems": True,
            },
            "dpi": {"type": "integer", "minimum": 72, "maximum": 600},
            "reporter": {"type": "string", "minLength": 1, "default": "prisma-diagram"},
            "strict": {
                "type": "boolean",
                "default": False,
                "description": "fail the step when the counts do not add up",
            },
        },
        "additionalProperties": False,
    }
    order = 70
    reads_staged_files = False
    preloads = ("evidencekit.plugins.reporters._preload",)  # what its diagram needs

    def check(self, review: Review, options: dict[str, Any], provider: str | None = None) -> None:
        from evidencekit.core.screening import screening_config

        screening_config(review)  # a malformed screening section is reported now
        reporter = str(options.get("reporter") or "prisma-diagram")
        review.registry.get("reporter", reporter)  # unknown name: the known ones listed
        review.registry.validate_options("reporter", reporter, _reporter_options(options))

    def run(self, context: StepContext) -> StepOutcome:
        from evidencekit.core.prisma import prisma_fields, write_prisma

        options = context.options
        result = write_prisma(
            context.review,
            context.staging,
            formats=options.get("formats"),
            dpi=options.get("dpi"),
            reporter=str(options.get("reporter") or "prisma-diagram"),
            defer=context.defer,  # the diagram is drawn beside the report's first part
        )
        counts = result.counts
        if options.get("strict") and counts.problems:
            raise PipelineError("the PRISMA counts do not add up: " + "; ".join(counts.problems))
        files = [path.name for path in result.files]
        image = next(
            (f for f in files if f.endswith(".svg")),
            next((f for f in files if f.endswith(".png")), None),
        )
        summary = (
            f"{counts.records_screened} records screened, {counts.new_studies} studies "
            f"({counts.new_reports} reports) included"
        )
        if counts.problems:
            summary += f"; {len(counts.problems)} count problem(s), see prisma.json"
        return StepOutcome(
            summary=summary,
            data={"fields": prisma_fields(counts), "counts": counts.to_dict()},
            files=files,
            report=report_section(counts, image),
        )


def _reporter_options(options: dict[str, Any]) -> dict[str, Any]:
    return {key: options[key] for key in ("formats", "dpi") if key in options}


@hookimpl
def evidencekit_pipeline_steps() -> list[PipelineStep]:
    return [PrismaStep()]
