"""The pipeline runner: run the steps a review.yaml declares, in order.

``evidencekit run`` reads ``steps:`` from review.yaml, checks the whole plan
before anything runs (unknown steps, missing files, unknown providers, invalid
options), then runs each step through the same library functions the commands
use. Output files are written into a staging folder and moved into the
review's outputs folder only when every step has succeeded, so a failed run
leaves the previous outputs as they were. Store changes (import, dedupe) are
transactions of their own. ``run.json`` records what ran: steps, options,
instrument versions, the evidencekit version and the time.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from evidencekit.core.errors import EvidencekitError, PipelineError
from evidencekit.core.review import Review

StepFn = Callable[["StepContext"], dict[str, Any]]
ProgressFn = Callable[[str, int, int | None], None]

DEFAULT_OUTPUTS = "outputs"


@dataclass
class StepContext:
    """What a running step sees: the review, its declaration, and where to write."""

    review: Review
    index: int
    name: str
    provider: str | None
    options: dict[str, Any]
    staging: Path
    results: dict[str, Any]
    progress: ProgressFn | None = None
    instruments: dict[str, str] = field(default_factory=dict)

    def path(self, value: str | os.PathLike[str]) -> Path:
        """A path from review.yaml, relative to the review folder."""
        path = Path(value)
        return path if path.is_absolute() else self.review.root / path

    def write_json(self, name: str, data: Any) -> str:
        target = self.staging / name
        target.write_text(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n",
                          "utf-8")
        return name

    def write_text(self, name: str, text: str) -> str:
        (self.staging / name).write_text(text, "utf-8")
        return name


@dataclass
class Step:
    """One declared step."""

    index: int
    name: str
    provider: str | None
    options: dict[str, Any]


@dataclass
class RunResult:
    """What a run did: each step's summary and the files written."""

    steps: list[dict[str, Any]]
    outputs: Path
    files: list[str]
    record: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return {"outputs": str(self.outputs), "files": self.files, "steps": self.steps,
                "run": self.record}


# --------------------------------------------------------------------------- plan


def plan(review: Review, only: list[str] | None = None) -> list[Step]:
    """The declared steps, checked; raise PipelineError naming each problem."""
    declared = review.config.get("steps") or []
    if not declared:
        raise PipelineError(
            f"{review.file}: no 'steps:' declared; list the steps to run "
            f"({', '.join(STEPS)}), see docs/pipeline.md"
        )
    steps = []
    problems = []
    for index, entry in enumerate(declared):
        name = entry["step"]
        where = f"{review.where('steps', index)}: $.steps[{index}] ({name})"
        if name not in STEPS:
            problems.append(f"{where}: unknown step; known steps: {', '.join(STEPS)}")
            continue
        step = Step(index, name, entry.get("provider"), dict(entry.get("options") or {}))
        try:
            known = STEP_OPTIONS[name]
            unknown = sorted(set(step.options) - set(known)) if known is not None else []
            if unknown:
                raise PipelineError(f"unknown option(s) {', '.join(unknown)}; known: "
                                    f"{', '.join(known) or '(none)'}")
            CHECKS[name](review, step)
        except EvidencekitError as exc:
            problems.append(f"{where}: {exc}")
        steps.append(step)
    if only:
        unknown = sorted(set(only) - {s.name for s in steps})
        if unknown:
            problems.append(f"--only {', '.join(unknown)}: not a step of {review.file}")
        steps = [s for s in steps if s.name in only]
    if problems:
        raise PipelineError("\n".join(problems) if len(problems) > 1 else problems[0])
    return steps


def _need_files(review: Review, options: Mapping[str, Any], key: str, *, many: bool = False
                ) -> None:
    value = options.get(key)
    if value is None:
        raise PipelineError(f"options.{key} is required")
    for item in value if isinstance(value, list) else [value]:
        path = Path(item) if Path(item).is_absolute() else review.root / item
        if not path.is_file():
            raise PipelineError(f"options.{key}: no such file {path}")
    if isinstance(value, list) and not many:
        raise PipelineError(f"options.{key} takes one file, not a list")


def _check_import(review: Review, step: Step) -> None:
    sources = review.config.get("sources") or []
    if not sources:
        raise PipelineError("the import step reads 'sources:' from review.yaml, and there are none")
    for number, source in enumerate(sources):
        files = source.get("files") or ([source["file"]] if source.get("file") else [])
        if not source.get("name") or not files:
            raise PipelineError(f"sources[{number}] needs 'name' and 'file' (or 'files')")
        for item in files:
            path = Path(item) if Path(item).is_absolute() else review.root / item
            if not path.is_file():
                raise PipelineError(f"sources[{number}] ({source['name']}): no such file {path}")
        fmt = source.get("format") or source.get("importer")
        if fmt:
            review.registry.info("importer", fmt)


def _check_dedupe(review: Review, step: Step) -> None:
    method = step.provider or review.section("dedupe").get("method") or "fuzzy"
    options = {**(review.section("dedupe").get("options") or {}), **step.options}
    review.registry.validate_options("deduplicator", method, options)


