"""``evidencekit run``: run the steps declared in review.yaml."""

from __future__ import annotations

from typing import Any

import click

from evidencekit.core.cli.options import json_option, print_json, review_option


@click.command()
@review_option
@click.option(
    "--only",
    "only",
    multiple=True,
    help="Run only this step (repeatable), e.g. --only measure; the others' last results are used.",
)
@click.option(
    "--from", "start", default=None, metavar="STEP", help="Run this step and every step after it."
)
@click.option(
    "--force", is_flag=True, help="Run the selected steps even if nothing they depend on changed."
)
@click.option(
    "--dry-run",
    is_flag=True,
    help="Check review.yaml and show the plan: which steps would run and why; "
    "nothing is run or written.",
)
@json_option
def run(
    review_dir: str,
    only: tuple[str, ...],
    start: str | None,
    force: bool,
    dry_run: bool,
    as_json: bool,
) -> None:
    """Run the pipeline declared under 'steps:' in review.yaml.

    Every problem with review.yaml (schema, files, providers, options, instrument pins)
    is reported, each with its line, before any step runs. A step whose inputs, options,
    instruments and versions are unchanged since its last successful run is skipped (its
    last result is used). Outputs go to the review's outputs folder only when every step
    has succeeded.
    """
    import gc

    # The cyclic collector ran ~700 times in a fresh run of the worked example, its full
    # collections traversing every object the imports made (matplotlib, scipy, SQLAlchemy):
    # 0.55 s of CPU. Collecting young objects after 10,000 allocations instead of 700 left
    # 41 collections and no full one, 0.27 s, for ~7 MB more memory at the peak. Restored
    # afterwards for whoever called the command in-process (tests).
    thresholds = gc.get_threshold()
    gc.set_threshold(GC_YOUNG_THRESHOLD, *thresholds[1:])
    try:
        _run(review_dir, only, start, force, dry_run, as_json)
    finally:
        gc.set_threshold(*thresholds)


#: Allocations (less deallocations) between collections of the youngest generation during
#: ``evidencekit run`` (Python's default is 700).
GC_YOUNG_THRESHOLD = 10_000


def _run(
    review_dir: str,
    only: tuple[str, ...],
    start: str | None,
    force: bool,
    dry_run: bool,
    as_json: bool,
) -> None:
    from evidencekit.core.errors import InstrumentError, PipelineError
    from evidencekit.core.pipeline import run_pipeline
    from evidencekit.core.review import REVIEW_FILE
    from evidencekit.core.review_check import check_review

    if only and start:
        raise click.UsageError("give --only or --from, not both")
    from pathlib import Path

    if not (Path(review_dir) / REVIEW_FILE).is_file():
        raise PipelineError(
            f"{review_dir} is not a review folder: it has no {REVIEW_FILE}; "
            "pass --review DIR, or start a review with `evidencekit init DIR`"
        )
    early: list[Any] = []

    def loaded(review: Any) -> None:
        # A run in which every step runs forks its drawing process now, so matplotlib is
        # imported during the review's checks too (core.deferred.early_server).
        if not (dry_run or only or start):
            early.append(_early_server(review, force))

    try:
        review, problems = check_review(review_dir, loaded=loaded)
    except BaseException:
        _close(early)
        raise
    if problems or review is None:
        _close(early)
        raise InstrumentError(problems)

    def announce(text: str) -> None:
        click.echo(text, err=True)

    try:
        result = run_pipeline(
            review,
            only=list(only) or None,
            start=start,
            force=force,
            dry_run=dry_run,
            announce=None if as_json else announce,
            early=early[0] if early else None,
        )
    finally:
        _close(early)  # not needed after all, or the run failed before taking it over
    if as_json:
        print_json(result.to_dict())
        return
    if dry_run:
        click.echo(f"{review.file}: valid; the plan:")
        for step in result.steps:
            if step["status"] == "would run":
                click.echo(f"{step['step']}: would run ({step['reason']})")
            else:
                click.echo(f"{step['step']}: unchanged, would be skipped ({step['reason']})")
        if review.local_plugins:
            click.echo("review-local plugins (their code runs): " + ", ".join(review.local_plugins))
        outside = result.record.get("paths_outside_review") or []
        if outside:
            click.echo(f"paths outside the review folder ({len(outside)}):")
            for item in outside:
                click.echo(f"  {item['what']}: {item['path']}")
        else:
            click.echo("every path is inside the review folder")
        return
    for step in result.steps:
        note = " [skipped: unchanged]" if step["status"] == "skipped" else ""
        click.echo(f"{step['step']}: {step['summary']}{note}")
    held = sum(1 for path in result.outputs.iterdir() if path.is_file())
    # What the folder holds and what this run wrote: a run that skipped every step
    # writes only run.json, which "(1 files)" used to make look like a lost folder.
    click.echo(f"outputs: {result.outputs} ({held} files, {len(result.files)} written by this run)")


def _early_server(review: Any, force: bool) -> Any:
    """The run's drawing process, forked before the review is checked when every step
    will run (``--force``, or the first step has no saved result), else None.

    The declared steps' providers are looked up, not planned: planning validates their
    options (importing jsonschema), which is what the head start is for. A file the
    checks will refuse gets no drawing process or one that is closed unused."""
    from evidencekit.core import pipeline_state as state
    from evidencekit.core.deferred import early_server
    from evidencekit.core.pipeline import KIND
    from evidencekit.core.pipeline_paths import outputs_dir

    try:
        names = [entry["step"] for entry in review.config.get("steps") or []]
        if not names:
            return None
        preloads: list[str] = []
        for name in names:
            provider = review.registry.info(KIND, name).provider
            preloads += [m for m in getattr(provider, "preloads", ()) if m not in preloads]
        first_runs = force or state.load_saved(outputs_dir(review), names[0]) is None
    except Exception:  # reported by the checks that follow, with its line
        return None
    return early_server(preloads, first_runs)


def _close(early: list[Any]) -> None:
    for item in early:
        if item is not None:
            item.server.close(wait=False)
