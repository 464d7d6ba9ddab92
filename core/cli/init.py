"""``evidencekit init``: start a review folder from a template."""

from __future__ import annotations

import click

from evidencekit.core.cli.options import json_option, print_json


@click.command()
@click.argument("directory", default=".", type=click.Path(file_okay=False, path_type=str))
@click.option(
    "--template",
    type=click.Choice(["peer-support", "blank"]),
    default="peer-support",
    show_default=True,
    help="peer-support: the worked example with its instruments in the review's own "
    "instruments/ to adapt; blank: a minimal commented review.yaml.",
)
@json_option
def init(directory: str, template: str, as_json: bool) -> None:
    """Write a new review into DIRECTORY (default: the current folder) that runs as it is.

    Nothing is overwritten: a folder that already holds a review.yaml or a store is
    refused. Then: evidencekit run --review DIRECTORY.
    """
    from evidencekit.core.init_review import init_review

    written = init_review(directory, template)
    if as_json:
        print_json({"review": directory, "template": template, "files": [str(p) for p in written]})
        return
    click.echo(f"{directory}: new review from template {template!r} ({len(written)} files)")
    click.echo(
        f"next: edit {directory}/review.yaml, then "
        f"`evidencekit run --review {directory} --dry-run` and `evidencekit run "
        f"--review {directory}`"
    )