def _check_appraise(review: Review, step: Step) -> None:
    _need_files(review, step.options, "answers", many=True)
    if step.options.get("studies"):
        _need_files(review, step.options, "studies")


def _check_measure(review: Review, step: Step) -> None:
    options = step.options
    if not options.get("measure"):
        raise PipelineError("options.measure is required (a measure id, e.g. "
                            "peer-support-implementation-measure)")
    review.instrument(str(options["measure"]), kind="measure")
    _need_files(review, options, "ratings")
    if options.get("units"):
        _need_files(review, options, "units")
    if isinstance(options.get("analyses"), str):
        _need_files(review, options, "analyses")


def _check_report(review: Review, step: Step) -> None:
    """The report step has nothing to check beyond its option names."""


# --------------------------------------------------------------------------- steps


def _step_import(ctx: StepContext) -> dict[str, Any]:
    from evidencekit.core.records import ImportSpec, import_many

    specs = []
    for source in ctx.review.config.get("sources") or []:
        files = source.get("files") or [source["file"]]
        for item in files:
            specs.append(ImportSpec(
                ctx.path(item), source["name"], source.get("kind", "database"),
                source.get("format") or source.get("importer"),
                str(source["date_searched"]) if source.get("date_searched") else None,
                dict(source.get("options") or {}),
            ))
    report = import_many(ctx.review, specs, progress=ctx.progress, command="run: import")
    data = report.to_dict()
    return {"summary": f"{data['records']} records from {len(specs)} file(s); "
                       f"{data['new']} new, {data['already_present']} already present",
            "data": data, "files": [ctx.write_json("import.json", data)]}


def _step_dedupe(ctx: StepContext) -> dict[str, Any]:
    from evidencekit.core.deduplication import run_dedupe

    summary = run_dedupe(ctx.review, ctx.provider, ctx.options or None, progress=ctx.progress)
    data = summary.to_dict()
    counts = summary.counts  # computed by the run itself; no second load of the store
    files = [ctx.write_json("dedupe.json", data), ctx.write_json("records-by-source.json", counts)]
    return {"summary": f"{data['records']} records, {data['unique']} unique, "
                       f"{data['duplicates_removed']} duplicates removed ({data['method']})",
            "data": {**data, "counts_by_source": counts}, "files": files}


def _step_appraise(ctx: StepContext) -> dict[str, Any]:
    from evidencekit.core.appraisal import load_context, score_files, table_csv

    options = ctx.options
    answers = options["answers"] if isinstance(options["answers"], list) else [options["answers"]]
    context = load_context(ctx.review.root,
                           studies_file=ctx.path(options["studies"]) if options.get("studies")
                           else None)
    report = score_files([ctx.path(a) for a in answers], context,
                         skip_invalid=bool(options.get("skip_invalid", False)))
    data = report.to_dict()
    files = [ctx.write_json("appraisal.json", data), ctx.write_text("quality-table.csv",
                                                                   table_csv(report))]
    for checklist in data.get("checklists", {}):
        ctx.instruments.setdefault(checklist.split("@")[0], checklist.split("@")[-1])
    if options.get("plots", True):
        registry = ctx.review.registry
        reporter = registry.get("reporter", "quality-plots")
        plot_options = registry.validate_options("reporter", "quality-plots", {})
        for path in reporter.render(data, ctx.staging, plot_options):
            files.append(Path(path).name)
    grades = ", ".join(f"{n} {g}" for g, n in data["grades"].items())
    return {"summary": f"{len(data['studies'])} studies appraised: {grades}",
            "data": data, "files": files}


def _step_measure(ctx: StepContext) -> dict[str, Any]:
    from evidencekit.core.measure import (
        load_analyses_file,
        plot_results,
        read_inputs,
        render_table2,
        run_validity,
        table2,
    )

    options = ctx.options
    registry = ctx.review.registry
    measure = ctx.review.instrument(str(options["measure"]), kind="measure")
    ctx.instruments[measure.id] = measure.version
    ratings, units = read_inputs(measure, ctx.path(options["ratings"]),
                                 ctx.path(options["units"]) if options.get("units") else None)
    scores = ratings.scores
    table = table2(scores, units, options.get("by"))
    files = [ctx.write_json("measure-scores.json", scores.to_dict()),
             ctx.write_text("measure-table2.md", render_table2(table, "markdown"))]
    data: dict[str, Any] = {"scores": scores.to_dict(), "table2": table}
    analyses_opt = options.get("analyses")
    if isinstance(analyses_opt, str):
        analyses = load_analyses_file(ctx.path(analyses_opt), registry)
    else:
        analyses = [(a["name"], {k: v for k, v in a.items() if k != "name"})
                    for a in analyses_opt or []]
        analyses = [(n, registry.validate_options("validity-analysis", n, o))
                    for n, o in analyses]
    if analyses:
        validity = run_validity(measure, ratings, units, analyses, registry)
        data["validity"] = validity
        files.append(ctx.write_json("measure-validity.json", validity))
    if options.get("plots", True):
        reporter = registry.get("reporter", "measure-plots")
        results = plot_results(measure, table)
        plot_options = registry.validate_options("reporter", "measure-plots", {})
        for path in reporter.render(results, ctx.staging, plot_options):
            files.append(Path(path).name)
    scored = [u for u in scores.to_dict()["units"]]
    return {"summary": f"{len(scored)} units scored on {measure.ref}; "
                       f"{len(analyses)} validity analyses",
            "data": data, "files": files}


