"""``evidencekit run``: run the steps declared in review.yaml."""

from __future__ import annotations

import click

from evidencekit.core.cli.options import json_option, load_review, print_json, review_option


@click.command()
@review_option
@click.option("--only", "only", multiple=True,
              help="Run only this step (repeatable), e.g. --only measure.")
@click.option("--dry-run", is_flag=True,
              help="Check and print the plan (steps, options, outputs folder, and every path "
                   "outside the review folder) without running anything.")
@json_option
def run(review_dir: str, only: tuple[str, ...], dry_run: bool, as_json: bool) -> None:
    """Run the pipeline declared under 'steps:' in review.yaml.

    Every step is checked before any runs; outputs go to the review's outputs
    folder only when every step has succeeded. Files in the outputs folder that
    this run did not write (a step no longer declared) are moved aside into
    outputs/.stale/TIME/ and listed in run.json.
    """
    from evidencekit.core.pipeline import run_pipeline

    review = load_review(review_dir)
    if dry_run:
        from evidencekit.core.pipeline_paths import dry_run as plan_only
        from evidencekit.core.pipeline_paths import render_dry_run

        checked = plan_only(review, list(only) or None)
        if as_json:
            print_json(checked)
        else:
            click.echo(render_dry_run(checked))
        return

    def announce(text: str) -> None:
        click.echo(text, err=True)

    result = run_pipeline(review, only=list(only) or None, announce=announce)
    if as_json:
        print_json(result.to_dict())
        return
    for step in result.steps:
        click.echo(f"{step['step']}: {step['summary']}")
    click.echo(f"outputs: {result.outputs} ({len(result.files)} files)")
