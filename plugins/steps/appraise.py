"""The ``appraise`` step: score appraisal answers, write the quality table and plots."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from evidencekit.core import hookimpl
from evidencekit.core.providers import PipelineStep
from evidencekit.core.review import Review
from evidencekit.core.steps import StepContext, StepOutcome, need_files

_FILES = {"type": "string", "minLength": 1}


class AppraiseStep(PipelineStep):
    """Score every study's checklist answers (see docs/appraisal.md)."""

    name = "appraise"
    description = "Score appraisal answers with each checklist's scorer; quality table and plots"
    options_schema = {
        "type": "object",
        "properties": {
            "answers": {"anyOf": [_FILES, {"type": "array", "items": _FILES, "minItems": 1}],
                        "description": "answers file, or a list of them"},
            "studies": {**_FILES, "description": "studies file (study id, design)"},
            "plots": {"type": "boolean", "default": True},
            "skip_invalid": {"type": "boolean", "default": False},
        },
        "additionalProperties": False,
    }
    order = 40

    def check(self, review: Review, options: dict[str, Any],
              provider: str | None = None) -> None:
        need_files(review, options, "answers", many=True)
        if options.get("studies"):
            need_files(review, options, "studies")

    def run(self, context: StepContext) -> StepOutcome:
        from evidencekit.core.appraisal import load_context, score_files, table_csv

        options = context.options
        answers = options["answers"]
        answers = answers if isinstance(answers, list) else [answers]
        studies = context.path(options["studies"]) if options.get("studies") else None
        loaded = load_context(context.review.root, studies_file=studies)
        report = score_files([context.path(a) for a in answers], loaded,
                             skip_invalid=bool(options.get("skip_invalid", False)))
        data = report.to_dict()
        files = [context.write_json("appraisal.json", data),
                 context.write_text("quality-table.csv", table_csv(report))]
        for checklist in data.get("checklists", {}):
            context.instruments.setdefault(checklist.split("@")[0], checklist.split("@")[-1])
        if options.get("plots", True):
            registry = context.review.registry
            reporter = registry.get("reporter", "quality-plots")
            plot_options = registry.validate_options("reporter", "quality-plots", {})
            for path in reporter.render(data, context.staging, plot_options):
                files.append(Path(path).name)
        grades = ", ".join(f"{n} {g}" for g, n in data["grades"].items())
        return StepOutcome(summary=f"{len(data['studies'])} studies appraised: {grades}",
                           data=data, files=files)


@hookimpl
def evidencekit_pipeline_steps() -> list[PipelineStep]:
    return [AppraiseStep()]
