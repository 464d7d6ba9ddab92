"""``evidencekit dedupe`` and ``evidencekit dedupe review``.

Thin wrappers over :mod:`evidencekit.core.deduplication`.
"""

from __future__ import annotations

import click

from evidencekit.core.cli.options import (
    json_option,
    load_review,
    output_option,
    print_json,
    raw_option,
)
from evidencekit.core.cli.records import cells, print_table, progress_bar, warn


def _review_dir(ctx: click.Context, value: str | None) -> str:
    # `dedupe --review D review` and `dedupe review --review D` both work.
    if value is not None:
        return value
    parent = (ctx.parent.params if ctx.parent else {}).get("review_dir")
    return parent or "."


@click.group(invoke_without_command=True)
@click.option(
    "--method", default=None, help="Deduplicator (default: review.yaml dedupe.method, else fuzzy)."
)
@click.option(
    "--review",
    "review_dir",
    type=click.Path(file_okay=False, path_type=str),
    default=".",
    show_default=True,
    help="Review folder to act on.",
)
@json_option
@output_option
@click.pass_context
def dedupe(
    ctx: click.Context, method: str | None, review_dir: str, as_json: bool, output: str | None
) -> None:
    """Find duplicate records and cluster them (duplicates are linked, never deleted).

    Options come from review.yaml (dedupe: {method: NAME, options: {...}}).
    Decisions made with `dedupe review` are respected on every run. Run again
    after each import: the result is the same for the same records and decisions.
    """
    if ctx.invoked_subcommand is not None:
        return
    from evidencekit.core.deduplication import run_dedupe

    review = load_review(review_dir)
    with progress_bar() as progress:
        summary = run_dedupe(review, method, progress=progress)
    for conflict in summary.conflicts:
        warn(conflict)
    for move in summary.screening_moved:
        if not move["kept"]:
            warn(
                f"screening: {move['reviewer']}'s {move['decision']} on {move['record_id']} at "
                f"{move['stage']} is dropped: {move['note']}"
            )
    if as_json:
        print_json(summary.to_dict(), output)
        return
    from evidencekit.core.io import emit

    lines = [
        f"{summary.records} records, {summary.unique} unique after de-duplication, "
        f"{summary.duplicates_removed} duplicates removed ({summary.method})",
        f"{summary.clusters} clusters of duplicates, {summary.links} links, "
        f"{summary.uncertain} uncertain pairs to review"
        + (" (evidencekit dedupe review)" if summary.uncertain else ""),
    ]
    if summary.screening_moved:
        kept = sum(1 for m in summary.screening_moved if m["kept"])
        lines.append(
            f"screening decisions carried to their cluster's primary record: {kept} "
            f"moved, {len(summary.screening_moved) - kept} replaced by a later "
            "decision of the same reviewer"
        )
    if any(summary.decisions.values()):
        lines.append(
            f"decisions respected: {summary.decisions['same']} same, "
            f"{summary.decisions['different']} different"
        )
    lines.extend(
        f"  {row['source']}: {row['records']} records, {row['kept']} kept, "
        f"{row['duplicates_removed']} duplicates removed"
        for row in summary.by_source
    )
    emit("\n".join(lines), output)


@dedupe.command("review")
@click.option(
    "--csv",
    "as_csv",
    is_flag=True,
    help="Write the pairs as CSV (fill in the 'decision' column, then --import it).",
)
@click.option(
    "--decide",
    nargs=2,
    metavar="PAIR DECISION",
    default=None,
    help="Decide one pair: PAIR (a pair id, or RECORD_A,RECORD_B) same|different.",
)
@click.option(
    "--import",
    "import_file",
    type=click.Path(dir_okay=False, path_type=str),
    default=None,
    help="Read decisions from a review CSV's 'decision' column.",
)
@click.option(
    "--all",
    "include_decided",
    is_flag=True,
    help="Also list pairs already decided, with their decision.",
)
@click.option("--who", default=None, help="Who decides (default: your user name).")
@click.option("--note", default="", help="A note kept with a --decide decision.")
@raw_option
@click.option(
    "--review",
    "review_dir",
    type=click.Path(file_okay=False, path_type=str),
    default=None,
    help="Review folder to act on.  [default: .]",
)
@json_option
@output_option
@click.pass_context
def review_command(
    ctx: click.Context,
    as_csv: bool,
    decide: tuple[str, str] | None,
    import_file: str | None,
    include_decided: bool,
    who: str | None,
    note: str,
    raw: bool,
    review_dir: str | None,
    as_json: bool,
    output: str | None,
) -> None:
    """List uncertain pairs and record decisions on them (same / different).

    Decisions are kept and respected by every later `evidencekit dedupe` run;
    run it again to apply them.
    """
    from evidencekit.core import deduplication as dd
    from evidencekit.core.io import emit

    review = load_review(_review_dir(ctx, review_dir))
    if decide is not None and import_file is not None:
        raise click.UsageError("give --decide or --import, not both")
    if decide is not None:
        result = dd.decide(review, decide[0], decide[1], who=who, note=note)
        if as_json:
            print_json(result, output)
        else:
            emit(
                f"{result['pair_id']}: {result['a']} and {result['b']} decided "
                f"{result['decision']} by {result['who']}; run `evidencekit dedupe` to apply",
                output,
            )
        return
    if import_file is not None:
        counts = dd.import_decisions(review, import_file, who=who)
        if as_json:
            print_json(counts, output)
        else:
            emit(
                f"{counts['decisions']} decisions recorded ({counts['same']} same, "
                f"{counts['different']} different), {counts['skipped']} rows without a "
                "decision skipped; run `evidencekit dedupe` to apply",
                output,
            )
        return
    pairs = dd.review_pairs(review, include_decided=include_decided)
    if as_csv:
        emit(dd.review_csv(pairs, raw=raw), output)
        return
    if as_json:
        print_json({"count": len(pairs), "pairs": pairs}, output)
        return
    from rich.table import Table

    table = Table(title=f"{len(pairs)} pairs to review")
    for column in (
        "pair_id",
        "score",
        "year a / b",
        "record a / b",
        "title a / b",
        "reason",
        "decision",
    ):
        table.add_column(column, overflow="fold")
    for p in pairs:
        score = "" if p["score"] is None else f"{p['score']:.3f}"
        table.add_row(
            *cells(
                p["pair_id"],
                score,
                f"{p['year_a']}\n{p['year_b']}",
                f"{p['record_a']}\n{p['record_b']}",
                f"{p['title_a']}\n{p['title_b']}",
                p["reason"],
                p["decision"],
            )
        )
    print_table(table, output)