def _step_report(ctx: StepContext) -> dict[str, Any]:
    from evidencekit.core.pipeline_report import markdown_report

    title = ctx.options.get("title") or ctx.review.config.get("title") or "Review"
    text = markdown_report(title, ctx.results)
    return {"summary": "report.md written", "data": {}, "files": [ctx.write_text("report.md",
                                                                                 text)]}


STEPS: dict[str, StepFn] = {
    "import": _step_import,
    "dedupe": _step_dedupe,
    "appraise": _step_appraise,
    "measure": _step_measure,
    "report": _step_report,
}
#: Option names each step takes; None where they are not checked here (dedupe's go to the
#: deduplicator, which checks them against its schema; import reads review.yaml sources).
STEP_OPTIONS: dict[str, tuple[str, ...] | None] = {
    "import": None,
    "dedupe": None,
    "appraise": ("answers", "studies", "plots", "skip_invalid"),
    "measure": ("measure", "ratings", "units", "analyses", "by", "plots"),
    "report": ("title",),
}
CHECKS: dict[str, Callable[[Review, Step], None]] = {
    "import": _check_import,
    "dedupe": _check_dedupe,
    "appraise": _check_appraise,
    "measure": _check_measure,
    "report": _check_report,
}


# --------------------------------------------------------------------------- run


def outputs_dir(review: Review) -> Path:
    """The review's outputs folder: review.yaml ``outputs: {dir: ...}``, else ``outputs``."""
    outputs = review.config.get("outputs")
    name = outputs.get("dir") if isinstance(outputs, dict) else None
    path = Path(name or DEFAULT_OUTPUTS)
    return path if path.is_absolute() else review.root / path


def run_pipeline(review: Review, *, only: list[str] | None = None,
                 progress: ProgressFn | None = None,
                 announce: Callable[[str], None] | None = None) -> RunResult:
    """Run the declared steps; publish their outputs only if every step succeeds."""
    from evidencekit.core import __version__

    steps = plan(review, only)
    target = outputs_dir(review)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".evidencekit-run-", dir=target.parent))
    started = _dt.datetime.now(_dt.UTC)
    results: dict[str, Any] = {}
    summaries: list[dict[str, Any]] = []
    instruments = dict(review.section("instruments"))
    try:
        for step in steps:
            if announce:
                announce(f"[{step.index + 1}/{len(review.config['steps'])}] {step.name}")
            ctx = StepContext(review, step.index, step.name, step.provider, step.options,
                              staging, results, progress, instruments)
            try:
                outcome = STEPS[step.name](ctx)
            except PipelineError as exc:
                raise PipelineError(f"step {step.index + 1} ({step.name}) failed: {exc}") \
                    from exc
            results[step.name] = outcome["data"]
            summaries.append({"step": step.name, "provider": step.provider,
                              "options": step.options, "summary": outcome["summary"],
                              "files": outcome["files"]})
        record = {
            "evidencekit": __version__,
            "review": {k: review.config.get(k) for k in ("id", "version", "title")},
            "started": started.isoformat(timespec="seconds"),
            "finished": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
            "instruments": dict(sorted(instruments.items())),
            "plugins": review.local_plugins,
            "steps": summaries,
        }
        files = _finish(review, steps, staging, target, record, started)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return RunResult(summaries, target, files, record)


def _finish(review: Review, steps: list[Step], staging: Path, target: Path,
            record: dict[str, Any], started: _dt.datetime) -> list[str]:
    """Record outside paths and stale outputs in run.json, move the stale aside, publish."""
    from evidencekit.core import pipeline_paths as pp

    record["paths_outside_review"] = [
        {"what": p["what"], "path": p["path"]}
        for p in pp.declared_paths(review, steps) if not p["inside"]
    ]
    declared = [entry["step"] for entry in review.config.get("steps") or []]
    keep = pp.kept_outputs(target, declared, [s.name for s in steps])
    produced = [p.name for p in staging.iterdir() if p.is_file()]
    stale = pp.stale_outputs(target, produced, keep)
    stamp = started.strftime("%Y%m%dT%H%M%SZ")
    record["stale_outputs"] = {"moved_to": f"{pp.STALE_DIR}/{stamp}" if stale else None,
                               "files": stale}
    (staging / "run.json").write_text(json.dumps(record, indent=2, default=str) + "\n",
                                      "utf-8")
    pp.move_aside(target, stale, stamp)
    return _publish(staging, target)


def _publish(staging: Path, target: Path) -> list[str]:
    """Move every staged file into ``target``, each by an atomic rename."""
    target.mkdir(parents=True, exist_ok=True)
    mask = os.umask(0)
    os.umask(mask)
    names = sorted(p.name for p in staging.iterdir() if p.is_file())
    for name in names:
        os.chmod(staging / name, 0o666 & ~mask)
        os.replace(staging / name, target / name)
    return names
