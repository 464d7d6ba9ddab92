"""The ``appraise`` step: score appraisal answers, write the quality table and plots."""

from __future__ import annotations

from typing import Any

from evidencekit.core import hookimpl
from evidencekit.core.providers import PipelineStep
from evidencekit.core.review import Review
from evidencekit.core.steps import (
    PLOTS_OPTION,
    StepContext,
    StepOutcome,
    need_files,
    plot_formats,
)

_FILES = {"type": "string", "minLength": 1}


class AppraiseStep(PipelineStep):
    """Score every study's checklist answers (see docs/appraisal.md)."""

    name = "appraise"
    description = "Score appraisal answers with each checklist's scorer; quality table and plots"
    options_schema = {
        "type": "object",
        "properties": {
            "answers": {
                "anyOf": [_FILES, {"type": "array", "items": _FILES, "minItems": 1}],
                "description": "answers file, or a list of them (default: "
                "appraisal.answers of review.yaml)",
            },
            "studies": {**_FILES, "description": "studies file (study id, design)"},
            "plots": PLOTS_OPTION,
            "skip_invalid": {"type": "boolean", "default": False},
        },
        "additionalProperties": False,
    }
    order = 40
    reads_staged_files = False
    preloads = ("evidencekit.plugins.reporters._preload",)  # what its plots need

    #: review.yaml sections its result depends on (see core/pipeline_state.py).
    reads_sections = ("appraisal", "extraction")

    def check(self, review: Review, options: dict[str, Any], provider: str | None = None) -> None:
        merged = _with_defaults(review, options)
        if merged.get("answers") is None:
            from evidencekit.core.errors import PipelineError

            raise PipelineError(
                "no answers: give options.answers or appraisal.answers in "
                "review.yaml (a file, or a list of files)"
            )
        need_files(review, merged, "answers", many=True)
        if options.get("studies"):
            need_files(review, options, "studies")

    def inputs(self, review: Review, options: dict[str, Any]) -> dict[str, str]:
        """The answers and studies files (options, else the appraisal section, else
        studies.csv), hashed."""
        from evidencekit.core.pipeline_state import option_files

        merged = _with_defaults(review, options)
        studies = merged.get("studies") or review.section("extraction").get("studies")
        if not studies and (review.root / "studies.csv").is_file():
            studies = "studies.csv"
        return option_files(review, {**merged, "studies": studies})

    def run(self, context: StepContext) -> StepOutcome:
        from evidencekit.core.appraisal import load_context, score_files, table_csv
        from evidencekit.plugins.reporters._common import render_later

        options = _with_defaults(context.review, context.options)
        answers = options["answers"]
        answers = answers if isinstance(answers, list) else [answers]
        studies = context.path(options["studies"]) if options.get("studies") else None
        loaded = load_context(context.review, studies_file=studies)
        report = score_files(
            [context.path(a) for a in answers],
            loaded,
            skip_invalid=bool(options.get("skip_invalid", False)),
        )
        data = report.to_dict()
        files = [
            context.write_json("appraisal.json", data),
            context.write_text("quality-table.csv", table_csv(report)),
        ]
        for checklist in data.get("checklists", {}):
            context.instruments.setdefault(checklist.split("@")[0], checklist.split("@")[-1])
        formats = plot_formats(options.get("plots", True))
        if formats:
            registry = context.review.registry
            reporter = registry.get("reporter", "quality-plots")
            plot_options = registry.validate_options(
                "reporter", "quality-plots", {"formats": formats}
            )
            # drawn beside the later steps (the run waits for them before the report)
            files += render_later(context, reporter, data, plot_options)
        grades = ", ".join(f"{n} {g}" for g, n in data["grades"].items())
        return StepOutcome(
            summary=f"{len(data['studies'])} studies appraised: {grades}", data=data, files=files
        )


def _with_defaults(review: Review, options: dict[str, Any]) -> dict[str, Any]:
    """The step's options, with ``answers`` taken from review.yaml's ``appraisal.answers``
    when the step does not name them (as docs/appraisal.md says)."""
    merged = dict(options)
    if merged.get("answers") is None and review.section("appraisal").get("answers"):
        merged["answers"] = review.section("appraisal")["answers"]
    return merged


@hookimpl
def evidencekit_pipeline_steps() -> list[PipelineStep]:
    return [AppraiseStep()]
