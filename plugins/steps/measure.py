"""The ``measure`` step: score ratings on a measure, Table 2, validity analyses, plots."""

from __future__ import annotations

from functools import partial
from typing import Any

from evidencekit.core import hookimpl
from evidencekit.core.errors import PipelineError
from evidencekit.core.providers import PipelineStep
from evidencekit.core.review import Review
from evidencekit.core.steps import (
    PLOTS_OPTION,
    StepContext,
    StepOutcome,
    need_files,
    plot_formats,
)

_TEXT = {"type": "string", "minLength": 1}


class MeasureStep(PipelineStep):
    """Score site ratings on a measure and run its validity analyses (docs/measure.md)."""

    name = "measure"
    description = "Score ratings on a measure; Table 2, validity analyses and plots"
    options_schema = {
        "type": "object",
        "properties": {
            "measure": {
                **_TEXT,
                "description": "a measure id, e.g. peer-support-implementation-measure",
            },
            "ratings": _TEXT,
            "units": _TEXT,
            "analyses": {
                "anyOf": [
                    {**_TEXT, "description": "a file like validity.yaml"},
                    {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["name"],
                            "properties": {"name": _TEXT},
                        },
                    },
                ]
            },
            "by": {**_TEXT, "description": "a unit attribute for group means"},
            "plots": PLOTS_OPTION,
        },
        "additionalProperties": False,
    }
    order = 60
    reads_staged_files = False
    #: what its plots need; scipy.special, what the validity analyses' statistics need
    preloads = ("evidencekit.plugins.reporters._preload", "scipy.special")

    def check(self, review: Review, options: dict[str, Any], provider: str | None = None) -> None:
        if not options.get("measure"):
            raise PipelineError(
                "options.measure is required (a measure id, e.g. "
                "peer-support-implementation-measure)"
            )
        review.instrument(str(options["measure"]), kind="measure")
        need_files(review, options, "ratings")
        if options.get("units"):
            need_files(review, options, "units")
        if isinstance(options.get("analyses"), str):
            need_files(review, options, "analyses")

    reads_sections = ()  # everything it reads is in its options (files hashed)

    def run(self, context: StepContext) -> StepOutcome:
        from evidencekit.core.measure import (
            load_analyses_file,
            plot_results,
            read_inputs,
            render_table2,
            run_validity,
            table2,
        )
        from evidencekit.plugins.reporters._common import render_later

        options = context.options
        registry = context.review.registry
        measure = context.review.instrument(str(options["measure"]), kind="measure")
        context.instruments[measure.id] = measure.version
        units_file = context.path(options["units"]) if options.get("units") else None
        ratings, units = read_inputs(measure, context.path(options["ratings"]), units_file)
        scores = ratings.scores
        table = table2(scores, units, options.get("by"))
        files = [
            context.write_json("measure-scores.json", scores.to_dict()),
            context.write_text("measure-table2.md", render_table2(table, "markdown")),
        ]
        data: dict[str, Any] = {"scores": scores.to_dict(), "table2": table}
        analyses_opt = options.get("analyses")
        if isinstance(analyses_opt, str):
            analyses = load_analyses_file(context.path(analyses_opt), registry)
        else:
            analyses = [
                (
                    a["name"],
                    registry.validate_options(
                        "validity-analysis", a["name"], {k: v for k, v in a.items() if k != "name"}
                    ),
                )
                for a in analyses_opt or []
            ]
        formats = plot_formats(options.get("plots", True))
        if analyses:
            # in the drawing process, where scipy (the analyses' statistics) was imported
            # during the early steps; here if the job does not pickle
            infos = {name: registry.info("validity-analysis", name) for name, _ in analyses}
            job = partial(run_validity, measure, ratings, units, analyses, _Providers(infos))
            data["validity"] = context.call(job)
            files.append(context.write_json("measure-validity.json", data["validity"]))
        if formats:
            # drawn beside the later steps (the run waits for them before the report)
            plot_options = registry.validate_options(
                "reporter", "measure-plots", {"formats": formats}
            )
            reporter = registry.get("reporter", "measure-plots")
            files += render_later(context, reporter, plot_results(measure, table), plot_options)
        return StepOutcome(
            summary=f"{len(scores.to_dict()['units'])} units scored on {measure.ref}; "
            f"{len(analyses)} validity analyses",
            data=data,
            files=files,
        )


class _Providers:
    """The validity analyses' providers, as ``run_validity`` asks the registry for them:
    plain data, so the job pickles."""

    def __init__(self, infos: dict[str, Any]) -> None:
        self.infos = infos

    def get(self, kind: str, name: str) -> Any:
        return self.infos[name].provider

    def info(self, kind: str, name: str) -> Any:
        return self.infos[name]


@hookimpl
def evidencekit_pipeline_steps() -> list[PipelineStep]:
    return [MeasureStep()]
