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
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from evidencekit.core import pipeline_paths as pp
from evidencekit.core.errors import EvidencekitError, PipelineError
from evidencekit.core.pipeline_paths import DEFAULT_OUTPUTS, outputs_dir
from evidencekit.core.providers import ProviderInfo
from evidencekit.core.review import Review
from evidencekit.core.steps import ProgressFn, StepContext, StepOutcome

if TYPE_CHECKING:
    from evidencekit.core.deferred import EarlyServer

__all__ = [
    "DEFAULT_OUTPUTS",
    "RunResult",
    "Step",
    "StepContext",
    "StepOutcome",
    "known_steps",
    "outputs_dir",
    "plan",
    "run_pipeline",
]
KIND = "pipeline-step"


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
        return {
            "outputs": str(self.outputs),
            "files": self.files,
            "steps": self.steps,
            "run": self.record,
        }


# --------------------------------------------------------------------------- plan


def known_steps(review: Review) -> list[str]:
    """The step names the registry knows, in their usual pipeline order."""
    infos = review.registry.providers(KIND)
    return [i.name for i in sorted(infos, key=lambda i: (_order(i.provider), i.name))]


def _order(provider: Any) -> float:
    order = getattr(provider, "order", 50)
    return order if isinstance(order, int | float) else 50


def plan(review: Review, only: list[str] | None = None) -> list[Step]:
    """The declared steps, checked; raise PipelineError naming each problem.

    ``only`` keeps the named steps (see :func:`select`, which ``run_pipeline`` uses)."""
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
        except Exception as exc:  # third-party code: name it instead of a traceback
            problems.append(f"{where}: {_crashed(step, 'check', exc)}")
        steps.append(step)
    if problems:
        raise PipelineError("\n".join(problems) if len(problems) > 1 else problems[0])
    return select(steps, only) if only else steps


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


def _crashed(step: Step, method: str, exc: Exception) -> str:
    origin = step.runner.origin if step.runner is not None else "?"
    return (
        f"pipeline-step {step.name!r} ({origin}) raised {type(exc).__name__} in {method}(): "
        f"{exc}; report this to the plugin's authors"
    )


def _outcome(step: Step, outcome: Any, staging: Path, pending: set[str]) -> StepOutcome:
    """The step's outcome, checked at the boundary: a malformed one names the plugin."""
    assert step.runner is not None
    who = f"pipeline-step {step.name!r} ({step.runner.origin})"
    if not isinstance(outcome, StepOutcome):
        raise PipelineError(
            f"{who} returned {type(outcome).__name__}, not a StepOutcome; "
            "report this to the plugin's authors"
        )
    problems = outcome.problems()
    # (a step's deferred jobs, StepContext.defer, write their files later)
    missing = [] if problems else [f for f in outcome.files if not (staging / f).is_file()]
    missing = [f for f in missing if f not in pending]
    if missing:
        problems.append(f"files it lists were not written: {', '.join(missing)}")
    if problems:
        raise PipelineError(
            f"{who} returned a malformed StepOutcome: {'; '.join(problems)}; "
            "report this to the plugin's authors"
        )
    return outcome


# --------------------------------------------------------------------------- run


def select(
    steps: list[Step], only: list[str] | None = None, start: str | None = None
) -> list[Step]:
    """The steps ``--only`` (names) or ``--from`` (a name: it and every later one) pick."""
    names = [s.name for s in steps]
    if start is not None:
        if start not in names:
            raise PipelineError(
                f"--from {start}: not a step of review.yaml; its steps: {', '.join(names)}"
            )
        first = names.index(start)
        return [s for s in steps if s.index >= steps[first].index]
    if only:
        unknown = sorted(set(only) - set(names))
        if unknown:
            raise PipelineError(
                f"--only {', '.join(unknown)}: not a step of review.yaml; its "
                f"steps: {', '.join(names)}"
            )
        return [s for s in steps if s.name in only]
    return list(steps)


