"""``evidencekit run``: run the steps declared in review.yaml."""

from __future__ import annotations

import click

from evidencekit.core.cli.options import json_option, load_review, print_json, review_option


@click.command()
@review_option
@click.option("--only", "only", multiple=True,
              help="Run only this step (repeatable), e.g. --only measure.")
@json_option
def run(review_dir: str, only: tuple[str, ...], as_json: bool) -> None:
    """Run the pipeline declared under 'steps:' in review.yaml.

    Every step is checked before any runs; outputs go to the review's outputs
    folder only when every step has succeeded.
    """
    from evidencekit.core.pipeline import run_pipeline

    review = load_review(review_dir)
    if not review.file.is_file():
        from evidencekit.core.errors import PipelineError

        raise PipelineError(f"{review.root} is not a review folder: it has no review.yaml; "
                            "pass --review DIR, or start a review with `evidencekit init DIR`")

    def announce(text: str) -> None:
        click.echo(text, err=True)

    result = run_pipeline(review, only=list(only) or None, announce=announce)
    if as_json:
        print_json(result.to_dict())
        return
    for step in result.steps:
        click.echo(f"{step['step']}: {step['summary']}")
    click.echo(f"outputs: {result.outputs} ({len(result.files)} files)")
