"""``evidencekit instruments``: list, show, validate and create instruments."""

from __future__ import annotations

import click

from evidencekit.core.cli.options import (
    emit_table,
    json_option,
    load_review,
    output_option,
    print_json,
    review_option,
)

KINDS = ["checklist", "framework", "measure", "form", "crosswalk"]


@click.group()
def instruments() -> None:
    """List, show, validate and create YAML instruments."""


@instruments.command("list")
@review_option
@click.option("--kind", type=click.Choice(KINDS), help="Only instruments of this kind.")
@json_option
@output_option
def list_(review_dir: str, kind: str | None, as_json: bool, output: str | None) -> None:
    """List instruments: id, version, kind, title and origin."""
    review = load_review(review_dir)
    catalog = review.catalog
    entries = catalog.entries(kind)
    for problem in catalog.problems:
        click.echo(f"warning: {problem}", err=True)
    if as_json:
        print_json(
            {
                "instruments": [
                    {
                        "id": e.id,
                        "version": e.version,
                        "kind": e.kind,
                        "title": e.title,
                        "origin": e.origin,
                        "path": e.path,
                    }
                    for e in entries
                ]
            },
            output,
        )
        return
    from rich.table import Table

    table = Table()
    for column in ("id", "version", "kind", "title", "origin"):
        table.add_column(column)
    for e in entries:
        table.add_row(e.id, e.version, e.kind, e.title, e.origin)
    emit_table(table, output)


@instruments.command()
@click.argument("ref", metavar="ID[@VERSION]")
@review_option
@json_option
@output_option
def show(ref: str, review_dir: str, as_json: bool, output: str | None) -> None:
    """Show an instrument as loaded (the newest version unless @VERSION is given)."""
    catalog = load_review(review_dir).catalog
    for problem in catalog.problems:  # a broken override would otherwise go unnoticed
        click.echo(f"warning: {problem}", err=True)
    entry = catalog.entry(ref)
    data = entry.instrument.to_dict()
    if as_json:
        print_json(data, output)
        return
    import yaml

    from evidencekit.core.io import emit

    header = f"# {entry.id}@{entry.version} ({entry.kind}) from {entry.origin}: {entry.path}\n"
    emit(header + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100), output)


@instruments.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=str))
def validate(paths: tuple[str, ...]) -> None:
    """Validate instrument (or review) files and folders; exit 1 on any error.

    With no PATH, validates every instrument shipped with evidencekit.
    """
    from evidencekit.core.instruments.catalog import validate_paths

    if not paths:
        from importlib.resources import as_file, files

        with as_file(files("evidencekit.instruments")) as folder:
            count, problems = validate_paths([folder])
    else:
        # A review.yaml is checked as `run --dry-run` checks it (schema, pins, the files and
        # providers it names, the plan), relative to its own folder; the rest as instruments.
        from pathlib import Path

        reviews = [p for p in paths if Path(p).name == "review.yaml" and Path(p).is_file()]
        count, problems = (
            validate_paths([p for p in paths if p not in reviews])
            if len(reviews) < len(paths)
            else (0, [])
        )
        if reviews:
            from evidencekit.core.review_check import review_problems

            for review in reviews:
                problems += review_problems(Path(review).parent)
            count += len(reviews)
    for line in problems:
        click.echo(f"error: {line}", err=True)
    if problems:
        click.echo(f"{len(problems)} error(s) in {count} file(s)", err=True)
        raise SystemExit(1)
    click.echo(f"{count} file(s) valid")


@instruments.command()
@click.argument("kind", type=click.Choice(KINDS))
@click.argument("instrument_id", metavar="ID")
@output_option
@click.option("--force", is_flag=True, help="Overwrite FILE if it exists.")
def new(kind: str, instrument_id: str, output: str | None, force: bool) -> None:
    """Write a skeleton instrument of KIND that validates, to start editing from.

    Writes ID.yaml in the current folder unless -o FILE is given (use -o - for
    standard output).
    """
    from pathlib import Path

    from evidencekit.core.errors import InstrumentError
    from evidencekit.core.instruments.skeletons import skeleton
    from evidencekit.core.io import emit

    text = skeleton(kind, instrument_id)
    target = output or f"{instrument_id}.yaml"
    if target != "-" and Path(target).exists() and not force:
        raise InstrumentError(f"{target} exists; pass --force to overwrite it or -o another file")
    emit(text, target)
    if target != "-":
        click.echo(f"wrote {target}", err=True)
