"""The ``synthesize`` step: run synthesis methods by name, each with its options, and
write their tables, JSON and plots into the outputs folder."""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Any

from evidencekit.core import hookimpl
from evidencekit.core.errors import PipelineError
from evidencekit.core.io import file_name_part
from evidencekit.core.providers import PipelineStep
from evidencekit.core.review import Review
from evidencekit.core.steps import (
    PLOTS_OPTION,
    StepContext,
    StepOutcome,
    need_files,
    plot_formats,
)

_FILE = {"type": "string", "minLength": 1}


class SynthesizeStep(PipelineStep):
    """Vote counting, subgroups, sensitivity, a derived measure, crosswalk maps
    (docs/synthesis.md)."""

    name = "synthesize"
    description = (
        "Run synthesis methods (vote-count, subgroup, sensitivity, derive-measure, "
        "crosswalk); tables, JSON and plots"
    )
    options_schema = {
        "type": "object",
        "required": ["methods"],
        "properties": {
            "methods": {
                "type": "array",
                "minItems": 1,
                "items": {
                    "type": "object",
                    "required": ["method"],
                    "properties": {"method": _FILE},
                },
                "description": "each '- method: NAME' with that method's options",
            },
            "codings": {**_FILE, "description": "default: extraction.codings"},
            "studies": {**_FILE, "description": "default: extraction.studies"},
            "framework": {**_FILE, "description": "default: extraction.framework"},
            "form": {**_FILE, "description": "default: extraction.form"},
            "appraisal": {**_FILE, "description": "grades for sensitivity analyses"},
            # true (SVG), false (none) or the formats: the same option as appraise/measure
            "plots": PLOTS_OPTION,
        },
        "additionalProperties": False,
    }
    order = 50
    reads_staged_files = False
    preloads = ("evidencekit.plugins.reporters._preload",)  # what its plots need

    def check(self, review: Review, options: dict[str, Any], provider: str | None = None) -> None:
        for key in ("codings", "studies", "appraisal"):
            if options.get(key):
                need_files(review, options, key)
        for number, entry in enumerate(options["methods"]):
            name, method_options = _split(entry)
            try:
                review.registry.validate_options("synthesis-method", name, method_options)
            except Exception as exc:
                raise PipelineError(f"methods[{number}] ({name}): {exc}") from None

    def run(self, context: StepContext) -> StepOutcome:
        from evidencekit.core.synthesis import load_synthesis, run_method, write_measure
        from evidencekit.core.synthesis.inputs import grades_from_report
        from evidencekit.core.synthesis.report import synthesis_section
        from evidencekit.core.synthesis.tables import (
            crosswalk_markdown,
            sensitivity_markdown,
            subgroup_markdown,
            table1_csv,
            table1_markdown,
        )

        options = context.options
        review = context.review
        registry = review.registry
        methods = [_split(entry) for entry in options["methods"]]
        need_grades = any(name == "sensitivity" for name, _ in methods)
        appraised = context.results.get("appraise")

        def path(key: str) -> str | None:
            return str(context.path(options[key])) if options.get(key) else None

        data, framework = load_synthesis(
            review,
            codings=path("codings"),
            studies=path("studies"),
            framework=options.get("framework"),
            form=options.get("form"),
            appraisal=path("appraisal"),
            grades=need_grades and not (appraised and not options.get("appraisal")),
        )
        if need_grades and appraised and not options.get("appraisal"):
            # the appraise step of this run already scored the answers: use its grades
            data.grades = grades_from_report(appraised)
            data.grades_source = "the appraise step of this run"
        context.instruments.setdefault(framework.id, framework.version)
        runs: list[dict[str, Any]] = []
        counts: dict[str, int] = {}
        plots: list[tuple[dict[str, Any], Any]] = []
        for name, method_options in methods:
            result = run_method(registry, name, data, framework, method_options)
            counts[name] = counts.get(name, 0) + 1
            stem = f"synthesis-{name}" + (f"-{counts[name]}" if counts[name] > 1 else "")
            files = [context.write_json(f"{stem}.json", result)]
            run: dict[str, Any] = {"method": name, "options": method_options, "result": result}
            if name == "vote-count":
                files += [
                    context.write_text("table1.csv", table1_csv(result)),
                    context.write_text("table1.md", table1_markdown(result)),
                ]
            elif name == "subgroup":
                files.append(context.write_text(f"{stem}.md", subgroup_markdown(result)))
            elif name == "sensitivity":
                files.append(context.write_text(f"{stem}.md", sensitivity_markdown(result)))
            elif name == "crosswalk":
                files.append(context.write_text(f"{stem}.md", crosswalk_markdown(result)))
            elif name == "derive-measure":
                target = f"{file_name_part(result['measure']['id'])}.yaml"
                write_measure(result["measure"], context.staging / target)
                files.append(target)
                run["file"] = target
            formats = plot_formats(options.get("plots", True))
            if formats and name in ("vote-count", "subgroup"):
                plots.append((run, name, result, counts[name], formats))
            run["files"] = files
            runs.append(run)
        # Each plot needs only its method's result: drawn beside the later steps (the run
        # waits for them before the report), each plot's files after its method's own.
        for run, name, result, number, formats in plots:
            plot = "shares" if name == "vote-count" else "subgroups"
            # the attribute is a studies.csv column: data, so made safe to put in a file name
            suffix = f"-{file_name_part(result.get('attribute', ''))}" if name == "subgroup" else ""
            suffix += f"-{number}" if number > 1 else ""
            names = [f"synthesis-{plot}{suffix}.{fmt}" for fmt in formats]
            plot_options = registry.validate_options(
                "reporter", "synthesis-plots", {"plots": [plot], "formats": formats}
            )
            reporter = registry.get("reporter", "synthesis-plots")
            key = "vote_count" if name == "vote-count" else "subgroup"
            job = partial(_plot, reporter, {key: result}, plot_options, context.staging, names)
            run["files"] += context.defer(job, names)
        summary = "; ".join(_summary(r) for r in runs)
        return StepOutcome(
            summary=summary,
            data={"runs": [{k: v for k, v in r.items()} for r in runs]},
            files=[f for r in runs for f in r["files"]],
            report=synthesis_section(runs),
        )


