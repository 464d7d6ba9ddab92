"""``evidencekit prisma``: the PRISMA 2020 flow diagram, computed from the store."""

from __future__ import annotations

import click

from evidencekit.core.cli.options import json_option, load_review, print_json, review_option


@click.command("prisma")
@review_option
@click.option(
    "-o",
    "--out-dir",
    type=click.Path(file_okay=False, path_type=str),
    default=None,
    help="Folder to write prisma.svg, prisma.png, prisma.pdf, prisma.csv and "
    "prisma.json into (created if needed); default REVIEW/outputs/prisma.",
)
@click.option(
    "--format",
    "formats",
    multiple=True,
    type=click.Choice(["svg", "png", "pdf"]),
    help="Diagram format(s), repeatable; default all three.",
)
@click.option(
    "--dpi", type=click.IntRange(72, 600), default=None, help="Resolution of the PNG (default 200)."
)
@click.option(
    "--reporter",
    default="prisma-diagram",
    show_default=True,
    help="Reporter plugin that draws the diagram.",
)
@click.option("--strict", is_flag=True, help="Exit with status 1 when the counts do not add up.")
@json_option
def prisma(
    review_dir: str,
    out_dir: str | None,
    formats: tuple[str, ...],
    dpi: int | None,
    reporter: str,
    strict: bool,
    as_json: bool,
) -> None:
    """Draw the PRISMA 2020 flow diagram from the store (records per source, duplicates,
    screening decisions) and write the PRISMA2020 R package's CSV.

    Every count comes from the store. Where the counts do not add up (screening not
    finished, reviewers disagreeing, records imported after de-duplication), each
    problem is explained on standard error; the diagram shows the counts as they are.
    --json prints the CSV fields with their counts, and the problems.
    """
    from pathlib import Path

    from evidencekit.core.prisma import write_prisma

    review = load_review(review_dir)
    target = Path(out_dir) if out_dir else Path(review_dir) / "outputs" / "prisma"
    result = write_prisma(review, target, formats=formats or None, dpi=dpi, reporter=reporter)
    counts = result.counts
    if as_json:
        print_json({**result.fields_json(), "files": [str(p) for p in result.files]})
    else:
        click.echo(_summary(counts))
        for path in result.files:
            click.echo(f"wrote {path}")
    for problem in counts.problems:
        click.echo(f"warning: {problem}", err=True)
    if strict and counts.problems:
        raise click.exceptions.Exit(1)


def _summary(counts: object) -> str:
    from evidencekit.core.prisma import PrismaCounts

    assert isinstance(counts, PrismaCounts)
    c = counts
    lines = [
        f"identified: {c.database_results} from databases, {c.register_results} from "
        f"registers, {c.identified_other} by other methods",
        f"removed before screening: {c.duplicates} duplicates, {c.excluded_automatic} by "
        f"automation tools, {c.excluded_other} for other reasons",
        f"screened: {c.records_screened}, excluded: {c.records_excluded}",
    ]
    for label, flow in (("databases and registers", c.dbr), ("other methods", c.other)):
        if label == "other methods" and not c.other_methods_used:
            continue
        lines.append(
            f"reports ({label}): sought {flow.sought}, not retrieved "
            f"{flow.not_retrieved}, assessed {flow.assessed}, excluded "
            f"{flow.excluded_total}, included {flow.included}"
        )
    lines.append(f"included: {c.new_studies} studies, {c.new_reports} reports")
    lines += [f"note: {note}" for note in c.notes]
    return "\n".join(lines)