def run_pipeline(
    review: Review,
    *,
    only: list[str] | None = None,
    start: str | None = None,
    force: bool = False,
    dry_run: bool = False,
    progress: ProgressFn | None = None,
    announce: Callable[[str], None] | None = None,
    early: EarlyServer | None = None,
) -> RunResult:
    """Run the declared steps; publish their outputs only if every step succeeds.

    A selected step (all, ``only`` or ``start`` onwards) whose fingerprint equals that of
    its last successful run is skipped and its saved result used (see
    :mod:`evidencekit.core.pipeline_state`), unless ``force``. With ``dry_run`` nothing
    runs or is written: the result lists what would run and why. ``early``: a drawing
    process forked before the run (:func:`evidencekit.core.deferred.early_server`), taken
    over by the run if its steps need it; the caller closes it (a no-op once taken over).
    """
    import time

    from evidencekit.core import __version__
    from evidencekit.core import pipeline_state as state
    from evidencekit.core.deferred import Deferred

    declared = plan(review)
    chosen = {s.index for s in select(declared, only, start)}
    target = outputs_dir(review)
    clock = time.perf_counter()
    started = _dt.datetime.now(_dt.UTC)
    results: dict[str, Any] = {}
    reports: dict[str, str] = {}
    summaries: list[dict[str, Any]] = []
    instruments = dict(review.section("instruments"))
    saved_now: dict[str, dict[str, Any]] = {}
    staging: Path | None = None
    deferred: Deferred | None = None
    if not dry_run:
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".evidencekit-run-", dir=target.parent))
        deferred = Deferred(staging, early)
    upstream: str | None = None
    earlier_ran = False
    try:
        for step in declared:
            saved = state.load_saved(target, step.name)
            finger = state.fingerprint(review, step, upstream)
            entry: dict[str, Any] = {
                "step": step.name,
                "provider": step.provider,
                "options": step.options,
            }
            if step.index not in chosen:
                # Not selected: later steps see its last result (and chain on its fingerprint).
                if saved:
                    state.restore_saved(saved, step.name, results, reports, instruments)
                    upstream = saved["fingerprint"]["hash"]
                else:
                    upstream = finger["hash"]
                continue
            reasons = (
                ["--force"]
                if force
                else state.changes(saved["fingerprint"] if saved else None, finger)
            )
            if not reasons and earlier_ran:
                # results flow down: a step after one that runs again runs again too (its
                # inputs in the store may have been rebuilt, e.g. a deleted store)
                reasons = ["an earlier step runs again"]
            if not reasons and saved is not None:
                state.restore_saved(saved, step.name, results, reports, instruments)
                summaries.append(
                    {
                        **entry,
                        "status": "skipped",
                        "reason": f"unchanged since {saved.get('finished', '?')}",
                        "summary": saved["summary"],
                        "files": saved["files"],
                        "seconds": 0.0,
                        "fingerprint": finger["hash"],
                    }
                )
                if announce:
                    announce(
                        f"[{step.index + 1}/{len(declared)}] {step.name}: unchanged, "
                        "skipped (--force re-runs it)"
                    )
                upstream = finger["hash"]
                continue
            if not earlier_ran and deferred is not None:  # it and every later step run:
                # what their figures need is imported beside them, where they will be drawn
                deferred.start(declared[declared.index(step) :], chosen)
            earlier_ran = True
            if dry_run:
                summaries.append(
                    {
                        **entry,
                        "status": "would run",
                        "reason": "; ".join(reasons),
                        "summary": "",
                        "files": [],
                        "fingerprint": finger["hash"],
                    }
                )
                upstream = finger["hash"]
                continue
            if announce:
                announce(f"[{step.index + 1}/{len(declared)}] {step.name}")
            assert staging is not None and deferred is not None and step.runner is not None
            reads = getattr(step.runner.provider, "reads_staged_files", True)
            if reads:  # the figures of earlier steps it reads, drawn beside those steps
                deferred.wait(None if reads is True else tuple(reads))
            ctx = StepContext(
                review,
                step.index,
                step.name,
                step.provider,
                step.options,
                staging,
                results,
                progress,
                instruments,
                reports,
                run={"evidencekit": __version__, "started": started, "steps": summaries},
                deferred=deferred,
            )
            began = time.perf_counter()
            try:
                outcome = _outcome(step, step.runner.provider.run(ctx), staging, deferred.pending())
            except PipelineError as exc:
                raise PipelineError(f"step {step.index + 1} ({step.name}) failed: {exc}") from exc
            except EvidencekitError:
                raise
            except Exception as exc:  # third-party code: name it instead of a traceback
                raise PipelineError(
                    f"step {step.index + 1} ({step.name}) failed: {_crashed(step, 'run', exc)}"
                ) from exc
            results[step.name] = dict(outcome.data)
            if outcome.report:
                reports[step.name] = outcome.report
            seconds = round(time.perf_counter() - began, 3)
            # Fingerprinted again once it ran: a step may change what it depends on (the
            # import step fills the store), and the saved state must match what is now.
            finger = state.fingerprint(review, step, upstream)
            summaries.append(
                {
                    **entry,
                    "status": "ran",
                    "reason": "; ".join(reasons),
                    "summary": outcome.summary,
                    "files": list(outcome.files),
                    "seconds": seconds,
                    "fingerprint": finger["hash"],
                }
            )
            saved_now[step.name] = {
                "summary": outcome.summary,
                "data": results[step.name],
                "files": list(outcome.files),
                "report": outcome.report,
                "instruments": dict(instruments),
                "fingerprint": finger,
            }
            upstream = finger["hash"]
        if deferred is not None:
            deferred.wait()  # every file written before anything is recorded or published
        finished = _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds")
        record = {
            "evidencekit": __version__,
            "review": {k: review.config.get(k) for k in ("id", "version", "title")},
            "started": started.isoformat(timespec="seconds"),
            "finished": finished,
            "seconds": round(time.perf_counter() - clock, 3),
            "selection": {"only": list(only or []), "from": start, "force": force},
            "instruments": dict(sorted(instruments.items())),
            "plugins": review.local_plugins,
            "seeds": state.seeds_of(results),
            "steps": summaries,
        }
        if dry_run:
            record["paths_outside_review"] = pp.outside_paths(review, declared)
            return RunResult(summaries, target, [], record)
        assert staging is not None
        files = pp.finish_outputs(review, declared, staging, target, record, started)
        for name, saved in saved_now.items():
            # After publishing: a state file is only ever written for published outputs.
            from evidencekit.core.io import atomic_write_text

            path = state.state_file(target, name)
            path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write_text(
                path, json.dumps({**saved, "finished": finished}, default=str, ensure_ascii=False)
            )
    finally:
        if deferred is not None:
            deferred.stop()  # after a failed step, its figures are not wanted
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)
    return RunResult(summaries, target, files, record)