def _plot(
    reporter: Any, results: dict[str, Any], options: dict[str, Any], staging: Path, names: list[str]
) -> None:
    """Draw one synthesis plot into ``staging`` as ``names`` (one a format). A function of
    plain data, so the run can send it to the process that draws (it is pickled)."""
    import tempfile

    # drawn into a private folder, then renamed: two subgroup plots must not collide
    with tempfile.TemporaryDirectory(dir=staging) as folder:
        drawn = reporter.render(results, Path(folder), options)
        for path, target in zip(drawn, names, strict=True):
            Path(path).replace(staging / target)


def _split(entry: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """``{method: NAME, **options}`` → (NAME, options)."""
    return str(entry["method"]), {k: v for k, v in entry.items() if k != "method"}


def _summary(run: dict[str, Any]) -> str:
    result = run["result"]
    if run["method"] == "vote-count":
        return (
            f"vote-count: {len(result['influences'])} influences ranked over "
            f"{result['n_studies']} studies"
        )
    if run["method"] == "subgroup":
        return f"subgroup by {result['attribute']}: {len(result['subgroups'])} subgroups"
    if run["method"] == "sensitivity":
        changed = result["content_changed"] or result["order_changed"]
        return (
            f"sensitivity: {result['n_excluded']} excluded, {'changed' if changed else 'unchanged'}"
        )
    if run["method"] == "derive-measure":
        return f"derive-measure: {len(result['items'])} items in {run['file']}"
    if run["method"] == "crosswalk":
        return f"crosswalk onto {result['to']}: {len(result['domains'])} domains"
    return run["method"]


@hookimpl
def evidencekit_pipeline_steps() -> list[PipelineStep]:
    return [SynthesizeStep()]
