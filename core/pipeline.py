"""The pipeline runner: run the steps a review.yaml declares, in order.

``evidencekit run`` reads ``steps:`` from review.yaml, checks the whole plan
before anything runs (unknown steps, options against each step's schema, each
step's own ``check``), then runs each step. Steps are providers of the
``pipeline-step`` kind found through the ``evidencekit_pipeline_steps`` hook; the
runner knows none of them by name (the built-in ones live in
``evidencekit.plugins.steps``). Output files are written into a staging folder and moved into the
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
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from evidencekit.core.errors import EvidencekitError, PipelineError
from evidencekit.core.providers import ProviderInfo
from evidencekit.core.review import Review
from evidencekit.core.steps import ProgressFn, StepContext, StepOutcome

__all__ = ["DEFAULT_OUTPUTS", "RunResult", "Step", "StepContext", "StepOutcome", "outputs_dir",
           "plan", "run_pipeline"]
KIND = "pipeline-step"

DEFAULT_OUTPUTS = "outputs"


@dataclass
class Step:
    """One declared step, with the provider that runs it."""

    index: int
    name: str
    provider: str | None
    options: dict[str, Any]
    runner: ProviderInfo | None = None


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


def known_steps(review: Review) -> list[str]:
    """The step names the registry knows, in their usual pipeline order."""
    infos = review.registry.providers(KIND)
    return [i.name for i in sorted(infos, key=lambda i: (_order(i.provider), i.name))]


def _order(provider: Any) -> float:
    order = getattr(provider, "order", 50)
    return order if isinstance(order, int | float) else 50


def plan(review: Review, only: list[str] | None = None) -> list[Step]:
    """The declared steps, checked; raise PipelineError naming each problem."""
    declared = review.config.get("steps") or []
    known = known_steps(review)
    if not declared:
        raise PipelineError(
            f"{review.file}: no 'steps:' declared; list the steps to run "
            f"({', '.join(known)}), see docs/pipeline.md"
        )
    steps = []
    problems = []
    for index, entry in enumerate(declared):
        name = entry["step"]
        where = f"{review.where('steps', index)}: $.steps[{index}] ({name})"
        if name not in known:
            problems.append(f"{where}: unknown step; known steps: {', '.join(known)}")
            continue
        info = review.registry.info(KIND, name)
        step = Step(index, name, entry.get("provider"), dict(entry.get("options") or {}), info)
        try:
            _check(review, step)
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


def _check(review: Review, step: Step) -> None:
    """Options against the step's schema (the registry's message), then its own check."""
    assert step.runner is not None
    provider = step.runner.provider
    step.options = review.registry.validate_options(KIND, step.name, step.options)
    provider_kind = getattr(provider, "provider_kind", None)
    if provider_kind is None:
        if step.provider is not None:
            raise PipelineError(f"this step takes no 'provider:' (got {step.provider!r})")
        provider.check(review, step.options)
    else:
        if step.provider is not None:
            review.registry.info(provider_kind, step.provider)
        provider.check(review, step.options, provider=step.provider)


# --------------------------------------------------------------------------- run


def _outcome(step: Step, outcome: Any, staging: Path) -> StepOutcome:
    """The step's outcome, checked at the boundary: a malformed one names the plugin."""
    assert step.runner is not None
    who = f"pipeline-step {step.name!r} ({step.runner.origin})"
    if not isinstance(outcome, StepOutcome):
        raise PipelineError(f"{who} returned {type(outcome).__name__}, not a StepOutcome; "
                            "report this to the plugin's authors")
    problems = outcome.problems()
    missing = [f for f in outcome.files if isinstance(f, str)
               and not (staging / f).is_file()] if not problems else []
    if missing:
        problems.append(f"files it lists were not written: {', '.join(missing)}")
    if problems:
        raise PipelineError(f"{who} returned a malformed StepOutcome: {'; '.join(problems)}; "
                            "report this to the plugin's authors")
    return outcome


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
    reports: dict[str, str] = {}
    summaries: list[dict[str, Any]] = []
    instruments = dict(review.section("instruments"))
    try:
        for step in steps:
            if announce:
                announce(f"[{step.index + 1}/{len(review.config['steps'])}] {step.name}")
            ctx = StepContext(review, step.index, step.name, step.provider, step.options,
                              staging, results, progress, instruments, reports)
            assert step.runner is not None
            try:
                outcome = _outcome(step, step.runner.provider.run(ctx), staging)
            except PipelineError as exc:
                raise PipelineError(f"step {step.index + 1} ({step.name}) failed: {exc}") \
                    from exc
            results[step.name] = dict(outcome.data)
            if outcome.report:
                reports[step.name] = outcome.report
            summaries.append({"step": step.name, "provider": step.provider,
                              "options": step.options, "summary": outcome.summary,
                              "files": list(outcome.files)})
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
