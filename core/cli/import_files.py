"""``evidencekit import``: export files into the review's store, all or nothing.

A thin wrapper over :mod:`evidencekit.core.records`: parse the options, call the library,
print. Progress goes to standard error (only on a terminal).
"""

from __future__ import annotations

from typing import Any

import click

from evidencekit.core.cli.options import (
    json_option,
    load_review,
    output_option,
    print_json,
    review_option,
)
from evidencekit.core.cli.terminal import parse_key_values, progress_bar, warn
from evidencekit.core.model import SOURCE_KINDS


def _say_if_new_store(review: Any) -> None:
    """Scripts import into fresh folders, so that still works; but a person who typed the
    wrong folder should know a new store is being started there."""
    from evidencekit.core.store import sqlite_file

    if review.file.exists():
        return
    store = sqlite_file(review)
    if store is not None and not store.exists():
        click.echo(
            f"note: {review.root} has no review.yaml and no store; starting a new review "
            f"store there ({store.name}); `evidencekit init DIR` starts a full review",
            err=True,
        )


@click.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=str))
@click.option("--source", required=True, help='Where the file came from, e.g. "MEDLINE (Ovid)".')
@click.option(
    "--kind",
    type=click.Choice(SOURCE_KINDS),
    default="database",
    show_default=True,
    help="What kind of source it is.",
)
@click.option(
    "--format",
    "fmt",
    default=None,
    help="Importer name (see `evidencekit plugins`); default: detected from content.",
)
@click.option("--date-searched", default=None, help="When the search ran (YYYY-MM-DD).")
@click.option(
    "--option",
    "raw_options",
    multiple=True,
    metavar="KEY=VALUE",
    help="An importer option, e.g. impossible_year=warn or missing_title=error "
    "(repeatable; VALUE is read as YAML).",
)
@click.option(
    "--replace",
    is_flag=True,
    help="Read a file imported before again (e.g. with another --format or "
    "--option): its earlier records are replaced; run dedupe again after.",
)
@review_option
@json_option
@output_option
def import_command(
    files: tuple[str, ...],
    source: str,
    kind: str,
    fmt: str | None,
    date_searched: str | None,
    raw_options: tuple[str, ...],
    replace: bool,
    review_dir: str,
    as_json: bool,
    output: str | None,
) -> None:
    """Import database export FILE(s) from one source into the review's store.

    The format is detected from the content unless --format is given. All the
    files are imported in one transaction: if one fails, nothing is stored.
    Re-importing a file adds nothing (record ids come from the file's content).
    """
    from evidencekit.core.records import import_files

    review = load_review(review_dir)
    _say_if_new_store(review)
    options = parse_key_values(raw_options, "--option")
    with progress_bar() as progress:
        report = import_files(
            review,
            files,
            source=source,
            kind=kind,
            format=fmt,
            date_searched=date_searched,
            options=options,
            progress=progress,
            replace=replace,
        )
    for message in report.warnings:
        warn(message)
    for f in report.files:
        if f.already_present and f.earlier_sources and f.earlier_sources != [f.source]:
            warn(
                f"{f.file} was imported before as source {', '.join(f.earlier_sources)}; "
                "its records keep that source"
            )
    if as_json:
        print_json(report.to_dict(), output)
        return
    from evidencekit.core.io import emit

    lines = []
    for f in report.files:
        enc = f" ({f.encoding})" if f.encoding else ""
        lines.append(
            f"{f.file}: {f.records} records as {f.format}{enc}: {f.new} new, "
            f"{f.already_present} already present"
        )
    lines.append(
        f"{report.new} new records, {report.already_present} already present (source {source!r})"
    )
    emit("\n".join(lines), output)
