"""The ``report`` step: the results of the steps that ran, as one Markdown page."""

from __future__ import annotations

from evidencekit.core import hookimpl
from evidencekit.core.providers import PipelineStep
from evidencekit.core.steps import StepContext, StepOutcome


class ReportStep(PipelineStep):
    """Write report.md: records, appraisal, measure, then every other step's section."""

    name = "report"
    description = "Write report.md from the results of the steps before it"
    options_schema = {
        "type": "object",
        "properties": {"title": {"type": "string", "description": "the report's title"}},
        "additionalProperties": False,
    }
    order = 90

    def run(self, context: StepContext) -> StepOutcome:
        from evidencekit.plugins.steps._markdown import markdown_report

        title = context.options.get("title") or context.review.config.get("title") or "Review"
        text = markdown_report(title, context.results, context.reports)
        return StepOutcome(summary="report.md written", data={},
                           files=[context.write_text("report.md", text)])


@hookimpl
def evidencekit_pipeline_steps() -> list[PipelineStep]:
    return [ReportStep()]
